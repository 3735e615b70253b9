"""Estimators carry the run-time plugins their parameters name through pickling.

A plugin registered by name in a user's script (``register_activation("softsign")``)
exists only in that process. ``GridSearchCV(n_jobs=2)`` and
``cross_val_score(n_jobs=2)`` pickle the estimator into worker processes, and a
model saved with :mod:`pickle` may be loaded in a fresh interpreter: in both,
``fit`` would look the name up in a registry that has never heard of it. So an
estimator's pickle holds, beside its parameters, the plugins registered at run
time in the registries its parameters use, and registers them on load (never
replacing a plugin the loading process already has under that name).

Not only the names its parameters hold now: ``GridSearchCV`` sends the base
estimator to a worker and calls ``set_params`` there, so a name that appears
only in the parameter grid must travel too. The plugins the parameters name are
always carried; the other run-time plugins of those registries are carried when
they can be pickled.
"""

import pickle

from sklearn_mathdl.plugins._registry import Registry


def _plugin_names(value):
    """The strings in a parameter value (a name, or a list of names and objects)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [v for v in value if isinstance(v, str)]
    return []


def _picklable(obj):
    try:
        pickle.dumps(obj)
    except Exception:
        return False
    return True


class CarriedPluginsMixin:
    """Mixin for estimators whose parameters name plugins.

    Subclasses set ``_plugin_parameters``, a mapping from parameter name to the
    :class:`~sklearn_mathdl.plugins.Registry` it is looked up in.
    """

    _plugin_parameters: dict[str, Registry] = {}

    def __getstate__(self):
        state = super().__getstate__()
        named = {
            (registry.kind, name)
            for param, registry in self._plugin_parameters.items()
            for name in _plugin_names(getattr(self, param, None))
        }
        carried, seen = [], set()
        for registry in self._plugin_parameters.values():
            for name in registry.runtime_names():
                key = (registry.kind, name)
                plugin = registry.registered(name)
                if key in seen or not (key in named or _picklable(plugin)):
                    continue
                seen.add(key)
                carried.append((registry.kind, name, plugin))
        if carried:
            state = {**state, "_carried_plugins": carried}
        return state

    def __setstate__(self, state):
        from sklearn_mathdl.plugins import REGISTRIES

        state = dict(state)
        for kind, name, plugin in state.pop("_carried_plugins", ()):
            registry = REGISTRIES[kind]
            if registry.registered(name) is None:
                registry.register(name)(plugin)
        super().__setstate__(state)
