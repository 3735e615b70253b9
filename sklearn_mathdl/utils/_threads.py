"""BLAS thread counts that respect the machine and the user's own limits.

Every family sizes its BLAS thread pool with :func:`blas_thread_limit`: never
more threads than the process may run on, and never more than a limit already
in force (``threadpool_limits(1)`` around a call, or the one joblib's loky
workers set so that ``n_jobs`` workers do not oversubscribe the cores).
"""

import os
from contextlib import contextmanager

from threadpoolctl import threadpool_info, threadpool_limits


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
    counts = [
        info["num_threads"]
        for info in threadpool_info()
        if info.get("user_api") == "blas"
    ]
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
    with threadpool_limits(limits=blas_thread_limit(wanted), user_api="blas"):
        yield
