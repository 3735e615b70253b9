r"""Compression of a layer by random sign projections (Arora et al. 2018).

For a weight matrix :math:`A \in \mathbb{R}^{m \times n}` draw, before seeing any
data, :math:`k` matrices :math:`M_1, \dots, M_k` with independent entries
:math:`\pm 1` of probability :math:`1/2`, and keep the :math:`k` numbers
:math:`c_t = \langle A, M_t \rangle`. Given the seed, the layer is stored as
these :math:`k` coefficients instead of its :math:`mn` entries, and read back as

.. math::

    \hat A = \frac{1}{k} \sum_{t=1}^{k} \langle A, M_t \rangle\, M_t .

Unbiased: :math:`\mathbb{E}[M_{ab} M_{cd}] = \delta_{ac}\delta_{bd}`, hence
:math:`\mathbb{E}[\langle A, M\rangle M_{cd}] = \sum_{ab} A_{ab}\,
\mathbb{E}[M_{ab}M_{cd}] = A_{cd}` and :math:`\mathbb{E}\hat A = A`. For fixed
vectors :math:`u, v`, :math:`u^\top \hat A v` is the mean of :math:`k`
independent copies of :math:`\langle A, M\rangle \langle u v^\top, M\rangle`,
whose mean is :math:`u^\top A v` and whose variance is at most
:math:`2\|A\|_F^2 \|u\|^2 \|v\|^2`; so (Arora et al. 2018, Algorithm 1 and its
lemma) :math:`|u^\top \hat A v - u^\top A v| \le \varepsilon \|A\|_F \|u\| \|v\|`
with high probability once :math:`k \gtrsim 1/\varepsilon^2`, whatever
:math:`mn`. Summed over the :math:`n` output coordinates of :math:`h \hat A`
(:math:`u = h`, :math:`v = e_j`), :math:`\mathbb{E}\|h(\hat A - A)\|^2 \le
2 n \|A\|_F^2 \|h\|^2 / k`; through a layer of cushion :math:`\mu` (see
:func:`layer_cushion`), :math:`\|h A\| \ge \mu \|A\|_F \|h\|`, so with
:math:`k = r\, m n` the relative error of the layer's output is at most

.. math::

    \frac{\|h(\hat A - A)\|}{\|h A\|} \lesssim \sqrt{\frac{2n}{k}}
    \frac{1}{\mu} = \sqrt{\frac{2}{r}} \frac{1}{\mu \sqrt{m}} :

small when the cushion is large against :math:`1/\sqrt{m}`, that of a random
matrix. Layers with a large cushion are compressible, and the noise-stable
layers above absorb what is left.

References
----------
S. Arora, R. Ge, B. Neyshabur, Y. Zhang, "Stronger generalization bounds for
deep nets via a compression approach", ICML 2018 (arXiv:1802.05296).
"""

import copy
from math import ceil
from numbers import Real

import numpy as np
from sklearn.utils import Bunch, check_random_state

from sklearn_mathdl.theory._noise_stability import mlp_layers
from sklearn_mathdl.theory._validation import check_positive_integer

# Sign matrices are drawn this many entries at a time (8 MB); signs are exact
# in float32, which halves the memory traffic of the products.
_CHUNK_ENTRIES = 1 << 21


def _random_signs(rng, rows, cols):
    """A ``(rows, cols)`` matrix of independent uniform signs, 8 per random byte."""
    n_bytes = -(-rows * cols // 8)
    bits = np.unpackbits(np.frombuffer(rng.bytes(n_bytes), dtype=np.uint8))
    M = bits[: rows * cols].reshape(rows, cols).astype(np.float32)
    M *= 2.0
    M -= 1.0
    return M


def compress_layer(W, k, random_state=None):
    r"""Compress a matrix to ``k`` random sign projections and read it back.

    .. math::

        \hat W = \frac{1}{k} \sum_{t=1}^{k} \langle W, M_t \rangle\, M_t ,
        \qquad (M_t)_{ab} \in \{-1, +1\} \text{ independent, uniform},

    the compression of Arora, Ge, Neyshabur & Zhang (2018, Algorithm 1). It
    is unbiased, :math:`\mathbb{E}\hat W = W`, with
    :math:`\mathbb{E}\|\hat W - W\|_F^2 = (mn - 1)\|W\|_F^2 / k`; the layer is
    stored as the :math:`k` coefficients :math:`\langle W, M_t\rangle` and the
    seed, against the :math:`mn` entries of :math:`W`.

    Parameters
    ----------
    W : array-like of shape (m, n)
        The weight matrix.
    k : int
        Number of random sign matrices, :math:`k \ge 1`.
    random_state : int, RandomState instance or None, default=None
        Draws the :math:`M_t`; fixed before seeing any data.

    Returns
    -------
    W_hat : ndarray of shape (m, n)
        The reconstruction :math:`\hat W`, in float64.

    See Also
    --------
    compress_mlp : Compress every layer of a fitted MLP and score it.

    References
    ----------
    S. Arora, R. Ge, B. Neyshabur, Y. Zhang, ICML 2018, Algorithm 1
    ("Matrix-Project") and the lemma bounding :math:`u^\top \hat W v`.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_mathdl.theory import compress_layer
    >>> W = np.arange(6.0).reshape(2, 3)
    >>> W_hat = compress_layer(W, k=4, random_state=0)
    >>> W_hat.shape
    (2, 3)
    >>> mean = np.mean([compress_layer(W, 4, random_state=s) for s in range(2000)], 0)
    >>> bool(np.abs(mean - W).max() < 0.5)
    True
    """
    k = check_positive_integer(k, "k")
    W = np.asarray(W, dtype=np.float64)
    if W.ndim != 2 or W.size == 0 or not np.isfinite(W).all():
        raise ValueError(
            f"W must be a non-empty 2-d array of finite numbers, got shape "
            f"{W.shape}. Pass one layer's weight matrix, e.g. coefs_[0]."
        )
    rng = check_random_state(random_state)
    w = W.ravel()
    w32 = w.astype(np.float32)
    total = np.zeros_like(w)
    chunk = max(1, _CHUNK_ENTRIES // w.size)
    for start in range(0, k, chunk):
        rows = min(chunk, k - start)
        M = _random_signs(rng, rows, w.size)
        total += (M @ w32) @ M
    return (total / k).reshape(W.shape)


def _layer_ratios(ratio, n_layers):
    """One compression ratio in (0, 1] per layer."""
    ratios = np.atleast_1d(np.asarray(ratio, dtype=object))
    if ratios.ndim != 1 or len(ratios) not in (1, n_layers):
        raise ValueError(
            f"ratio must be a number in (0, 1] or one per layer ({n_layers} "
            f"layers), got {ratio!r}."
        )
    for r in ratios:
        if isinstance(r, bool | np.bool_) or not isinstance(r, Real) or not 0 < r <= 1:
            raise ValueError(
                f"ratio must hold numbers in (0, 1] (the fraction k / size of "
                f"each layer kept), got {ratio!r}."
            )
    return [float(r) for r in np.broadcast_to(ratios, (n_layers,))]


def compress_mlp(estimator, X, y, ratio, *, random_state=None):
    r"""Compress every weight matrix of a fitted MLP and score the result.

    Layer :math:`l`, of :math:`d_l` weights, is replaced by its
    :func:`compress_layer` reconstruction with
    :math:`k_l = \lceil \mathrm{ratio}_l\, d_l \rceil` sign matrices, each layer
    with its own seed drawn from ``random_state`` before the data are seen. A
    ratio of 1 keeps the layer exact (storing :math:`d_l` coefficients saves
    nothing). The biases are kept exact. The compressed network is stored as
    :math:`\sum_l k_l` coefficients plus the biases and the seeds.

    Parameters
    ----------
    estimator : fitted MLPClassifier or MLPRegressor
        Of this package or of scikit-learn; left unchanged.
    X : array-like of shape (n_samples, n_features)
        Data to score on (held-out data, for a generalisation statement).
    y : array-like of shape (n_samples,)
        Their targets.
    ratio : float or sequence of float
        The fraction :math:`k_l / d_l` in :math:`(0, 1]`, for every layer or
        one per layer.
    random_state : int, RandomState instance or None, default=None
        Draws the per-layer seeds.

    Returns
    -------
    result : :class:`~sklearn.utils.Bunch`
        ``estimator`` (a compressed copy), ``k`` (per layer), ``n_params``
        and ``n_params_original`` (coefficients plus biases), ``score`` and
        ``score_original`` (the estimator's ``score`` on ``X, y``: accuracy
        for a classifier, :math:`R^2` for a regressor).

    See Also
    --------
    compress_layer : The compression of one matrix.
    layer_cushion : Which layers compress well.

    References
    ----------
    Arora, Ge, Neyshabur & Zhang (2018): compressing a noise-stable network
    layer by layer, and the generalization bound of the compressed network.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from sklearn_mathdl import MLPClassifier
    >>> from sklearn_mathdl.theory import compress_mlp
    >>> X, y = load_digits(return_X_y=True)
    >>> mlp = MLPClassifier((16,), tol=0.01, random_state=0).fit(X / 16, y)
    >>> result = compress_mlp(mlp, X / 16, y, ratio=0.5, random_state=0)
    >>> result.k, result.n_params, result.n_params_original
    ([512, 80], 618, 1210)
    """
    layers = mlp_layers(estimator, "compress_mlp")
    ratios = _layer_ratios(ratio, len(layers))
    rng = check_random_state(random_state)
    seeds = rng.randint(np.iinfo(np.int32).max, size=len(layers))
    compressed, ks = [], []
    for (W, _, _), r, seed in zip(layers, ratios, seeds):
        k = W.size if r == 1 else ceil(r * W.size)
        ks.append(int(k))
        compressed.append(W if r == 1 else compress_layer(W, k, seed))
    model = copy.deepcopy(estimator)
    model.coefs_ = [
        W.astype(np.asarray(c).dtype) for W, c in zip(compressed, model.coefs_)
    ]
    n_biases = sum(b.size for _, b, _ in layers)
    return Bunch(
        estimator=model,
        k=ks,
        n_params=sum(ks) + n_biases,
        n_params_original=sum(W.size for W, _, _ in layers) + n_biases,
        score=float(model.score(X, y)),
        score_original=float(estimator.score(X, y)),
    )
