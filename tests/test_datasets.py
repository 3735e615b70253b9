"""The shipped movie review snippets (Hutto & Gilbert 2014)."""

import numpy as np
from sklearn.utils import Bunch

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
    np.testing.assert_array_equal(data.ids, np.arange(1, 10606))
    # first line of the file, CR stripped
    assert data.data[0].startswith("The Rock is destined")
    assert data.data[0].endswith("Steven Segal.")
    assert data.target[0] == 2.26666666667


def test_return_X_y():
    texts, y = load_movie_snippets(return_X_y=True)
    assert isinstance(texts, list) and len(texts) == y.shape[0] == 10605


def test_reader_crlf_and_bad_bytes():
    raw = b"id\tsentiment\ttext\r\n1\t0.5\tgood\tfilm\r\n2\t-1\tbad \xff one\r\n"
    ids, y, texts = read_rated_snippets(raw)
    np.testing.assert_array_equal(ids, [1, 2])
    np.testing.assert_array_equal(y, [0.5, -1.0])
    assert texts == ["good\tfilm", "bad \ufffd one"]
