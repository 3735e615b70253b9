"""The weights of a fitted network as scikit-learn's ``coefs_`` and ``intercepts_``.

Both are lists of views into the network's packed parameter vector; assigning
a list, or one entry, copies into the network (the shapes must match), and
weights assigned before any fit are the starting weights of ``partial_fit``
and of ``fit`` with ``warm_start=True``, as in scikit-learn.
"""

import numpy as np
from sklearn.utils.validation import check_is_fitted


class LayerAttributes:
    """Mixin: ``coefs_`` and ``intercepts_`` of the estimator's ``network_``."""

    @property
    def coefs_(self):
        """List of weight matrices, ``coefs_[l]`` of shape (fan_in, fan_out).

        Assignable as in scikit-learn: assigning a list of arrays, or one
        entry, copies the values into the network's parameter vector (the
        shapes must match). Before any fit, assigned ``coefs_`` and
        ``intercepts_`` are the starting weights of ``partial_fit`` and of
        ``fit`` with ``warm_start=True``.
        """
        return self._layer_list("coefs")

    @coefs_.setter
    def coefs_(self, value):
        self._assign_layers("coefs", value)

    @property
    def intercepts_(self):
        """List of bias vectors, ``intercepts_[l]`` of shape (fan_out,).

        Assignable like :attr:`coefs_`.
        """
        return self._layer_list("intercepts")

    @intercepts_.setter
    def intercepts_(self, value):
        self._assign_layers("intercepts", value)

    def _layer_list(self, kind):
        network = self.__dict__.get("network_")
        if network is not None:
            return _LayerList(getattr(network, kind), f"{kind}_")
        assigned = self.__dict__.get(f"_assigned_{kind}")
        if assigned is None:
            check_is_fitted(self, "network_")
        return assigned

    def _assign_layers(self, kind, value):
        network = self.__dict__.get("network_")
        if network is None:
            # Unfitted: kept as given (a list the caller may fill entry by
            # entry, as scikit-learn's tests do) and checked when fit uses it.
            self.__dict__[f"_assigned_{kind}"] = list(value)
            return
        targets = getattr(network, kind)
        value = list(value)
        if len(value) != len(targets):
            raise ValueError(
                f"{kind}_ must hold one array per layer: {len(targets)} arrays of "
                f"shapes {[t.shape for t in targets]}, got {len(value)}. To change "
                "the architecture, set hidden_layer_sizes and refit."
            )
        for layer, item in enumerate(value):
            _copy_into(targets[layer], item, f"{kind}_[{layer}]")

    def _assigned_layers(self):
        """``(coefs, intercepts)`` assigned before any fit, or None."""
        coefs = self.__dict__.get("_assigned_coefs")
        intercepts = self.__dict__.get("_assigned_intercepts")
        return None if coefs is None or intercepts is None else (coefs, intercepts)


class _LayerList(list):
    """``coefs_`` / ``intercepts_`` of a fitted network: views into its
    parameter vector; assigning an entry copies into the view."""

    def __init__(self, views, name):
        super().__init__(views)
        self._name = name

    def __setitem__(self, index, value):
        if isinstance(index, slice):
            views = list.__getitem__(self, index)
            value = list(value)
            if len(value) != len(views):
                raise ValueError(
                    f"Assigning {len(value)} arrays to {len(views)} entries of "
                    f"{self._name}: the number of layers is fixed by the fit."
                )
            for view, item in zip(views, value):
                _copy_into(view, item, self._name)
            return
        _copy_into(list.__getitem__(self, index), value, f"{self._name}[{index}]")

    def _fixed(self, *args, **kwargs):
        raise TypeError(
            f"{self._name} has one entry per layer of the fitted network; its "
            "length cannot change. Set hidden_layer_sizes and refit instead."
        )

    append = extend = insert = pop = remove = clear = __delitem__ = _fixed
    __iadd__ = __imul__ = sort = reverse = _fixed

    def __reduce__(self):
        # Copied or pickled, it is a plain list of arrays (copies of the
        # weights), as scikit-learn's coefs_.
        return list, (list(self),)


def _copy_into(target, value, name):
    """Copy ``value`` into the parameter view ``target``, checking its shape."""
    value = np.asarray(value)
    if value.shape != target.shape or value.dtype.kind not in "fiub":
        raise ValueError(
            f"{name} must be an array of real numbers of shape {target.shape}, "
            f"got shape {value.shape} and dtype {value.dtype}. To change the "
            "architecture, set hidden_layer_sizes and refit."
        )
    target[...] = value


def copy_layers(network, coefs, intercepts):
    """Copy weights assigned before fitting into a new network, by shape."""
    shapes = [(W.shape, b.shape) for W, b in zip(network.coefs, network.intercepts)]
    given = [[np.shape(W) for W in coefs], [np.shape(b) for b in intercepts]]
    if given != [[W for W, _ in shapes], [b for _, b in shapes]]:
        raise ValueError(
            "The coefs_ and intercepts_ assigned before fitting do not fit the "
            "network of these data and hidden_layer_sizes: expected shapes "
            f"{[W for W, _ in shapes]} and {[b for _, b in shapes]}, got "
            f"{given[0]} and {given[1]}."
        )
    for layer, (W, b) in enumerate(zip(coefs, intercepts)):
        _copy_into(network.coefs[layer], W, f"coefs_[{layer}]")
        _copy_into(network.intercepts[layer], b, f"intercepts_[{layer}]")
