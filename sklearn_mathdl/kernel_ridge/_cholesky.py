r"""Blocked (panel) Cholesky factorisation whose every BLAS call stays small.

The symmetric positive-definite matrix :math:`A` (:math:`n \times n`) is kept
as a list of row panels, panel :math:`k` holding :math:`A_{k, k:}`, the rows
:math:`r_k \le i < r_k + w_k` and the columns :math:`j \ge r_k` (the upper
triangle, by blocks), each panel a Fortran-ordered array so that every
diagonal block and every off-diagonal part is a contiguous view that LAPACK
and BLAS overwrite in place. Storage is :math:`n(n + w)/2` numbers, about half
of the full matrix. The right-looking factorisation :math:`A = U^\top U`
reads

.. math::

    U_{kk} = \operatorname{chol}(A_{kk}),\qquad
    U_{k, k+1:} = U_{kk}^{-\top} A_{k, k+1:},\qquad
    A_{j, j:} \leftarrow A_{j, j:} - U_{kj}^\top U_{k, j:}\quad (j > k),

one ``potrf`` on a :math:`w \times w` block (serial: it is tiny, and
OpenBLAS's threaded ``potrf`` is pathologically slow here), one ``trsm`` with
:math:`w` rows and one ``gemm`` per later panel (:math:`w_j` rows, inner dimension
:math:`w`). No call has an output larger than :math:`w \times n`, so no call
reaches the sizes at which OpenBLAS 0.3.31's AVX-512 ``dsyrk`` crashes with
several threads (a :math:`16000 \times 16000` output on AMD Zen 4, hit by
``numpy.linalg.cholesky`` and ``scipy.linalg.cho_factor`` at
:math:`n = 20000`), while each call is large enough to run at the BLAS's full
multithreaded speed.
"""

import numpy as np
from scipy.linalg import get_blas_funcs, get_lapack_funcs, solve_triangular

from sklearn_mathdl.utils._threads import blas_threads_for

DEFAULT_BLOCK = 2048


def panel_bounds(n, block=DEFAULT_BLOCK):
    """Start and end of each panel of rows: ``[(0, w), (w, 2w), ...]``."""
    return [(start, min(start + block, n)) for start in range(0, n, block)]


def empty_panels(n, dtype, block=DEFAULT_BLOCK):
    """Uninitialised panels ``A[r0:r1, r0:]`` (Fortran order) of an ``n x n`` matrix."""
    return [
        np.empty((r1 - r0, n - r0), dtype=dtype, order="F")
        for r0, r1 in panel_bounds(n, block)
    ]


def panels_from_dense(A, block=DEFAULT_BLOCK):
    """Copy the upper block triangle of the symmetric matrix ``A`` into panels."""
    n = A.shape[0]
    return [
        np.array(A[r0:r1, r0:], order="F", copy=True)
        for r0, r1 in panel_bounds(n, block)
    ]


def panel_cholesky(panels):
    """Factor in place: afterwards panel ``k`` holds ``U[k, k:]`` (upper triangle).

    Returns 0 on success, else the 1-based row at which a leading minor was
    found not positive definite (the panels are then partly overwritten).
    """
    dtype = panels[0].dtype
    (potrf,) = get_lapack_funcs(("potrf",), dtype=dtype)
    trsm, gemm = get_blas_funcs(("trsm", "gemm"), dtype=dtype)
    row = 0
    for k, panel in enumerate(panels):
        w = panel.shape[0]
        diag = panel[:, :w]
        # The w x w tile is factored on one thread: OpenBLAS 0.3.31's threaded
        # potrf was 30 times slower than its serial one on a 2000 x 2000 tile
        # here (AMD Zen 4, loaded machine), for only w^3/3 flops.
        with blas_threads_for(w * w, 1):
            _, info = potrf(diag, lower=0, overwrite_a=1, clean=1)
        if info != 0:
            return row + int(info)
        if panel.shape[1] > w:
            rest = panel[:, w:]
            out = trsm(1.0, diag, rest, side=0, lower=0, trans_a=1, overwrite_b=1)
            if not np.shares_memory(out, rest):  # pragma: no cover
                rest[...] = out
            col = 0
            for later in panels[k + 1 :]:
                wj = later.shape[0]
                out = gemm(
                    -1.0,
                    rest[:, col : col + wj],
                    rest[:, col:],
                    beta=1.0,
                    c=later,
                    trans_a=1,
                    overwrite_c=1,
                )
                if not np.shares_memory(out, later):  # pragma: no cover
                    later[...] = out
                col += wj
        row += w
    return 0


def panel_solve(panels, Y):
    """Solve :math:`U^\\top U P = Y` with the factor :func:`panel_cholesky` left.

    ``Y`` has shape ``(n,)`` or ``(n, t)``; returns a new array of its shape.
    """
    if len(panels) == 1:  # one LAPACK call (no per-panel bookkeeping)
        (potrs,) = get_lapack_funcs(("potrs",), dtype=panels[0].dtype)
        Z, info = potrs(panels[0], np.asarray(Y, dtype=panels[0].dtype), lower=0)
        return Z
    Z = np.array(Y, dtype=panels[0].dtype, copy=True)
    one_d = Z.ndim == 1
    if one_d:
        Z = Z[:, None]
    starts = np.cumsum([0] + [p.shape[0] for p in panels])
    # Forward: U^T z = y, right-looking.
    for k, panel in enumerate(panels):
        r0, r1 = starts[k], starts[k + 1]
        w = r1 - r0
        Z[r0:r1] = solve_triangular(panel[:, :w], Z[r0:r1], trans="T", lower=False)
        if r1 < Z.shape[0]:
            Z[r1:] -= panel[:, w:].T @ Z[r0:r1]
    # Backward: U p = z.
    for k in range(len(panels) - 1, -1, -1):
        panel = panels[k]
        r0, r1 = starts[k], starts[k + 1]
        w = r1 - r0
        rhs = Z[r0:r1]
        if r1 < Z.shape[0]:
            rhs = rhs - panel[:, w:] @ Z[r1:]
        Z[r0:r1] = solve_triangular(panel[:, :w], rhs, lower=False)
    return Z[:, 0] if one_d else Z


def panels_to_dense_factor(panels):
    """The upper-triangular factor ``U`` as a dense array (for tests)."""
    n = panels[0].shape[1]
    U = np.zeros((n, n), dtype=panels[0].dtype)
    r0 = 0
    for panel in panels:
        w = panel.shape[0]
        U[r0 : r0 + w, r0:] = panel
        r0 += w
    return np.triu(U)
