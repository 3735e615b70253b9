r"""Telgarsky's sawtooth: depth buys exponentially many linear pieces.

The tent map :math:`m(x) = 2x` on :math:`[0, \tfrac12]`, :math:`2(1 - x)` on
:math:`[\tfrac12, 1]` is computed exactly by two ReLU units and one more ReLU,

.. math::

    f(x) = \operatorname{ReLU}\big(2\operatorname{ReLU}(x) - 4\operatorname{ReLU}(x - \tfrac12)\big),

which equals :math:`m` on :math:`[0, 1]` and 0 outside it. Composing ``k``
copies gives a network of depth :math:`2k` and :math:`3k` units computing
:math:`m^{(k)} = m \circ \dots \circ m`, a sawtooth with :math:`2^{k-1}` teeth,
:math:`2^k` linear pieces, :math:`m^{(k)}(i / 2^k) = i \bmod 2`. Thresholded
at :math:`\tfrac12` it classifies the :math:`2^k + 1` points :math:`x_i = i / 2^k`
with alternating labels without error, while a one-hidden-layer ReLU network
with :math:`n` units has at most :math:`n + 1` pieces, hence crosses
:math:`\tfrac12` at most :math:`n + 1` times and needs :math:`n \ge 2^k - 1`
units (Telgarsky 2016, Theorem 1.1 and Lemma 2.1).

References
----------
M. Telgarsky, "Benefits of depth in neural networks", COLT 2016
(arXiv:1602.04485).
"""

from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import check_is_fitted, validate_data

from sklearn_mathdl.neural_network import DenseNetwork
from sklearn_mathdl.plugins import get_activation
from sklearn_mathdl.utils._transaction import fit_transaction


class SawtoothNetwork(RegressorMixin, BaseEstimator):
    r"""The ReLU network of Telgarsky (2016) computing the k-fold tent map exactly.

    Layer sizes ``[1, 2, 1, 2, 1, ..., 2, 1]`` (``k`` blocks of two ReLU units
    and one ReLU unit), every weight fixed by the construction

    .. math::

        f(x) = \operatorname{ReLU}\big(2\operatorname{ReLU}(x) - 4\operatorname{ReLU}(x - \tfrac12)\big),
        \qquad m^{(k)} = f \circ \dots \circ f \ (k \text{ times}) .

    :meth:`fit` learns nothing: it builds the network (``network_``, the shared
    :class:`~sklearn_mathdl.neural_network.DenseNetwork` core) and records that
    the input has one feature, so the object is ready for :meth:`predict`.

    Parameters
    ----------
    k : int, default=3
        Number of compositions; the network has :math:`2^k` linear pieces on
        :math:`[0, 1]`.

    Attributes
    ----------
    network_ : DenseNetwork
        The network, float64, every activation ReLU.
    n_features_in_ : int
        Always 1.

    See Also
    --------
    telgarsky_sawtooth : Build and fit one in a call.
    sklearn_mathdl.theory.count_linear_regions : Count its pieces.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_mathdl.theory import telgarsky_sawtooth
    >>> net = telgarsky_sawtooth(2)
    >>> net.predict(np.array([[0.0], [0.125], [0.25], [0.5], [0.75], [1.0]]))
    array([0. , 0.5, 1. , 0. , 1. , 0. ])
    """

    _parameter_constraints: dict = {"k": [Interval(Integral, 1, None, closed="left")]}

    def __init__(self, k=3):
        self.k = k

    @fit_transaction
    def fit(self, X=None, y=None):
        """Build the network; ``X`` and ``y`` are ignored.

        Parameters
        ----------
        X : None
            Ignored: the weights are fixed by the construction.
        y : None
            Ignored.

        Returns
        -------
        self : SawtoothNetwork
            The fitted network.
        """
        self._validate_params()
        if self.k > 60:
            raise ValueError(
                f"k={self.k} gives 2**{self.k} pieces, finer than float64 can "
                "resolve on [0, 1]; use k <= 60."
            )
        relu = get_activation("relu")
        sizes = [1] + [2, 1] * self.k
        network = DenseNetwork(sizes, [relu] * (len(sizes) - 1), np.float64)
        for layer, (W, b) in enumerate(zip(network.coefs, network.intercepts)):
            if layer % 2 == 0:  # x -> (ReLU(x), ReLU(x - 1/2))
                W[...] = [[1.0, 1.0]]
                b[...] = [0.0, -0.5]
            else:  # (u, v) -> ReLU(2u - 4v)
                W[...] = [[2.0], [-4.0]]
                b[...] = [0.0]
        self.network_ = network
        self.n_features_in_ = 1
        return self

    def predict(self, X):
        """Compute :math:`m^{(k)}(x)` for each row of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, 1)
            Points, one feature.

        Returns
        -------
        y : ndarray of shape (n_samples,)
            The k-fold tent map at each point.
        """
        check_is_fitted(self, "network_")
        X = validate_data(self, X, reset=False, dtype=np.float64)
        return self.network_.forward(X)[:, 0]


def telgarsky_sawtooth(k):
    """Return a fitted :class:`SawtoothNetwork` computing :math:`m^{(k)}` exactly.

    The network has depth :math:`2k`, :math:`3k` ReLU units and :math:`2^k`
    linear pieces on [0, 1] (Telgarsky 2016).

    Parameters
    ----------
    k : int
        Number of compositions of the tent map (at least 1).

    Returns
    -------
    network : SawtoothNetwork
        Fitted, ready for ``predict``; :math:`2^k` linear pieces on [0, 1].

    See Also
    --------
    SawtoothNetwork : The estimator returned.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_mathdl.theory import count_linear_regions, telgarsky_sawtooth
    >>> net = telgarsky_sawtooth(5)
    >>> count_linear_regions(net, 0.0, 1.0)
    32
    >>> x = np.arange(2**5 + 1)[:, None] / 2**5
    >>> bool(np.all((net.predict(x) > 0.5) == (np.arange(2**5 + 1) % 2 == 1)))
    True
    """
    return SawtoothNetwork(k=k).fit()
