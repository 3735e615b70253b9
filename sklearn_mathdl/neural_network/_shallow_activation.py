r"""What the shallow approximator asks of its activation plugin, checked by name.

A ramp :math:`a_i \sigma(w_i\cdot x + b_i)` needs an activation acting entry by
entry (:func:`check_elementwise`); the greedy dictionary needs it not to be a
polynomial (:func:`check_dictionary`, Leshno et al. 1993). During fitting,
every call goes through :class:`CheckedActivation`, which names the plugin and
the method in the error when the plugin raises, returns the wrong shape, or
returns NaN or infinity for finite pre-activations, instead of letting the
fault surface later as a model that predicts NaN or as numpy's or scipy's own
message.
"""

import copy

import numpy as np

GREEDY_ACTIVATIONS = "sigmoid, tanh, relu, relu_squared or relu_cubed"
# Pre-activations up to this size are ones no careful activation overflows on
# (the shared trainer's rule); beyond it, overflow is blamed on the scale.
_MODERATE = 1e6


def _probe(activation, Z, purpose):
    """``activation.forward(Z)`` as float64 on a test input; a failure or a
    result of another shape is reported with ``purpose``."""
    try:
        out = np.asarray(activation.forward(Z), dtype=np.float64)
    except Exception as exc:
        raise ValueError(
            f"The activation {activation!r} failed on a test input ({exc}); "
            f"{purpose} such as {GREEDY_ACTIVATIONS}."
        ) from exc
    if out.shape != Z.shape:
        raise ValueError(
            f"The activation {activation!r} returned an array of shape "
            f"{out.shape} for a test input of shape {Z.shape}; {purpose} (one "
            f"output per entry) such as {GREEDY_ACTIVATIONS}."
        )
    return out


def check_elementwise(activation):
    """A ramp a_i sigma(w_i . x + b_i) needs an activation acting entry by entry."""
    purpose = "a shallow approximator needs an elementwise activation"
    probe = np.linspace(-2.0, 2.0, 12).reshape(4, 3)
    out = _probe(activation, probe, purpose)
    columns = np.column_stack(
        [_probe(activation, probe[:, [j]], purpose)[:, 0] for j in range(3)]
    )
    if getattr(activation, "pieces", 1) != 1 or not np.allclose(
        out, columns, equal_nan=True
    ):
        raise ValueError(
            f"The activation {activation!r} is not elementwise, so the network is "
            "not a sum of ramps a_i sigma(w_i . x + b_i). Use an elementwise "
            f"activation such as {GREEDY_ACTIVATIONS}."
        )


def check_dictionary(activation):
    """Leshno et al. (1993): ridge functions are dense iff sigma is not a polynomial."""
    z = np.linspace(-4.0, 4.0, 81)
    purpose = "method='greedy' needs an elementwise activation"
    s = _probe(activation, z[:, None], purpose)[:, 0]
    if not np.all(np.isfinite(s)):
        raise ValueError(
            f"The activation {activation!r} is not finite on [-4, 4]; "
            "method='greedy' needs a finite dictionary such as "
            f"{GREEDY_ACTIVATIONS}."
        )
    V = np.vander(z / 4.0, 6)
    residual = s - V @ np.linalg.lstsq(V, s, rcond=None)[0]
    if np.max(np.abs(residual)) <= 1e-8 * max(1.0, float(np.max(np.abs(s)))):
        raise ValueError(
            f"The activation {activation!r} is a polynomial on [-4, 4], so its "
            "ridge functions sigma(w . x + b) span only polynomials of bounded "
            "degree (Leshno et al. 1993) and cannot serve as a dictionary for "
            f"method='greedy'. Use a non-polynomial activation: {GREEDY_ACTIVATIONS}."
        )


def _moderate(Z):
    return bool(np.isfinite(Z).all() and np.abs(Z).max(initial=0.0) <= _MODERATE)


class CheckedActivation:
    r"""An activation plugin whose faults are reported by name.

    Parameters
    ----------
    activation : activation plugin
    context : str
        How the fit uses it, for the error (e.g. ``"method='greedy'"``).

    ``forward`` and ``backward`` return float64 arrays of the input's shape,
    and raise a ``ValueError`` naming the plugin and ``context`` when it
    raises or returns another shape. Finiteness costs a pass over the output,
    so it is checked by the callers on the few numbers they reduce the output
    to (a mean, a norm, a gradient): on a NaN or infinity there,
    :meth:`check_moderate` blames the plugin if its input was moderate and
    finite (:math:`|z| \le 10^6`); beyond that, overflow is the scale's
    (a greedy refinement step that reaches such ramps discards them).
    :meth:`hidden_layer` and :meth:`derivative_layer` check every entry.
    """

    def __init__(self, activation, context):
        self.activation, self.context = activation, context

    def _call(self, method, Z, *args):
        try:
            out = np.asarray(getattr(self.activation, method)(Z, *args), np.float64)
        except MemoryError:
            raise
        except Exception as exc:
            if method == "backward":
                self._check_derivative_shape(Z)  # the usual cause, named exactly
            raise ValueError(
                f"The activation {self.activation!r} raised {type(exc).__name__} "
                f"({exc}) in {method} while fitting with {self.context}. Fix the "
                "plugin."
            ) from exc
        if out.shape != Z.shape:
            raise ValueError(
                f"The activation {self.activation!r} returned from {method} an "
                f"array of shape {out.shape} for pre-activations of shape "
                f"{Z.shape} while fitting with {self.context}; an elementwise "
                "activation returns the shape it is given. Fix the plugin."
            )
        return out

    def _check_derivative_shape(self, Z):
        """Name a ``derivative`` returning another shape than its input's."""
        derivative = getattr(self.activation, "derivative", None)
        if not callable(derivative):
            return
        try:
            shape = np.shape(derivative(Z))
        except Exception:
            return  # its own failure: reported as the backward pass's
        if shape != Z.shape:
            raise ValueError(
                f"The activation {self.activation!r} returned from derivative an "
                f"array of shape {shape} for pre-activations of shape {Z.shape} "
                f"while fitting with {self.context}; an elementwise activation "
                "returns the shape it is given. Fix the plugin."
            )

    def forward(self, Z):
        return self._call("forward", Z)

    def backward(self, Z, grad_output):
        return self._call("backward", Z, grad_output)

    def check_moderate(self, Z, method="forward"):
        """Called on a non-finite result of ``method`` on ``Z``: raise the
        plugin's fault if ``Z`` was moderate, else return (the scale's)."""
        if _moderate(Z):
            raise self.fault(method, Z)

    def hidden_layer(self, Z):
        """``forward(Z)``, which must be finite: the hidden layer of a fit."""
        out = self.forward(Z)
        if not np.isfinite(out).all():
            raise self.fault("forward", Z)
        return out

    def derivative_layer(self, Z):
        """``backward(Z, 1)``, which must be finite (before backpropagation)."""
        out = self.backward(Z, np.ones_like(Z))
        if not np.isfinite(out).all():
            raise self.fault("backward", Z)
        return out

    def reporting_copy(self):
        """A copy of the plugin whose ``forward`` and ``backward`` are the
        checked ones above: for a training loop that calls the plugin itself.

        The copy keeps the plugin's class, so a fast path it defines
        (``backward_from_output``) stays in use; NaN or infinity is left to
        the loop, which names the plugin itself.
        """
        plugin = copy.copy(self.activation)
        try:
            plugin.forward, plugin.backward = self.forward, self.backward
        except AttributeError:  # __slots__: the plugin as it is
            return self.activation
        return plugin

    def fault(self, method, Z):
        """The error for NaN or infinity returned by ``method`` on ``Z``."""
        if method == "backward":
            method = "backward (its derivative)"
        if not np.isfinite(Z).all():
            return ValueError(
                f"The hidden pre-activations overflow while fitting with "
                f"{self.context}: weight_scale makes the ramps too steep for "
                "these data. Use a value near the default 1.0 (slopes in units "
                "of the data's spread)."
            )
        largest = float(np.abs(Z).max(initial=0.0))
        if largest <= _MODERATE:
            return ValueError(
                f"The activation {self.activation!r} returned NaN or infinity "
                f"from {method} for finite pre-activations (|z| <= {largest:.3g}) "
                f"while fitting with {self.context}. Fix the plugin: it must be "
                "finite for finite input (clip its exponentials, as the built-in "
                "activations do)."
            )
        return ValueError(
            f"The activation {self.activation!r} returned NaN or infinity from "
            f"{method} for pre-activations as large as {largest:.3g} while fitting "
            f"with {self.context}. Lower weight_scale (a value near the default "
            "1.0 gives slopes of about one in units of the data's spread) or make "
            "the activation finite for every finite input."
        )

    def __repr__(self):
        return repr(self.activation)
