r"""Kernel plugins: positive-definite functions :math:`\kappa(x, y)` by name.

Each kernel is a small :class:`~sklearn_mathdl.plugins._base.Plugin` with

- ``__call__(X, Y=None)`` and ``diag(X)``, documented in :class:`Kernel`;
- ``indefinite``: ``True`` for kernels that are not positive semi-definite
  (sigmoid), which :func:`sklearn_mathdl.utils.check_kernel` then does not test
  for definiteness;
- ``accepts_sparse``: ``True`` for kernels that take ``scipy.sparse`` rows (CSR)
  and give the same dense matrix as for the dense rows (all but periodic, whose
  features :math:`\cos(2\pi x_k/p)` of a sparse row are dense), which
  :func:`~sklearn_mathdl.utils.check_kernel` verifies.

Distance-based kernels use the BLAS expansion
:math:`\|x - y\|^2 = \|x\|^2 + \|y\|^2 - 2 x^\top y`: one matrix product, then
in-place updates of the same array, clipped at 0 (round-off can make the
expansion slightly negative) before the exponential.

Register a new kernel with :func:`sklearn_mathdl.plugins.register_kernel`; it
is then accepted by name by :class:`~sklearn_mathdl.RepresenterKernelRegressor`
and tested by the package's test-suite through ``check_kernel``.
"""

import numpy as np
from scipy import sparse
from scipy.spatial.distance import cdist
from sklearn.metrics.pairwise import manhattan_distances

from sklearn_mathdl.kernel_ridge._distances import (
    _array,
    _default_gamma,
    _dot,
    _int32_indices,
    _pair,
    _scalar,
    _squared_norms,
    row_by_row_diagonal,
    scaled_negative_distances,
    squared_distances,
)
from sklearn_mathdl.plugins import register_kernel
from sklearn_mathdl.plugins._base import Plugin


class Kernel(Plugin):
    r"""Base class of the kernel plugins: positive semi-definite unless stated.

    A subclass defines ``__call__``, and ``diag`` if it knows a faster diagonal
    than row by row; ``indefinite`` and ``accepts_sparse`` are as in the module.

    See Also
    --------
    sklearn_mathdl.utils.check_kernel : Check a kernel's contract.

    Examples
    --------
    >>> from sklearn_mathdl.plugins import get_kernel
    >>> get_kernel("rbf")([[0.0, 0.0], [1.0, 0.0]]).round(4).tolist()
    [[1.0, 0.6065], [0.6065, 1.0]]
    """

    indefinite = False
    accepts_sparse = False

    def __call__(self, X, Y=None):
        r"""Compute the kernel matrix :math:`[\kappa(x_i, y_j)]_{ij}`.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples_X, n_features)
            First set of points; sparse only if ``accepts_sparse`` is True.
        Y : {array-like, sparse matrix} of shape (n_samples_Y, n_features), default=None
            Second set of points; ``None`` means ``Y = X``.

        Returns
        -------
        K : ndarray of shape (n_samples_X, n_samples_Y)
            The kernel matrix, in the dtype of ``X``.
        """
        raise NotImplementedError

    def diag(self, X):
        r"""Compute :math:`[\kappa(x_i, x_i)]_i` without the matrix (here row by row).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The points :math:`x_i`.

        Returns
        -------
        diag : ndarray of shape (n_samples,)
            The values :math:`\kappa(x_i, x_i)`, equal to ``np.diag(self(X))``.
        """
        return row_by_row_diagonal(self, X)


class UnitDiagonalKernel(Kernel):
    r"""Base class of kernels with :math:`\kappa(x, x) = 1`.

    Their diagonal is computed without calling the kernel (rbf, matern, ...).

    See Also
    --------
    Kernel : Base class of the kernel plugins.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_mathdl.kernel_ridge.kernels import RBF
    >>> RBF(gamma=0.5).diag(np.array([[0.0, 1.0], [3.0, 4.0]])).tolist()
    [1.0, 1.0]
    """

    def diag(self, X):
        X = _array(X)
        return np.ones(X.shape[0], dtype=X.dtype)


@register_kernel("linear")
class Linear(Kernel):
    r"""Linear kernel :math:`\kappa(x, y) = x^\top y` (primal ridge regression).

    With it the predictor :math:`\sum_i \alpha_i x_i^\top x` is linear in :math:`x`.

    See Also
    --------
    sklearn.metrics.pairwise.linear_kernel : The same kernel in scikit-learn.

    Examples
    --------
    >>> from sklearn_mathdl.kernel_ridge.kernels import Linear
    >>> Linear()([[0.0, 1.0], [1.0, 1.0]]).round(4).tolist()
    [[1.0, 1.0], [1.0, 2.0]]
    """

    accepts_sparse = True

    def __call__(self, X, Y=None):
        X, Y = _pair(X, Y)
        return _dot(X, Y)

    def diag(self, X):
        return _squared_norms(X)


@register_kernel("polynomial", "poly")
class Polynomial(Kernel):
    r"""Polynomial kernel :math:`\kappa(x, y) = (\gamma x^\top y + c_0)^d`.

    ``gamma=None`` means :math:`1/p` for :math:`p` features (as scikit-learn).

    Parameters
    ----------
    gamma : float, default=None
        The scale :math:`\gamma > 0`; ``None`` means :math:`1/p` for :math:`p` features.
    degree : int, default=3
        The degree :math:`d`.
    coef0 : float, default=1
        The offset :math:`c_0`.

    See Also
    --------
    sklearn.metrics.pairwise.polynomial_kernel : The same in scikit-learn.

    Examples
    --------
    >>> from sklearn_mathdl.kernel_ridge.kernels import Polynomial
    >>> Polynomial(degree=2)([[0.0, 1.0], [1.0, 1.0]]).round(4).tolist()
    [[2.25, 2.25], [2.25, 4.0]]
    """

    accepts_sparse = True

    def __init__(self, gamma=None, degree=3, coef0=1):
        self.gamma = gamma
        self.degree = degree
        self.coef0 = coef0

    def _apply(self, K, X):
        K *= _scalar(_default_gamma(self.gamma, X), K.dtype)
        K += _scalar(self.coef0, K.dtype)
        return np.power(K, self.degree, out=K)

    def __call__(self, X, Y=None):
        X, Y = _pair(X, Y)
        return self._apply(_dot(X, Y), X)

    def diag(self, X):
        return self._apply(_squared_norms(X), X)


@register_kernel("rbf", "gaussian")
class RBF(UnitDiagonalKernel):
    r"""Gaussian kernel :math:`\kappa(x, y) = \exp(-\gamma \|x - y\|^2)`.

    ``gamma=None`` means :math:`1/p` for :math:`p` features (as scikit-learn).

    Parameters
    ----------
    gamma : float, default=None
        The scale :math:`\gamma > 0`; ``None`` means :math:`1/p` for :math:`p` features.

    See Also
    --------
    sklearn.metrics.pairwise.rbf_kernel : The same kernel in scikit-learn.

    Examples
    --------
    >>> from sklearn_mathdl.kernel_ridge.kernels import RBF
    >>> RBF(gamma=0.5)([[0.0, 1.0], [1.0, 1.0]]).round(4).tolist()
    [[1.0, 0.6065], [0.6065, 1.0]]
    """

    accepts_sparse = True

    def __init__(self, gamma=None):
        self.gamma = gamma

    def __call__(self, X, Y=None):
        X, Y = _pair(X, Y)
        K = scaled_negative_distances(X, Y, _default_gamma(self.gamma, X))
        return np.exp(K, out=K)


@register_kernel("laplacian")
class Laplacian(UnitDiagonalKernel):
    r"""Laplacian kernel :math:`\kappa(x, y) = \exp(-\gamma \|x - y\|_1)`.

    The :math:`\ell_1` distance has no matrix-product form; it is computed by
    ``scipy.spatial.distance.cdist`` (compiled loops).

    Parameters
    ----------
    gamma : float, default=None
        The scale :math:`\gamma > 0`; ``None`` means :math:`1/p` for :math:`p` features.

    See Also
    --------
    sklearn.metrics.pairwise.laplacian_kernel : The same in scikit-learn.

    Examples
    --------
    >>> from sklearn_mathdl.kernel_ridge.kernels import Laplacian
    >>> Laplacian(gamma=0.5)([[0.0, 1.0], [1.0, 1.0]]).round(4).tolist()
    [[1.0, 0.6065], [0.6065, 1.0]]
    """

    accepts_sparse = True

    def __init__(self, gamma=None):
        self.gamma = gamma

    def __call__(self, X, Y=None):
        X, Y = _pair(X, Y)
        if sparse.issparse(X) or sparse.issparse(Y):
            K = manhattan_distances(_int32_indices(X), _int32_indices(Y))
            K = K.astype(X.dtype, copy=False)
        else:
            K = cdist(X, Y, metric="cityblock").astype(X.dtype, copy=False)
        K *= -_scalar(_default_gamma(self.gamma, X), K.dtype)
        return np.exp(K, out=K)


@register_kernel("sigmoid")
class Sigmoid(Kernel):
    r"""Sigmoid kernel :math:`\kappa(x, y) = \tanh(\gamma x^\top y + c_0)`.

    Not positive semi-definite in general (``indefinite = True``): with it the
    exact solver may fall back to the eigen-decomposition.

    Parameters
    ----------
    gamma : float, default=None
        The scale :math:`\gamma > 0`; ``None`` means :math:`1/p` for :math:`p` features.
    coef0 : float, default=1
        The offset :math:`c_0`.

    See Also
    --------
    sklearn.metrics.pairwise.sigmoid_kernel : The same kernel in scikit-learn.

    Examples
    --------
    >>> from sklearn_mathdl.kernel_ridge.kernels import Sigmoid
    >>> Sigmoid(gamma=0.5)([[0.0, 1.0], [1.0, 1.0]]).round(4).tolist()
    [[0.9051, 0.9051], [0.9051, 0.964]]
    """

    indefinite = True
    accepts_sparse = True

    def __init__(self, gamma=None, coef0=1):
        self.gamma = gamma
        self.coef0 = coef0

    def _apply(self, K, X):
        K *= _scalar(_default_gamma(self.gamma, X), K.dtype)
        K += _scalar(self.coef0, K.dtype)
        return np.tanh(K, out=K)

    def __call__(self, X, Y=None):
        X, Y = _pair(X, Y)
        return self._apply(_dot(X, Y), X)

    def diag(self, X):
        return self._apply(_squared_norms(X), X)


@register_kernel("cosine")
class Cosine(Kernel):
    r"""Cosine similarity :math:`\kappa(x, y) = x^\top y / (\|x\| \|y\|)`.

    A zero row has similarity 0 with everything (as scikit-learn).

    See Also
    --------
    sklearn.metrics.pairwise.cosine_similarity : The same in scikit-learn.

    Examples
    --------
    >>> from sklearn_mathdl.kernel_ridge.kernels import Cosine
    >>> Cosine()([[0.0, 1.0], [1.0, 1.0]]).round(4).tolist()
    [[1.0, 0.7071], [0.7071, 1.0]]
    """

    accepts_sparse = True

    @staticmethod
    def _inverse_norms(X):
        norms = np.sqrt(_squared_norms(X))
        inv = np.zeros_like(norms)
        np.divide(1.0, norms, out=inv, where=norms > 0)
        return inv

    def __call__(self, X, Y=None):
        X, Y = _pair(X, Y)
        K = _dot(X, Y)
        K *= self._inverse_norms(X)[:, None]
        K *= self._inverse_norms(Y)[None, :]
        return K

    def diag(self, X):
        X = _array(X)
        return (self._inverse_norms(X) > 0).astype(X.dtype)


@register_kernel("matern")
class Matern(UnitDiagonalKernel):
    r"""Matérn kernel of smoothness :math:`\nu \in \{1/2, 3/2, 5/2\}`.

    With :math:`r = \|x - y\| / \ell`:

    .. math::

        \kappa_{1/2} = e^{-r},\quad
        \kappa_{3/2} = (1 + \sqrt3 r) e^{-\sqrt3 r},\quad
        \kappa_{5/2} = (1 + \sqrt5 r + \tfrac53 r^2) e^{-\sqrt5 r},

    equal to ``sklearn.gaussian_process.kernels.Matern(length_scale, nu)``.

    Parameters
    ----------
    nu : {0.5, 1.5, 2.5}, default=1.5
        The smoothness :math:`\nu`; other values raise a ValueError when called.
    length_scale : float, default=1.0
        The length scale :math:`\ell > 0`.

    See Also
    --------
    sklearn.gaussian_process.kernels.Matern : The same kernel, any :math:`\nu`.

    Examples
    --------
    >>> from sklearn_mathdl.kernel_ridge.kernels import Matern
    >>> Matern(nu=1.5)([[0.0, 1.0], [1.0, 1.0]]).round(4).tolist()
    [[1.0, 0.4834], [0.4834, 1.0]]
    """

    accepts_sparse = True

    def __init__(self, nu=1.5, length_scale=1.0):
        self.nu = nu
        self.length_scale = length_scale

    def __call__(self, X, Y=None):
        X, Y = _pair(X, Y)
        if self.nu not in (0.5, 1.5, 2.5):
            raise ValueError(
                f"Matern supports nu in (0.5, 1.5, 2.5), got nu={self.nu!r}. For "
                "other values pass sklearn.gaussian_process.kernels.Matern."
            )
        R = squared_distances(X, Y)
        np.sqrt(R, out=R)
        scale = {0.5: 1.0, 1.5: np.sqrt(3.0), 2.5: np.sqrt(5.0)}[self.nu]
        R *= _scalar(scale / self.length_scale, R.dtype)  # R = sqrt(2 nu) r
        E = np.exp(-R)
        if self.nu == 1.5:
            R += 1.0
            R *= E
            return R
        if self.nu == 2.5:
            poly = R * R
            poly *= _scalar(1.0 / 3.0, R.dtype)
            poly += R
            poly += 1.0
            poly *= E
            return poly
        return E


@register_kernel("periodic", "exp_sine_squared")
class Periodic(UnitDiagonalKernel):
    r"""Periodic kernel :math:`\prod_k \exp(-2 \sin^2(\pi (x_k - y_k)/p) / \ell^2)`.

    It is the Gaussian kernel applied to the features
    :math:`(\cos(2\pi x_k/p), \sin(2\pi x_k/p))_k` (MacKay 1998), since
    :math:`\|u(x) - u(y)\|^2 = 4 \sum_k \sin^2(\pi(x_k - y_k)/p)`; so it is
    positive semi-definite in any dimension and computed by one GEMM. In one
    dimension it equals scikit-learn's ``ExpSineSquared(length_scale,
    periodicity)``.

    Parameters
    ----------
    length_scale : float, default=1.0
        The length scale :math:`\ell > 0`.
    periodicity : float, default=1.0
        The period :math:`p > 0` of each coordinate.

    See Also
    --------
    sklearn.gaussian_process.kernels.ExpSineSquared : The same in one dimension.

    Examples
    --------
    >>> from sklearn_mathdl.kernel_ridge.kernels import Periodic
    >>> Periodic(periodicity=4.0)([[0.0, 1.0], [1.0, 1.0]]).round(4).tolist()
    [[1.0, 0.3679], [0.3679, 1.0]]
    """

    def __init__(self, length_scale=1.0, periodicity=1.0):
        self.length_scale = length_scale
        self.periodicity = periodicity

    def _features(self, X):
        angle = X * _scalar(2 * np.pi / self.periodicity, X.dtype)
        return np.hstack([np.cos(angle), np.sin(angle)])

    def __call__(self, X, Y=None):
        X, Y = _pair(X, Y)
        if sparse.issparse(X) or sparse.issparse(Y):
            raise TypeError(
                "The periodic kernel does not accept sparse input (its features "
                "cos(2 pi x / p) of a sparse row are dense); convert X to a dense "
                "array with X.toarray()."
            )
        U = self._features(X)
        V = U if Y is X else self._features(Y)
        K = scaled_negative_distances(U, V, 0.5 / self.length_scale**2)
        return np.exp(K, out=K)


__all__ = [
    "Kernel",
    "UnitDiagonalKernel",
    "Linear",
    "Polynomial",
    "RBF",
    "Laplacian",
    "Sigmoid",
    "Cosine",
    "Matern",
    "Periodic",
    "scaled_negative_distances",
    "squared_distances",
    "row_by_row_diagonal",
]
