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


def _runnable_threads(path):
    """Runnable threads counted in ``path`` (``/proc/loadavg``, or one thread's
    ``stat``); None where the file does not exist (not Linux)."""
    try:
        with open(path) as fh:
            text = fh.read()
    except OSError:
        return None
    if path.endswith("loadavg"):  # "0.52 0.58 0.59 3/467 12345"
        return int(text.split()[3].split("/")[0])
    return int(text[text.rindex(")") + 2] == "R")  # "pid (name) R ..."


def busy_cores_elsewhere():
    """Threads of other processes running or ready to run at this instant.

    The machine's runnable threads (``/proc/loadavg``) minus this process's
    own (``/proc/self/task/*/stat`` in state R: the caller, and BLAS workers
    still spinning after a previous product). 0 where ``/proc`` is absent.
    """
    total = _runnable_threads("/proc/loadavg")
    if total is None:
        return 0
    try:
        tasks = os.listdir("/proc/self/task")
    except OSError:
        return 0
    own = sum(_runnable_threads(f"/proc/self/task/{t}/stat") or 0 for t in tasks)
    return max(0, total - max(own, 1))


def blas_thread_limit(wanted=None):
    """``wanted`` threads, capped by the free cores and the limit in force.

    Free cores are the cores this process may run on minus those other
    processes keep busy now (:func:`busy_cores_elsewhere`), as OpenMP's
    dynamic adjustment does: OpenBLAS's threads spin while they wait for each
    other, so two threads sharing a core with another process run a product
    several times slower than one thread alone (measured: 4x for the MLP's
    minibatch products on 2 cores with 2 other busy processes). Set the
    environment variable ``SKLEARN_MATHDL_DYNAMIC_THREADS=0`` to ignore the
    load.
    """
    cores = available_cores()
    limit = cores if wanted is None else min(cores, int(wanted))
    current = current_blas_threads()
    if current is not None:
        limit = min(limit, current)
    if limit > 1 and os.environ.get("SKLEARN_MATHDL_DYNAMIC_THREADS", "1") != "0":
        limit = min(limit, cores - busy_cores_elsewhere())
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
