r"""Greedy construction of one-hidden-layer networks, one neuron at a time.

The dictionary is :math:`\mathbb{D} = \{g = \sigma(w\cdot x + b)\}`, each element
taken centred and normalised in :math:`L^2(\mu_n)`, the (weighted) empirical
measure of the training data (the intercept :math:`a_0` is free, so constants
are quotiented out). With :math:`f_0 = \bar y` and residual :math:`r_{k-1} = y - f_{k-1}`:

**Orthogonal greedy algorithm** (OGA; Siegel & Xu 2021, Algorithm (2.3)):

.. math::

    g_k = \operatorname*{arg\,max}_{g \in \mathbb{D}} |\langle r_{k-1}, g\rangle|,
    \qquad f_k = P_{\operatorname{span}\{1, g_1, \dots, g_k\}}\, y ,

all output weights re-solved by least squares at each step. An incremental
Gram–Schmidt basis :math:`q_1, \dots, q_k` (orthonormal in :math:`L^2(\mu_n)`,
re-orthogonalised once, "twice is enough") makes step :math:`k` cost
:math:`O(N k)` beyond the search, with :math:`r_k = r_{k-1} - q_k\langle q_k, r_{k-1}\rangle`.

**Relaxed greedy algorithm** (Jones 1992, Barron 1993):

.. math::

    f_k = (1 - \alpha_k) f_{k-1} + \beta_k g_k ,

with :math:`g_k` chosen as above and :math:`(\alpha_k, \beta_k)` the best such
pair (a two-column least-squares problem, :math:`\alpha_k` clipped to [0, 1]).

The arg max is searched over ``n_candidates`` data-aware random ramps
(:func:`~sklearn_mathdl.neural_network._random_features.sample_ramps`), and the
best is refined by a few L-BFGS steps on
:math:`J(w, b) = \|\langle r, g\rangle\|^2 / \|g - \bar g\|^2`, whose gradient is

.. math::

    \nabla_{(w,b)} J = \sum_i \omega_i \Big(\frac{2\langle r_i, u\rangle}{v}
    - \frac{2\|u\|^2 (g_i - \bar g)}{v^2}\Big) \sigma'(z_i)\, (x_i, 1),
    \quad u = \langle r, g\rangle,\ v = \|g - \bar g\|^2 .

Rates (for the exact arg max): both algorithms reach
:math:`\|f - f_n\|_{L^2} = O(n^{-1/2})` for :math:`f` in the variation space of
the dictionary (Barron's class for sigmoidal :math:`\sigma`), i.e. squared error
:math:`O(1/n)`; for the :math:`\mathrm{ReLU}^k` dictionary on
:math:`\mathbb{R}^d` the OGA reaches :math:`O(n^{-1/2 - (2k+1)/(2d)})`
(Siegel & Xu 2021, Theorem 1), which is optimal.

References
----------
J. W. Siegel and J. Xu, "Optimal convergence rates for the orthogonal greedy
algorithm", IEEE Trans. Inf. Theory 68(5), 2022 (arXiv:2106.15000).
L. K. Jones, "A simple lemma on greedy approximation in Hilbert space and
convergence rates for projection pursuit regression and neural network
training", Ann. Statist. 20(1), 1992.
A. R. Barron, "Universal approximation bounds for superpositions of a
sigmoidal function", IEEE Trans. Inf. Theory 39(3), 1993.
"""

import math

import numpy as np
from scipy.linalg import solve_triangular
from scipy.optimize import minimize

from sklearn_mathdl.neural_network._affine import (
    second_moment,
    weighted_centre,
    weighted_variance,
)
from sklearn_mathdl.neural_network._random_features import sample_ramps

# Consecutive ramps adding no new direction after which the search stops.
_MAX_FAILURES = 5


class _Correlation:
    """:math:`-J(w, b)` and its gradient for the current residual.

    ``activation`` is a
    :class:`~sklearn_mathdl.neural_network._shallow_activation.CheckedActivation`:
    NaN from it on moderate input is the plugin's fault and raises; on larger
    input (a refinement step gone far) the point scores zero.
    """

    def __init__(self, X, residual, weights, activation):
        self.X, self.r, self.omega, self.act = X, residual, weights, activation

    def __call__(self, theta):
        X, r, omega = self.X, self.r, self.omega
        w, b = theta[:-1], theta[-1]
        z = (X @ w + b)[:, None]
        g = self.act.forward(z)[:, 0]
        gc, _, v = weighted_variance(g, omega)
        v = float(v)
        if not math.isfinite(v) and not np.isfinite(g).all():
            self.act.check_moderate(z)
        if not v > 1e-300:
            return 0.0, np.zeros_like(theta)
        u = (omega * g) @ r  # (m,); r has omega-mean zero
        uu = float(u @ u)
        coeff = omega * (2.0 * (r @ u) / v - 2.0 * uu * gc / (v * v))
        c = self.act.backward(z, coeff[:, None])[:, 0]
        grad = np.empty_like(theta)
        grad[:-1] = X.T @ c
        grad[-1] = c.sum()
        # c.sum() is NaN or infinite if an entry is (or if the sum overflows).
        if not math.isfinite(grad[-1]) and not np.isfinite(c).all():
            if np.isfinite(coeff).all():  # else the plugin got bad input
                self.act.check_moderate(z, "backward")
        return -uu / v, -grad


def _ramp(X, theta, weights, activation):
    """The ramp of ``theta = (w, b)`` on the data, its mean and centred norm."""
    z = (X @ theta[:-1] + theta[-1])[:, None]
    g = activation.forward(z)[:, 0]
    _, g_mean, var = weighted_variance(g, weights)
    norm = float(np.sqrt(var))
    if not math.isfinite(norm) and not np.isfinite(g).all():
        activation.check_moderate(z)
    return g, float(g_mean), norm


def _best_candidate(
    X, cov, residual, weights, activation, n_candidates, weight_scale, rng
):
    W, b = sample_ramps(cov, n_candidates, weight_scale, rng)
    Z = X @ W.T + b
    G = activation.forward(Z)
    mean = weights @ G
    if not np.isfinite(mean).all():
        activation.check_moderate(Z[:, ~np.isfinite(mean)])
    norms2 = weights @ (G * G) - mean * mean
    corr = (weights[:, None] * residual).T @ G  # (m, n_candidates)
    # Ramps nearly constant on the data need huge output weights: skip them.
    valid = norms2 > 1e-6 * max(float(norms2.max()), 1e-300)
    score = np.where(valid, (corr * corr).sum(axis=0) / np.where(valid, norms2, 1), 0)
    j = int(np.argmax(score))
    return np.append(W[j], b[j]), float(score[j])


def _refined(objective, X, theta, ramp, weights, activation, refine_steps):
    """``(theta, g, g_mean, g_norm)`` after ``refine_steps`` L-BFGS steps on J."""
    refined = minimize(
        objective, theta, jac=True, method="L-BFGS-B", options={"maxiter": refine_steps}
    ).x
    g_r, mean_r, norm_r = _ramp(X, refined, weights, activation)
    # The correlation is scale-free: refinement may slide a ramp into a
    # saturated tail whose tiny values need huge output weights.
    if np.all(np.isfinite(refined)) and norm_r >= 1e-3 * ramp[2]:
        return refined, g_r, mean_r, norm_r
    return (theta, *ramp)


class _GreedyBasis:
    r"""The chosen ramps, their orthonormal basis and the current residual.

    ``Q`` holds :math:`q_1, \dots, q_k` (orthonormal in :math:`L^2(\mu_n)`,
    one row each), ``R`` the Gram–Schmidt coefficients (the ramps are
    :math:`g_j - \bar g_j = \sum_{i \le j} R_{ij} q_i`), ``r`` the residual.
    At most as many ramps as samples can be independent, which bounds the
    storage.
    """

    def __init__(self, X, Y, weights, n_neurons):
        capacity = min(n_neurons, X.shape[0])
        self.weights, self.Y = weights, Y
        self.r, self.y_mean = weighted_centre(Y, weights)
        self.Q = np.empty((capacity, X.shape[0]))
        self.R = np.zeros((capacity, capacity))
        self.coef = np.zeros((capacity, Y.shape[1]))  # <q_j, y>
        self.g_means = np.empty(capacity)
        self.hidden = np.empty((capacity, X.shape[1] + 1))  # rows (w_j, b_j)
        self.out = np.zeros((0, Y.shape[1]))  # relaxed variant's output weights
        self.k = 0

    @property
    def full(self):
        return self.k == self.Q.shape[0]

    def add(self, theta, gc, g_mean, g_norm):
        """Orthogonalise ``gc`` (twice is enough); False if it adds nothing new."""
        k, weights = self.k, self.weights
        h, proj = gc.copy(), np.zeros(k)
        for _ in range(2):
            p = self.Q[:k] @ (weights * h)
            h -= p @ self.Q[:k]
            proj += p
        h_norm = np.sqrt(weights @ (h * h))
        if not np.isfinite(h_norm) or h_norm <= 1e-8 * max(g_norm, 1e-300):
            return False
        self.Q[k] = h / h_norm
        self.R[:k, k], self.R[k, k] = proj, h_norm
        self.hidden[k], self.g_means[k] = theta, g_mean
        return True

    def orthogonal_step(self):
        """Project the residual off the new direction (all weights re-solved)."""
        q = self.Q[self.k]
        self.coef[self.k] = (self.weights * q) @ self.r
        self.r = self.r - np.outer(q, self.coef[self.k])
        self.k += 1

    def relaxed_step(self, gc, g_norm):
        r"""Best :math:`f_k = (1 - \alpha_k) f_{k-1} + \beta_k g_k`, :math:`\alpha_k \in [0, 1]`."""
        r, weights, m = self.r, self.weights, self.Y.shape[1]
        f = (self.Y - self.y_mean) - r  # current centred fit
        M = np.column_stack([-f.ravel(), np.repeat(gc, m)])
        root = np.sqrt(np.repeat(weights, m))
        sol = np.linalg.lstsq(M * root[:, None], r.ravel() * root)[0]
        alpha_k = float(np.clip(sol[0], 0.0, 1.0))
        # Best beta for the clipped alpha: one-dimensional least squares.
        target = r + alpha_k * f
        beta = (weights * gc) @ target / (g_norm * g_norm)
        self.out = np.vstack([(1.0 - alpha_k) * self.out, beta[None, :]])
        self.r = target - np.outer(gc, beta)
        self.k += 1

    def output_layer(self, variant):
        """Output weights (k, m) of the ramps as they stand (centred ramps)."""
        k = self.k
        if variant == "orthogonal":
            return solve_triangular(self.R[:k, :k], self.coef[:k]) if k else self.out
        return self.out


def greedy_fit(
    X,
    Y,
    weights,
    activation,
    n_neurons,
    *,
    variant,
    n_candidates,
    refine_steps,
    weight_scale,
    random_state,
    y_scale,
    validation=None,
):
    """Build ``n_neurons`` ramps greedily on standardised ``X`` (N, d), ``Y`` (N, m).

    ``weights`` are normalised sample weights (sum 1); ``activation`` is a
    :class:`~sklearn_mathdl.neural_network._shallow_activation.CheckedActivation`
    (a faulty plugin is named in the error). ``validation`` is None or
    ``(X_val, Y_val)`` in the same standardised units; ``y_scale`` (m,) turns
    the recorded errors back into the units of ``y``.

    Returns
    -------
    W : ndarray (k, d), b : ndarray (k,)
        The hidden layer (``k <= n_neurons``; fewer only if the dictionary
        ran out of new directions).
    curve : dict
        ``train_mse`` and, with validation data, ``validation_mse`` after each
        neuron (mean over outputs, in the units of ``y``).
    output : tuple (A, a0)
        Output weights (k, m) and intercept (m,): the least-squares solution
        :math:`R^{-1} Q^\top y` of the orthogonal variant, the relaxed
        combination otherwise.
    """
    basis = _GreedyBasis(X, Y, weights, n_neurons)
    tracker = _ErrorTracker(basis, activation, y_scale, validation)
    objective = _Correlation(X, basis.r, weights, activation)
    cov = second_moment(X, weights)
    failures = 0
    while basis.k < n_neurons and not basis.full and failures < _MAX_FAILURES:
        objective.r = basis.r
        theta, _ = _best_candidate(
            X,
            cov,
            basis.r,
            weights,
            activation,
            n_candidates,
            weight_scale,
            random_state,
        )
        ramp = _ramp(X, theta, weights, activation)
        if refine_steps:
            theta, *ramp = _refined(
                objective, X, theta, ramp, weights, activation, refine_steps
            )
        g, g_mean, g_norm = ramp
        gc = g - g_mean
        if not basis.add(theta, gc, g_mean, g_norm):
            failures += 1  # the ramp adds nothing new: draw again
            continue
        failures = 0
        tracker.add_ramp(theta)
        if variant == "orthogonal":
            basis.orthogonal_step()
        else:
            basis.relaxed_step(gc, g_norm)
        tracker.record(variant)
    k = basis.k
    out = basis.output_layer(variant)
    W, b = basis.hidden[:k, :-1], basis.hidden[:k, -1]
    return W, b, tracker.curve(), (out, basis.y_mean - basis.g_means[:k] @ out)


class _ErrorTracker:
    """Training (and validation) mean squared error after each added neuron."""

    def __init__(self, basis, activation, y_scale, validation):
        self.basis, self.activation, self.y_scale = basis, activation, y_scale
        self.validation = validation
        self.train_mse, self.val_mse = [], []
        if validation is not None:
            self.H_val = np.empty((validation[0].shape[0], basis.Q.shape[0]))

    def add_ramp(self, theta):
        if self.validation is not None:
            X_val = self.validation[0]
            z = (X_val @ theta[:-1] + theta[-1])[:, None]
            h = self.activation.forward(z)[:, 0]
            if not np.isfinite(h).all():
                self.activation.check_moderate(z)
            self.H_val[:, self.basis.k] = h

    def record(self, variant):
        basis, y_scale = self.basis, self.y_scale
        if self.validation is not None:
            k, Y_val = basis.k, self.validation[1]
            a = basis.output_layer(variant)
            pred = (self.H_val[:, :k] - basis.g_means[:k]) @ a + basis.y_mean
            self.val_mse.append(float(np.mean(((Y_val - pred) * y_scale) ** 2)))
        mse = basis.weights @ ((basis.r * y_scale) ** 2).mean(axis=1)
        self.train_mse.append(float(mse))

    def curve(self):
        curve = {"train_mse": np.array(self.train_mse)}
        if self.validation is not None:
            curve["validation_mse"] = np.array(self.val_mse)
        return curve
