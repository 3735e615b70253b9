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

from sklearn_mathdl.neural_network._fused import adam_update, sgd_update
from sklearn_mathdl.plugins import register_optimizer
from sklearn_mathdl.plugins._base import Plugin


class Optimizer(Plugin):
    """Base class of stochastic (minibatch) optimizers.

    A subclass defines :meth:`step`, and :meth:`initialize` if it keeps a
    state (such as momenta) between steps.

    See Also
    --------
    SGD : Stochastic gradient descent with momentum.
    Adam : Adaptive moment estimation.
    sklearn_mathdl.plugins.register_optimizer : Register an optimizer by name.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_mathdl.neural_network.optimizers import Optimizer
    >>> class GradientDescent(Optimizer):
    ...     def step(self, params, grad, learning_rate):
    ...         params -= learning_rate * grad
    >>> params = np.array([1.0, 2.0])
    >>> GradientDescent().step(params, np.array([2.0, 4.0]), 0.5)
    >>> params.tolist()
    [0.0, 0.0]
    """

    full_batch = False

    def initialize(self, params):
        """Allocate the state for a parameter vector like ``params``.

        Called once before the first :meth:`step` of a training.

        Parameters
        ----------
        params : ndarray of shape (n_params,)
            The flat parameter vector :math:`\\theta`, for its shape and
            dtype; it is not modified.
        """

    def step(self, params, grad, learning_rate):
        """Update ``params`` in place with one minibatch gradient.

        Parameters
        ----------
        params : ndarray of shape (n_params,)
            The flat parameter vector :math:`\\theta`, updated in place.
        grad : ndarray of shape (n_params,)
            Gradient :math:`g` of the minibatch loss at ``params``.
        learning_rate : float
            The step size :math:`\\eta`, given by the schedule.

        Notes
        -----
        A ``step`` may also take a keyword ``keep``: an array of the shape
        of ``params`` into which it copies the parameters before updating
        them (the built-in optimizers do it within their single pass). The
        trainer keeps the weights of the last finite loss this way; for an
        optimizer without ``keep`` it copies them itself.
        """
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

    See Also
    --------
    Adam : Adaptive moment estimation.

    References
    ----------
    .. [1] I. Goodfellow, Y. Bengio and A. Courville, "Deep Learning",
       MIT Press, 2016, Section 8.3.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_mathdl.neural_network.optimizers import SGD
    >>> params = np.array([1.0, 2.0])
    >>> optimizer = SGD(momentum=0.0)
    >>> optimizer.initialize(params)
    >>> optimizer.step(params, np.array([1.0, 1.0]), learning_rate=0.1)
    >>> params.tolist()
    [0.9, 1.9]
    """

    def __init__(self, momentum=0.9, nesterovs_momentum=True):
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum

    def initialize(self, params):
        self.velocity_ = np.zeros_like(params)

    def step(self, params, grad, learning_rate, keep=None):
        # One fused pass (numba) or its numpy formula (_fused.sgd_update).
        sgd_update(
            params,
            grad,
            self.velocity_,
            self.momentum,
            learning_rate,
            self.nesterovs_momentum,
            keep,
        )


@register_optimizer("adam")
class Adam(Optimizer):
    r"""Adam (Kingma & Ba 2015).

    .. math::

        m \leftarrow \beta_1 m + (1-\beta_1) g,\quad
        v \leftarrow \beta_2 v + (1-\beta_2) g^2,\quad
        \theta \leftarrow \theta - \eta \frac{\sqrt{1-\beta_2^t}}{1-\beta_1^t}
        \frac{m}{\sqrt{v} + \epsilon}.

    With :math:`t` the number of steps taken, the factors
    :math:`1 - \beta^t` correct the bias of the moments towards their zero
    initialization.

    Parameters
    ----------
    beta_1 : float, default=0.9
        Decay rate :math:`\beta_1` of the first moment :math:`m`.
    beta_2 : float, default=0.999
        Decay rate :math:`\beta_2` of the second moment :math:`v`.
    epsilon : float, default=1e-8
        The constant :math:`\epsilon` added to :math:`\sqrt{v}` for stability.

    See Also
    --------
    SGD : Stochastic gradient descent with momentum.

    References
    ----------
    .. [1] D. P. Kingma and J. Ba, "Adam: A Method for Stochastic
       Optimization", ICLR 2015.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_mathdl.neural_network.optimizers import Adam
    >>> params = np.array([1.0, -1.0])
    >>> optimizer = Adam()
    >>> optimizer.initialize(params)
    >>> optimizer.step(params, np.array([2.0, -3.0]), learning_rate=0.1)
    >>> np.round(params, 4).tolist()
    [0.9, -0.9]
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

    def step(self, params, grad, learning_rate, keep=None):
        self.t_ += 1
        b1, b2, t = self.beta_1, self.beta_2, self.t_
        # M <- beta_1 M + g, V <- beta_2 V + g^2, and since
        # m / (sqrt(v) + eps) = (1 - beta_1) / s * M / (sqrt(V) + eps / s) with
        # s = sqrt(1 - beta_2): theta <- theta - rate * M / (sqrt(V) + eps / s),
        # one fused pass (numba) or its numpy formula (_fused.adam_update).
        s = math.sqrt(1 - b2)
        rate = learning_rate * math.sqrt(1 - b2**t) / (1 - b1**t) * (1 - b1) / s
        adam_update(
            params,
            grad,
            self.m_,
            self.v_,
            b1,
            b2,
            self.epsilon / s,
            rate,
            self._buffer,
            keep,
        )


@register_optimizer("lbfgs")
class LBFGS(Optimizer):
    """Full-batch L-BFGS-B through :func:`scipy.optimize.minimize`.

    A quasi-Newton method: it approximates the inverse Hessian from the last
    ``memory`` pairs of steps and gradient changes. It has ``full_batch =
    True`` and :meth:`minimize` in place of ``step``.

    Parameters
    ----------
    max_fun : int, default=15000
        Maximum number of loss evaluations.
    memory : int, default=10
        Number of correction pairs kept.

    See Also
    --------
    scipy.optimize.minimize : The solver called.
    Adam : Stochastic optimizer, for large data sets.

    References
    ----------
    .. [1] R. H. Byrd, P. Lu, J. Nocedal and C. Zhu, "A Limited Memory
       Algorithm for Bound Constrained Optimization", SIAM J. Sci. Comput.
       16(5), 1995.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_mathdl.neural_network.optimizers import LBFGS
    >>> def fun(theta):
    ...     return float(((theta - 3) ** 2).sum()), 2 * (theta - 3)
    >>> x, n_iter, message = LBFGS().minimize(fun, np.zeros(2), 100, 1e-8)
    >>> np.round(x, 4).tolist()
    [3.0, 3.0]
    """

    full_batch = True

    def __init__(self, max_fun=15000, memory=10):
        self.max_fun = max_fun
        self.memory = memory

    def minimize(self, fun, params, max_iter, tol, callback=None):
        """Minimise ``fun`` from ``params``.

        ``callback(intermediate_result)`` is called after each iteration and may
        raise ``StopIteration`` to end the run.

        Parameters
        ----------
        fun : callable
            ``fun(theta)`` returns the loss, a float, and its gradient, an
            ndarray of shape (n_params,).
        params : ndarray of shape (n_params,)
            Starting point; not modified (the run is in float64).
        max_iter : int
            Maximum number of iterations.
        tol : float
            Tolerance on the projected gradient (scipy's ``gtol``).
        callback : callable, default=None
            Called as ``callback(intermediate_result)`` after each iteration.

        Returns
        -------
        params : ndarray of shape (n_params,)
            The parameters found, in float64.
        n_iter : int
            Number of iterations run.
        message : str
            The message of scipy on termination.
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
