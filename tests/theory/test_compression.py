"""compress_layer and compress_mlp (Arora, Ge, Neyshabur & Zhang 2018)."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier as SklearnMLP

from sklearn_mathdl import MLPClassifier
from sklearn_mathdl.theory import compress_layer, compress_mlp

A = np.array([[1.0, -2.0, 0.5, 3.0], [0.0, 1.5, -1.0, 2.0], [4.0, 0.0, 1.0, -0.5]])


def test_compress_layer_is_unbiased():
    """The mean of A_hat over S seeds is A: each entry of the mean has
    variance at most |A|_F^2 / (k S) (one term's second moment is
    <A, M>^2 = |A|_F^2 + cross terms of mean 0), so 5 standard deviations
    bound every entry."""
    k, seeds = 3, 4000
    mean = np.mean([compress_layer(A, k, random_state=s) for s in range(seeds)], 0)
    sd = np.linalg.norm(A) / np.sqrt(k * seeds)
    assert np.abs(mean - A).max() < 5 * sd
    # a biased reading (forgetting the 1/k) is caught
    assert np.abs(k * mean - A).max() > 50 * sd


def test_compress_layer_error_is_the_variance_formula():
    """E|A_hat - A|_F^2 = (d - 1) |A|_F^2 / k for d entries."""
    d, k = A.size, 5
    errors = [
        np.sum((compress_layer(A, k, random_state=s) - A) ** 2) for s in range(3000)
    ]
    expected = (d - 1) * np.sum(A**2) / k
    assert np.mean(errors) == pytest.approx(expected, rel=0.05)


def test_compress_layer_is_reproducible_and_chunked():
    # 300 sign matrices of 8000 entries are drawn in chunks: the same seed
    # gives the same reading, another seed another one.
    W = np.random.RandomState(0).randn(80, 100)
    one = compress_layer(W, 300, random_state=7)
    np.testing.assert_array_equal(one, compress_layer(W, 300, random_state=7))
    assert not np.allclose(one, compress_layer(W, 300, random_state=8))
    # many more projections than entries: the reading converges to W
    err = np.linalg.norm(compress_layer(A, 20000, random_state=0) - A)
    assert err < 0.1 * np.linalg.norm(A)


@pytest.fixture(scope="module")
def digits_split():
    X, y = load_digits(return_X_y=True)
    return train_test_split(X / 16.0, y, test_size=0.3, random_state=0, stratify=y)


def test_compressed_mlp_keeps_its_accuracy(digits_split):
    """MLP (256,) on digits, alpha=3 (weight decay raises the cushions): its
    first layer (16384 of 19210 parameters) read back from k = 8192 sign
    projections, 57% of the parameters kept. Held-out accuracy 0.959
    uncompressed; compressed, 0.952, 0.944, 0.944 for seeds 0, 1, 2: the mean
    loses 1.2 points, within the 2 we ask."""
    X_train, X_test, y_train, y_test = digits_split
    mlp = MLPClassifier((256,), alpha=3.0, max_iter=200, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        mlp.fit(X_train, y_train)
    runs = [
        compress_mlp(mlp, X_test, y_test, (0.5, 1), random_state=s) for s in range(3)
    ]
    assert runs[0].k == [8192, 2560]
    assert runs[0].n_params == 8192 + 2560 + 256 + 10
    assert runs[0].n_params_original == 64 * 256 + 2560 + 256 + 10
    assert runs[0].score_original == mlp.score(X_test, y_test) > 0.95
    mean = np.mean([run.score for run in runs])
    assert runs[0].score_original - mean < 0.02
    # the copy is compressed, the original untouched; the output layer is exact
    np.testing.assert_array_equal(runs[0].estimator.coefs_[1], mlp.coefs_[1])
    assert not np.allclose(runs[0].estimator.coefs_[0], mlp.coefs_[0])
    # a compression that keeps too little breaks the network (so the test above
    # measures the compression, not a network insensitive to its weights)
    poor = compress_mlp(mlp, X_test, y_test, 0.02, random_state=0)
    assert poor.score < 0.6


def test_bad_input(digits_split):
    X_train, _, y_train, _ = digits_split
    for k in (0, -3, 2.5, True):
        with pytest.raises(ValueError, match="k must be an integer >= 1"):
            compress_layer(A, k)
    with pytest.raises(ValueError, match="2-d array"):
        compress_layer(np.ones(4), 2)
    with pytest.raises(TypeError, match="fitted multi-layer perceptron"):
        compress_mlp(LogisticRegression(), X_train, y_train, 0.5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        theirs = SklearnMLP((8,), max_iter=5, random_state=0).fit(X_train, y_train)
    for ratio in (0, 1.5, (0.5, 0.5, 0.5), "half"):
        with pytest.raises(ValueError, match="ratio must"):
            compress_mlp(theirs, X_train, y_train, ratio)
    # scikit-learn's MLPs are accepted
    result = compress_mlp(theirs, X_train, y_train, 1.0)
    assert result.score == result.score_original
