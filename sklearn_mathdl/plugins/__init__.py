"""Plugin registries: activations, losses, optimizers, schedules, initializers.

Every kind uses the same mechanism (:class:`Registry`):

- ``register_<kind>(name, *aliases)``: decorator (or call) registering a class
  or an instance;
- ``get_<kind>(name_or_object)``: a fresh plugin for a name, or a validated
  copy of an object;
- ``available_<kind>s()``: the sorted names, including those that third-party
  packages declare in the entry-point group ``sklearn_mathdl.<kind>s``.

Estimators resolve plugin names in ``fit``, never at class definition, so a
plugin registered after import is accepted everywhere.
"""

from sklearn_mathdl.plugins._registry import Registry

ACTIVATIONS = Registry("activation", required_methods=("forward", "backward"))
LOSSES = Registry("loss", required_methods=("value", "gradient"))
OPTIMIZERS = Registry("optimizer", required_methods=("initialize",))
SCHEDULES = Registry("schedule", required_methods=("reset", "learning_rate"))
INITIALIZERS = Registry("initializer", required_methods=("initialize",))

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

REGISTRIES = {
    r.kind: r for r in (ACTIVATIONS, LOSSES, OPTIMIZERS, SCHEDULES, INITIALIZERS)
}

__all__ = [
    "Registry",
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
]
