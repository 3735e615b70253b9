"""Every non-finite value traced to its source: a plugin, the data or the steps.

When training meets a loss or a gradient that is not finite, the evaluation is
replayed with :class:`CheckedCalls`, which makes each plugin call of the
objective itself and inspects what comes back, in the order of the
computation, stopping at the first non-finite value:

1. A plugin that raises, or returns an array of the wrong shape or dtype, is
   named.
2. A loss that is not finite for targets beyond :data:`MODERATE` in magnitude
   is the data's fault (y's scale), checked before the loss itself, so a
   built-in loss is never blamed for data that overflow it.
3. A plugin that returns NaN or inf from finite input at most
   :data:`MODERATE` in magnitude (where no careful plugin overflows) is named,
   with the pass (forward, backward, loss value, loss gradient) and the layer.
4. Anything else is an :class:`Overflow`: large numbers became infinite. The
   trainer then blames the features' scale (X beyond :data:`MODERATE`), the
   weights the fit started from (no step taken yet) or the steps (they
   diverged: the learning rate).
"""

import numpy as np
import scipy.sparse as sp

from sklearn_mathdl.neural_network._objective import value_and_gradient
from sklearn_mathdl.neural_network.activations import vector_jacobian_product

#: Inputs of at most this magnitude never make a careful plugin overflow.
MODERATE = 1e6


class TrainingFault(ValueError):
    """Training met a value that is not finite; the message names its source."""


class PluginFault(TrainingFault):
    """A plugin raised, or returned a wrong or non-finite result."""


class DataFault(TrainingFault):
    """The data's scale overflowed the computation."""


class StepsDiverged(TrainingFault):
    """The optimisation steps carried the weights where the loss overflows."""


class Overflow(Exception):
    """Large but finite numbers became infinite at ``where`` (no plugin at fault)."""

    def __init__(self, where):
        super().__init__(where)
        self.where = where


def largest(a):
    """The largest magnitude in ``a`` (dense or sparse), 0 if empty."""
    if sp.issparse(a):
        return float(abs(a).max()) if a.nnz else 0.0
    return float(np.abs(a).max(initial=0.0))


def moderate(a):
    """True if every entry of ``a`` is finite and at most :data:`MODERATE`."""
    return bool(largest(a) <= MODERATE)


def _finite(a):
    return bool(np.isfinite(a).all())


def _what(a):
    """``"NaN"`` or ``"inf"``: the kind of non-finite value in ``a``."""
    return "NaN" if np.isnan(a).any() else "inf"


def _called(plugin, kind, where, method, *args):
    """``method(*args)``; an exception is reported with the plugin's name."""
    try:
        return method(*args)
    except Exception as exc:
        raise PluginFault(
            f"The {kind} {plugin!r}{where} raised {type(exc).__name__}: {exc}. "
            "Fix the plugin."
        ) from exc


def _check_activation_output(act, method, layer, array, shape, dtype):
    """Name an activation whose ``method`` returned the wrong shape or dtype."""
    array = np.asarray(array)
    if array.shape != shape or array.dtype != dtype:
        raise PluginFault(
            f"The activation {act!r} of layer {layer + 1} returned from "
            f"{method} an array of shape {array.shape} and dtype {array.dtype} "
            f"for pre-activations of dtype {dtype}; expected shape {shape} and "
            f"dtype {dtype}. Fix its {method} method (multiply by Python floats, "
            "not numpy float64 scalars, to keep float32 arrays float32)."
        )
    return array


class CheckedCalls:
    """The plugin calls of one evaluation of the objective, each result checked.

    Passed as ``calls`` to :class:`~sklearn_mathdl.neural_network._objective.Objective`
    (and through it to the network's forward and backward passes), so the
    checked evaluation runs the same loop as training.

    Parameters
    ----------
    network : DenseNetwork
        The network evaluated (for the expected shapes).
    """

    def __init__(self, network):
        # Columns of each layer's activation output: its units, or for a
        # network whose activations act on its layers' inputs (a
        # Kolmogorov-Arnold network's base functions) the widths it declares.
        self.units = getattr(network, "activation_widths", network.layer_sizes[1:])

    def forward(self, layer, act, z):
        if not _finite(z):
            raise Overflow(f"the pre-activations of layer {layer + 1}")
        where = f" of layer {layer + 1} in its forward pass"
        a = _called(act, "activation", where, act.forward, z)
        shape = (z.shape[0], self.units[layer])
        a = _check_activation_output(act, "forward", layer, a, shape, z.dtype)
        if not _finite(a):
            if not moderate(z):
                raise Overflow(f"the outputs of layer {layer + 1}")
            raise PluginFault(
                f"The activation {act!r} of layer {layer + 1} returned {_what(a)} "
                "in its forward pass for finite input (|z| at most "
                f"{largest(z):.3g}). Fix the plugin (clip its exponentials, as "
                "the built-in activations do)."
            )
        return a

    def backward(self, layer, act, z, grad_output, output):
        if not _finite(grad_output):
            raise Overflow(f"the gradient reaching layer {layer + 1}")
        # Judged before the call: the activation may overwrite its scratch input.
        judged = moderate(z) and moderate(grad_output)
        where = f" of layer {layer + 1} in its backward pass"
        grad = _called(
            act,
            "activation",
            where,
            vector_jacobian_product,
            act,
            z,
            grad_output,
            output,
        )
        grad = _check_activation_output(act, "backward", layer, grad, z.shape, z.dtype)
        if not _finite(grad):
            if not judged:
                raise Overflow(f"the gradient of layer {layer + 1}")
            raise PluginFault(
                f"The activation {act!r} of layer {layer + 1} returned "
                f"{_what(grad)} in its backward pass for finite input (|z| and "
                f"|grad_output| at most {max(largest(z), largest(grad_output)):.3g})."
                " Fix the plugin (its derivative or vector-Jacobian product)."
            )
        return grad

    def loss(self, loss, Y, output, sample_weight):
        value, grad = _called(
            loss, "loss", "", value_and_gradient, loss, Y, output, sample_weight
        )
        _check_loss_output(loss, value, grad, output)
        if _finite(value) and _finite(grad):
            return value, grad
        part = "value" if not _finite(value) else "gradient"
        found = f"{float(value)}" if part == "value" else _what(grad)
        if not moderate(Y) and _finite_at_unit_scale(loss, Y, output, sample_weight):
            raise DataFault(
                f"The loss {loss!r} overflowed (its {part} is {found}) on "
                f"targets up to {largest(Y):.3g} in magnitude: y's scale is too "
                "large for the loss (on y and the output divided by that "
                "magnitude it is finite). Scale y, e.g. with sklearn.compose."
                "TransformedTargetRegressor(regressor=..., transformer="
                "StandardScaler()), or MaxAbsScaler() where y's variance "
                "overflows too."
            )
        if not moderate(output):
            raise Overflow(f"the loss {part}")
        raise PluginFault(
            f"The loss {loss!r} returned {found} "
            f"{'as its value' if part == 'value' else 'in its gradient'} for a "
            f"finite network output (|o| at most {largest(output):.3g}) and "
            f"finite targets (|y| at most {largest(Y):.3g}). Fix the plugin "
            "(compute it in the log domain, as the built-in losses do)."
        )


def _finite_at_unit_scale(loss, Y, output, sample_weight):
    """Whether the loss is finite once targets and output are divided by the
    targets' magnitude: then their scale, not the plugin, overflowed it."""
    scale = largest(Y)
    try:
        value, grad = value_and_gradient(loss, Y / scale, output / scale, sample_weight)
    except Exception:
        return False
    return _finite(value) and _finite(grad)


def _check_loss_output(loss, value, grad, output):
    """Name a loss whose value is not a scalar or whose gradient is misshapen."""
    grad_dtype = getattr(grad, "dtype", None)
    if (
        np.ndim(value) != 0
        or np.shape(grad) != output.shape
        or grad_dtype != output.dtype
    ):
        raise PluginFault(
            f"The loss {loss!r} returned a value of shape {np.shape(value)} and "
            f"a gradient of shape {np.shape(grad)} and dtype {grad_dtype} for an "
            f"output of shape {output.shape} and dtype {output.dtype}; expected "
            "a scalar and an array of that shape and dtype. Fix its "
            "value/gradient methods."
        )


def trace(objective, network, X, Y, sample_weight):
    """Evaluate ``objective`` checking every plugin call; return the overflow.

    Raises
    ------
    PluginFault
        A plugin raised, or returned a wrong or non-finite result from
        moderate input.
    DataFault
        The loss overflowed on targets beyond :data:`MODERATE`.

    Returns
    -------
    Overflow or None
        Where large numbers became infinite, or None if every value was
        finite.
    """
    try:
        with np.errstate(all="ignore"):
            value = objective(network, X, Y, sample_weight, calls=CheckedCalls(network))
            if not _finite(network.grad):
                raise Overflow("the weight gradients")
            if not np.isfinite(value):
                raise Overflow("the L2 penalty")
    except Overflow as overflow:
        return overflow
    finally:
        network.release_buffers()
    return None


def overflow_at_start(overflow, X, network):
    """The error for an overflow before any step: the features or the weights."""
    if not moderate(X):
        return data_overflow(overflow, X)
    return DataFault(
        f"The loss is not finite at the weights training starts from: "
        f"{overflow.where} overflowed (features at most {largest(X):.3g}, "
        f"weights at most {largest(network.params):.3g} in magnitude). Start "
        "from smaller weights, or scale the features."
    )


def data_overflow(overflow, X):
    """The error for features large enough to overflow the network (with
    scikit-learn's sentence, so that code matching it still does)."""
    return DataFault(
        "Solver produced non-finite parameter weights. The input data may "
        "contain large values and need to be preprocessed: X has values up to "
        f"{largest(X):.3g} in magnitude, and {overflow.where} overflowed. Scale "
        "the features, e.g. with sklearn.preprocessing.StandardScaler."
    )


def optimizer_fault(optimizer, rate):
    """The error for an optimizer that made finite weights non-finite."""
    return PluginFault(
        f"The optimizer {optimizer!r} produced non-finite weights from finite "
        f"weights and a finite gradient (at most {MODERATE:.0e} in magnitude, "
        f"learning rate {rate:.3g}). Fix the plugin."
    )


def not_reproduced(loss):
    """The error for a non-finite value that a checked replay did not find."""
    return TrainingFault(
        f"The training loss was {loss}, but finite when the same evaluation was "
        "replayed with every plugin call checked: a plugin returned a "
        "non-finite value once and not again (is one of them random, or does "
        "it keep state between calls?). Fix the plugin."
    )
