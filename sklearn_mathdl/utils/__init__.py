"""Public checkers for plugins (finite differences), like ``check_estimator``."""

from sklearn_mathdl.utils._plugin_checks import (
    check_activation,
    check_initializer,
    check_loss,
    check_optimizer,
    check_schedule,
)
from sklearn_mathdl.utils._kernel_checks import check_kernel
from sklearn_mathdl.utils._tokenizer_checks import check_tokenizer

__all__ = [
    "check_kernel",
    "check_tokenizer",
    "check_activation",
    "check_loss",
    "check_optimizer",
    "check_schedule",
    "check_initializer",
]
