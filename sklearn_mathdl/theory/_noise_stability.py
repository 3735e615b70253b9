r"""Noise stability and layer cushion of a fitted multi-layer perceptron.

Write the network as :math:`h_0 = x`, :math:`h_l = \phi_l(h_{l-1} W_l + b_l)`
for the hidden layers :math:`l = 1, \dots, L-1`, and
:math:`h_L = h_{L-1} W_L + b_L` for the output layer, taken *affine*: its
activation is the loss's link (softmax, logistic), and the margin is read on
the logits, as in Arora et al. (2018), whose top layer is linear.

Noise stability (Arora, Ge, Neyshabur & Zhang 2018, Section 4): inject at layer
:math:`i` a Gaussian direction scaled to the norm of the layer,
:math:`\eta = \|h_i(x)\|\, \xi / \|\xi\|` with :math:`\xi \sim N(0, I)`, and
measure the relative change of every later layer :math:`j > i`,

.. math::

    \psi_{i \to j}(x) = \mathbb{E}_\eta
    \frac{\|h_j(h_i(x) + \eta) - h_j(h_i(x))\|}{\|h_j(h_i(x))\|} .

At :math:`j = i` the ratio is 1 by construction; a noise-stable network
attenuates it, :math:`\psi_{i \to j} \ll 1`, in the layers above.

Layer cushion (Arora et al. 2018, Section 4, the definition of the layer
cushion :math:`\mu_i`): the largest :math:`\mu` with

.. math::

    \mu \, \|W_l\|_F \, \|h_{l-1}(x)\| \le \|h_{l-1}(x) W_l\|
    \quad \text{for every training point } x ,

that is the minimum over the points of :math:`\|h W\| / (\|W\|_F \|h\|)`.
For noise of norm :math:`\|h\|` with a uniformly random direction in
:math:`\mathbb{R}^n`, :math:`\mathbb{E}\|\eta W\|^2 = \|W\|_F^2 \|h\|^2 / n`,
hence

.. math::

    \frac{\mathbb{E}\,\|\eta W\|^2}{\|h W\|^2} = \frac{1}{n\, \mu(x)^2} ,

so a layer whose cushion is large compared with :math:`1/\sqrt{n}` (the
cushion of a random matrix) passes the signal and shrinks the noise.

References
----------
S. Arora, R. Ge, B. Neyshabur, Y. Zhang, "Stronger generalization bounds for
deep nets via a compression approach", ICML 2018 (arXiv:1802.05296).
"""

import numpy as np
from sklearn.utils import check_array, check_random_state
from sklearn.utils.validation import check_is_fitted

from sklearn_mathdl.plugins import get_activation
from sklearn_mathdl.theory._validation import (
    check_integer_in_range,
    check_positive_integer,
    check_probability,
)

# scikit-learn's hidden activations, by their names in our registry.
_SKLEARN_HIDDEN = {"identity", "logistic", "tanh", "relu"}


def mlp_layers(estimator, caller):
    """``[(W, b, activation), ...]`` of a fitted MLP in float64; the last is None.

    Accepts a fitted ``MLPClassifier``/``MLPRegressor`` of this package (its
    ``network_.activations``) or of scikit-learn (its ``activation`` for every
    hidden layer); the output layer is returned affine (activation ``None``).
    """
    from sklearn.neural_network import MLPClassifier as SkClassifier
    from sklearn.neural_network import MLPRegressor as SkRegressor

    from sklearn_mathdl.neural_network import MLPClassifier, MLPRegressor

    if isinstance(estimator, MLPClassifier | MLPRegressor):
        check_is_fitted(estimator, "network_")
        activations = list(estimator.network_.activations)
        for act in activations[:-1]:
            if getattr(act, "pieces", 1) != 1:
                raise ValueError(
                    f"{caller} needs one output per unit; {act!r} computes "
                    f"{act.pieces} pieces per unit. Use an elementwise activation."
                )
    elif isinstance(estimator, SkClassifier | SkRegressor):
        check_is_fitted(estimator, "coefs_")
        activations = [get_activation(estimator.activation)] * len(estimator.coefs_)
    else:
        raise TypeError(
            f"{caller} reads the layers of a fitted multi-layer perceptron; got "
            f"{type(estimator).__name__}. Pass a fitted "
            "sklearn_mathdl.MLPClassifier or MLPRegressor (or scikit-learn's)."
        )
    coefs, intercepts = estimator.coefs_, estimator.intercepts_
    layers = [
        (np.asarray(W, dtype=np.float64), np.asarray(b, dtype=np.float64), act)
        for W, b, act in zip(coefs, intercepts, activations)
    ]
    W, b, _ = layers[-1]
    layers[-1] = (W, b, None)
    return layers


def check_mlp_input(layers, X, caller):
    """``X`` as a float64 array with as many columns as the network's inputs."""
    X = check_array(X, dtype=np.float64, ensure_2d=True)
    if X.shape[1] != layers[0][0].shape[0]:
        raise ValueError(
            f"X has {X.shape[1]} features, but the network passed to {caller} "
            f"takes {layers[0][0].shape[0]}. Pass the data it was fitted on."
        )
    return X


def propagate(layers, H, start=0):
    """Activations ``[h_start, h_{start+1}, ..., h_L]`` from ``h_start = H``."""
    outputs = [H]
    for W, b, act in layers[start:]:
        Z = outputs[-1] @ W + b
        outputs.append(Z if act is None else np.asarray(act.forward(Z)))
    return outputs


def _relative_change(clean, noisy):
    """Per-row ``|noisy - clean| / |clean|`` (nan where ``clean`` is zero)."""
    num = np.linalg.norm(noisy - clean, axis=1)
    den = np.linalg.norm(clean, axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


def noise_sensitivity(estimator, X, layer, *, n_draws=10, random_state=None):
    r"""Relative change of every later layer when noise is injected at ``layer``.

    With :math:`h_i(x)` the activation of layer :math:`i` (:math:`h_0 = x`, the
    output layer affine) and :math:`\eta = \|h_i(x)\|\,\xi/\|\xi\|`,
    :math:`\xi \sim N(0, I)`, so that :math:`\|\eta\| = \|h_i(x)\|`, returns for
    each :math:`j = i + 1, \dots, L` the mean over the points of ``X`` and
    ``n_draws`` noise draws of

    .. math::

        \psi_{i \to j}(x) =
        \frac{\|h_j(h_i(x) + \eta) - h_j(h_i(x))\|}{\|h_j(h_i(x))\|} ,

    the quantity Arora et al. (2018, Section 4 and their Figure of noise
    attenuation) measure: trained networks attenuate the injected noise,
    :math:`\psi_{i \to j}` decreasing in :math:`j`. Points where
    :math:`h_j = 0` are left out of the mean for that layer.

    Parameters
    ----------
    estimator : fitted MLPClassifier or MLPRegressor
        Of this package or of scikit-learn.
    X : array-like of shape (n_samples, n_features)
        The points :math:`x`.
    layer : int
        The layer :math:`i` where the noise goes, from 0 (the input) to
        ``n_layers_ - 2`` (the last hidden layer).
    n_draws : int, default=10
        Noise draws per point.
    random_state : int, RandomState instance or None, default=None
        The noise's random number generator.

    Returns
    -------
    sensitivity : ndarray of shape (n_layers_ - 1 - layer,)
        :math:`\psi_{i \to j}` for :math:`j = i + 1, \dots, L`; the last entry
        is the output (logits).

    See Also
    --------
    layer_cushion : Which layers pass the signal and shrink the noise.

    References
    ----------
    Arora, Ge, Neyshabur & Zhang, "Stronger generalization bounds for deep nets
    via a compression approach", ICML 2018, Section 4: noise injected at one
    layer and followed through the layers above.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from sklearn_mathdl import MLPClassifier
    >>> from sklearn_mathdl.theory import noise_sensitivity
    >>> X, y = load_digits(return_X_y=True)
    >>> mlp = MLPClassifier((32, 32), tol=0.01, random_state=0).fit(X / 16, y)
    >>> noise_sensitivity(mlp, X[:50] / 16, layer=1, random_state=0).shape
    (2,)
    """
    layers = mlp_layers(estimator, "noise_sensitivity")
    X = check_mlp_input(layers, X, "noise_sensitivity")
    last = len(layers) - 1
    where = f"layer (0: the input, {last}: the last hidden layer)"
    layer = check_integer_in_range(layer, where, 0, last)
    n_draws = check_positive_integer(n_draws, "n_draws")
    H = propagate(layers[:layer], X)[-1]
    return _mean_relative_changes(
        layers, H, layer, n_draws, check_random_state(random_state)
    )


def _mean_relative_changes(layers, H, layer, n_draws, rng):
    """Mean over rows and draws of psi_{i->j}, noise of norm |H| added to H."""
    clean = propagate(layers, H, start=layer)[1:]
    totals = np.zeros(len(clean))
    counts = np.zeros(len(clean))
    scale = np.linalg.norm(H, axis=1, keepdims=True)
    for _ in range(n_draws):
        xi = rng.standard_normal(H.shape)
        eta = xi * scale / np.linalg.norm(xi, axis=1, keepdims=True)
        noisy = propagate(layers, H + eta, start=layer)[1:]
        for j, (c, n) in enumerate(zip(clean, noisy)):
            ratio = _relative_change(c, n)
            totals[j] += np.nansum(ratio)
            counts[j] += np.sum(~np.isnan(ratio))
    with np.errstate(invalid="ignore"):
        return totals / counts


def layer_cushion(estimator, X, *, quantile=0.0):
    r"""Layer cushion of every layer of a fitted MLP on the points ``X``.

    For layer :math:`l` (weights :math:`W_l`, input :math:`h_{l-1}(x)`), the
    cushion of Arora et al. (2018, Section 4) is the largest :math:`\mu_l` with
    :math:`\mu_l \|W_l\|_F \|h_{l-1}(x)\| \le \|h_{l-1}(x) W_l\|` for every
    point: the minimum over the points of

    .. math::

        \mu_l(x) = \frac{\|h_{l-1}(x) W_l\|}{\|W_l\|_F\, \|h_{l-1}(x)\|} .

    ``quantile=0`` (the default) returns that minimum, the paper's definition;
    another ``quantile`` the corresponding quantile of :math:`\mu_l(x)`, less
    sensitive to one outlying point. Noise of norm :math:`\|h\|` in a uniformly
    random direction of :math:`\mathbb{R}^n` has
    :math:`\mathbb{E}\|\eta W\|^2 / \|h W\|^2 = 1/(n \mu_l(x)^2)`, and a random
    matrix has :math:`\mu \approx 1/\sqrt{n}`: a cushion well above
    :math:`1/\sqrt{n}` means the layer shrinks noise relative to the signal.
    Points with :math:`h_{l-1}(x) = 0` are left out (any :math:`\mu` holds).

    Parameters
    ----------
    estimator : fitted MLPClassifier or MLPRegressor
        Of this package or of scikit-learn.
    X : array-like of shape (n_samples, n_features)
        The training points.
    quantile : float, default=0.0
        Which quantile of :math:`\mu_l(x)` over the points: 0 is the minimum.

    Returns
    -------
    cushion : ndarray of shape (n_layers_ - 1,)
        :math:`\mu_l` for :math:`l = 1, \dots, L`, each in :math:`[0, 1]`.

    See Also
    --------
    noise_sensitivity : The attenuation of noise injected at one layer.

    References
    ----------
    S. Arora et al., ICML 2018 (arXiv:1802.05296), Section 4: the layer
    cushion :math:`\mu_i`, and how it makes a layer compressible.

    Examples
    --------
    A scikit-learn MLP is read as well (its one hidden activation):

    >>> from sklearn.datasets import load_iris
    >>> from sklearn.neural_network import MLPClassifier
    >>> from sklearn_mathdl.theory import layer_cushion
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = MLPClassifier(hidden_layer_sizes=(10, 10), solver="lbfgs",
    ...                     max_iter=1000, random_state=0).fit(X, y)
    >>> layer_cushion(clf, X).shape
    (3,)
    """
    layers = mlp_layers(estimator, "layer_cushion")
    X = check_mlp_input(layers, X, "layer_cushion")
    quantile = check_probability(quantile, "quantile")
    inputs = propagate(layers[:-1], X)
    cushions = []
    for H, (W, _, _) in zip(inputs, layers):
        norms = np.linalg.norm(H, axis=1)
        keep = norms > 0
        ratio = np.linalg.norm(H[keep] @ W, axis=1) / (np.linalg.norm(W) * norms[keep])
        cushions.append(np.quantile(ratio, quantile) if ratio.size else np.nan)
    return np.asarray(cushions)
