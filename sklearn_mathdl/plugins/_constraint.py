"""The parameter constraint of every parameter that takes a plugin.

scikit-learn validates parameters once, in ``fit``, against the estimator's
``_parameter_constraints``. A plugin parameter accepts a registered name, a
plugin object or class (anything with the kind's methods) and, for some kinds,
a plain callable. The names are read from the registry when the check runs,
never frozen at class definition, so a plugin registered after import is
accepted; and the error lists the names available at that moment.
"""

from sklearn.utils._param_validation import HasMethods


class PluginConstraint(HasMethods):
    """Constraint: a name in ``registry``, a plugin of its kind, or a callable.

    Subclassing :class:`~sklearn.utils._param_validation.HasMethods` makes
    scikit-learn's ``validate_parameter_constraints`` accept it as a
    constraint; its test and its message are the registry's.

    Parameters
    ----------
    registry : Registry
        Where names are looked up (entry points included).
    callables : bool, default=False
        Accept any callable (kernels and tokenizers may be plain functions).
    per_layer : bool, default=False
        Also accept a non-empty list or tuple of such values, one per layer.
    extra_names : tuple of str, default=()
        Names the estimator accepts beside the registry's (``"precomputed"``).
    """

    def __init__(self, registry, *, callables=False, per_layer=False, extra_names=()):
        super().__init__(list(registry.required_methods))
        self.registry = registry
        self.callables = callables
        self.per_layer = per_layer
        self.extra_names = tuple(extra_names)

    def _is_plugin(self, val):
        if isinstance(val, str):
            return val in self.extra_names or self.registry.lookup(val) is not None
        if self.callables and callable(val):
            return True
        return all(callable(getattr(val, m, None)) for m in self.methods)

    def is_satisfied_by(self, val):
        if self.per_layer and isinstance(val, list | tuple):
            return len(val) > 0 and all(self._is_plugin(v) for v in val)
        return self._is_plugin(val)

    def __str__(self):
        registry = self.registry
        names = sorted({*registry.available(), *self.extra_names})
        methods = ", ".join(self.methods)
        text = (
            f"a registered {registry.kind} name among {names}, "
            f"{registry.article} {registry.kind} object or class (with "
            f"{methods})"
        )
        if self.callables:
            text += ", a callable"
        if self.per_layer:
            text += ", or a list of those with one per hidden layer"
        return (
            f"{text} (register a new one with "
            f"sklearn_mathdl.plugins.register_{registry.kind})"
        )
