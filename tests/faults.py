"""Fault injection shared by the fault suites of every family.

``interrupt_at_line(n)`` raises ``KeyboardInterrupt`` when the ``n``-th line of
the package's own code runs in the main thread, which is where Ctrl-C lands:
with :func:`count_package_lines` a test can interrupt a fit at any point of
its execution, chosen by hypothesis, instead of at a timer's whim.
"""

import contextlib
import os
import pickle
import sys
from pathlib import Path

import sklearn_mathdl

PACKAGE_DIR = str(Path(sklearn_mathdl.__file__).parent)

# Phrases of numpy's, scipy's and Python's own error messages: an error the
# package raises on bad input names the problem and the fix instead.
INTERNAL_PHRASES = (
    "array must not contain infs or NaNs",
    "could not convert",
    "inhomogeneous",
    "need at least one array",
    "not supported between instances",
    "setting an array element",
    "encountered in",
    "probabilities",
    "leading minor of the array",
    "LinAlgError",
    "operands could not be broadcast",
    "out of bounds",
    "cannot reshape",
    "object has no attribute",
    "unsupported operand",
    "invalid value encountered",
    "overflow encountered",
    "index out of bounds",
    "Unknown label type: unknown",
    "unhashable",
    "division by zero",
    "has no len",
    "index out of",
    "object is not",
)


class _LineCounter:
    """A tracer counting the package's lines; raises at line ``stop_at``."""

    def __init__(self, stop_at=None):
        self.count = 0
        self.stop_at = stop_at

    def global_trace(self, frame, event, arg):
        if frame.f_code.co_filename.startswith(PACKAGE_DIR):
            return self.local_trace
        return None

    def local_trace(self, frame, event, arg):
        if event == "line":
            self.count += 1
            if self.stop_at is not None and self.count == self.stop_at:
                raise KeyboardInterrupt(f"injected at package line {self.count}")
        return self.local_trace


@contextlib.contextmanager
def _tracing(counter):
    """Trace the main thread with ``counter``.

    Thread counts are kept independent of the machine's load while tracing
    (``SKLEARN_MATHDL_DYNAMIC_THREADS=0``): whether blocks run on worker
    threads or in the main thread changes how many lines the main thread
    executes, and a count must mean the same lines in the interrupted run.
    """
    previous = sys.gettrace()
    dynamic = os.environ.get("SKLEARN_MATHDL_DYNAMIC_THREADS")
    os.environ["SKLEARN_MATHDL_DYNAMIC_THREADS"] = "0"
    sys.settrace(counter.global_trace)
    try:
        yield counter
    finally:
        sys.settrace(previous)
        if dynamic is None:
            del os.environ["SKLEARN_MATHDL_DYNAMIC_THREADS"]
        else:
            os.environ["SKLEARN_MATHDL_DYNAMIC_THREADS"] = dynamic


def count_package_lines(call):
    """How many package lines ``call()`` executes in the main thread."""
    with _tracing(_LineCounter()) as counter:
        call()
    return counter.count


def interrupt_at_line(n):
    """Context manager: Ctrl-C arrives when the ``n``-th package line runs."""
    return _tracing(_LineCounter(stop_at=n))


def pickled(estimator):
    """The estimator's pickle bytes: equal bytes, equal model."""
    return pickle.dumps(estimator, protocol=pickle.HIGHEST_PROTOCOL)


def assert_call_is_transaction(estimator, call):
    """``call(estimator)`` either succeeds or leaves identical pickle bytes.

    Returns the exception raised, or None on success.
    """
    before = pickled(estimator)
    try:
        call(estimator)
    except BaseException as exc:
        after = pickled(estimator)
        assert after == before, (
            f"{type(exc).__name__} ({exc}) left {type(estimator).__name__} "
            "changed: its pickle bytes differ from before the call"
        )
        return exc
    return None
