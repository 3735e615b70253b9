"""The shipped movie review snippets (Hutto & Gilbert 2014)."""

import sys

import numpy as np
import pytest
from sklearn.model_selection import cross_val_score
from sklearn.utils import Bunch

from sklearn_mathdl import LeastSquaresSentiment
from sklearn_mathdl.datasets import load_movie_snippets
from sklearn_mathdl.datasets._movie_snippets import read_rated_snippets


def test_load_movie_snippets_bunch():
    data = load_movie_snippets()
    assert isinstance(data, Bunch)
    assert len(data.data) == 10605
    assert data.target.shape == (10605,) and data.target.dtype == np.float64
    assert np.all(np.abs(data.target) <= 4)
    assert all(isinstance(t, str) and t for t in data.data)
    assert "Hutto" in data.DESCR and "MIT" in data.DESCR
    assert data.frame is None
    assert data.feature_names == ["text"] and data.target_names == ["rating"]
    # every snippet of the file, once: the rows are a permutation of the ids
    np.testing.assert_array_equal(np.sort(data.ids), np.arange(1, 10606))
    # the first line of the file (id 1), CR stripped, wherever it landed
    (row,) = np.flatnonzero(data.ids == 1)
    assert data.data[row].startswith("The Rock is destined")
    assert data.data[row].endswith("Steven Segal.")
    assert data.target[row] == 2.26666666667


def test_rows_in_a_fixed_shuffled_order():
    data = load_movie_snippets()
    # In file order the snippets of positive reviews come first (corr -0.74).
    assert np.corrcoef(data.ids, data.target)[0, 1] < -0.7
    index = np.arange(len(data.target))
    assert abs(np.corrcoef(index, data.target)[0, 1]) < 0.05
    assert not np.array_equal(data.ids, np.sort(data.ids))
    # The same order at every load.
    np.testing.assert_array_equal(load_movie_snippets().ids, data.ids)


def test_unshuffled_kfold_is_sound():
    texts, y = load_movie_snippets(return_X_y=True)
    scores = cross_val_score(LeastSquaresSentiment(), texts, y, cv=3)
    assert np.all(scores > 0.2), scores


def test_return_X_y():
    texts, y = load_movie_snippets(return_X_y=True)
    assert isinstance(texts, list) and len(texts) == y.shape[0] == 10605
    bunch = load_movie_snippets()
    assert texts == bunch.data
    np.testing.assert_array_equal(y, bunch.target)


def test_as_frame():
    pd = pytest.importorskip("pandas")
    bunch = load_movie_snippets(as_frame=True)
    plain = load_movie_snippets()
    assert isinstance(bunch.data, pd.DataFrame) and list(bunch.data.columns) == ["text"]
    assert isinstance(bunch.target, pd.Series) and bunch.target.name == "rating"
    assert list(bunch.frame.columns) == ["text", "rating"]
    assert bunch.data["text"].tolist() == plain.data
    np.testing.assert_array_equal(bunch.target.to_numpy(), plain.target)
    X, y = load_movie_snippets(return_X_y=True, as_frame=True)
    assert X.shape == (10605, 1) and y.shape == (10605,)
    # The one-column frame is what LeastSquaresSentiment reads as texts.
    model = LeastSquaresSentiment(alpha=10.0).fit(X[:8000], y[:8000])
    assert model.score(X[8000:], y[8000:]) > 0.3


def test_as_frame_without_pandas(monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas fails
    with pytest.raises(ImportError, match="as_frame=True requires pandas"):
        load_movie_snippets(as_frame=True)
    assert len(load_movie_snippets().data) == 10605  # pandas not needed


def test_reader_crlf_and_bad_bytes():
    raw = b"id\tsentiment\ttext\r\n1\t0.5\tgood\tfilm\r\n2\t-1\tbad \xff one\r\n"
    ids, y, texts = read_rated_snippets(raw)
    np.testing.assert_array_equal(ids, [1, 2])
    np.testing.assert_array_equal(y, [0.5, -1.0])
    assert texts == ["good\tfilm", "bad \ufffd one"]
