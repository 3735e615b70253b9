"""LeastSquaresSentiment: solver, counting, partial_fit, explain, bad input."""

import pickle
from collections import Counter

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import Ridge
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline

from sklearn_mathdl import LeastSquaresSentiment
from sklearn_mathdl.datasets import load_movie_snippets
from sklearn_mathdl.plugins import available_tokenizers, register_tokenizer
from sklearn_mathdl.sentiment._vocabulary import analyze, count_texts
from sklearn_mathdl.sentiment.tokenizers import (
    Tokenizer,
    WhitespaceTokenizer,
    WordTokenizer,
)
from sklearn_mathdl.utils import check_tokenizer

TEXTS = [
    "Loved it! The cast isn't bad.",
    "hated it, the plot is bad bad bad",
    "",
    "Ça été très bien — naïve café 東京 don’t LOVE",
    "  \t spaces\n everywhere ",
    "''Conan'' rock'n'roll _under_score_ 42 x",
]


@pytest.fixture(scope="module")
def movies():
    texts, y = load_movie_snippets(return_X_y=True)
    return texts[:3000], y[:3000]


def zipf_counts(n, p, seed=0, k=8):
    rng = np.random.default_rng(seed)
    prob = 1.0 / np.arange(1, p + 1)
    words = rng.choice(p, size=(n, k), p=prob / prob.sum())
    X = sp.csr_matrix(
        (np.ones(n * k), words.ravel(), np.arange(0, n * k + 1, k)), shape=(n, p)
    )
    X.sum_duplicates()
    theta = rng.normal(size=p)
    return X, X @ theta + 0.1 * rng.normal(size=n) + 1.5


# ---------------------------------------------------------------- tokenizers
def test_tokenizers_registered_and_checked():
    assert {"word", "whitespace"} <= set(available_tokenizers())
    for name in ("word", "whitespace"):
        check_tokenizer(name)
    assert WordTokenizer()("It isn’t ''great'', rock'n'roll!") == [
        "It",
        "isn't",
        "great",
        "rock'n'roll",
    ]
    assert WhitespaceTokenizer()(" a  b,c ") == ["a", "b,c"]


@pytest.mark.parametrize(
    "broken, message",
    [
        (lambda text: tuple(text.split()), "must return a list"),
        (lambda text: text.split(" "), "empty token"),
        (lambda text: [len(text)], "not str"),
    ],
)
def test_check_tokenizer_fails_on_broken(broken, message):
    with pytest.raises(AssertionError, match=message):
        check_tokenizer(broken)


def test_check_tokenizer_catches_false_whitespace_claim():
    class Pairs(Tokenizer):
        whitespace_separable = True  # wrong: bigram tokens span whitespace

        def __call__(self, text):
            w = text.split()
            return [" ".join(w[i : i + 2]) for i in range(0, len(w), 2)]

    with pytest.raises(AssertionError, match="whitespace_separable"):
        check_tokenizer(Pairs())


def test_custom_registered_tokenizer_used_by_name():
    register_tokenizer("chars_test")(lambda text: [c for c in text if c.isalpha()])
    model = LeastSquaresSentiment(tokenizer="chars_test").fit(
        ["ab", "ba", "c"], [1, 1, 0]
    )
    assert set(model.vocabulary_) == {"a", "b", "c"}


# ------------------------------------------------------------------ counting
@pytest.mark.parametrize(
    "tokenizer", [WordTokenizer(), WhitespaceTokenizer(), str.split]
)
@pytest.mark.parametrize("ngram_range", [(1, 1), (1, 3), (2, 2)])
@pytest.mark.parametrize("lowercase", [True, False])
def test_fast_counts_equal_per_text_analysis(tokenizer, ngram_range, lowercase):
    texts = TEXTS * 3 + ["a b a b a", "b"]
    X, names = count_texts(
        texts, tokenizer, lowercase=lowercase, ngram_range=ngram_range
    )
    for i, text in enumerate(texts):
        expected = Counter(analyze(text, tokenizer, lowercase, ngram_range))
        row = X.getrow(i)
        got = {names[j]: c for j, c in zip(row.indices, row.data)}
        assert got == expected


def test_parallel_counting_equals_serial(monkeypatch):
    from sklearn_mathdl.sentiment import _vocabulary

    monkeypatch.setattr(_vocabulary, "_PARALLEL_MIN_TEXTS", 10)

    class SubclassedWords(WordTokenizer):
        """Not the built-in class: takes the per-chunk path, in workers."""

    texts = TEXTS * 10
    X1, n1 = count_texts(texts, WordTokenizer(), ngram_range=(1, 2))
    X2, n2 = count_texts(texts, SubclassedWords(), ngram_range=(1, 2), n_jobs=2)
    assert n1 == n2 and (X1 != X2).nnz == 0


# -------------------------------------------------------------------- solver
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("solver", ["auto", "pcg", "cg"])
def test_matches_ridge_with_sample_weight(fit_intercept, solver):
    X, y = zipf_counts(400, 60)
    sw = np.random.default_rng(1).uniform(0.1, 3.0, size=400)
    ours = LeastSquaresSentiment(
        2.0, fit_intercept=fit_intercept, solver=solver, tol=1e-12
    ).fit(X, y, sample_weight=sw)
    ridge = Ridge(2.0, fit_intercept=fit_intercept, solver="cholesky", tol=1e-12)
    ridge.fit(X.toarray(), y, sample_weight=sw)
    np.testing.assert_allclose(ours.coef_, ridge.coef_, rtol=1e-7, atol=1e-9)
    assert ours.intercept_ == pytest.approx(ridge.intercept_, abs=1e-8)
    np.testing.assert_allclose(ours.predict(X), ridge.predict(X.toarray()), atol=1e-8)


def test_alpha_zero_gives_minimum_norm_solution():
    rng = np.random.default_rng(0)
    base = rng.poisson(1.0, size=(50, 6)).astype(float)
    # a duplicate column, a zero column, a column that is a sum of two others
    dense = np.column_stack([base, base[:, 0], np.zeros(50), base[:, 1] + base[:, 2]])
    y = rng.normal(size=50)
    model = LeastSquaresSentiment(0.0, tol=1e-13).fit(sp.csr_matrix(dense), y)
    centred = dense - dense.mean(axis=0)
    expected = np.linalg.pinv(centred) @ (y - y.mean())
    np.testing.assert_allclose(model.coef_, expected, atol=1e-8)
    assert model.coef_[7] == 0.0
    assert model.intercept_ == pytest.approx(y.mean() - dense.mean(axis=0) @ expected)


def test_seed_law_without_intercept_is_plain_least_squares():
    X, y = zipf_counts(300, 20)
    model = LeastSquaresSentiment(0.0, fit_intercept=False, tol=1e-13).fit(X, y)
    expected = np.linalg.lstsq(X.toarray(), y, rcond=None)[0]
    np.testing.assert_allclose(model.coef_, expected, atol=1e-8)
    assert model.intercept_ == 0.0


def test_jacobi_preconditioning_reduces_iterations():
    X, y = zipf_counts(3000, 2000)
    plain = LeastSquaresSentiment(1.0, solver="cg", tol=1e-8, max_iter=5000).fit(X, y)
    pcg = LeastSquaresSentiment(1.0, solver="pcg", tol=1e-8).fit(X, y)
    assert pcg.n_iter_ * 3 < plain.n_iter_
    np.testing.assert_allclose(pcg.coef_, plain.coef_, atol=1e-5)
    residuals = np.asarray(pcg.cg_residuals_)
    assert residuals[-1] <= 1e-8 and len(residuals) == pcg.n_iter_ + 1


def test_threaded_blocks_give_same_result():
    X, y = zipf_counts(60_000, 500)
    one = LeastSquaresSentiment(1.0, n_jobs=1, tol=1e-10).fit(X, y)
    two = LeastSquaresSentiment(1.0, n_jobs=2, tol=1e-10).fit(X, y)
    np.testing.assert_allclose(one.coef_, two.coef_, atol=1e-9)


def test_convergence_warning_when_max_iter_stops():
    X, y = zipf_counts(300, 50)
    with pytest.warns(ConvergenceWarning, match="max_iter=2"):
        model = LeastSquaresSentiment(1.0, max_iter=2).fit(X, y)
    assert model.n_iter_ == 2


# ------------------------------------------------------ texts and inspection
def test_texts_fit_matches_countvectorizer_ridge(movies):
    texts, y = movies
    ours = LeastSquaresSentiment(3.0, tol=1e-10).fit(texts, y)
    cv = CountVectorizer(token_pattern=r"(?u)[^\W_]+(?:['’][^\W_]+)*")
    ridge = Ridge(3.0, solver="sparse_cg", tol=1e-12, max_iter=10_000)
    ridge.fit(cv.fit_transform(texts), y)
    cv_vocab = cv.vocabulary_
    common = [w for w in ours.vocabulary_ if w in cv_vocab and "’" not in w]
    assert len(common) > 0.99 * len(ours.vocabulary_)
    a = ours.coef_[[ours.vocabulary_[w] for w in common]]
    b = ridge.coef_[[cv_vocab[w] for w in common]]
    assert np.corrcoef(a, b)[0, 1] > 0.999


def test_explain_sums_to_predict_and_unseen_is_zero(movies):
    texts, y = movies
    for kwargs in ({}, {"ngram_range": (1, 2), "binary": True, "min_df": 2}):
        model = LeastSquaresSentiment(3.0, **kwargs).fit(texts, y)
        for text in [texts[5], "zzqx unseenword loved loved it", TEXTS[3], ""]:
            e = model.explain(text)
            assert e.prediction == pytest.approx(model.predict([text])[0], abs=1e-10)
            assert e.intercept + e.contributions.sum() == pytest.approx(e.prediction)
            for tok, c in zip(e.tokens, e.contributions):
                if tok not in model.vocabulary_:
                    assert c == 0.0
    assert "=" in str(model.explain("loved it"))


def test_top_words_sorted_and_sensible(movies):
    texts, y = movies
    model = LeastSquaresSentiment(3.0).fit(texts, y)
    top = model.top_words(10)
    pos = [s for _, s in top.positive]
    neg = [s for _, s in top.negative]
    assert pos == sorted(pos, reverse=True) and neg == sorted(neg)
    assert pos[0] == model.coef_.max() and neg[0] == model.coef_.min()
    assert (
        model.coef_[model.vocabulary_["bad"]]
        < 0
        < model.coef_[model.vocabulary_["best"]]
    )
    names = model.get_feature_names_out()
    assert all(model.vocabulary_[names[j]] == j for j in range(len(names)))


def test_ngrams_capture_word_order():
    texts = ["not good", "good not", "good", "not bad", "bad not", "bad"] * 5
    y = [-1, 1, 1, 1, -1, -1] * 5
    uni = LeastSquaresSentiment(0.01).fit(texts, y)
    bi = LeastSquaresSentiment(0.01, ngram_range=(1, 2)).fit(texts, y)
    assert uni.predict(["not good"])[0] == pytest.approx(uni.predict(["good not"])[0])
    assert bi.predict(["not good"])[0] < 0 < bi.predict(["good not"])[0]


def test_min_df_and_max_features():
    texts = ["a b c", "a b", "a", "d"]
    y = [1.0, 2.0, 3.0, 4.0]
    assert set(LeastSquaresSentiment(min_df=2).fit(texts, y).vocabulary_) == {"a", "b"}
    assert set(LeastSquaresSentiment(min_df=0.5).fit(texts, y).vocabulary_) == {
        "a",
        "b",
    }
    assert set(LeastSquaresSentiment(max_features=1).fit(texts, y).vocabulary_) == {"a"}


# --------------------------------------------------------------- partial_fit
@pytest.mark.parametrize("kwargs", [{}, {"ngram_range": (1, 2), "min_df": 2}])
def test_partial_fit_equals_fit(movies, kwargs):
    texts, y = movies
    full = LeastSquaresSentiment(2.0, tol=1e-10, **kwargs).fit(texts, y)
    stream = LeastSquaresSentiment(2.0, tol=1e-10, **kwargs)
    sizes = []
    for start in range(0, len(texts), 1000):
        stream.partial_fit(texts[start : start + 1000], y[start : start + 1000])
        sizes.append(len(stream.vocabulary_))
    assert sizes == sorted(sizes) and sizes[0] < sizes[-1]  # the vocabulary grows
    assert stream.vocabulary_ == full.vocabulary_
    np.testing.assert_allclose(stream.coef_, full.coef_, atol=1e-6)
    assert stream.intercept_ == pytest.approx(full.intercept_, abs=1e-6)


def test_partial_fit_count_matrix_with_weights():
    X, y = zipf_counts(600, 40)
    sw = np.random.default_rng(2).uniform(0.5, 2, size=600)
    full = LeastSquaresSentiment(1.0, tol=1e-12).fit(X, y, sample_weight=sw)
    stream = LeastSquaresSentiment(1.0, tol=1e-12)
    for s in (slice(0, 200), slice(200, 450), slice(450, 600)):
        stream.partial_fit(X[s], y[s], sample_weight=sw[s])
    np.testing.assert_allclose(stream.coef_, full.coef_, atol=1e-9)
    with pytest.raises(ValueError, match="same kind of input"):
        stream.partial_fit(["some text"], [1.0])


# ------------------------------------------------------- sklearn integration
def test_pipeline_gridsearch_and_pickle(movies):
    texts, y = movies
    texts, y = texts[:1200], y[:1200]
    pipe = make_pipeline(CountVectorizer(), LeastSquaresSentiment())
    pipe.fit(texts, y)
    assert pipe.score(texts, y) > 0.5
    search = GridSearchCV(
        LeastSquaresSentiment(),
        {"alpha": [1.0, 10.0], "ngram_range": [(1, 1), (1, 2)], "min_df": [1, 2]},
        cv=3,
    ).fit(texts, y)
    assert len(search.cv_results_["params"]) == 8
    model = search.best_estimator_
    again = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(again.predict(texts[:50]), model.predict(texts[:50]))
    assert again.explain(texts[0]).prediction == model.explain(texts[0]).prediction


def test_unicode_and_very_long_texts():
    long_text = ("brilliant " * 20000) + "awful"
    texts = [long_text, "東京 ✨ merveilleux été", "awful awful", "été 👍"]
    model = LeastSquaresSentiment(0.1).fit(texts, [3.0, 2.0, -2.0, 1.0])
    assert {"東京", "été", "merveilleux"} <= set(model.vocabulary_)
    assert np.all(np.isfinite(model.predict(texts)))
    assert model.explain(long_text).prediction == pytest.approx(
        model.predict([long_text])[0]
    )


# ----------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    "texts, error, match",
    [
        (["good", None, "bad"], TypeError, r"X\[1\] is NoneType"),
        (["good", "bad", 3], TypeError, r"X\[2\] is int"),
        (np.array(["good", b"bytes"], dtype=object), TypeError, r"X\[1\] is bytes"),
        ("a single text", TypeError, "single str"),
        (["", "   ", "!!"], ValueError, "Empty vocabulary"),
    ],
)
def test_bad_texts(texts, error, match):
    n = 3 if isinstance(texts, str) else len(texts)
    with pytest.raises(error, match=match):
        LeastSquaresSentiment().fit(texts, np.ones(n))


def test_empty_list_and_filtering_to_nothing():
    with pytest.raises(ValueError, match="empty"):
        LeastSquaresSentiment().fit([], [])
    with pytest.raises(ValueError, match="Empty vocabulary"):
        LeastSquaresSentiment(min_df=3).fit(["a b", "c d"], [1.0, 2.0])


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_non_finite_targets(bad):
    with pytest.raises(ValueError, match="y"):
        LeastSquaresSentiment().fit(["a", "b"], [1.0, bad])


def test_bad_parameters():
    with pytest.raises(ValueError, match="alpha"):
        LeastSquaresSentiment(alpha=-1.0).fit(["a", "b"], [1.0, 2.0])
    with pytest.raises(ValueError, match="ngram_range"):
        LeastSquaresSentiment(ngram_range=(2, 1)).fit(["a", "b"], [1.0, 2.0])
    with pytest.raises(
        ValueError,
        match=r"registered tokenizer name among \[.*'whitespace', 'word'\].*Got 'nope'",
    ):
        LeastSquaresSentiment(tokenizer="nope").fit(["a", "b"], [1.0, 2.0])
    with pytest.raises(ValueError, match="targets"):
        LeastSquaresSentiment().fit(["a", "b"], [1.0])


def test_failed_fit_leaves_fitted_estimator_unchanged():
    model = LeastSquaresSentiment().fit(["good film", "bad film"], [1.0, -1.0])
    before = {
        k: (v.copy() if hasattr(v, "copy") else v) for k, v in vars(model).items()
    }
    with pytest.raises(TypeError):
        model.fit(["good", None], [1.0, 2.0])
    with pytest.raises(ValueError):
        model.fit(np.ones((3, 2)), [1.0, np.nan, 2.0])
    assert vars(model).keys() == before.keys()
    for k, v in before.items():
        np.testing.assert_equal(vars(model)[k], v)


def test_matrix_fitted_model_rejects_texts():
    X, y = zipf_counts(50, 10)
    model = LeastSquaresSentiment().fit(X, y)
    with pytest.raises(ValueError, match="no vocabulary"):
        model.predict(["some text"])
    assert list(model.get_feature_names_out()) == [f"x{i}" for i in range(10)]
