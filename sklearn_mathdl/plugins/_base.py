"""Base class of plugins: small estimators of their own kind.

A plugin stores its constructor arguments unchanged, under the same names
(scikit-learn's convention for estimators). That one rule gives it
``get_params``/``set_params``, so :func:`sklearn.base.clone` copies it and an
estimator's nested parameters reach it (``activation__slope``,
``kernel__gamma``), a readable ``repr`` such as ``LeakyReLU(slope=0.2)``, and
equality of equal configurations.
"""

import functools
import inspect

from sklearn.base import BaseEstimator


@functools.cache
def constructor_parameters(cls):
    """The parameters of ``cls.__init__``, read from its signature once per class.

    Reading a signature costs tens of microseconds; a grid search asks for the
    same class's names many times per candidate.
    """
    return inspect.signature(cls.__init__).parameters


@functools.cache
def takes_keyword(function, name):
    """Whether ``function``'s signature names the parameter ``name`` (cached)."""
    try:
        return name in inspect.signature(function).parameters
    except (TypeError, ValueError):  # a builtin without a signature
        return False


def call_with_optional(method, *args, **optional):
    """``method(*args, **optional)``, passing only the optional keywords that
    ``method``'s signature names (read once per function).

    A plugin protocol may grow an optional argument (an activation's
    ``backward`` receiving the forward ``output``); plugins written before it
    omit it and keep working. A keyword whose value is None is not passed.
    """
    function = getattr(method, "__func__", method)
    kwargs = {
        key: value
        for key, value in optional.items()
        if value is not None and takes_keyword(function, key)
    }
    return method(*args, **kwargs)


def accepted_keywords(cls, offered):
    """The entries of ``offered`` that ``cls``'s constructor takes by name."""
    accepted = constructor_parameters(cls)
    return {name: value for name, value in offered.items() if name in accepted}


class Plugin:
    """Base class of every plugin kind: parameters as scikit-learn defines them.

    A subclass stores its constructor arguments under their own names and
    gets ``get_params``/``set_params``, ``clone``, nested parameters
    (``activation__slope``), a readable ``repr`` and equality.

    See Also
    --------
    sklearn_mathdl.plugins.Registry : Where plugins are registered by name.
    sklearn.base.BaseEstimator : The convention this class follows.

    Examples
    --------
    >>> from sklearn.base import clone
    >>> from sklearn_mathdl.neural_network.activations import LeakyReLU
    >>> act = LeakyReLU(slope=0.2)
    >>> act.get_params()
    {'slope': 0.2}
    >>> clone(act).set_params(slope=0.3)
    LeakyReLU(slope=0.3)
    """

    set_params = BaseEstimator.set_params

    @classmethod
    @functools.cache
    def _get_param_names(cls):
        """The constructor's argument names, in signature order (so the repr
        reads like the call); read once per class (``clone`` and
        ``get_params`` ask for them several times per search candidate)."""
        names = BaseEstimator._get_param_names.__func__(cls)  # checks no *args
        order = list(constructor_parameters(cls))
        return sorted(names, key=order.index)

    def get_params(self, deep=True):
        """Get the parameters of this plugin: its constructor's arguments.

        Parameters
        ----------
        deep : bool, default=True
            If True, also the parameters of parameters that are themselves
            plugins or estimators, as ``<parameter>__<name>``.

        Returns
        -------
        params : dict
            Parameter names mapped to their values.
        """
        out = {}
        for name in self._get_param_names():
            try:
                value = getattr(self, name)
            except AttributeError:
                raise AttributeError(
                    f"The plugin {type(self).__name__} has no attribute {name!r}: "
                    "a plugin must store each constructor argument unchanged "
                    "under its own name (scikit-learn's convention), so that "
                    "get_params, set_params and clone work."
                ) from None
            if deep and hasattr(value, "get_params") and not isinstance(value, type):
                out.update((f"{name}__{k}", v) for k, v in value.get_params().items())
            out[name] = value
        return out

    def _params(self):
        return self.get_params(deep=False)

    def __repr__(self):
        try:
            params = self._params()
        except AttributeError:
            return f"{type(self).__name__}(...)"
        args = ", ".join(f"{k}={v!r}" for k, v in params.items())
        return f"{type(self).__name__}({args})"

    def __eq__(self, other):
        return type(self) is type(other) and repr(self) == repr(other)

    def __hash__(self):
        return hash((type(self).__name__, repr(self)))
