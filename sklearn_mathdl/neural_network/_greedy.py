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

import numpy as np
from scipy.linalg import solve_triangular
from scipy.optimize import minimize

from sklearn_mathdl.neural_network._affine import second_moment
from sklearn_mathdl.neural_network._random_features import sample_ramps


def _activate(activation, Z):
    return np.asarray(activation.forward(Z), dtype=np.float64)


class _Correlation:
    """:math:`-J(w, b)` and its gradient for the current residual."""

    def __init__(self, X, residual, weights, activation):
        self.X, self.r, self.omega, self.act = X, residual, weights, activation

    def __call__(self, theta):
        X, r, omega = self.X, self.r, self.omega
        w, b = theta[:-1], theta[-1]
        z = (X @ w + b)[:, None]
        g = _activate(self.act, z)[:, 0]
        gc = g - omega @ g
        v = float(omega @ (gc * gc))
        if not v > 1e-300:
            return 0.0, np.zeros_like(theta)
        u = (omega * g) @ r  # (m,); r has omega-mean zero
        uu = float(u @ u)
        coeff = omega * (2.0 * (r @ u) / v - 2.0 * uu * gc / (v * v))
        c = np.asarray(self.act.backward(z, coeff[:, None]), dtype=np.float64)[:, 0]
        grad = np.empty_like(theta)
        grad[:-1] = X.T @ c
        grad[-1] = c.sum()
        return -uu / v, -grad


def _ramp(X, theta, weights, activation):
    """The ramp of ``theta = (w, b)`` on the data, its mean and centred norm."""
    g = _activate(activation, (X @ theta[:-1] + theta[-1])[:, None])[:, 0]
    g_mean = float(weights @ g)
    gc = g - g_mean
    return g, g_mean, float(np.sqrt(weights @ (gc * gc)))


def _best_candidate(
    X, cov, residual, weights, activation, n_candidates, weight_scale, rng
):
    W, b = sample_ramps(cov, n_candidates, weight_scale, rng)
    G = _activate(activation, X @ W.T + b)
    mean = weights @ G
    norms2 = weights @ (G * G) - mean * mean
    corr = (weights[:, None] * residual).T @ G  # (m, n_candidates)
    # Ramps nearly constant on the data need huge output weights: skip them.
    valid = norms2 > 1e-6 * max(float(norms2.max()), 1e-300)
    score = np.where(valid, (corr * corr).sum(axis=0) / np.where(valid, norms2, 1), 0)
    j = int(np.argmax(score))
    return np.append(W[j], b[j]), float(score[j])


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

    ``weights`` are normalised sample weights (sum 1). ``validation`` is None or
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
    N, d = X.shape
    y_mean = weights @ Y
    r = Y - y_mean
    Q = np.empty((n_neurons, N))  # orthonormal basis, one row per neuron
    R = np.zeros((n_neurons, n_neurons))
    coef = np.zeros((n_neurons, Y.shape[1]))  # <q_j, y>
    g_means = np.empty(n_neurons)
    out = np.zeros((0, Y.shape[1]))  # relaxed variant's output weights
    W_out, b_out = np.empty((n_neurons, d)), np.empty(n_neurons)
    train_mse, val_mse = [], []
    if validation is not None:
        X_val, Y_val = validation
        H_val = np.empty((X_val.shape[0], n_neurons))
    k, failures = 0, 0
    objective = _Correlation(X, r, weights, activation)
    cov = second_moment(X, weights)
    while k < n_neurons and failures < 5:
        objective.r = r
        theta, _ = _best_candidate(
            X, cov, r, weights, activation, n_candidates, weight_scale, random_state
        )
        g, g_mean, g_norm = _ramp(X, theta, weights, activation)
        if refine_steps:
            refined = minimize(
                objective,
                theta,
                jac=True,
                method="L-BFGS-B",
                options={"maxiter": refine_steps},
            ).x
            g_r, mean_r, norm_r = _ramp(X, refined, weights, activation)
            # The correlation is scale-free: refinement may slide a ramp into
            # a saturated tail whose tiny values need huge output weights.
            if np.all(np.isfinite(refined)) and norm_r >= 1e-3 * g_norm:
                theta, g, g_mean, g_norm = refined, g_r, mean_r, norm_r
        gc = g - g_mean
        h = gc.copy()
        proj = np.zeros(k)
        for _ in range(2):
            p = Q[:k] @ (weights * h)
            h -= p @ Q[:k]
            proj += p
        h_norm = np.sqrt(weights @ (h * h))
        if not np.isfinite(h_norm) or h_norm <= 1e-8 * max(g_norm, 1e-300):
            failures += 1  # the ramp adds nothing new: draw again
            continue
        failures = 0
        Q[k] = h / h_norm
        R[:k, k], R[k, k] = proj, h_norm
        W_out[k], b_out[k], g_means[k] = theta[:-1], theta[-1], g_mean
        if validation is not None:
            H_val[:, k] = _activate(
                activation, (X_val @ theta[:-1] + theta[-1])[:, None]
            )[:, 0]
        if variant == "orthogonal":
            coef[k] = (weights * Q[k]) @ r
            r = r - np.outer(Q[k], coef[k])
            k += 1
            if validation is not None:
                a = solve_triangular(R[:k, :k], coef[:k])
                pred = (H_val[:, :k] - g_means[:k]) @ a + y_mean
                val_mse.append(float(np.mean(((Y_val - pred) * y_scale) ** 2)))
        else:
            f = (Y - y_mean) - r  # current centred fit
            M = np.column_stack([-f.ravel(), np.repeat(gc, Y.shape[1])])
            wr = np.repeat(weights, Y.shape[1])
            sol = np.linalg.lstsq(M * np.sqrt(wr)[:, None], (r.ravel()) * np.sqrt(wr))[
                0
            ]
            alpha_k = float(np.clip(sol[0], 0.0, 1.0))
            # Best beta for the clipped alpha: one-dimensional least squares.
            target = r + alpha_k * f
            beta = (weights * gc) @ target / (g_norm * g_norm)
            out = np.vstack([(1.0 - alpha_k) * out, beta[None, :]])
            r = target - np.outer(gc, beta)
            k += 1
            if validation is not None:
                pred = (H_val[:, :k] - g_means[:k]) @ out + y_mean
                val_mse.append(float(np.mean(((Y_val - pred) * y_scale) ** 2)))
        train_mse.append(float(weights @ ((r * y_scale) ** 2).mean(axis=1)))
    curve = {"train_mse": np.array(train_mse)}
    if validation is not None:
        curve["validation_mse"] = np.array(val_mse)
    if variant == "orthogonal":
        out = solve_triangular(R[:k, :k], coef[:k]) if k else out
    return W_out[:k], b_out[:k], curve, (out, y_mean - g_means[:k] @ out)
