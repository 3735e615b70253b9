"""What an estimator's pickle holds of its plugins, and their nested parameters.

**A saved model depends only on the plugins it uses.** Its pickle holds its
parameters and its fitted plugin objects, as any pickle does, plus the
registry entries of the plugin *names* its parameters hold when those were
registered at run time (a script's ``register_activation("softsign")``), so
that a refit elsewhere finds them. Nothing else registered in the process
enters it.

**Plugins defined in a script load anywhere.** pickle saves a class or
function by reference (module and name); one defined in ``__main__``, inside
a function or as a lambda cannot be found by that name in another process. When an
estimator refers to such an object, its pickle stores it by value, through
:mod:`cloudpickle` (the serializer of joblib's workers and of Dask), so the
model loads in any interpreter with this package installed. Every other
estimator pickles as plain pickle does, with no such dependency at load time.

**Unfitted estimators carry the run-time plugins of their kinds.** An unfitted
estimator is a specification that will be fitted, possibly elsewhere, after
``set_params``: ``GridSearchCV(n_jobs=2)`` sends a clone of the estimator to
each worker and sets a candidate's parameters there, so a name that appears
only in the parameter grid must reach the worker with it. A fitted estimator
does not carry them.

Nested parameters of per-layer lists of plugins are reachable as
``<parameter>__<layer>__<name>`` (``activation__0__slope``).
"""

import copyreg
import io
import pickle
import sys
import types
from collections import defaultdict

import numpy as np

from sklearn_mathdl.plugins._registry import Registry


def _plugin_names(value):
    """The strings in a parameter value (a name, or a list of names and objects)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [v for v in value if isinstance(v, str)]
    return []


def _is_fitted_state(state):
    """scikit-learn's test: an attribute ending in ``_`` (not dunder)."""
    return any(k.endswith("_") and not k.startswith("__") for k in state)


def _found_by_name_only_here(obj):
    """A class or function that pickle stores by a name no other process can
    resolve: defined in ``__main__``, in a function, or under another name."""
    module_name = getattr(obj, "__module__", None)
    module = sys.modules.get(module_name)
    if module is None or module_name == "__main__":
        return True
    found = module
    for part in getattr(obj, "__qualname__", "<unknown>").split("."):
        found = getattr(found, part, None)
    return found is not obj


class _NeedsByValue(Exception):
    pass


class _ByValueProbe(pickle.Pickler):
    """Walks an object graph as pickle does, writing nothing of array data,
    and stops at the first class or function only this process can name."""

    def reducer_override(self, obj):
        if isinstance(obj, np.ndarray) and obj.dtype != object:
            return (tuple, ())
        if isinstance(obj, type | types.FunctionType) and _found_by_name_only_here(obj):
            raise _NeedsByValue
        return NotImplemented


def _needs_by_value(obj, protocol):
    try:
        _ByValueProbe(io.BytesIO(), protocol=protocol).dump(obj)
    except _NeedsByValue:
        return True
    except Exception:  # unpicklable for another reason: pickle will say why
        return False
    return False


def _by_value_picklable(plugin):
    import cloudpickle

    try:
        cloudpickle.dumps(plugin)
    except Exception:
        return False
    return True


def _load_by_value(payload):
    """Rebuild an estimator pickled by :meth:`CarriedPluginsMixin.__reduce_ex__`."""
    new, args, state = pickle.loads(payload)
    obj = new(*args)
    obj.__setstate__(state)
    return obj


class CarriedPluginsMixin:
    """Mixin for estimators whose parameters name plugins.

    Subclasses set ``_plugin_parameters``, a mapping from parameter name to the
    :class:`~sklearn_mathdl.plugins.Registry` it is looked up in.

    A fitted estimator's pickle then carries the run-time plugins its
    parameters name (and only those), pickled by value when they cannot be
    found by name in another process; an unfitted one also carries the
    run-time plugins of its kinds, so that a search's workers know the names
    of its grid. Per-layer lists take nested parameters such as
    ``activation__0__slope``.

    See Also
    --------
    sklearn_mathdl.plugins.Registry : Where run-time plugins are registered.

    Examples
    --------
    >>> import pickle
    >>> from sklearn_mathdl import MLPClassifier
    >>> model = MLPClassifier(activation=["relu", "tanh"])
    >>> model.set_params(activation__0="leaky_relu").get_params()["activation"]
    ['leaky_relu', 'tanh']
    >>> pickle.loads(pickle.dumps(model)).activation
    ['leaky_relu', 'tanh']
    """

    _plugin_parameters: dict[str, Registry] = {}

    # ------------------------------------------------------------- pickling
    def _carried_plugins(self, fitted):
        """``(kind, name, plugin)`` of the run-time plugins the pickle holds."""
        carried, seen = [], set()

        def carry(registry, name, required):
            plugin = registry.registered(name)
            key = (registry.kind, name)
            if plugin is None or key in seen or registry.is_builtin(name):
                return
            if required or _by_value_picklable(plugin):
                seen.add(key)
                carried.append((registry.kind, name, plugin))

        for param, registry in self._plugin_parameters.items():
            for name in _plugin_names(getattr(self, param, None)):
                carry(registry, name, required=True)
        if not fitted:
            for registry in {
                id(r): r for r in self._plugin_parameters.values()
            }.values():
                for name in registry.runtime_names():
                    carry(registry, name, required=False)
        return carried

    def __getstate__(self):
        state = super().__getstate__()
        state.pop("_carried_plugins", None)
        carried = self._carried_plugins(fitted=_is_fitted_state(state))
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

    def __reduce_ex__(self, protocol):
        if protocol < 2:
            return super().__reduce_ex__(protocol)
        reduced = (copyreg.__newobj__, (type(self),), self.__getstate__())
        if not _needs_by_value(reduced, protocol):
            return reduced
        import cloudpickle

        return _load_by_value, (cloudpickle.dumps(reduced, protocol=protocol),)

    # ------------------------------------------- per-layer nested parameters
    def _per_layer_parameters(self):
        return [
            p
            for p in self._plugin_parameters
            if isinstance(getattr(self, p, None), list | tuple)
        ]

    def get_params(self, deep=True):
        """Get parameters for this estimator.

        Parameters
        ----------
        deep : bool, default=True
            If True, also the parameters of plugin objects
            (``activation__slope``) and, for a per-layer list of plugins,
            each entry and its parameters (``activation__0``,
            ``activation__0__slope``).

        Returns
        -------
        params : dict
            Parameter names mapped to their values.
        """
        out = super().get_params(deep=deep)
        if deep:
            for param in self._per_layer_parameters():
                for i, item in enumerate(getattr(self, param)):
                    out[f"{param}__{i}"] = item
                    if hasattr(item, "get_params") and not isinstance(item, type):
                        out.update(
                            (f"{param}__{i}__{k}", v)
                            for k, v in item.get_params().items()
                        )
        return out

    def set_params(self, **params):
        """Set the parameters of this estimator.

        Nested parameters reach plugin objects (``activation__slope=0.3``) and
        the entries of per-layer lists (``activation__1="tanh"``,
        ``activation__0__slope=0.3``).

        Parameters
        ----------
        **params : dict
            Estimator parameters.

        Returns
        -------
        self : estimator instance
            Estimator instance.
        """
        per_layer, rest = defaultdict(dict), {}
        for key, value in params.items():
            head, _, tail = key.partition("__")
            current = params.get(head, getattr(self, head, None))
            if (
                tail
                and head in self._plugin_parameters
                and isinstance(current, list | tuple)
            ):
                per_layer[head][tail] = value
            else:
                rest[key] = value
        super().set_params(**rest)
        for head, entries in per_layer.items():
            self._set_layer_entries(head, entries)
        return self

    def _set_layer_entries(self, param, entries):
        items = list(getattr(self, param))
        for key, value in entries.items():
            index, _, sub = key.partition("__")
            if not index.isdigit() or int(index) >= len(items):
                raise ValueError(
                    f"Invalid parameter {param}__{key!r} for {type(self).__name__}: "
                    f"{param} is a list of {len(items)} entries, so its nested "
                    f"parameters are {param}__0 to {param}__{len(items) - 1}."
                )
            i = int(index)
            if not sub:
                items[i] = value
            elif isinstance(items[i], str) or not hasattr(items[i], "set_params"):
                raise ValueError(
                    f"Cannot set {param}__{key}: entry {i} of {param} is "
                    f"{items[i]!r}, which has no parameters to set. Give that "
                    "layer a plugin object instead of a name to tune it."
                )
            else:
                items[i].set_params(**{sub: value})
        setattr(self, param, type(getattr(self, param))(items))
