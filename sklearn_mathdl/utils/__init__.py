"""Public checkers for plugins, the way ``check_estimator`` checks estimators:
finite differences for activations and losses, positive semi-definiteness and
symmetry for kernels, determinism and types for tokenizers."""

from sklearn_mathdl.utils._kernel_checks import check_kernel
from sklearn_mathdl.utils._plugin_checks import (
    check_activation,
    check_initializer,
    check_loss,
    check_optimizer,
    check_schedule,
)
from sklearn_mathdl.utils._tokenizer_checks import check_tokenizer

__all__ = [
    "check_activation",
    "check_loss",
    "check_optimizer",
    "check_schedule",
    "check_initializer",
    "check_kernel",
    "check_tokenizer",
]
