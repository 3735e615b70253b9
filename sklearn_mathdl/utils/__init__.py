"""Public checkers for plugins (finite differences), like ``check_estimator``."""

from sklearn_mathdl.utils._plugin_checks import (
    check_activation,
    check_initializer,
    check_loss,
    check_optimizer,
    check_schedule,
)

__all__ = [
    "check_activation",
    "check_loss",
    "check_optimizer",
    "check_schedule",
    "check_initializer",
]
