"""What training tells its user: verbose lines, callbacks, warnings."""

import sys
import warnings
from pathlib import Path

_PACKAGE_DIR = str(Path(__file__).resolve().parents[1])


def warn_user(message, category):
    """Warn, pointing at the first caller outside this package (the user's
    ``fit``), whichever estimator or helper the warning comes through."""
    frame, level = sys._getframe(1), 2
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIR):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, category, stacklevel=level)


def epoch_line(info):
    """The verbose line of one epoch (L-BFGS: iteration)."""
    parts = [f"Iteration {info['epoch']}, loss = {info['loss']:.8f}"]
    if "validation_loss" in info:
        parts.append(f"validation loss = {info['validation_loss']:.8f}")
        parts.append(f"validation score = {info['validation_score']:.6f}")
    if "learning_rate" in info:
        parts.append(f"learning rate = {info['learning_rate']:.3g}")
    parts.append(f"time = {info['time']:.3f}s")
    return ", ".join(parts)


class Report:
    """Verbose output and callbacks, at the end of every epoch.

    Parameters
    ----------
    owner : object
        Passed to each callback as its first argument (the estimator).
    callbacks : callable, list of callables or None
        Each called as ``cb(owner, info)``; training stops when one returns
        ``True`` (and only ``True``).
    verbose : bool
        Print one line per epoch and why training stopped.
    """

    def __init__(self, owner, callbacks=None, verbose=False):
        self.owner = owner
        if callbacks is None:
            callbacks = []
        self.callbacks = [callbacks] if callable(callbacks) else list(callbacks)
        self.verbose = verbose

    def say(self, message):
        if self.verbose:
            print(message)

    def epoch(self, info):
        """Report one epoch; True when a callback asks training to stop."""
        self.say(epoch_line(info))
        return any(cb(self.owner, info) is True for cb in self.callbacks)
