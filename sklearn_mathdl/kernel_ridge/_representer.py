"""RepresenterKernelRegressor: exact kernel ridge regression and FALKON."""

import functools
import re
from collections import namedtuple
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, MultiOutputMixin, RegressorMixin, _fit_context
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from sklearn_mathdl.kernel_ridge._exact import solve_exact
from sklearn_mathdl.kernel_ridge._kernel_parameter import (
    accept_input,
    accepts_sparse,
    is_precomputed,
    kernel_matrix,
    resolve_kernel,
)
from sklearn_mathdl.kernel_ridge._loo import solve_loo
from sklearn_mathdl.kernel_ridge._nystrom import solve_nystrom
from sklearn_mathdl.kernel_ridge._overflow import check_model, target_overflow_error
from sklearn_mathdl.kernel_ridge._validation import (
    check_weights,
    targets_in_dtype,
    validate_numeric,
)
from sklearn_mathdl.plugins import KERNELS, CarriedPluginsMixin, PluginConstraint
from sklearn_mathdl.utils._threads import blas_threads_for
from sklearn_mathdl.utils._transaction import fit_transaction

_UNITS = {"": 1, "K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}
_MEMORY = re.compile(
    r"\s*((?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)\s*([KMGT]?)(?:i?B)?\s*", re.IGNORECASE
)

# What a solver returns: dual coefficients (n or m, n_targets), intercepts
# (n_targets,), the alpha used, LOO errors, centre indices, CG iterations.
_Solution = namedtuple("_Solution", "coef intercept alpha loo_errors centres n_iter")


def parse_memory(value):
    """Bytes from a number or a string such as ``"4GB"``, ``"512 MB"``, ``"1.5e3MB"``."""
    if isinstance(value, str):
        match = _MEMORY.fullmatch(value)
        if match is None:
            raise ValueError(
                f"memory_limit={value!r} is not understood. Give a number of bytes, "
                "or a string of one number and a unit among B, KB, MB, GB, TB "
                "(powers of 1024), such as '4GB', '512 MB' or '1.5e3MB'."
            )
        number = float(match.group(1)) * _UNITS[match.group(2).upper()]
    else:
        number = float(value)
    if not number > 0:
        raise ValueError(
            f"memory_limit={value!r} must be positive, such as '4GB' or 4e9 (bytes)."
        )
    return number


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
        :math:`\min(n, \lceil 3\sqrt n\rceil)`, the :math:`O(\sqrt n)` of the
        theory (Rudi et al. 2017). The constant 3 was measured (a curve of
        test error against :math:`m`, docs/kernel_ridge.md): on the
        benchmark function, :math:`n = 10^6` with ``alpha=1e-2`` needs
        :math:`m \ge 3000` to be as accurate as the exact solver at
        :math:`n = 20{,}000` (:math:`m = 2000` is not), and fits in under two
        minutes on two cores with ``memory_limit="10GB"``. More centres:
        lower bias, time :math:`\propto m`.
    max_iter : int, default=None
        Conjugate-gradient iterations; ``None`` means 50.
    tol : float, default=1e-4
        CG stops when the preconditioned residual falls below ``tol`` times
        the right-hand side's norm (on the benchmark, 1e-4 and 1e-10 give the
        same test error to five digits).
    memory_limit : float or str, default="4GB"
        Largest kernel matrix the estimator may hold, in bytes or as a string
        such as ``"500MB"``. The exact solver needs the :math:`n \times n`
        matrix within it. FALKON keeps as many rows of :math:`K_{nm}` as fit
        (in float32 for float64 data when float64 does not fit, ``tol`` is
        at least 1e-6 and the centres are well conditioned) and recomputes
        the others at each iteration.
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
        The resolved kernel (``Precomputed()`` for ``kernel="precomputed"``).
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
    sklearn.kernel_ridge.KernelRidge : The dense solver of scikit-learn.

    Notes
    -----
    The exact solver stores :math:`K + \alpha I` as row panels of its upper
    triangle (half the matrix) and factors it in place with LAPACK/BLAS calls
    no larger than :math:`2048 \times n` (see ``_cholesky``); when the matrix
    is not positive definite it warns and solves by eigendecomposition
    (minimum-norm least squares), with one warning per fit. ``predict``
    evaluates the kernel in row blocks: memory stays bounded. Every solver
    reads the data through one kernel matrix object (``_kernel_matrix``),
    which verifies a user's kernel and names it when it fails.

    Finite data that overflows inside the mathematics (a kernel matrix,
    :math:`S K S` for huge weights, the dual coefficients or leave-one-out
    errors for huge ``y``, predictions beyond the float range) raises a
    ``ValueError`` naming the quantity and the fix; a fitted model never
    predicts NaN or inf on its training points. ``fit`` is one transaction:
    on any exception, Ctrl-C (``KeyboardInterrupt``) included, the estimator
    is left exactly as it was before the call and the exception propagates.

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

    def _alphas(self, n_targets):
        try:
            alpha = np.asarray(self.alpha, dtype=np.float64)
        except (TypeError, ValueError):
            alpha = None  # not numbers, or a ragged list
        if alpha is None or alpha.ndim > 1 or alpha.size == 0:
            raise ValueError(
                f"alpha must be a float or a 1-D list of floats, got {self.alpha!r}."
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

    def _choose_solver(self, n, itemsize, memory):
        """The solver of ``solver="auto"``; the exact solvers' memory checked first."""
        full_bytes = n * n * itemsize
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
        return solver

    def _solve(self, solver, matrix, Y, sample_weight, alphas, memory):
        """Run ``solver`` on the kernel matrix; a :class:`_Solution`."""
        describe = functools.partial(
            target_overflow_error, Y=Y, sample_weight=sample_weight, alphas=alphas
        )
        if solver == "nystrom-pcg":
            w = np.ones(matrix.n, dtype=matrix.dtype)
            w = w if sample_weight is None else sample_weight
            options = {
                "n_centers": self.n_centers,
                "center_selection": self.center_selection,
                "memory": memory,
                "max_iter": self.max_iter,
                "tol": self.tol,
            }
            rng = check_random_state(self.random_state)
            C, b, centres, n_iter = solve_nystrom(
                matrix, Y, w, alphas, self.fit_intercept, options, rng, describe
            )
            solution = _Solution(C, b, alphas, None, centres, n_iter)
        else:
            scale = None if sample_weight is None else np.sqrt(sample_weight)
            if self.alpha_selection == "loo":
                P, b, alpha, loo = solve_loo(
                    matrix, Y, scale, alphas, self.fit_intercept
                )
                solution = _Solution(P, b, alpha, loo, None, 1)
            else:
                P, b = solve_exact(matrix, Y, scale, alphas, self.fit_intercept)
                solution = _Solution(P, b, alphas, None, None, 1)
        check_model(solution.coef, solution.intercept, matrix, matrix.dtype, describe)
        return solution

    # ---------------------------------------------------------------- API
    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.pairwise = is_precomputed(self.kernel)
        tags.input_tags.sparse = accepts_sparse(self.kernel)
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
            Target values.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights :math:`w_i` of the squared errors.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        X, y = validate_numeric(
            self,
            X,
            y,
            accept_sparse="csr",
            dtype=[np.float64, np.float32],
            multi_output=True,
            y_numeric=True,
        )
        kernel = resolve_kernel(
            self.kernel, self.gamma, self.degree, self.coef0, self.kernel_params
        )
        X = accept_input(kernel, self.kernel, X)
        matrix = kernel_matrix(kernel, X)
        n = X.shape[0]
        Y = targets_in_dtype(y, X.dtype)
        one_target = Y.ndim == 1
        Y = Y.reshape(n, -1)
        alphas = self._alphas(Y.shape[1])
        sw = None if sample_weight is None else check_weights(sample_weight, X)
        memory = parse_memory(self.memory_limit)
        solver = self._choose_solver(n, X.dtype.itemsize, memory)
        with blas_threads_for(n * n), np.errstate(all="ignore"):
            solution = self._solve(solver, matrix, Y, sw, alphas, memory)
        self._store(kernel, solver, matrix, solution, one_target)
        return self

    def _store(self, kernel, solver, matrix, solution, one_target):
        """Commit the fitted attributes (the only writes of ``fit``)."""
        P, b, loo = solution.coef, solution.intercept, solution.loo_errors
        if one_target:
            P, b = P[:, 0], float(b[0])
            loo = None if loo is None else loo[:, 0]
        self.kernel_ = kernel
        self.solver_ = solver
        self.dual_coef_ = P
        self.intercept_ = b
        self.n_iter_ = solution.n_iter
        if loo is not None:
            self.alpha_ = float(solution.alpha)
            self.loo_errors_ = loo
        else:
            alpha = solution.alpha
            self.alpha_ = float(alpha[0]) if np.ndim(self.alpha) == 0 else alpha
            self.__dict__.pop("loo_errors_", None)
        if solution.centres is None:
            self.X_fit_ = matrix.X
            for name in ("centers_", "centers_indices_"):
                self.__dict__.pop(name, None)
        else:
            self.centers_indices_ = solution.centres
            self.centers_ = matrix.points(solution.centres)
            self.__dict__.pop("X_fit_", None)

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
            The predictions :math:`f(x) + b`, one column per target.
        """
        check_is_fitted(self)
        support = self.X_fit_ if hasattr(self, "X_fit_") else self.centers_
        matrix = kernel_matrix(
            self.kernel_, support, what="The kernel between X and the training points"
        )
        matrix.check_new_points(X, self.n_features_in_)
        X = validate_numeric(
            self, X, accept_sparse="csr", dtype=[np.float64, np.float32], reset=False
        )
        X = accept_input(self.kernel_, self.kernel, X)
        out = matrix.cross_dot(X, self.dual_coef_)
        out += np.asarray(self.intercept_, dtype=X.dtype)
        return out
