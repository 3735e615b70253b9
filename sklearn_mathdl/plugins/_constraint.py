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
    task : str, default=None
        Accept only plugins whose class attribute ``task`` is this value or
        undeclared (None): a regressor takes no classification loss.

    See Also
    --------
    sklearn_mathdl.plugins.Registry : The registry whose names are accepted.

    Examples
    --------
    >>> from sklearn_mathdl.plugins import ACTIVATIONS, PluginConstraint
    >>> constraint = PluginConstraint(ACTIVATIONS, per_layer=True)
    >>> constraint.is_satisfied_by("relu"), constraint.is_satisfied_by(["relu", "tanh"])
    (True, True)
    >>> constraint.is_satisfied_by("rectifier")
    False
    """

    def __init__(
        self, registry, *, callables=False, per_layer=False, extra_names=(), task=None
    ):
        super().__init__(list(registry.required_methods))
        self.registry = registry
        self.callables = callables
        self.per_layer = per_layer
        self.extra_names = tuple(extra_names)
        self.task = task

    def _fits_task(self, plugin):
        return self.task is None or getattr(plugin, "task", None) in (None, self.task)

    def _is_plugin(self, val):
        if isinstance(val, str):
            if val in self.extra_names:
                return True
            plugin = self.registry.lookup(val)
            return plugin is not None and self._fits_task(plugin)
        if self.callables and callable(val):
            return True
        has_methods = all(callable(getattr(val, m, None)) for m in self.methods)
        return has_methods and self._fits_task(val)

    def _fits_task_by_name(self, name):
        plugin = self.registry.registered(name)  # entry points: not loaded here
        return plugin is None or self._fits_task(plugin)

    def is_satisfied_by(self, val):
        """Tell whether ``val`` is a value this parameter accepts.

        Parameters
        ----------
        val : object
            The parameter's value.

        Returns
        -------
        satisfied : bool
            True for a known name, a plugin of this kind (of the right task),
            an accepted callable, or (``per_layer``) a non-empty list of those.
        """
        if self.per_layer and isinstance(val, list | tuple):
            return len(val) > 0 and all(self._is_plugin(v) for v in val)
        return self._is_plugin(val)

    def __str__(self):
        registry = self.registry
        names = sorted(
            {
                *(n for n in registry.available() if self._fits_task_by_name(n)),
                *self.extra_names,
            }
        )
        methods = ", ".join(self.methods)
        kind = registry.kind if self.task is None else f"{self.task} {registry.kind}"
        article = "an" if kind[0] in "aeiou" else "a"
        text = (
            f"a registered {kind} name among {names}, {article} {kind} object or "
            f"class (with {methods}"
            + ("" if self.task is None else f", and task = {self.task!r} or None")
            + ")"
        )
        if self.callables:
            text += ", a callable"
        if self.per_layer:
            text += ", or a list of those with one per hidden layer"
        return (
            f"{text} (register a new one with "
            f"sklearn_mathdl.plugins.register_{registry.kind})"
        )
