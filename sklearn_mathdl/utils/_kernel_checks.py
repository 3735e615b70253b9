r"""Public checker for kernel plugins, beside the other plugin checkers.

A kernel :math:`\kappa` must give, on any points, a Gram matrix
:math:`K_{ij} = \kappa(x_i, x_j)` that is symmetric and positive
semi-definite,

.. math::

    K = K^\top, \qquad \lambda_{\min}(K) \ge -\mathrm{tol}\cdot\max(1, \lambda_{\max}(K)),

(Mercer / Moore–Aronszajn: exactly the kernels that are reproducing kernels
of a Hilbert space), with ``k(X, Y)`` consistent with ``k(Y, X).T`` and
``diag(X)`` with the diagonal of ``k(X)``; a kernel that declares
``accepts_sparse = True`` must give on ``scipy.sparse`` rows the matrix it
gives on the same rows dense.
"""

import numpy as np
from scipy import sparse

from sklearn_mathdl.plugins import get_kernel
from sklearn_mathdl.plugins._base import Plugin
from sklearn_mathdl.utils._plugin_checks import _finite_and_quiet


def _close(a, b, tol):
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    scale = max(1.0, float(np.abs(b).max(initial=0.0)))
    return a.shape == b.shape and bool(np.all(np.abs(a - b) <= tol * scale))


def _dense(K):
    return K.toarray() if sparse.issparse(K) else np.asarray(K)


def _check_sparse(label, kern, X, Y, tol):
    """A kernel declaring ``accepts_sparse`` equals itself on dense rows."""
    X = X * (np.abs(X) > 0.5)  # about 40% zeros, stored or not
    Y = Y * (np.abs(Y) > 0.5)
    calls = {
        "k(X)": lambda A, B: kern(A),
        "k(X, Y)": lambda A, B: kern(A, B),
        "k(X, Y) with Y dense": lambda A, B: kern(A, Y),
    }
    for fmt in ("csr", "csc"):
        Xs, Ys = sparse.csr_matrix(X).asformat(fmt), sparse.csr_matrix(Y).asformat(fmt)
        for call, fn in calls.items():
            try:
                got = _dense(fn(Xs, Ys))
            except Exception as exc:
                raise AssertionError(
                    f"{label}: declares accepts_sparse = True but {call} on "
                    f"{fmt.upper()} input raised {type(exc).__name__}: {exc}. "
                    "Handle scipy.sparse rows, or declare accepts_sparse = False."
                ) from exc
            want = _dense(fn(X, Y))
            if not _close(got, want, tol):
                raise AssertionError(
                    f"{label}: declares accepts_sparse = True but {call} on "
                    f"{fmt.upper()} input differs from the same rows dense."
                )
        diag = getattr(kern, "diag", None)
        if diag is not None and not _close(_dense(diag(Xs)), diag(X), tol):
            raise AssertionError(
                f"{label}: declares accepts_sparse = True but diag on "
                f"{fmt.upper()} input differs from the same rows dense."
            )


def _check_gram(label, kern, point_name, X, Y, tol):
    """Shape, symmetry, consistency, diagonal and definiteness of ``kern`` at X."""
    n_samples = X.shape[0]
    K = np.asarray(_finite_and_quiet(label, point_name, kern, X))
    if K.shape != (n_samples, n_samples):
        raise AssertionError(
            f"{label}: k(X) has shape {K.shape}, expected {(n_samples, n_samples)}."
        )
    if not _close(K, K.T, tol):
        err = float(np.abs(K - K.T).max())
        raise AssertionError(
            f"{label}: k(X) is not symmetric at the {point_name} points "
            f"(max |K - K^T| = {err:.3g})."
        )
    KXY = np.asarray(_finite_and_quiet(label, point_name, kern, X, Y))
    KYX = np.asarray(_finite_and_quiet(label, point_name, kern, Y, X))
    if not _close(KXY, KYX.T, tol):
        raise AssertionError(
            f"{label}: k(X, Y) is not k(Y, X).T at the {point_name} points "
            f"(shapes {KXY.shape} and {KYX.T.shape})."
        )
    if not _close(np.asarray(kern(X, X)), K, tol):
        raise AssertionError(f"{label}: k(X, X) differs from k(X).")
    diag = getattr(kern, "diag", None)
    if diag is not None and not _close(diag(X), np.diag(K), tol):
        raise AssertionError(
            f"{label}: diag(X) is inconsistent with the diagonal of k(X) at "
            f"the {point_name} points."
        )
    if not getattr(kern, "indefinite", False):
        _check_definite(label, K, point_name, tol)


def _check_definite(label, K, point_name, tol):
    """The smallest eigenvalue of ``K`` is at least ``-tol * max(1, largest)``."""
    eig = np.linalg.eigvalsh((K + K.T) / 2)
    if eig[0] < -tol * max(1.0, abs(eig[-1])):
        raise AssertionError(
            f"{label}: not positive semi-definite at the {point_name} "
            f"points: smallest eigenvalue {eig[0]:.3g} (largest "
            f"{eig[-1]:.3g}). A kernel that is indefinite by design "
            "must declare indefinite = True."
        )


def _check_float32(label, out, what):
    """A package plugin's output ``out`` on ``what`` input stays float32."""
    dtype = np.asarray(out).dtype
    if dtype == np.float32:
        return
    if what == "float32":
        raise AssertionError(
            f"{label}: turns float32 input into {dtype}; compute in the "
            "input's dtype (multiply by Python floats)."
        )
    raise AssertionError(f"{label}: turns sparse float32 input into {dtype}.")


def check_kernel(kernel, *, n_samples=40, n_features=3, tol=1e-8, random_state=0):
    """Check a kernel plugin: symmetry, definiteness, consistency, dtype, sparse.

    On random points (standard normal, and the same scaled by 3):

    - ``k(X)`` has shape ``(n, n)``, is finite and symmetric;
    - ``k(X, Y)`` equals ``k(Y, X).T`` and ``k(X, X)`` equals ``k(X)``;
    - ``diag(X)``, if defined, equals the diagonal of ``k(X)``;
    - the smallest eigenvalue of ``k(X)`` is at least
      ``-tol * max(1, largest)``, unless the kernel declares
      ``indefinite = True`` (like the sigmoid kernel);
    - a package plugin keeps float32 input in float32;
    - a kernel declaring ``accepts_sparse = True`` gives on CSR and CSC rows
      (``k(X)``, ``k(X, Y)``, ``k(X, Y_dense)``, ``diag``) what it gives on
      the same rows dense.

    Parameters
    ----------
    kernel : str or kernel object
        A registered name, a plugin, or a ``sklearn.gaussian_process`` kernel.
    n_samples, n_features : int, default=40, 3
        Number and dimension of the random points.
    tol : float, default=1e-8
        Relative tolerance of the equalities and of the eigenvalue test.
    random_state : int, default=0
        Seed of the random points.

    Returns
    -------
    report : dict
        ``{"accepts_sparse": bool}``: whether the kernel takes
        ``scipy.sparse`` input (checked when true).

    Raises
    ------
    AssertionError
        Naming the kernel and the property that fails.

    See Also
    --------
    sklearn_mathdl.utils.check_tokenizer : The checker of tokenizer plugins.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_mathdl.utils import check_kernel
    >>> check_kernel("rbf")  # a valid kernel, which takes sparse input
    {'accepts_sparse': True}
    >>> check_kernel("periodic")
    {'accepts_sparse': False}
    >>> class Broken:
    ...     def __call__(self, X, Y=None):
    ...         Y = X if Y is None else Y
    ...         return -((X[:, None, :] - Y[None, :, :]) ** 2).sum(-1)
    >>> check_kernel(Broken())
    Traceback (most recent call last):
    ...
    AssertionError: Kernel <...Broken object at ...>: not positive semi-definite ...
    """
    kern = get_kernel(kernel)
    label = f"Kernel {kernel!r}"
    rng = np.random.default_rng(random_state)
    base = rng.normal(size=(n_samples, n_features))
    for point_name, X in {"random": base, "scaled": 3 * base}.items():
        Y = rng.normal(size=(n_samples // 2 + 1, n_features))
        _check_gram(label, kern, point_name, X, Y, tol)
    if isinstance(kern, Plugin):
        _check_float32(label, kern(base.astype(np.float32)), "float32")
    accepts_sparse = bool(getattr(kern, "accepts_sparse", False))
    if accepts_sparse:
        _check_sparse(label, kern, base, rng.normal(size=(7, n_features)), tol)
        if isinstance(kern, Plugin):
            out = kern(sparse.csr_matrix(base, dtype=np.float32))
            _check_float32(label, _dense(out), "sparse float32")
    return {"accepts_sparse": accepts_sparse}
