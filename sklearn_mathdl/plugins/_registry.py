"""One registry mechanism, reused for every kind of plugin.

A :class:`Registry` maps names to plugin factories (a class, instantiated with
its defaults on lookup, or an instance, deep-copied on lookup so that stateful
plugins are never shared between estimators). Third-party packages add plugins
through the entry-point group ``sklearn_mathdl.<kind>s``; the group is read
lazily, on the first name that is not found.
"""

import copy
import inspect
from importlib.metadata import entry_points


class Registry:
    """Name → plugin mapping for one kind of plugin.

    Every plugin kind (activations, losses, optimizers, schedules,
    initializers, kernels, tokenizers) is one instance of this class, so that
    registering, looking up, listing and loading from entry points behave the
    same for all of them.

    Parameters
    ----------
    kind : str
        Singular name of the kind, e.g. ``"activation"``. The entry-point group
        is ``f"sklearn_mathdl.{kind}s"``.
    required_methods : tuple of str
        Methods a plugin object must have; checked on lookup so that a wrong
        object fails at ``fit`` with a message naming what is missing.
    plural : str, default=None
        Plural of ``kind`` for messages and the entry-point group; ``kind + "s"``
        when None (``"loss"`` needs ``"losses"``).

    See Also
    --------
    sklearn_mathdl.plugins.Plugin : Base class of plugin objects.
    sklearn_mathdl.plugins.PluginConstraint : Validates plugin parameters.

    Examples
    --------
    >>> from sklearn_mathdl.plugins import available_activations, get_activation
    >>> get_activation("leaky_relu")
    LeakyReLU(slope=0.1)
    >>> "maxout" in available_activations()
    True
    >>> get_activation("rectifier")
    Traceback (most recent call last):
    ...
    ValueError: Unknown activation 'rectifier'. Available activations: [...]...
    """

    def __init__(self, kind, required_methods=(), plural=None):
        self.kind = kind
        self.plural = plural or f"{kind}s"
        self.article = "an" if kind[0] in "aeiou" else "a"
        self.group = f"sklearn_mathdl.{self.plural}"
        self.required_methods = tuple(required_methods)
        self._factories = {}

    def register(self, name, *aliases, overwrite=False):
        """Register a plugin class or instance under ``name`` (and aliases).

        Usable as a decorator::

            @register_activation("cube")
            class Cube(ElementwiseActivation): ...

        or as a call, ``register_activation("cube")(Cube(power=3))``.

        Parameters
        ----------
        name : str
            The name estimators accept for this plugin.
        *aliases : str
            Further names for the same plugin.
        overwrite : bool, default=False
            Replace a plugin already registered under one of the names.
            Without it, registering a taken name raises ``ValueError``, so
            that no script silently changes what ``"rbf"`` means elsewhere.

        Returns
        -------
        decorator : callable
            Takes the plugin (class or instance), registers it and returns it
            unchanged.
        """
        names = (name, *aliases)
        for n in names:
            if not isinstance(n, str) or not n:
                raise TypeError(
                    f"{self.article.capitalize()} {self.kind} must be registered under a non-empty string "
                    f"name, got {n!r}."
                )

        def decorator(plugin):
            self._check_interface(plugin, names[0])
            taken = [
                n
                for n in names
                if n in self._factories and self._factories[n] is not plugin
            ]
            if taken and not overwrite:
                raise ValueError(
                    f"{self.article.capitalize()} {self.kind} is already registered "
                    f"under the name(s) {taken}: "
                    f"{[self._factories[n] for n in taken]}. Choose another name, "
                    f"or pass overwrite=True to register_{self.kind} to replace it "
                    "in this process."
                )
            for n in names:
                self._factories[n] = plugin
            return plugin

        return decorator

    def get(self, name_or_object):
        """Return a fresh plugin for a registered name, or validate an object.

        A registered class is instantiated with its defaults; a registered
        instance, or an object passed directly, is deep-copied, so that the
        caller may mutate its state (optimizer moments, schedule step).

        Parameters
        ----------
        name_or_object : str, class or object
            A registered name, a plugin class, or a plugin object.

        Returns
        -------
        plugin : object
            A plugin object that has this kind's required methods and is the
            caller's own.
        """
        if isinstance(name_or_object, str):
            plugin = self.lookup(name_or_object)
            if plugin is None:
                raise ValueError(
                    f"Unknown {self.kind} {name_or_object!r}. Available "
                    f"{self.plural}: {self.available()}. Register a new one with "
                    f"sklearn_mathdl.plugins.register_{self.kind}."
                )
            return plugin() if inspect.isclass(plugin) else copy.deepcopy(plugin)
        if inspect.isclass(name_or_object):
            self._check_interface(name_or_object, repr(name_or_object))
            return name_or_object()
        self._check_interface(name_or_object, repr(name_or_object))
        return copy.deepcopy(name_or_object)

    def lookup(self, name):
        """Find the plugin registered under ``name``, loading entry points on a miss.

        Parameters
        ----------
        name : str
            A plugin name.

        Returns
        -------
        plugin : class, object or None
            The class or instance registered under ``name``, or None if
            neither this process nor an installed entry point offers it.
        """
        if name not in self._factories:
            self._load_entry_points(name)
        return self._factories.get(name)

    def available(self):
        """List the names this kind accepts.

        Returns
        -------
        names : list of str
            Sorted names: the registered ones and those offered by entry
            points of installed distributions.
        """
        names = set(self._factories)
        names.update(ep.name for ep in entry_points(group=self.group))
        return sorted(names)

    def is_builtin(self, name):
        """Tell whether ``name`` is one of sklearn_mathdl's own plugins.

        Parameters
        ----------
        name : str
            A plugin name.

        Returns
        -------
        builtin : bool
            True if ``name`` is registered by sklearn_mathdl itself.
        """
        plugin = self._factories.get(name)
        module = getattr(plugin, "__module__", None) or type(plugin).__module__
        return plugin is not None and module.startswith("sklearn_mathdl.")

    def runtime_names(self):
        """List the names registered at run time.

        Returns
        -------
        names : list of str
            Names registered in this process that sklearn_mathdl does not
            define (a script's or a third party's plugins).
        """
        return [n for n in self._factories if not self.is_builtin(n)]

    def registered(self, name):
        """Return what is registered under ``name``, without loading entry points.

        Parameters
        ----------
        name : str
            A plugin name.

        Returns
        -------
        plugin : class, object or None
            The class or instance registered under ``name``, or None.
        """
        return self._factories.get(name)

    def _load_entry_points(self, name):
        """Register the entry point ``name`` of this kind's group, if any.

        A distribution whose entry point fails to import, or offers no valid
        plugin, is named in the error; other plugins are not affected (entry
        points load one by one, on the first miss of their name).
        """
        for ep in entry_points(group=self.group):
            if ep.name != name:
                continue
            try:
                plugin = ep.load()
                self._check_interface(plugin, repr(plugin))
            except Exception as exc:
                dist = getattr(ep, "dist", None)
                source = (
                    f"distribution {dist.name} {dist.version}"
                    if dist is not None
                    else "an unknown distribution"
                )
                raise ImportError(
                    f"The {self.kind} entry point {ep.name!r} = {ep.value!r} in "
                    f"group {self.group!r} (from {source}) failed to load: "
                    f"{type(exc).__name__}: {exc}. Fix or uninstall that "
                    "distribution; the other plugins are unaffected."
                ) from exc
            self.register(name)(plugin)
            return

    def _check_interface(self, plugin, label):
        missing = [
            m for m in self.required_methods if not callable(getattr(plugin, m, None))
        ]
        if missing:
            raise ValueError(
                f"{label} is not a valid {self.kind}: it has no "
                f"{', '.join(missing)} method. {self.article.capitalize()} "
                f"{self.kind} must define "
                f"{', '.join(self.required_methods)}."
            )
