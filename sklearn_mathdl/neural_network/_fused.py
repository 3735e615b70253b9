r"""Fused inner loops of training, compiled with numba when it is installed.

Each kernel here is one pass over its arrays where numpy needs several: numpy
evaluates ``m = b1 * m + g`` as two passes, each reading and writing the whole
parameter vector, so Adam's update costs about ten passes over memory. A
compiled loop reads each element once and keeps the intermediate values in
registers.

Every kernel has its numpy formula beside it, as the reference the tests
compare the compiled kernel with (same numbers to rounding) and as the
fallback: the package's core dependencies are numpy, scipy and scikit-learn,
and ``pip install sklearn_mathdl[fast]`` adds numba. The environment variable
``SKLEARN_MATHDL_NUMBA=0`` (read at import) or :func:`use_numba` forces the
numpy path (:mod:`sklearn_mathdl.utils._numba`). Compiled functions are
cached on disk (``cache=True``): the compilation is paid once per machine.

Only the package's built-in plugins are served by these kernels; a user's
plugin always runs its own methods. In use so far: :func:`adam_update` and
:func:`sgd_update` (the ``adam`` and ``sgd`` optimizers' steps). The softmax
log loss, ReLU and minibatch-gather kernels are tested against their numpy
formulas here but not yet called by the training loop.
"""

import math

import numpy as np

from sklearn_mathdl.utils._numba import jit as _jit
from sklearn_mathdl.utils._numba import numba_enabled

__all__ = [
    "adam_update",
    "sgd_update",
    "log_loss_rows",
    "relu_forward",
    "relu_backward",
    "gather_rows",
]


# --------------------------------------------------------------------- Adam
def _adam_numpy(params, grad, M, V, b1, b2, eps, rate, buf):
    r""":math:`M \leftarrow \beta_1 M + g`, :math:`V \leftarrow \beta_2 V + g^2`,
    :math:`\theta \leftarrow \theta - r\,M / (\sqrt V + \epsilon)`."""
    M *= b1
    M += grad
    np.multiply(grad, grad, out=buf)
    V *= b2
    V += buf
    np.sqrt(V, out=buf)
    buf += eps
    np.divide(M, buf, out=buf)
    buf *= rate
    params -= buf


def _adam_loop(params, grad, M, V, b1, b2, eps, rate):
    for i in range(params.size):
        g = grad[i]
        m = M[i] * b1 + g
        v = V[i] * b2 + g * g
        M[i] = m
        V[i] = v
        params[i] -= m / (math.sqrt(v) + eps) * rate


_adam_compiled = _jit(_adam_loop)


def adam_update(params, grad, M, V, b1, b2, eps, rate, buf):
    r"""One Adam step on the flat vectors, in place (moments without their
    :math:`1 - \beta` factors, which ``rate`` and ``eps`` carry).

    .. math::

        M \leftarrow \beta_1 M + g,\quad V \leftarrow \beta_2 V + g^2,\quad
        \theta \leftarrow \theta - r \frac{M}{\sqrt{V} + \epsilon}

    ``buf`` is scratch space of the parameters' shape, used by numpy only.
    The scalars are converted to the parameters' dtype first, so float32
    training computes in float32 on both paths.
    """
    dtype = params.dtype.type
    b1, b2, eps, rate = dtype(b1), dtype(b2), dtype(eps), dtype(rate)
    if numba_enabled():
        _adam_compiled(params, grad, M, V, b1, b2, eps, rate)
    else:
        _adam_numpy(params, grad, M, V, b1, b2, eps, rate, buf)


# ---------------------------------------------------------------------- SGD
def _sgd_numpy(params, grad, velocity, momentum, learning_rate, nesterov):
    velocity *= momentum
    velocity -= learning_rate * grad
    if nesterov:
        params += momentum * velocity
        params -= learning_rate * grad
    else:
        params += velocity


def _sgd_loop(params, grad, velocity, momentum, learning_rate, nesterov):
    for i in range(params.size):
        g = grad[i]
        v = velocity[i] * momentum - learning_rate * g
        velocity[i] = v
        if nesterov:
            params[i] = (params[i] + momentum * v) - learning_rate * g
        else:
            params[i] += v


_sgd_compiled = _jit(_sgd_loop)


def sgd_update(params, grad, velocity, momentum, learning_rate, nesterov):
    r"""One SGD step with momentum, in place.

    .. math::

        v \leftarrow \mu v - \eta g, \qquad
        \theta \leftarrow \theta + v \ \text{(classical)}, \qquad
        \theta \leftarrow \theta + \mu v - \eta g \ \text{(Nesterov)}.
    """
    dtype = params.dtype.type
    momentum, learning_rate = dtype(momentum), dtype(learning_rate)
    if numba_enabled():
        _sgd_compiled(params, grad, velocity, momentum, learning_rate, bool(nesterov))
    else:
        _sgd_numpy(params, grad, velocity, momentum, learning_rate, nesterov)


# ------------------------------------------------ softmax and its log loss
def _log_loss_numpy(y, o):
    u = o - o.max(axis=1, keepdims=True)
    e = np.exp(u)
    Z = e.sum(axis=1)
    c = y.sum(axis=1)
    e *= (c / Z)[:, None]
    e -= y
    return np.log(Z) * c - (y * u).sum(axis=1), e


def _log_loss_loop(y, o):
    n, k = o.shape
    values = np.empty(n, dtype=o.dtype)
    grad = np.empty_like(o)
    for i in range(n):
        top = o[i, 0]
        for j in range(1, k):
            top = max(top, o[i, j])
        Z = 0.0
        c = 0.0
        yu = 0.0
        for j in range(k):
            u = o[i, j] - top
            e = math.exp(u)
            grad[i, j] = e
            Z += e
            c += y[i, j]
            yu += y[i, j] * u
        scale = c / Z
        for j in range(k):
            grad[i, j] = grad[i, j] * scale - y[i, j]
        values[i] = math.log(Z) * c - yu
    return values, grad


_log_loss_compiled = _jit(_log_loss_loop)


def log_loss_rows(y, o):
    r"""Categorical cross-entropy of softmax outputs, row by row, and its gradient.

    With :math:`u = o - \max_j o_j`, :math:`Z = \sum_j e^{u_j}` and
    :math:`c = \sum_j y_j`:

    .. math::

        \ell = c \log Z - \langle y, u\rangle, \qquad
        \frac{\partial\ell}{\partial o} = e^{u} \frac{c}{Z} - y .

    Subtracting the row maximum keeps every exponential in :math:`(0, 1]`
    (log-sum-exp), so no logit overflows.

    Returns
    -------
    values : ndarray of shape (n_samples,)
    grad : ndarray of the shape of ``o``
    """
    if numba_enabled() and o.ndim == 2 and o.shape[1] > 0:
        return _log_loss_compiled(
            np.ascontiguousarray(y, dtype=o.dtype), np.ascontiguousarray(o)
        )
    return _log_loss_numpy(y, o)


# --------------------------------------------------------------------- ReLU
def _relu_forward_loop(z):
    flat = z.reshape(-1)
    for i in range(flat.size):
        if flat[i] < 0:
            flat[i] = 0


def _relu_backward_loop(a, grad):
    flat_a = a.reshape(-1)
    flat_g = grad.reshape(-1)
    for i in range(flat_a.size):
        if flat_a[i] <= 0:
            flat_g[i] = 0


_relu_forward_compiled = _jit(_relu_forward_loop)
_relu_backward_compiled = _jit(_relu_backward_loop)


def relu_forward(z):
    r""":math:`\max(z, 0)`, written over ``z`` (C-contiguous); returns ``z``."""
    if numba_enabled() and z.flags.c_contiguous:
        _relu_forward_compiled(z)
    else:
        np.maximum(z, 0, out=z)
    return z


def relu_backward(a, grad):
    r"""``grad`` times the derivative :math:`1[z > 0]`, read from the output
    :math:`a = \max(z, 0)` (positive exactly where :math:`z` is); in place."""
    if numba_enabled() and a.flags.c_contiguous and grad.flags.c_contiguous:
        _relu_backward_compiled(a, grad)
    else:
        grad[a <= 0] = 0
    return grad


# ------------------------------------------------------------------- gather
def _gather_loop(X, rows, out):
    for i in range(rows.size):
        out[i, :] = X[rows[i], :]


_gather_compiled = _jit(_gather_loop)


def gather_rows(X, rows, out):
    """``out[:] = X[rows]`` without a temporary (the minibatch gather)."""
    if numba_enabled() and X.flags.c_contiguous and out.flags.c_contiguous:
        _gather_compiled(X, rows, out)
    else:
        np.take(X, rows, axis=0, out=out)
    return out
