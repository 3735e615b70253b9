"""From the ``kernel`` parameter to the kernel object and its kernel matrix.

``kernel`` may be a registered name, a kernel plugin, a
``sklearn.gaussian_process`` kernel, a vectorised callable or
``"precomputed"``; the estimator's ``gamma``, ``degree`` and ``coef0`` reach the
named kernels that take them, ``kernel_params`` the others, and a parameter
the kernel would ignore raises instead. :func:`resolve_kernel` does this once
per ``fit``; :func:`kernel_matrix` wraps the result around the data.
"""

import copy

import numpy as np
from scipy import sparse

from sklearn_mathdl.kernel_ridge._kernel_matrix import (
    KernelMatrix,
    Precomputed,
    PrecomputedKernelMatrix,
)
from sklearn_mathdl.kernel_ridge.kernels import Kernel
from sklearn_mathdl.plugins import KERNELS, get_kernel
from sklearn_mathdl.plugins._base import accepted_keywords, constructor_parameters

# The estimator's own gamma/degree/coef0, routed to a named kernel that takes
# them (as scikit-learn), with their defaults: a value other than the default
# given to a kernel that does not take it raises instead of being ignored.
ROUTED = {"gamma": None, "degree": 3, "coef0": 1}


class CallableKernel:
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


def is_precomputed(kernel):
    """Whether the ``kernel`` parameter is ``"precomputed"``."""
    return isinstance(kernel, str) and kernel == "precomputed"


def builtin(kernel):
    """One of the package's own kernels (not a user's subclass of them)."""
    return isinstance(kernel, Kernel) and type(kernel).__module__ == Kernel.__module__


def resolve_kernel(kernel, gamma, degree, coef0, kernel_params):
    """The kernel object of the ``kernel`` parameter (``kernel_`` once fitted)."""
    params = dict(kernel_params or {})
    given = _non_default(gamma=gamma, degree=degree, coef0=coef0)
    if is_precomputed(kernel):
        _refuse_unused(given, set(), "kernel='precomputed'")
        return Precomputed()
    if isinstance(kernel, str):
        return _named_kernel(kernel, gamma, degree, coef0, params, given)
    _refuse_unused(given, set(), "a kernel object or callable")
    if builtin(kernel) and not params:
        # The package's own kernels hold scalars: a shallow copy is a copy.
        return copy.copy(kernel)
    if callable(getattr(kernel, "diag", None)):
        if params:
            raise ValueError(
                "kernel_params are passed to a callable kernel function; a kernel "
                "object is configured by its own parameters."
            )
        return get_kernel(kernel)
    return CallableKernel(kernel, params)


def _named_kernel(name, gamma, degree, coef0, params, given):
    base = get_kernel(name)
    accepted = set(constructor_parameters(type(base))) - {"self"}
    _refuse_unused(given, accepted, f"kernel={name!r}")
    offered = {"gamma": gamma, "degree": degree, "coef0": coef0}
    routed = accepted_keywords(
        type(base), {k: v for k, v in offered.items() if v is not None}
    )
    unknown = set(params) - accepted
    if unknown:
        raise ValueError(
            f"kernel_params {sorted(unknown)} are not parameters of kernel "
            f"{name!r}, whose parameters are {sorted(accepted)}."
        )
    if routed or params:
        current = base._params() if hasattr(base, "_params") else {}
        base = type(base)(**{**current, **routed, **params})
    return base


def kernel_matrix(kernel, X, what="The kernel matrix of X"):
    """The :class:`KernelMatrix` of the resolved ``kernel`` on the points ``X``.

    ``X`` must already be accepted by :func:`accept_input`. For a precomputed
    kernel, ``X`` is the kernel matrix, or the indices of the columns a
    fitted model keeps (its ``centers_``).
    """
    if isinstance(kernel, Precomputed):
        if np.ndim(X) == 1:
            return PrecomputedKernelMatrix(None, columns=X)
        return PrecomputedKernelMatrix(X)
    trusted = builtin(kernel) and not kernel.indefinite
    name = repr(getattr(kernel, "func", kernel))  # a function, not its wrapper
    return KernelMatrix(kernel, X, verified=not trusted, name=name, what=what)


def accept_input(kernel, parameter, X):
    """``X`` as the kernel takes it: a sparse kernel matrix densified, sparse
    rows refused by a kernel that does not declare ``accepts_sparse``."""
    if not sparse.issparse(X):
        return X
    if isinstance(kernel, Precomputed):
        return X.toarray()  # a kernel matrix is dense
    if not getattr(kernel, "accepts_sparse", False):
        raise refuse_sparse(parameter)
    return X


def accepts_sparse(kernel):
    """Whether a kernel parameter (name, object or function) takes sparse rows."""
    if is_precomputed(kernel):
        return False  # (and no entry-point lookup of a name that is not one)
    if isinstance(kernel, str):
        kernel = KERNELS.lookup(kernel)
    return bool(getattr(kernel, "accepts_sparse", False))


def refuse_sparse(kernel):
    """The error for sparse X with a kernel that does not accept it."""
    takes = [name for name in KERNELS.available() if accepts_sparse(name)]
    label = repr(kernel) if isinstance(kernel, str) else type(kernel).__name__
    return TypeError(
        f"Sparse data was passed for X, but kernel {label} does not accept "
        "sparse input. Convert X to a dense array (X.toarray()), or use a "
        f"kernel that accepts it: {', '.join(takes)} (a kernel of your own "
        "declares accepts_sparse = True)."
    )


def _non_default(**values):
    """The routed parameters set to something other than their default."""
    return {
        name: value
        for name, value in values.items()
        if not (
            value is ROUTED[name]
            or (
                ROUTED[name] is not None and value is not None and value == ROUTED[name]
            )
        )
    }


def _refuse_unused(given, accepted, label):
    """Raise when a parameter is set that the kernel would silently ignore."""
    unused = sorted(set(given) - accepted)
    if not unused:
        return
    settings = ", ".join(f"{name}={given[name]!r}" for name in unused)
    defaults = ", ".join(f"{name}={ROUTED[name]!r}" for name in unused)
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
