"""The one switch between compiled (numba) inner loops and their numpy formulas.

numba is an optional dependency (``pip install sklearn_mathdl[fast]``); the
package's core dependencies are numpy, scipy and scikit-learn. Every compiled
kernel of the package keeps its numpy formula beside it, as the reference the
tests compare it with and as the fallback, and asks :func:`numba_enabled`
which one to run. The environment variable ``SKLEARN_MATHDL_NUMBA=0`` (read at
import) or the context manager :func:`use_numba` forces the numpy path.
Compiled functions are cached on disk (``cache=True``): the compilation is
paid once per machine, not per fit or per process.
"""

import contextlib
import os

try:  # pragma: no cover - which branch runs depends on the installation
    import numba
except ImportError:  # pragma: no cover
    numba = None

__all__ = ["numba_available", "numba_enabled", "use_numba", "jit"]

_state = {
    "enabled": numba is not None and os.environ.get("SKLEARN_MATHDL_NUMBA", "1") != "0"
}


def numba_available():
    """Whether numba is installed (the ``[fast]`` extra)."""
    return numba is not None


def numba_enabled():
    """Whether the compiled kernels are in use (installed and not switched off)."""
    return _state["enabled"]


@contextlib.contextmanager
def use_numba(enabled):
    """Context manager: use the compiled kernels (``True``) or numpy (``False``).

    ``use_numba(True)`` without numba installed raises ``ImportError``.
    """
    if enabled and numba is None:
        raise ImportError(
            "numba is not installed: install the fast extra with "
            "`pip install sklearn_mathdl[fast]`."
        )
    previous = _state["enabled"]
    _state["enabled"] = bool(enabled)
    try:
        yield
    finally:
        _state["enabled"] = previous


def jit(fn=None, *, parallel=False):
    """``numba.njit(cache=True, nogil=True)`` of ``fn``, or None without numba.

    ``error_model="numpy"``: a division by zero gives inf or NaN as in numpy
    instead of raising, which lets numba vectorise divisions.
    ``parallel=True`` compiles ``numba.prange`` loops onto threads.
    """
    if fn is None:
        return lambda f: jit(f, parallel=parallel)
    if numba is None:
        return None
    return numba.njit(cache=True, nogil=True, error_model="numpy", parallel=parallel)(
        fn
    )
