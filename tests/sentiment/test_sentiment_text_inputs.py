"""LeastSquaresSentiment where scikit-learn users put it: DataFrame columns,
ColumnTransformer passthrough, after a vectorizer; tokenizer output checked."""

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.pipeline import make_pipeline

from sklearn_mathdl import LeastSquaresSentiment
from sklearn_mathdl.sentiment.tokenizers import Tokenizer

TEXTS = [
    "Loved the cast, loved the film",
    "hated the plot and the cast",
    "a dull, long film",
    "wonderful acting, wonderful story",
    "the plot was a mess",
    "great fun, great cast",
    "boring and far too long",
    "a gorgeous, funny film",
]
Y = np.array([2.5, -2.0, -1.5, 3.0, -1.8, 2.2, -2.4, 2.6])


@pytest.fixture
def frame():
    return pd.DataFrame({"text": TEXTS, "length": [len(t) for t in TEXTS]})


def reference(**params):
    return LeastSquaresSentiment(alpha=0.5, **params).fit(TEXTS, Y)


# ---------------------------------------------------------- one text column
def test_dataframe_column_in_a_pipeline(frame):
    pipe = make_pipeline(LeastSquaresSentiment(alpha=0.5)).fit(frame[["text"]], Y)
    expected = reference()
    assert pipe[-1].vocabulary_ == expected.vocabulary_
    np.testing.assert_allclose(pipe[-1].coef_, expected.coef_)
    np.testing.assert_allclose(
        pipe.predict(frame[["text"]]), expected.predict(TEXTS), rtol=1e-12
    )
    # a model fitted on a list predicts a one-column frame, and the reverse
    np.testing.assert_allclose(
        expected.predict(frame[["text"]]), pipe.predict(TEXTS), rtol=1e-12
    )


@pytest.mark.parametrize("output", ["default", "pandas"])
def test_column_transformer_passthrough(frame, output):
    select = ColumnTransformer([("text", "passthrough", ["text"])])
    if output == "pandas":
        select.set_output(transform="pandas")
    pipe = make_pipeline(select, LeastSquaresSentiment(alpha=0.5)).fit(frame, Y)
    passed = select.fit_transform(frame)
    assert passed.shape == (len(TEXTS), 1)  # 2-D: what used to be read as counts
    np.testing.assert_allclose(pipe.predict(frame), reference().predict(TEXTS))
    assert pipe.score(frame, Y) > 0.9


def test_object_array_column():
    column = np.array(TEXTS, dtype=object)[:, None]
    model = LeastSquaresSentiment(alpha=0.5).fit(column, Y)
    np.testing.assert_allclose(model.coef_, reference().coef_)
    np.testing.assert_allclose(
        model.predict(np.array(TEXTS)[:, None]), reference().predict(TEXTS)
    )


def test_several_text_columns_refused_and_model_kept(frame):
    model = reference()
    before = pickle.dumps(model)
    two = frame.assign(title=[t[:5] for t in TEXTS])[["text", "title"]]
    with pytest.raises(ValueError, match=r"\['text', 'title'\] hold text.*one text"):
        model.fit(two, Y)
    with pytest.raises(ValueError, match=r"\['text'\] hold text"):
        model.fit(frame, Y)  # a text column beside a numeric one
    with pytest.raises(ValueError, match=r"shape \(8, 2\) holding text"):
        model.fit(np.array([TEXTS, TEXTS], dtype=object).T, Y)
    with pytest.raises(ValueError, match="one text per sample"):
        model.predict(two)
    assert pickle.dumps(model) == before


def test_numeric_frames_are_still_counts():
    counts = pd.DataFrame({"good": [1, 0, 2, 0], "bad": [0, 1, 0, 2]})
    model = LeastSquaresSentiment(alpha=0.1).fit(counts, [1.0, -1.0, 2.0, -2.0])
    assert list(model.feature_names_in_) == ["good", "bad"]
    assert model.top_words(1).positive[0][0] == "good"


# ----------------------------------------------------- after a vectorizer
@pytest.mark.parametrize("vectorizer", [CountVectorizer, TfidfVectorizer])
def test_top_words_and_explain_through_the_vectorizer(vectorizer):
    pipe = make_pipeline(vectorizer(), LeastSquaresSentiment(alpha=0.5))
    pipe.fit(TEXTS, Y)
    model, vec = pipe[-1], pipe[0]
    # without the vectorizer: unnamed columns, as scikit-learn passes none
    assert model.top_words(3).positive[0][0].startswith("x")
    for steps in (pipe[:-1], vec):
        top = model.top_words(3, vectorizer=steps)
        for word, score in top.positive + top.negative:
            assert score == model.coef_[vec.vocabulary_[word]]
        assert top.positive[0][1] == model.coef_.max()
        assert top.negative[0][1] == model.coef_.min()
    text = "Loved the plot, but a dull and boring film"
    explanation = model.explain(text, vectorizer=pipe[:-1])
    assert explanation.prediction == pytest.approx(pipe.predict([text])[0])
    assert explanation.intercept + explanation.contributions.sum() == pytest.approx(
        pipe.predict([text])[0]
    )
    # one entry per distinct feature present, in order of first appearance
    analyzer = vec.build_analyzer()
    expected = list(dict.fromkeys(f for f in analyzer(text) if f in vec.vocabulary_))
    assert explanation.tokens == expected
    for token, c in zip(explanation.tokens, explanation.contributions):
        j = vec.vocabulary_[token]
        assert c == pytest.approx(vec.transform([text])[0, j] * model.coef_[j])


def test_vectorizer_errors():
    pipe = make_pipeline(CountVectorizer(), LeastSquaresSentiment(alpha=0.5))
    pipe.fit(TEXTS, Y)
    with pytest.raises(ValueError, match=r"vectorizer=pipe\[:-1\]"):
        pipe[-1].explain("loved it")
    other = CountVectorizer().fit(["just two", "words"])
    with pytest.raises(ValueError, match="3 output features but .* scores"):
        pipe[-1].top_words(2, vectorizer=other)
    with pytest.raises(TypeError, match="get_feature_names_out"):
        pipe[-1].top_words(2, vectorizer=object())


# ------------------------------------------------------- tokenizer output
def as_str(text):
    return text.upper()


def with_ints(text):
    return [len(word) for word in text.split()]


def returns_none(text):
    return None


class GluedTokenizer(Tokenizer):
    """Promises whitespace-separable tokens but returns the chunk as a str."""

    whitespace_separable = True

    def __call__(self, text):
        return text


@pytest.mark.parametrize(
    "tokenizer, shown",
    [
        (as_str, r"tokenizer \S*as_str returned str 'LOVED THE CAST"),
        (with_ints, r"tokenizer \S*with_ints returned the token 5 \(int\)"),
        (returns_none, r"tokenizer \S*returns_none returned NoneType None"),
        (GluedTokenizer(), r"tokenizer GluedTokenizer\(\) returned str 'loved'"),
    ],
)
def test_tokenizer_output_checked_in_fit(tokenizer, shown):
    model = reference()
    before = pickle.dumps(model)
    model.set_params(tokenizer=tokenizer)
    with pytest.raises(TypeError, match=rf"{shown}.*list \(or tuple\) of str"):
        model.fit(TEXTS, Y)
    model.set_params(tokenizer="word")
    assert pickle.dumps(model) == before  # the failed fit changed nothing
    with pytest.raises(TypeError, match=shown):
        LeastSquaresSentiment(tokenizer=tokenizer).partial_fit(TEXTS, Y)


def test_tokenizer_returning_tuples_is_accepted():
    def tuples(text):
        return tuple(text.split())

    model = LeastSquaresSentiment(alpha=0.5, tokenizer=tuples).fit(TEXTS, Y)
    expected = LeastSquaresSentiment(alpha=0.5, tokenizer=str.split).fit(TEXTS, Y)
    assert model.vocabulary_ == expected.vocabulary_
    assert model.explain("loved the cast").tokens == ["loved", "the", "cast"]
