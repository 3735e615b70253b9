"""BLAS thread counts follow the free cores, as OpenMP's dynamic adjustment."""

import os
import subprocess
import sys
import time

import pytest

from sklearn_mathdl.utils import _threads


def test_busy_cores_come_from_the_runnable_threads_of_other_processes(
    monkeypatch, tmp_path
):
    if not os.path.exists("/proc/self/task"):
        pytest.skip("no /proc on this platform: the load is not read")
    loadavg = tmp_path / "loadavg"
    loadavg.write_text("3.10 2.00 1.50 4/321 9999\n")
    real = _threads._runnable_threads
    main = f"/proc/self/task/{os.getpid()}/stat"

    def runnable(path):
        if path == "/proc/loadavg":
            return real(str(loadavg))
        return 1 if path == main else 0  # this thread runs; the others wait

    monkeypatch.setattr(_threads, "_runnable_threads", runnable)
    monkeypatch.setattr(_threads.os, "listdir", lambda path: [str(os.getpid()), "1"])
    # 4 runnable on the machine, of which this process's running thread: 3.
    assert _threads.busy_cores_elsewhere() == 3
    assert real(main) == 1  # the real file: this thread is running


def test_a_spinning_process_is_counted_and_this_process_is_not():
    if _threads._runnable_threads("/proc/loadavg") is None:
        pytest.skip("no /proc on this platform: the load is not read")
    spinner = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        time.sleep(0.3)
        seen = [_threads.busy_cores_elsewhere() for _ in range(20)]
    finally:
        spinner.kill()
        spinner.wait()
    assert max(seen) >= 1  # the spinner runs or waits for a core: runnable


@pytest.mark.parametrize("busy, expected", [(0, 2), (1, 1), (5, 1)])
def test_thread_limit_leaves_the_busy_cores_alone(monkeypatch, busy, expected):
    monkeypatch.setattr(_threads, "available_cores", lambda: 2)
    monkeypatch.setattr(_threads, "current_blas_threads", lambda: 8)
    monkeypatch.setattr(_threads, "busy_cores_elsewhere", lambda: busy)
    assert _threads.blas_thread_limit(4) == expected
    monkeypatch.setenv("SKLEARN_MATHDL_DYNAMIC_THREADS", "0")
    assert _threads.blas_thread_limit(4) == 2  # the load is ignored
