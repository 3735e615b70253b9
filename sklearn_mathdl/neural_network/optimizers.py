r"""Optimizers updating the flat parameter vector :math:`\theta` in place.

A stochastic optimizer has ``initialize(params)`` (allocates its state, e.g.
moments) and ``step(params, grad, learning_rate)``. A full-batch optimizer sets
``full_batch = True`` and has ``minimize(fun, params, max_iter, tol)`` instead,
where ``fun(theta)`` returns the loss and its gradient.

Because the network stores every weight in one contiguous vector, each update
is a handful of vectorised in-place operations, whatever the architecture.
"""

import math

import numpy as np
from scipy.optimize import minimize

from sklearn_mathdl.plugins import register_optimizer
from sklearn_mathdl.plugins._base import Plugin


class Optimizer(Plugin):
    """Base class of stochastic (minibatch) optimizers."""

    full_batch = False

    def initialize(self, params):
        """Allocate the state for a parameter vector like ``params``."""

    def step(self, params, grad, learning_rate):
        raise NotImplementedError


@register_optimizer("sgd")
class SGD(Optimizer):
    r"""Minibatch SGD with momentum (Goodfellow et al. 2016, Algorithms 8.1–8.3).

    .. math::

        v \leftarrow \mu v - \eta g, \qquad
        \theta \leftarrow \theta + v \quad\text{(classical)},\qquad
        \theta \leftarrow \theta + \mu v - \eta g \quad\text{(Nesterov)}.

    Parameters
    ----------
    momentum : float, default=0.9
        :math:`\mu`; 0 gives plain SGD, :math:`\theta \leftarrow \theta - \eta g`.
    nesterovs_momentum : bool, default=True
        Nesterov's momentum (scikit-learn's name).
    """

    def __init__(self, momentum=0.9, nesterovs_momentum=True):
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum

    def initialize(self, params):
        self.velocity_ = np.zeros_like(params)

    def step(self, params, grad, learning_rate):
        v = self.velocity_
        v *= self.momentum
        v -= learning_rate * grad
        if self.nesterovs_momentum:
            params += self.momentum * v
            params -= learning_rate * grad
        else:
            params += v


@register_optimizer("adam")
class Adam(Optimizer):
    r"""Adam (Kingma & Ba 2015).

    .. math::

        m \leftarrow \beta_1 m + (1-\beta_1) g,\quad
        v \leftarrow \beta_2 v + (1-\beta_2) g^2,\quad
        \theta \leftarrow \theta - \eta \frac{\sqrt{1-\beta_2^t}}{1-\beta_1^t}
        \frac{m}{\sqrt{v} + \epsilon}.

    Parameters
    ----------
    beta_1 : float, default=0.9
    beta_2 : float, default=0.999
    epsilon : float, default=1e-8
    """

    def __init__(self, beta_1=0.9, beta_2=0.999, epsilon=1e-8):
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    def initialize(self, params):
        self.t_ = 0
        # The moments are stored without their (1 - beta) factors,
        # M = m / (1 - beta_1) and V = v / (1 - beta_2): the factors are folded
        # into the step's scalars, which saves two passes over the parameters.
        self.m_ = np.zeros_like(params)
        self.v_ = np.zeros_like(params)
        self._buffer = np.empty_like(params)

    def step(self, params, grad, learning_rate):
        self.t_ += 1
        b1, b2, t = self.beta_1, self.beta_2, self.t_
        M, V, buf = self.m_, self.v_, self._buffer
        M *= b1  # M <- beta_1 M + g
        M += grad
        np.multiply(grad, grad, out=buf)  # V <- beta_2 V + g^2
        V *= b2
        V += buf
        # m / (sqrt(v) + eps) = (1 - beta_1) / s * M / (sqrt(V) + eps / s), with
        # s = sqrt(1 - beta_2). Python floats keep float32 arrays float32.
        s = math.sqrt(1 - b2)
        rate = learning_rate * math.sqrt(1 - b2**t) / (1 - b1**t) * (1 - b1) / s
        np.sqrt(V, out=buf)
        buf += self.epsilon / s
        np.divide(M, buf, out=buf)
        buf *= float(rate)
        params -= buf


@register_optimizer("lbfgs")
class LBFGS(Optimizer):
    """Full-batch L-BFGS-B through :func:`scipy.optimize.minimize`.

    Parameters
    ----------
    max_fun : int, default=15000
        Maximum number of loss evaluations.
    memory : int, default=10
        Number of correction pairs kept.
    """

    full_batch = True

    def __init__(self, max_fun=15000, memory=10):
        self.max_fun = max_fun
        self.memory = memory

    def minimize(self, fun, params, max_iter, tol, callback=None):
        """Minimise ``fun`` from ``params``.

        ``callback(intermediate_result)`` is called after each iteration and may
        raise ``StopIteration`` to end the run. Returns the optimum, the number
        of iterations and scipy's message.
        """
        result = minimize(
            fun,
            params.astype(np.float64),
            jac=True,
            method="L-BFGS-B",
            callback=callback,
            options={
                "maxiter": max_iter,
                "maxfun": self.max_fun,
                "maxcor": self.memory,
                "gtol": tol,
            },
        )
        return result.x, result.nit, result.message
