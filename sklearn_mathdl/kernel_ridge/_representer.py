"""RepresenterKernelRegressor: exact kernel ridge regression and FALKON."""

import copy
import functools
import inspect
import re
import warnings
from numbers import Integral, Real

import numpy as np
from scipy import sparse
from scipy.linalg import eigh
from sklearn.base import BaseEstimator, MultiOutputMixin, RegressorMixin, _fit_context
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import (
    _check_sample_weight,
    check_is_fitted,
    validate_data,
)

from sklearn_mathdl.kernel_ridge._cholesky import (
    DEFAULT_BLOCK,
    panel_bounds,
    panel_cholesky,
    panel_solve,
)
from sklearn_mathdl.kernel_ridge._loo import eigen_solution, loo_errors
from sklearn_mathdl.kernel_ridge._nystrom import (
    KernelColumns,
    auto_centers,
    block_rows,
    falkon,
    leverage_scores,
)
from sklearn_mathdl.kernel_ridge.kernels import Kernel
from sklearn_mathdl.plugins import (
    KERNELS,
    CarriedPluginsMixin,
    PluginConstraint,
    get_kernel,
)
from sklearn_mathdl.utils._threads import blas_threads_for
from sklearn_mathdl.utils._transaction import fit_transaction

# Size of the uniform sample estimating K_nm^T K_nm in the preconditioner, in
# multiples of the number of centres (FALKON's own estimate is 1).
SKETCH = 8
_UNITS = {"": 1, "B": 1, "KB": 2**10, "MB": 2**20, "GB": 2**30, "TB": 2**40}
# The estimator's own gamma/degree/coef0, routed to a named kernel that takes
# them (as scikit-learn), with their defaults: a value other than the default
# given to a kernel that does not take it raises instead of being ignored.
_ROUTED = {"gamma": None, "degree": 3, "coef0": 1}


def parse_memory(value):
    """Bytes from a number or a string such as ``"4GB"`` or ``"512 MB"``."""
    if isinstance(value, str):
        match = re.fullmatch(r"\s*([0-9.]+(?:[eE][0-9]+)?)\s*([KMGT]?B?)\s*", value)
        if match is None:
            raise ValueError(
                f"memory_limit={value!r} is not understood; give a number of bytes "
                "or a string such as '4GB' or '512MB'."
            )
        return float(match.group(1)) * _UNITS[match.group(2).upper()]
    return float(value)


class _CallableKernel:
    """A vectorised callable ``k(X, Y, **kernel_params) -> matrix``.

    It receives sparse rows only if it declares ``func.accepts_sparse = True``.
    """

    indefinite = False

    def __init__(self, func, params):
        self.func = func
        self.params = params
        self.accepts_sparse = bool(getattr(func, "accepts_sparse", False))

    def __call__(self, X, Y=None):
        return self.func(X, X if Y is None else Y, **self.params)

    def diag(self, X):
        return np.array(
            [np.asarray(self(X[i : i + 1]))[0, 0] for i in range(X.shape[0])]
        )


def _resolve_kernel(kernel, gamma, degree, coef0, kernel_params):
    """The kernel object used by ``fit``: ``(kernel, trusted)``.

    ``trusted`` is true for the package's own kernels, whose blocks need no
    shape/finiteness/symmetry check.
    """
    params = dict(kernel_params or {})
    given = _non_default(gamma=gamma, degree=degree, coef0=coef0)
    if isinstance(kernel, str):
        base = get_kernel(kernel)
        accepted = set(_init_parameters(type(base))) - {"self"}
        _refuse_unused(given, accepted, f"kernel={kernel!r}")
        routed = {
            name: value
            for name, value in zip(_ROUTED, (gamma, degree, coef0))
            if name in accepted and value is not None
        }
        unknown = set(params) - accepted
        if unknown:
            raise ValueError(
                f"kernel_params {sorted(unknown)} are not parameters of kernel "
                f"{kernel!r}, whose parameters are {sorted(accepted)}."
            )
        if routed or params:
            current = base._params() if hasattr(base, "_params") else {}
            base = type(base)(**{**current, **routed, **params})
        return base, _builtin(base)
    _refuse_unused(given, set(), "a kernel object or callable")
    if _builtin(kernel) and not params:
        # The package's own kernels hold scalars: a shallow copy is a copy.
        return copy.copy(kernel), True
    if callable(getattr(kernel, "diag", None)):
        if params:
            raise ValueError(
                "kernel_params are passed to a callable kernel function; a kernel "
                "object is configured by its own parameters."
            )
        return get_kernel(kernel), _builtin(kernel)
    return _CallableKernel(kernel, params), False


def _non_default(**values):
    """The routed parameters set to something other than their default."""
    return {
        name: value
        for name, value in values.items()
        if not (
            value is _ROUTED[name]
            or (
                _ROUTED[name] is not None
                and value is not None
                and value == _ROUTED[name]
            )
        )
    }


def _refuse_unused(given, accepted, label):
    """Raise when a parameter is set that the kernel would silently ignore."""
    unused = sorted(set(given) - accepted)
    if not unused:
        return
    settings = ", ".join(f"{name}={given[name]!r}" for name in unused)
    defaults = ", ".join(f"{name}={_ROUTED[name]!r}" for name in unused)
    if label.startswith("kernel="):
        where = (
            f"whose parameters are {sorted(accepted)} (set them with kernel_params)"
            if accepted
            else "which takes no parameters"
        )
    else:
        where = (
            "which is configured by its own parameters (e.g. RBF(gamma=0.5), "
            "or kernel__gamma in a search) or, for a function, by kernel_params"
        )
    raise ValueError(
        f"{settings} would be ignored by {label}, {where}. Leave {defaults} "
        "(the default) or choose a kernel that uses it."
    )


@functools.cache
def _init_parameters(cls):
    """The constructor's parameter names of a kernel class (cached)."""
    return inspect.signature(cls.__init__).parameters


def _builtin(kernel):
    """One of the package's own kernels (not a user's subclass of them)."""
    return isinstance(kernel, Kernel) and type(kernel).__module__ == Kernel.__module__


def _checked_block(kern, trusted, A, B):
    """``kern(A, B)``, verified when the kernel is not one of the package's."""
    K = kern(A, B)
    if trusted:
        return K
    K = K.toarray() if sparse.issparse(K) else np.asarray(K)
    label = getattr(kern, "func", kern)  # a plain function, not its wrapper
    expected = (A.shape[0], B.shape[0])
    if K.shape != expected or K.dtype.kind not in "biuf":
        raise ValueError(
            f"The kernel {label!r} returned an array of shape {K.shape} and dtype "
            f"{K.dtype} for inputs of {A.shape[0]} and {B.shape[0]} samples; "
            f"expected real numbers of shape {expected}. A kernel must be "
            "vectorised: k(X, Y) -> matrix."
        )
    if not np.all(np.isfinite(K)):
        raise ValueError(
            f"The kernel {label!r} returned non-finite values (NaN or inf). Check "
            "the kernel function and its parameters."
        )
    if K.dtype != A.dtype:
        K = K.astype(A.dtype)
    return K


def _accepts_sparse(kernel):
    """Whether a kernel parameter (name, object or function) takes sparse rows."""
    if isinstance(kernel, str):
        kernel = KERNELS.lookup(kernel)
    return bool(getattr(kernel, "accepts_sparse", False))


def _refuse_sparse(kernel):
    """The error for sparse X with a kernel that does not accept it."""
    takes = [name for name in KERNELS.available() if _accepts_sparse(name)]
    label = repr(kernel) if isinstance(kernel, str) else type(kernel).__name__
    return TypeError(
        f"Sparse data was passed for X, but kernel {label} does not accept "
        "sparse input. Convert X to a dense array (X.toarray()), or use a "
        f"kernel that accepts it: {', '.join(takes)} (a kernel of your own "
        "declares accepts_sparse = True)."
    )


# Rows and columns of the sampled block on which a kernel's symmetry is checked.
SYMMETRY_SAMPLE = 64
_SQRT_EPS = {
    np.dtype(t): float(np.sqrt(np.finfo(t).eps)) for t in (np.float32, np.float64)
}


def _check_symmetric(K, what):
    r"""Raise unless the square block ``K`` is symmetric, on a sampled sub-block.

    ``K`` is a block :math:`[\kappa(x_i, x_j)]_{i, j \in S}` the fit has
    computed anyway (a diagonal tile, the centres' kernel); every
    :math:`\lceil w/64 \rceil`-th row and column (a strided view, at most
    about :math:`64 \times 64`) is compared with its transpose: a few
    microseconds, under 1% of the smallest fit's cost. The tolerance is
    :math:`\sqrt{\varepsilon}` of the dtype times the block's largest entry
    (rounding of a symmetric kernel stays far below).
    """
    step = -(-K.shape[0] // SYMMETRY_SAMPLE)
    sub = K[::step, ::step]
    err = float((sub - sub.T).max())  # antisymmetric: its max is its max |.|
    if err == 0.0:
        return
    scale = float(np.abs(sub).max())
    if err > _SQRT_EPS[K.dtype] * scale:
        raise ValueError(
            f"{what} is not symmetric: k(x_i, x_j) and k(x_j, x_i) differ by up "
            f"to {err:.3g} (largest entry {scale:.3g}) on a sample of the "
            "training points. Kernel ridge regression needs a symmetric, "
            "positive semi-definite kernel; sklearn_mathdl.utils.check_kernel "
            "tests one."
        )


class RepresenterKernelRegressor(
    CarriedPluginsMixin, MultiOutputMixin, RegressorMixin, BaseEstimator
):
    r"""Kernel ridge regression by the Representer Theorem: exact or FALKON.

    Minimises, over a reproducing kernel Hilbert space :math:`H` and an
    optional unpenalised intercept :math:`b`,

    .. math::

        \sum_{i=1}^n w_i\,(y_i - f(x_i) - b)^2 + \alpha\,\|f\|_H^2 ,

    which is the seed's :math:`\frac1N\sum_i (y_i - f(x_i))^2 + \lambda
    \|f\|_H^2` with :math:`\lambda = \alpha / N` (unit weights). By the
    Representer Theorem the minimiser is :math:`f = \sum_i p_i
    \kappa(\cdot, x_i)` with :math:`\|f\|_H^2 = p^\top K p`, and

    .. math::

        (K + \alpha I)\, p = y \qquad(\text{with } b:\ (K + \alpha I) p + b 1 = y,
        \ 1^\top p = 0).

    ``alpha`` has scikit-learn's ``KernelRidge`` meaning, so both estimators
    give the same predictions.

    Parameters
    ----------
    alpha : float or array-like of shape (n_targets,) or (n_alphas,), default=1.0
        Regularisation strength :math:`\alpha \ge 0`. One value per target is
        allowed; with ``alpha_selection="loo"`` a list of candidates.
    kernel : str, kernel object or callable, default="rbf"
        A registered name (:func:`sklearn_mathdl.plugins.available_kernels`:
        linear, polynomial, rbf, laplacian, sigmoid, cosine, matern, periodic,
        ...), a kernel plugin, a ``sklearn.gaussian_process.kernels.Kernel``, a
        vectorised callable ``k(X, Y, **kernel_params) -> matrix``, or
        ``"precomputed"`` (``X`` is then the kernel matrix).
    gamma : float, default=None
        Passed to named kernels that take it (rbf, laplacian, polynomial,
        sigmoid); ``None`` keeps the kernel's default :math:`1/p`.
    degree : float, default=3
        Degree of the polynomial kernel.
    coef0 : float, default=1
        Constant of the polynomial and sigmoid kernels.

        ``gamma``, ``degree`` and ``coef0`` set to anything but their default
        for a kernel that does not take them (matern, periodic,
        ``"precomputed"``, a kernel object, a callable, ...) raise a
        ``ValueError`` in ``fit``, rather than being ignored.
    kernel_params : dict, default=None
        Further parameters: constructor arguments of a named kernel, or keyword
        arguments of a callable kernel.
    fit_intercept : bool, default=True
        Fit an unpenalised intercept, solved exactly (bordered system), as
        :class:`~sklearn.linear_model.Ridge` does by default.
        ``kernel="linear", fit_intercept=False`` is scikit-learn's
        ``KernelRidge`` (which has no intercept) with its linear kernel; any
        kernel with ``fit_intercept=False`` gives ``KernelRidge``'s
        predictions.
    solver : {"auto", "cholesky", "nystrom-pcg"}, default="auto"
        ``"cholesky"``: exact, blocked Cholesky of :math:`K + \alpha I` in place.
        ``"nystrom-pcg"``: FALKON (Nyström centres, preconditioned conjugate
        gradient). ``"auto"``: exact while the :math:`n \times n` matrix fits
        ``memory_limit``, else Nyström.
    n_centers : "auto" or int, default="auto"
        Number :math:`m` of Nyström centres; ``"auto"`` is
        :math:`\min(n, \lceil 2\sqrt n\rceil)`, the :math:`O(\sqrt n)` of the
        theory (Rudi et al. 2017); the constant 2 was measured so that at
        :math:`n = 10^6` the fit is more accurate than the exact solver at
        :math:`n = 20{,}000` and takes about a minute on two cores
        (docs/kernel_ridge.md). More centres: lower bias, time :math:`\propto m`.
    max_iter : int, default=None
        Conjugate-gradient iterations; ``None`` means 50.
    tol : float, default=1e-4
        CG stops when the preconditioned residual falls below ``tol`` times
        the right-hand side's norm (on the benchmark, 1e-4 and 1e-10 give the
        same test error to five digits).
    memory_limit : float or str, default="4GB"
        Largest kernel matrix the estimator may hold, in bytes or as a string
        such as ``"500MB"``.
    alpha_selection : {"loo"} or None, default=None
        ``"loo"``: ``alpha`` is a list of candidates; the one with the smallest
        exact leave-one-out error (one eigendecomposition) is used.
    center_selection : {"uniform", "leverage"}, default="uniform"
        How the Nyström centres are sampled: uniformly, or proportionally to
        approximate ridge leverage scores (one extra pass).
    random_state : int, RandomState instance or None, default=None
        Seeds the sampling of the centres.

    Attributes
    ----------
    dual_coef_ : ndarray of shape (n_samples,) or (n_samples, n_targets)
        The :math:`p` of the theorem (Nyström: the :math:`c` of the centres,
        shape ``(n_centers, ...)``).
    intercept_ : float or ndarray of shape (n_targets,)
        :math:`b` (0 unless ``fit_intercept``).
    X_fit_ : ndarray of shape (n_samples, n_features)
        Training data (exact solver).
    centers_ : ndarray of shape (n_centers, n_features)
        Nyström centres (for a precomputed kernel, their indices).
    centers_indices_ : ndarray of shape (n_centers,)
        Row indices of the centres in the training data (Nyström).
    kernel_ : kernel object
        The resolved kernel.
    solver_ : str
        The solver used.
    alpha_ : float or ndarray
        The alpha used (the selected one with ``alpha_selection="loo"``).
    loo_errors_ : ndarray of shape (n_alphas,) or (n_alphas, n_targets)
        Leave-one-out mean squared error of each candidate (``"loo"`` only).
    n_iter_ : int
        CG iterations (Nyström); 1 for the direct solvers (one factorisation).
    n_features_in_ : int
    feature_names_in_ : ndarray of str

    See Also
    --------
    sklearn.kernel_ridge.KernelRidge : scikit-learn's dense solver.

    Notes
    -----
    The exact solver stores :math:`K + \alpha I` as row panels of its upper
    triangle (half the matrix) and factors it in place with LAPACK/BLAS calls
    no larger than :math:`2048 \times n` (see ``_cholesky``); when the matrix
    is not positive definite it warns and solves by eigendecomposition
    (minimum-norm least squares). ``predict`` evaluates the kernel in row
    blocks: memory stays bounded.

    References
    ----------
    Kimeldorf & Wahba, "Some results on Tchebycheffian spline functions",
    J. Math. Anal. Appl. 33, 1971. Schölkopf, Herbrich & Smola, "A generalized
    representer theorem", COLT 2001. Rudi, Carratino & Rosasco, "FALKON: An
    optimal large scale kernel method", NeurIPS 2017. Meanti, Carratino,
    Rosasco & Rudi, "Kernel methods through the roof", NeurIPS 2020.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_mathdl import RepresenterKernelRegressor
    >>> rng = np.random.default_rng(0)
    >>> X = rng.uniform(-1, 1, size=(200, 2))
    >>> y = np.sin(3 * X[:, 0]) + X[:, 1] ** 2
    >>> model = RepresenterKernelRegressor(alpha=1e-3, gamma=1.0).fit(X, y)
    >>> p, b = model.dual_coef_, model.intercept_  # the theorem's p, and b
    >>> K = model.kernel_(X)
    >>> bool(np.allclose(K @ p + 1e-3 * p + b, y))  # first-order condition
    True
    >>> bool(abs(p.sum()) < 1e-8)  # the intercept's constraint 1^T p = 0
    True
    >>> bool(model.score(X, y) > 0.999)
    True
    >>> loo = RepresenterKernelRegressor([1e-4, 1e-2, 1.0], alpha_selection="loo")
    >>> float(loo.fit(X, y).alpha_)
    0.0001
    """

    # A kernel registered at run time travels with the pickle (n_jobs workers).
    _plugin_parameters = {"kernel": KERNELS}

    _parameter_constraints: dict = {
        "alpha": [Interval(Real, 0, None, closed="left"), "array-like"],
        # Names are read from the registry when fit validates (a kernel
        # registered after import is accepted).
        "kernel": [
            PluginConstraint(KERNELS, callables=True, extra_names=("precomputed",))
        ],
        "gamma": [Interval(Real, 0, None, closed="left"), None],
        "degree": [Interval(Real, 0, None, closed="left")],
        "coef0": [Interval(Real, None, None, closed="neither")],
        "kernel_params": [dict, None],
        "fit_intercept": ["boolean"],
        "solver": [StrOptions({"auto", "cholesky", "nystrom-pcg"})],
        "n_centers": [StrOptions({"auto"}), Interval(Integral, 1, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left"), None],
        "tol": [Interval(Real, 0, None, closed="left")],
        "memory_limit": [Interval(Real, 0, None, closed="neither"), str],
        "alpha_selection": [StrOptions({"loo"}), None],
        "center_selection": [StrOptions({"uniform", "leverage"})],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        alpha=1.0,
        *,
        kernel="rbf",
        gamma=None,
        degree=3,
        coef0=1,
        kernel_params=None,
        fit_intercept=True,
        solver="auto",
        n_centers="auto",
        max_iter=None,
        tol=1e-4,
        memory_limit="4GB",
        alpha_selection=None,
        center_selection="uniform",
        random_state=None,
    ):
        self.alpha = alpha
        self.kernel = kernel
        self.gamma = gamma
        self.degree = degree
        self.coef0 = coef0
        self.kernel_params = kernel_params
        self.fit_intercept = fit_intercept
        self.solver = solver
        self.n_centers = n_centers
        self.max_iter = max_iter
        self.tol = tol
        self.memory_limit = memory_limit
        self.alpha_selection = alpha_selection
        self.center_selection = center_selection
        self.random_state = random_state

    # ------------------------------------------------------------ helpers
    @classmethod
    @functools.cache
    def _get_param_names(cls):
        """The constructor's parameter names, read from its signature once.

        ``clone``, ``set_params`` and the parameter validation ask for them
        several times per fit of a search: reading the 15-parameter signature
        each time was 14% of a 2,500-fit random search on 32 samples.
        """
        return BaseEstimator._get_param_names.__func__(cls)

    def _precomputed(self):
        return isinstance(self.kernel, str) and self.kernel == "precomputed"

    def _verify_symmetry(self, trusted, K):
        """Check a computed square block unless the kernel is the package's own."""
        if self._precomputed():
            _check_symmetric(K, "X, the precomputed kernel matrix,")
        elif not trusted:
            _check_symmetric(K, "The kernel")

    def _alphas(self, n_targets):
        alpha = np.asarray(self.alpha, dtype=np.float64)
        if alpha.ndim > 1 or alpha.size == 0:
            raise ValueError(
                f"alpha must be a float or a 1-D list of floats, got shape {alpha.shape}."
            )
        if not np.all(np.isfinite(alpha)) or np.any(alpha < 0):
            raise ValueError(
                f"alpha must be non-negative and finite, got {self.alpha!r}. Use "
                "alpha >= 0 (larger alpha means stronger regularisation)."
            )
        if self.alpha_selection == "loo":
            return np.atleast_1d(alpha)
        if alpha.ndim == 1 and alpha.size not in (1, n_targets):
            raise ValueError(
                f"alpha has {alpha.size} values for {n_targets} targets. Give one "
                "value, one per target, or candidates with alpha_selection='loo'."
            )
        return np.broadcast_to(alpha.reshape(-1), (n_targets,)).copy()

    # --------------------------------------------------------- exact solver
    def _exact_panels(self, kern, trusted, X, s, alpha, block):
        n = X.shape[0]
        panels = []
        for r0, r1 in panel_bounds(n, block):
            if self._precomputed():
                panel = np.array(X[r0:r1, r0:], order="F", copy=True)
            else:
                K = _checked_block(kern, trusted, X[r0:], X[r0:r1])
                panel = K.T if trusted else np.array(K.T, order="F", copy=True)
                if not panel.flags.f_contiguous:
                    panel = np.asfortranarray(panel)
            if r0 == 0:
                self._verify_symmetry(trusted, panel[:, : r1 - r0])
            if s is not None:
                panel *= s[r0:r1, None]
                panel *= s[None, r0:]
            w = r1 - r0
            panel[np.arange(w), np.arange(w)] += alpha
            panels.append(panel)
        return panels

    def _full_kernel(self, kern, trusted, X, s):
        K = (
            np.array(X, copy=True)
            if self._precomputed()
            else _checked_block(kern, trusted, X, X)
        )
        self._verify_symmetry(trusted, K)
        if s is not None:
            K *= s[:, None]
            K *= s[None, :]
        return K

    def _fit_exact(self, kern, trusted, X, Y, s, alphas):
        n, n_targets = Y.shape
        ones = np.ones(n, dtype=X.dtype) if s is None else s
        Ys = Y if s is None else Y * s[:, None]
        P = np.empty((n, n_targets), dtype=X.dtype)
        intercept = np.zeros(n_targets)
        eig = None
        block = min(DEFAULT_BLOCK, max(n, 1))
        for alpha in np.unique(alphas):
            cols = np.flatnonzero(alphas == alpha)
            rhs = Ys[:, cols]
            if self.fit_intercept:
                rhs = np.hstack([rhs, ones[:, None]])
            panels = self._exact_panels(kern, trusted, X, s, alpha, block)
            info = panel_cholesky(panels)
            if info == 0:
                sol = panel_solve(panels, rhs)
                del panels
                Q = sol[:, : len(cols)]
                b = np.zeros(len(cols))
                if self.fit_intercept:
                    q1 = sol[:, -1]
                    denom = float(ones @ q1)
                    b = (ones @ Q) / denom if denom > 0 else b
                    Q = Q - np.outer(q1, b)
            else:
                del panels
                warnings.warn(
                    f"K + alpha I is not positive definite (leading minor {info}; "
                    f"alpha={alpha:g}): the kernel is not positive semi-definite "
                    "or alpha is too small. Solving by eigendecomposition "
                    "(minimum-norm least squares) instead.",
                    UserWarning,
                    stacklevel=3,
                )
                if eig is None:
                    lam, V = eigh(
                        self._full_kernel(kern, trusted, X, s).astype(np.float64),
                        overwrite_a=True,
                    )
                    eig = lam, V, V.T @ Ys.astype(np.float64), V.T @ ones
                lam, V, QtY, Qts = eig
                Q, b = eigen_solution(
                    lam, V, QtY[:, cols], Qts, ones, alpha, self.fit_intercept
                )
            P[:, cols] = Q if s is None else Q * s[:, None]
            intercept[cols] = b
        return P, intercept

    def _fit_loo(self, kern, trusted, X, Y, s, alphas):
        n = X.shape[0]
        ones = np.ones(n) if s is None else s.astype(np.float64)
        Ys = (Y if s is None else Y * s[:, None]).astype(np.float64)
        lam, V = eigh(
            self._full_kernel(kern, trusted, X, s).astype(np.float64, copy=False),
            overwrite_a=True,
        )
        QtY, Qts = V.T @ Ys, V.T @ ones
        errors = loo_errors(lam, V, QtY, Qts, ones, alphas, self.fit_intercept)
        best = int(np.argmin(np.mean(errors, axis=1)))
        Q, b = eigen_solution(lam, V, QtY, Qts, ones, alphas[best], self.fit_intercept)
        P = Q * ones[:, None] if s is not None else Q
        return P.astype(X.dtype), b, alphas[best], errors

    # ------------------------------------------------------- Nyström solver
    def _fit_nystrom(self, kern, trusted, X, Y, w, alphas, memory):
        n = X.shape[0]
        rng = check_random_state(self.random_state)
        m = auto_centers(n) if self.n_centers == "auto" else min(self.n_centers, n)
        candidates = np.flatnonzero(w > 0)
        m = min(m, candidates.size)
        itemsize = X.dtype.itemsize
        if self.center_selection == "leverage" and m < candidates.size:
            pilot = np.sort(rng.choice(candidates, size=m, replace=False))
            cols_p = self._columns(kern, trusted, X, pilot, store=False, memory=0)
            K_pp = self._centre_kernel(kern, trusted, X, pilot)
            diag = (
                np.diag(X).astype(np.float64)
                if self._precomputed()
                else np.asarray(kern.diag(X), dtype=np.float64)
            )
            scores = leverage_scores(cols_p, K_pp, diag, float(np.mean(alphas)))
            scores = scores[candidates] + 1e-12 * max(scores.max(), 1e-300)
            idx = rng.choice(candidates, size=m, replace=False, p=scores / scores.sum())
        else:
            idx = rng.choice(candidates, size=m, replace=False)
        idx = np.sort(idx)
        store = n * m * itemsize <= memory
        columns = self._columns(kern, trusted, X, idx, store=store, memory=memory)
        K_mm = self._centre_kernel(kern, trusted, X, idx)
        sample = np.sort(
            rng.choice(candidates, size=min(candidates.size, SKETCH * m), replace=False)
        )
        K_sm = np.asarray(
            X[np.ix_(sample, idx)]
            if self._precomputed()
            else _checked_block(kern, trusted, X[sample], X[idx]),
            dtype=np.float64,
        )
        max_iter = 50 if self.max_iter is None else self.max_iter
        C, b, n_iter = falkon(
            columns,
            K_mm,
            Y.astype(np.float64, copy=False),
            w.astype(np.float64, copy=False),
            alphas,
            self.fit_intercept,
            max_iter,
            self.tol,
            sketch=(K_sm, w[sample].astype(np.float64)),
        )
        return C.astype(X.dtype), b, idx, n_iter

    def _columns(self, kern, trusted, X, idx, store, memory):
        if self._precomputed():
            return KernelColumns(
                lambda a, b: np.ascontiguousarray(X[a:b][:, idx]),
                X.shape[0],
                idx.size,
                X.dtype.itemsize,
                store,
            )
        C = X[idx]
        return KernelColumns(
            lambda a, b: _checked_block(kern, trusted, X[a:b], C),
            X.shape[0],
            idx.size,
            X.dtype.itemsize,
            store,
        )

    def _centre_kernel(self, kern, trusted, X, idx):
        if self._precomputed():
            K = X[np.ix_(idx, idx)]
        else:
            K = _checked_block(kern, trusted, X[idx], X[idx])
        K = np.asarray(K, dtype=np.float64)
        self._verify_symmetry(trusted, K)
        return (K + K.T) / 2

    # ---------------------------------------------------------------- API
    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.pairwise = self._precomputed()
        tags.input_tags.sparse = not self._precomputed() and _accepts_sparse(
            self.kernel
        )
        return tags

    @fit_transaction
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the kernel ridge model.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data; with ``kernel="precomputed"``, the kernel matrix
            of shape (n_samples, n_samples). Sparse ``X`` needs a kernel that
            declares ``accepts_sparse`` (linear, polynomial, rbf, laplacian,
            sigmoid, cosine, matern).
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights :math:`w_i` of the squared errors.

        Returns
        -------
        self : object
        """
        X, y = validate_data(
            self,
            X,
            y,
            accept_sparse="csr",
            dtype=[np.float64, np.float32],
            multi_output=True,
            y_numeric=True,
        )
        if sparse.issparse(X) and self._precomputed():
            X = X.toarray()  # a kernel matrix is dense
        n = X.shape[0]
        if self._precomputed() and X.shape[0] != X.shape[1]:
            raise ValueError(
                f"With kernel='precomputed', X must be the square kernel matrix "
                f"of the training samples; got shape {X.shape}."
            )
        Y = np.asarray(y, dtype=X.dtype)
        one_target = Y.ndim == 1
        Y = Y.reshape(n, -1)
        alphas = self._alphas(Y.shape[1])
        sw = None
        if sample_weight is not None:
            sw = _check_sample_weight(
                sample_weight, X, dtype=X.dtype, ensure_non_negative=True
            )
        memory = parse_memory(self.memory_limit)
        full_bytes = n * n * X.dtype.itemsize
        solver = self.solver
        if solver == "auto":
            solver = "cholesky" if full_bytes <= memory else "nystrom-pcg"
        if self.alpha_selection == "loo":
            if solver != "cholesky":
                raise ValueError(
                    "alpha_selection='loo' needs the exact solver, but the "
                    f"{n} x {n} kernel matrix and its eigenvectors "
                    f"({2 * full_bytes / 2**30:.2f} GB) exceed memory_limit. "
                    "Raise memory_limit or give a single alpha with "
                    "solver='nystrom-pcg'."
                )
            full_bytes *= 2
        if solver == "cholesky" and full_bytes > memory:
            raise ValueError(
                f"solver='cholesky' needs the {n} x {n} kernel matrix "
                f"({full_bytes / 2**30:.2f} GB), more than memory_limit="
                f"{self.memory_limit!r}. Use solver='nystrom-pcg' (FALKON), or "
                "raise memory_limit."
            )
        if self._precomputed():
            _refuse_unused(
                _non_default(gamma=self.gamma, degree=self.degree, coef0=self.coef0),
                set(),
                "kernel='precomputed'",
            )
            kern, trusted = "precomputed", True
        else:
            kern, trusted = _resolve_kernel(
                self.kernel, self.gamma, self.degree, self.coef0, self.kernel_params
            )
            if sparse.issparse(X) and not getattr(kern, "accepts_sparse", False):
                raise _refuse_sparse(self.kernel)

        s = None if sw is None else np.sqrt(sw)
        loo = None
        centres = None
        n_iter = 1  # direct solvers: one factorisation
        with blas_threads_for(n * n):
            if solver == "cholesky" and self.alpha_selection == "loo":
                P, b, alpha_used, loo = self._fit_loo(kern, trusted, X, Y, s, alphas)
            elif solver == "cholesky":
                P, b = self._fit_exact(kern, trusted, X, Y, s, alphas)
                alpha_used = alphas
            else:
                w = np.ones(n, dtype=X.dtype) if sw is None else sw
                P, b, centres, n_iter = self._fit_nystrom(
                    kern, trusted, X, Y, w, alphas, memory
                )
                alpha_used = alphas

        if one_target:
            P, b = P[:, 0], float(b[0])
            if loo is not None:
                loo = loo[:, 0]
        self.kernel_ = kern
        self.solver_ = solver
        self.dual_coef_ = P
        self.intercept_ = b
        self.n_iter_ = n_iter
        if loo is not None:
            self.alpha_ = float(alpha_used)
            self.loo_errors_ = loo
        else:
            self.alpha_ = (
                float(alpha_used[0]) if np.ndim(self.alpha) == 0 else alpha_used
            )
        if centres is None:
            self.X_fit_ = X
            for name in ("centers_", "centers_indices_"):
                self.__dict__.pop(name, None)
        else:
            self.centers_indices_ = centres
            self.centers_ = centres if self._precomputed() else X[centres]
            self.__dict__.pop("X_fit_", None)
        if loo is None:
            self.__dict__.pop("loo_errors_", None)
        return self

    def predict(self, X):
        """Predict :math:`f(x) + b = \\sum_j p_j \\kappa(x, x_j) + b`, by row blocks.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            With ``kernel="precomputed"``: the kernel between the samples and
            the training samples, shape (n_samples, n_samples_fit).

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_targets)
        """
        check_is_fitted(self)
        if self._precomputed() and hasattr(self, "X_fit_"):
            expected = self.X_fit_.shape[0]
            if np.ndim(X) != 2 or np.shape(X)[1] != expected:
                raise ValueError(
                    f"With kernel='precomputed', X must be the kernel between the "
                    f"samples and the {expected} training samples; got shape "
                    f"{np.shape(X)}."
                )
        X = validate_data(
            self, X, accept_sparse="csr", dtype=[np.float64, np.float32], reset=False
        )
        if sparse.issparse(X) and (
            self._precomputed() or not getattr(self.kernel_, "accepts_sparse", False)
        ):
            if not self._precomputed():
                raise _refuse_sparse(self.kernel)
            X = X.toarray()
        support = getattr(self, "centers_", None)
        if support is None:
            support = self.X_fit_
        coef = self.dual_coef_
        if self._precomputed():
            Kx = X if hasattr(self, "X_fit_") else X[:, self.centers_indices_]
            return Kx @ coef.astype(X.dtype, copy=False) + self.intercept_
        rows = block_rows(support.shape[0], X.dtype.itemsize)
        out = np.empty((X.shape[0],) + coef.shape[1:], dtype=X.dtype)
        trusted = _builtin(self.kernel_)
        with blas_threads_for(X.shape[0] * support.shape[0]):
            for start in range(0, X.shape[0], rows):
                A = X[start : start + rows]
                K = _checked_block(self.kernel_, trusted, A, support.astype(X.dtype))
                out[start : start + rows] = K @ coef.astype(X.dtype, copy=False)
        out += np.asarray(self.intercept_, dtype=X.dtype)
        return out
