"""BLAS thread counts that respect the machine and the user's own limits.

Every family sizes its BLAS thread pool with :func:`blas_thread_limit`: never
more threads than the process may run on, and never more than a limit already
in force (``threadpool_limits(1)`` around a call, or the one joblib's loky
workers set so that ``n_jobs`` workers do not oversubscribe the cores).

Finding the loaded BLAS libraries scans the process's shared objects (about a
millisecond), so it is done once, on first use, and the controller reused:
entering :func:`blas_threads` then costs microseconds, which matters for the
many small fits of a grid search. A BLAS library loaded later is picked up by
:func:`refresh`.
"""

import os
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, nullcontext

from threadpoolctl import ThreadpoolController

_controller = None
# Below this many matrix entries a problem is left to the BLAS as it is:
# entering a limit (tens of microseconds) would cost more than it can save.
SMALL_PROBLEM = 2**18


def _blas():
    """The loaded BLAS libraries (cached threadpoolctl controller)."""
    global _controller
    if _controller is None:
        _controller = ThreadpoolController()
    return _controller.select(user_api="blas")


def refresh():
    """Look for BLAS libraries again (after one was loaded)."""
    global _controller
    _controller = None


def available_cores():
    """Number of CPU cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def current_blas_threads():
    """The smallest thread count of the loaded BLAS libraries (the limit in force).

    ``None`` when no BLAS library is found by threadpoolctl.
    """
    counts = [info["num_threads"] for info in _blas().info()]
    return min(counts) if counts else None


def blas_thread_limit(wanted=None):
    """``wanted`` threads, capped by the cores and by the limit already in force."""
    limit = available_cores()
    if wanted is not None:
        limit = min(limit, int(wanted))
    current = current_blas_threads()
    if current is not None:
        limit = min(limit, current)
    return max(1, limit)


@contextmanager
def blas_threads(wanted=None):
    """Context manager: run BLAS with :func:`blas_thread_limit` (``wanted``) threads."""
    with _blas().limit(limits=blas_thread_limit(wanted)):
        yield


def single_blas_thread():
    """Context manager: BLAS on one thread, by the cached controller.

    ``threadpoolctl.threadpool_limits(1)`` rescans the process's libraries on
    every call (milliseconds); this costs microseconds.
    """
    return _blas().limit(limits=1)


def blas_threads_for(entries, wanted=None):
    """:func:`blas_threads` for a problem of ``entries`` matrix entries.

    A small problem (fewer than ``SMALL_PROBLEM`` entries, e.g. a kernel
    matrix of 500 samples) runs without entering a limit: a grid search of
    thousands of small fits then pays nothing for thread control.
    """
    if entries < SMALL_PROBLEM:
        return nullcontext()
    return blas_threads(wanted)


_pools = {}
_in_pool = threading.local()


def _mark_pool_thread():
    _in_pool.active = True


def _pool(workers):
    """One executor per process and thread count, kept for the next call.

    Starting threads costs milliseconds under load, against microseconds for
    a block's product: a CG solve maps hundreds of times. Keyed by the process
    id, so a forked child (joblib, multiprocessing) builds its own.
    """
    key = (os.getpid(), workers)
    pool = _pools.get(key)
    if pool is None:
        pool = _pools[key] = ThreadPoolExecutor(
            max_workers=workers, initializer=_mark_pool_thread
        )
    return pool


def map_row_blocks(fn, bounds, workers=None):
    """``[fn(b) for b in bounds]``, over threads when more than one core is free.

    Each ``fn`` call works on one block of rows (``b = (start, stop)``) and its
    BLAS calls run on one thread: the parallelism is over the blocks, so the
    BLAS threads would only oversubscribe the cores. ``workers`` defaults to
    :func:`blas_thread_limit`, so a limit already in force is respected. A call
    from inside a block runs serially (no pool waits on itself).
    """
    workers = blas_thread_limit() if workers is None else max(1, int(workers))
    bounds = list(bounds)
    nested = getattr(_in_pool, "active", False)
    if workers == 1 or len(bounds) < 2 or nested:
        return [fn(b) for b in bounds]
    with single_blas_thread():
        return list(_pool(min(workers, len(bounds))).map(fn, bounds))
