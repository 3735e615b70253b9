"""Plugins of each kind defined outside the package, registered by the tests
at run time (in the client process only: the workers learn them from the
estimators they receive)."""

import numpy as np

from sklearn_mathdl.kernel_ridge.kernels import RBF
from sklearn_mathdl.neural_network.activations import ElementwiseActivation
from sklearn_mathdl.neural_network.regression_losses import SquaredError
from sklearn_mathdl.sentiment.tokenizers import Tokenizer


class Softsign(ElementwiseActivation):
    r""":math:`z / (1 + |z|)`."""

    def forward(self, z):
        return z / (1 + np.abs(z))

    def derivative(self, z):
        return 1 / (1 + np.abs(z)) ** 2


class WideRBF(RBF):
    """The Gaussian kernel with a quarter of the given ``gamma`` (default 1)."""

    def __init__(self, gamma=1.0):
        self.gamma = gamma

    def __call__(self, X, Y=None):
        return RBF(self.gamma / 4)(X, Y)


class HalfSquaredError(SquaredError):
    """Half the squared error (the same minimiser, half the gradient)."""

    def per_sample(self, y, o):
        value, grad = super().per_sample(y, o)
        return value / 2, grad / 2


class LowerTokenizer(Tokenizer):
    """Lower-cased whitespace-separated chunks."""

    whitespace_separable = True

    def __call__(self, text):
        return text.lower().split()
