"""sklearn_mathdl: the mathematics of deep learning as scikit-learn estimators.

The package is laid out by estimator family, as scikit-learn is:

- :mod:`sklearn_mathdl.neural_network`: the dense-network core, the MLPs, the
  shallow universal approximator and their plugins (activations, losses,
  optimizers, schedules, initializers);
- :mod:`sklearn_mathdl.kolmogorov_arnold`: Kolmogorov–Arnold networks
  (B-spline edge functions, grid extension, sparsity penalties, pruning);
- :mod:`sklearn_mathdl.kernel_ridge`: kernel ridge regression by the
  Representer Theorem, exact and by FALKON, and the kernel plugins;
- :mod:`sklearn_mathdl.sentiment`: least-squares word sentiment and the
  tokenizer plugins;
- :mod:`sklearn_mathdl.theory`: Barron's bound, Telgarsky's sawtooth, linear
  regions;
- :mod:`sklearn_mathdl.datasets`: the shipped movie snippets;
- :mod:`sklearn_mathdl.plugins`: the one registry mechanism shared by every
  kind of plugin, extended by third-party packages through entry points;
- :mod:`sklearn_mathdl.utils`: the public plugin checkers.

Importing the package imports every family, which registers the built-in
plugins.
"""

from sklearn_mathdl import datasets, plugins, theory  # noqa: F401
from sklearn_mathdl.kernel_ridge import RepresenterKernelRegressor
from sklearn_mathdl.kolmogorov_arnold import KolmogorovArnoldRegressor
from sklearn_mathdl.neural_network import (
    MLPClassifier,
    MLPRegressor,
    ShallowUniversalApproximator,
)
from sklearn_mathdl.sentiment import LeastSquaresSentiment

__version__ = "0.1.0"

__all__ = [
    "MLPClassifier",
    "MLPRegressor",
    "ShallowUniversalApproximator",
    "RepresenterKernelRegressor",
    "LeastSquaresSentiment",
    "KolmogorovArnoldRegressor",
    "__version__",
]
