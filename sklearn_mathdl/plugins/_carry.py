"""Estimators carry the run-time plugins their parameters name through pickling.

A plugin registered by name in a user's script (``register_activation("softsign")``)
exists only in that process. ``GridSearchCV(n_jobs=2)`` and
``cross_val_score(n_jobs=2)`` pickle the estimator into worker processes, and a
model saved with :mod:`pickle` may be loaded in a fresh interpreter: in both,
``fit`` would look the name up in a registry that has never heard of it. So an
estimator's pickle holds, beside its parameters, the registered class or object
of every plugin name its parameters use that is not built in, and registers them
on load (never replacing a plugin the loading process already has under that
name).
"""

from sklearn_mathdl.plugins._registry import Registry


def _plugin_names(value):
    """The strings in a parameter value (a name, or a list of names and objects)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [v for v in value if isinstance(v, str)]
    return []


class CarriedPluginsMixin:
    """Mixin for estimators whose parameters name plugins.

    Subclasses set ``_plugin_parameters``, a mapping from parameter name to the
    :class:`~sklearn_mathdl.plugins.Registry` it is looked up in.
    """

    _plugin_parameters: dict[str, Registry] = {}

    def __getstate__(self):
        state = super().__getstate__()
        carried = []
        for param, registry in self._plugin_parameters.items():
            for name in _plugin_names(getattr(self, param, None)):
                plugin = registry.registered(name)
                if plugin is not None and not registry.is_builtin(name):
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
