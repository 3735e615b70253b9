r"""Public checkers for plugins, the way ``check_estimator`` checks estimators.

Derivatives are compared with central finite differences,

.. math::

    \frac{\partial f}{\partial x_k} \approx
    \frac{f(x + \varepsilon e_k) - f(x - \varepsilon e_k)}{2\varepsilon},
    \qquad \varepsilon = 10^{-6} \max(1, |x_k|),

whose error is :math:`O(\varepsilon^2)` for smooth ``f``, at random points and
at extreme points (:math:`|x| \sim 10^4`), in float64. Each checker raises
``AssertionError`` naming the plugin, the point and the error.
"""

import warnings

import numpy as np

from sklearn_mathdl.plugins import (
    get_activation,
    get_initializer,
    get_loss,
    get_optimizer,
    get_schedule,
)
from sklearn_mathdl.plugins._base import call_with_optional

_RTOL = 1e-4
_ATOL = 1e-6


def _numerical_gradient(f, x):
    """Central finite differences of the scalar function ``f`` at ``x``."""
    grad = np.zeros_like(x)
    flat_x, flat_g = x.reshape(-1), grad.reshape(-1)
    for k in range(flat_x.size):
        eps = 1e-6 * max(1.0, abs(flat_x[k]))
        saved = flat_x[k]
        flat_x[k] = saved + eps
        plus = f(x)
        flat_x[k] = saved - eps
        minus = f(x)
        flat_x[k] = saved
        flat_g[k] = (plus - minus) / (2 * eps)
    return grad


def _compare(label, point_name, x, analytic, numeric, scale=1.0):
    analytic = np.asarray(analytic, dtype=np.float64)
    if analytic.shape != numeric.shape:
        raise AssertionError(
            f"{label}: gradient has shape {analytic.shape}, expected {numeric.shape}."
        )
    error = np.abs(analytic - numeric)
    allowed = _ATOL * scale + _RTOL * np.abs(numeric)
    if np.any(error > allowed) or not np.all(np.isfinite(analytic)):
        k = np.unravel_index(
            np.nanargmax(np.where(np.isfinite(error), error - allowed, np.inf)),
            error.shape,
        )
        raise AssertionError(
            f"{label}: analytic derivative disagrees with central finite "
            f"differences at the {point_name} point, entry {tuple(int(i) for i in k)} "
            f"(x = {x[k]:.6g}): analytic {analytic[k]:.8g}, numeric "
            f"{numeric[k]:.8g}, error {error[k]:.3g}."
        )


def _finite_and_quiet(label, point_name, fn, *args):
    """Evaluate ``fn`` turning floating-point warnings into a named failure."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        try:
            with np.errstate(over="raise", invalid="raise", divide="raise"):
                result = fn(*args)
        except (FloatingPointError, RuntimeWarning) as exc:
            raise AssertionError(
                f"{label}: floating-point error at the {point_name} point: {exc}. "
                "Use log-sum-exp, clipped exponentials or scipy.special.expit."
            ) from exc
    values = np.asarray(result if not isinstance(result, tuple) else result[0])
    if not np.all(np.isfinite(values)):
        raise AssertionError(f"{label}: non-finite output at the {point_name} point.")
    return result


def _check_float32_preserved(label, fn, *arrays):
    """float32 in, float32 out: networks train in float32 by default.

    Required of activations, which run on every hidden unit: a float64 result
    would double the cost of every layer after it.
    """
    cast = [None if a is None else np.asarray(a, dtype=np.float32) for a in arrays]
    with np.errstate(all="ignore"):
        out = np.asarray(fn(*cast))
    if out.dtype != np.float32:
        raise AssertionError(
            f"{label}: {getattr(fn, '__name__', fn)} turns float32 input into "
            f"{out.dtype}. Keep the input's dtype (multiply by Python floats, "
            "not numpy float64 scalars)."
        )


def _test_points(rng, shape, kink_margin=1e-3):
    """Random, large (x10) and extreme (|x| in [5e3, 1e4]) points of ``shape``.

    Entries are kept at least ``kink_margin`` away from 0, where ReLU-like
    functions are not differentiable and finite differences would straddle
    the kink.
    """
    points = {
        "random": rng.normal(size=shape),
        "large": 10 * rng.normal(size=shape),
        "extreme": 1e4
        * rng.choice([-1.0, 1.0], size=shape)
        * rng.uniform(0.5, 1.0, size=shape),
    }
    return {
        name: np.where(np.abs(x) < kink_margin, np.copysign(kink_margin, x) + x, x)
        for name, x in points.items()
    }


def _network_backward(act):
    """``act.backward`` as the network calls it: read-only without the output;
    given the output, on copies (scratch arrays it may overwrite)."""

    def backward(z, g, output=None):
        if output is None:
            return act.backward(z, g)
        return call_with_optional(act.backward, z, g.copy(), output=output.copy())

    return backward


def check_activation(activation, *, n_units=3, random_state=0):
    """Check an activation plugin's ``backward`` against finite differences.

    ``backward(z, g)`` must equal :math:`J_\\phi(z)^\\top g`, i.e. the gradient
    of :math:`z \\mapsto \\langle \\phi(z), g\\rangle`, at random points, at
    points scaled by 10 and at extreme points :math:`|z| \\approx 10^4` (where
    ``forward`` and ``backward`` must also stay finite without warnings), both
    as called read-only and as the network calls it for hidden layers, given
    the forward output (``backward(z, g, output=a)`` with scratch arrays, for
    an activation whose ``backward`` or ``derivative`` takes ``output``).

    Parameters
    ----------
    activation : str or activation object
        A registered activation name, or an object with ``forward(z)`` and
        ``backward(z, g)``.
    n_units : int, default=3
        Number of output units of the test layer (an activation with
        ``pieces = k`` receives ``k * n_units`` pre-activations).
    random_state : int, default=0
        Seed of the random test points and output gradients.

    Raises
    ------
    AssertionError
        Naming the activation, the point and the error.

    See Also
    --------
    check_loss : Check a loss plugin's gradient the same way.
    sklearn_mathdl.plugins.register_activation : Register an activation plugin.

    Examples
    --------
    >>> from sklearn_mathdl.neural_network.activations import Sigmoid
    >>> from sklearn_mathdl.utils import check_activation
    >>> check_activation("tanh")  # silent: the Jacobian is right
    >>> class Wrong(Sigmoid):
    ...     def derivative(self, z):  # forgot the factor (1 - sigma)
    ...         return self.forward(z)
    >>> check_activation(Wrong())
    Traceback (most recent call last):
    ...
    AssertionError: Activation Wrong(): analytic derivative disagrees with central
    finite differences at the random point, entry (...) (x = ...): analytic ...
    """
    act = get_activation(activation)
    label = f"Activation {activation!r}"
    rng = np.random.default_rng(random_state)
    width = n_units * getattr(act, "pieces", 1)
    for point_name, z in _test_points(rng, (4, width)).items():
        a = _finite_and_quiet(label, point_name, act.forward, z)
        if a.shape != (z.shape[0], n_units):
            raise AssertionError(
                f"{label}: forward maps shape {z.shape} to {a.shape}; expected "
                f"{(z.shape[0], n_units)}."
            )
        g = rng.normal(size=a.shape)
        numeric = _numerical_gradient(
            lambda x, g=g: float(np.sum(act.forward(x) * g)), z.copy()
        )
        scale = max(1.0, float(np.abs(numeric).max()))
        _check_float32_preserved(label, act.forward, z)
        # Both ways the network calls backward: read-only, and (hidden layers)
        # given the forward output, with scratch arrays it may overwrite.
        backward = _network_backward(act)
        for path, output in (("", None), (" (given its output)", a)):
            where = point_name + path
            analytic = _finite_and_quiet(label, where, backward, z, g, output)
            _check_float32_preserved(label, backward, z, g, output)
            _compare(label, where, z, analytic, numeric, scale=scale)


def check_loss(loss, *, n_classes=4, random_state=0):
    """Check a loss plugin's ``gradient`` against finite differences of ``value``.

    At random outputs, outputs scaled by 10 and extreme outputs
    :math:`|o| \\approx 10^4` (where value and gradient must stay finite without
    warnings), with and without sample weights; also checks that ``value`` is
    the weighted mean of the per-sample losses.

    Parameters
    ----------
    loss : str or loss object
        A registered loss name, or an object with ``value(y, o,
        sample_weight=None)`` and ``gradient(y, o, sample_weight=None)``.
    n_classes : int, default=4
        Number of outputs (columns of the one-hot targets) of the test points.
    random_state : int, default=0
        Seed of the random targets, sample weights and test points.

    Raises
    ------
    AssertionError
        Naming the loss, the point and the error.

    See Also
    --------
    check_activation : Check an activation plugin's Jacobian the same way.
    sklearn_mathdl.plugins.register_loss : Register a loss plugin.

    Examples
    --------
    >>> from sklearn_mathdl.utils import check_loss
    >>> for name in ("log", "hinge", "cauchy_schwarz"):
    ...     check_loss(name)  # silent when the gradient is right
    """
    fn = get_loss(loss)
    label = f"Loss {loss!r}"
    rng = np.random.default_rng(random_state)
    n = 5
    y = np.eye(n_classes)[rng.integers(n_classes, size=n)]
    weights = rng.uniform(0.5, 2.0, size=n)
    for point_name, o in _test_points(rng, (n, n_classes)).items():
        for sw in (None, weights):
            name = point_name + ("" if sw is None else " (weighted)")
            value = _finite_and_quiet(label, name, fn.value, y, o, sw)
            if np.ndim(value) != 0:
                raise AssertionError(f"{label}: value must be a scalar, got {value!r}.")
            analytic = _finite_and_quiet(label, name, fn.gradient, y, o, sw)
            numeric = _numerical_gradient(
                lambda x, sw=sw: float(fn.value(y, x, sample_weight=sw)), o.copy()
            )
            _compare(
                label,
                name,
                o,
                analytic,
                numeric,
                scale=max(1.0, float(np.abs(numeric).max())),
            )
        rows = np.array([fn.value(y[i : i + 1], o[i : i + 1]) for i in range(n)])
        expected = float(weights @ rows / weights.sum())
        got = float(fn.value(y, o, sample_weight=weights))
        if not np.isclose(got, expected, rtol=1e-6, atol=1e-9 * max(1, abs(expected))):
            raise AssertionError(
                f"{label}: value with sample_weight is {got:.8g} at the {point_name} "
                f"point, but the weighted mean of the per-sample values is "
                f"{expected:.8g}."
            )


def check_optimizer(optimizer, *, random_state=0):
    """Check that an optimizer minimises a convex quadratic.

    :math:`f(\\theta) = \\tfrac12 \\theta^\\top A \\theta - b^\\top\\theta` with
    :math:`A` positive definite (condition number 10): 500 steps (full-batch:
    one ``minimize`` call) must bring :math:`\\theta` 100 times closer to
    :math:`A^{-1} b`, and update the parameter vector in place.

    Parameters
    ----------
    optimizer : str or optimizer object
        A registered optimizer name, or an object with ``initialize(params)``
        and ``step(params, grad, learning_rate)``, or with ``full_batch = True``
        and ``minimize(fun, params, max_iter, tol)``.
    random_state : int, default=0
        Seed of the random quadratic.

    Raises
    ------
    AssertionError
        If the distance to the minimiser does not shrink 100-fold, or ``step``
        does not update the parameters in place.

    See Also
    --------
    check_schedule : Check a learning-rate schedule plugin.
    sklearn_mathdl.plugins.register_optimizer : Register an optimizer plugin.

    Examples
    --------
    >>> from sklearn_mathdl.utils import check_optimizer
    >>> for name in ("sgd", "adam", "lbfgs"):
    ...     check_optimizer(name)  # silent when the optimizer converges
    """
    opt = get_optimizer(optimizer)
    label = f"Optimizer {optimizer!r}"
    rng = np.random.default_rng(random_state)
    Q, _ = np.linalg.qr(rng.normal(size=(6, 6)))
    A = Q @ np.diag(np.linspace(1, 10, 6)) @ Q.T
    b = rng.normal(size=6)
    optimum = np.linalg.solve(A, b)
    theta = np.zeros(6)
    start = np.linalg.norm(theta - optimum)

    def fun(x):
        return 0.5 * x @ A @ x - b @ x, A @ x - b

    if getattr(opt, "full_batch", False):
        theta = np.asarray(opt.minimize(fun, theta, 500, 1e-10)[0])
    else:
        opt.initialize(theta)
        before = theta
        for _ in range(500):
            opt.step(theta, fun(theta)[1], 0.05)
        if theta is not before:
            raise AssertionError(f"{label}: step must update params in place.")
    end = np.linalg.norm(theta - optimum)
    if not end < start / 100:
        raise AssertionError(
            f"{label}: after 500 steps on a convex quadratic the distance to the "
            f"minimiser went from {start:.3g} to {end:.3g}; expected a 100-fold "
            "decrease."
        )


def check_schedule(schedule, *, learning_rate_init=0.1):
    """Check that a schedule gives positive finite rates from ``learning_rate_init``.

    Also checks that ``reset`` restarts it and that ``on_plateau``, if defined,
    returns a bool.

    Parameters
    ----------
    schedule : str or schedule object
        A registered schedule name, or an object with
        ``reset(learning_rate_init)`` and ``learning_rate(t, epoch)``.
    learning_rate_init : float, default=0.1
        The initial learning rate, which the first rate must equal.

    Raises
    ------
    AssertionError
        Naming the schedule and the property it violates.

    See Also
    --------
    check_optimizer : Check an optimizer plugin.
    sklearn_mathdl.plugins.register_schedule : Register a schedule plugin.

    Examples
    --------
    >>> from sklearn_mathdl.utils import check_schedule
    >>> for name in ("constant", "invscaling", "adaptive"):
    ...     check_schedule(name)  # silent when the schedule is valid
    """
    sched = get_schedule(schedule)
    label = f"Schedule {schedule!r}"
    sched.reset(learning_rate_init)
    first = [sched.learning_rate(t, t // 10) for t in range(200)]
    if not np.isclose(first[0], learning_rate_init):
        raise AssertionError(
            f"{label}: the first rate is {first[0]}, expected learning_rate_init "
            f"= {learning_rate_init}."
        )
    if not all(np.isfinite(r) and r > 0 for r in first):
        raise AssertionError(f"{label}: rates must be positive and finite.")
    on_plateau = getattr(sched, "on_plateau", None)
    if on_plateau is not None and not isinstance(on_plateau(), bool | np.bool_):
        raise AssertionError(f"{label}: on_plateau must return a bool.")
    sched.reset(learning_rate_init)
    again = [sched.learning_rate(t, t // 10) for t in range(200)]
    if not np.allclose(first, again):
        raise AssertionError(f"{label}: reset must restart the schedule.")


def check_initializer(initializer, *, random_state=0):
    """Check shapes, dtype, finiteness, reproducibility and symmetry breaking.

    ``initialize(fan_in, fan_out, random_state, dtype)`` must return ``W`` of
    shape ``(fan_in, fan_out)`` and ``b`` of shape ``(fan_out,)``, of the
    requested dtype (float32 and float64 are tried), finite, identical for two
    ``RandomState`` objects of the same seed, and with at least half the
    entries of ``W`` distinct, so that the units do not stay identical.

    Parameters
    ----------
    initializer : str or initializer object
        A registered initializer name, or an object with
        ``initialize(fan_in, fan_out, random_state, dtype)``.
    random_state : int, default=0
        Seed of the ``RandomState`` passed to the initializer.

    Raises
    ------
    AssertionError
        Naming the initializer and the property it violates.

    See Also
    --------
    check_activation : Check an activation plugin.
    sklearn_mathdl.plugins.register_initializer : Register an initializer plugin.

    Examples
    --------
    >>> from sklearn_mathdl.utils import check_initializer
    >>> for name in ("glorot_uniform", "he_normal", "lecun_normal"):
    ...     check_initializer(name)  # silent when the initializer is valid
    """
    init = get_initializer(initializer)
    label = f"Initializer {initializer!r}"
    for dtype in (np.float32, np.float64):
        W, b = init.initialize(7, 5, np.random.RandomState(random_state), dtype)
        W2, _ = init.initialize(7, 5, np.random.RandomState(random_state), dtype)
        if W.shape != (7, 5) or b.shape != (5,):
            raise AssertionError(
                f"{label}: shapes {W.shape}, {b.shape}; expected (7, 5) and (5,)."
            )
        if W.dtype != dtype or b.dtype != dtype:
            raise AssertionError(
                f"{label}: dtype {W.dtype}, expected {np.dtype(dtype)}."
            )
        if not (np.all(np.isfinite(W)) and np.all(np.isfinite(b))):
            raise AssertionError(f"{label}: non-finite initial weights.")
        if not np.array_equal(W, W2):
            raise AssertionError(f"{label}: not reproducible for a fixed random_state.")
        if np.unique(W).size < W.size // 2:
            raise AssertionError(
                f"{label}: weights must differ to break the symmetry between units."
            )
