"""Plugin registries: activations, losses, optimizers, schedules, initializers,
kernels and tokenizers.

Every kind uses the same mechanism (:class:`Registry`):

- ``register_<kind>(name, *aliases)``: decorator (or call) registering a class
  or an instance;
- ``get_<kind>(name_or_object)``: a fresh plugin for a name, or a validated
  copy of an object;
- ``available_<kind>s()``: the sorted names, including those that third-party
  packages declare in the entry-point group ``sklearn_mathdl.<kind>s``.

Estimators resolve plugin names in ``fit``, never at class definition, so a
plugin registered after import is accepted everywhere; and an estimator's
pickle carries the run-time plugins its parameters name
(:class:`CarriedPluginsMixin`), so they also work in ``n_jobs`` worker
processes and after loading in a fresh interpreter.
"""

from sklearn_mathdl.plugins._base import Plugin
from sklearn_mathdl.plugins._carry import CarriedPluginsMixin
from sklearn_mathdl.plugins._constraint import PluginConstraint
from sklearn_mathdl.plugins._registry import Registry

ACTIVATIONS = Registry("activation", required_methods=("forward", "backward"))
LOSSES = Registry("loss", required_methods=("value", "gradient"), plural="losses")
OPTIMIZERS = Registry("optimizer", required_methods=("initialize",))
SCHEDULES = Registry("schedule", required_methods=("reset", "learning_rate"))
INITIALIZERS = Registry("initializer", required_methods=("initialize",))
# Kernels (kernel_ridge family): ``__call__(X, Y=None)`` returns the matrix k(X, Y).
KERNELS = Registry("kernel", required_methods=("__call__",))
# Tokenizers (sentiment family): ``__call__(text)`` returns a list of tokens.
TOKENIZERS = Registry("tokenizer", required_methods=("__call__",))

register_activation = ACTIVATIONS.register
get_activation = ACTIVATIONS.get
available_activations = ACTIVATIONS.available

register_loss = LOSSES.register
get_loss = LOSSES.get
available_losses = LOSSES.available

register_optimizer = OPTIMIZERS.register
get_optimizer = OPTIMIZERS.get
available_optimizers = OPTIMIZERS.available

register_schedule = SCHEDULES.register
get_schedule = SCHEDULES.get
available_schedules = SCHEDULES.available

register_initializer = INITIALIZERS.register
get_initializer = INITIALIZERS.get
available_initializers = INITIALIZERS.available

register_kernel = KERNELS.register
get_kernel = KERNELS.get
available_kernels = KERNELS.available

register_tokenizer = TOKENIZERS.register
get_tokenizer = TOKENIZERS.get
available_tokenizers = TOKENIZERS.available

REGISTRIES = {
    r.kind: r
    for r in (
        ACTIVATIONS,
        LOSSES,
        OPTIMIZERS,
        SCHEDULES,
        INITIALIZERS,
        KERNELS,
        TOKENIZERS,
    )
}

__all__ = [
    "Registry",
    "Plugin",
    "CarriedPluginsMixin",
    "PluginConstraint",
    "REGISTRIES",
    "register_activation",
    "get_activation",
    "available_activations",
    "register_loss",
    "get_loss",
    "available_losses",
    "register_optimizer",
    "get_optimizer",
    "available_optimizers",
    "register_schedule",
    "get_schedule",
    "available_schedules",
    "register_initializer",
    "get_initializer",
    "available_initializers",
    "register_kernel",
    "get_kernel",
    "available_kernels",
    "register_tokenizer",
    "get_tokenizer",
    "available_tokenizers",
]
