"""The byte-level counting path gives exactly the tokens of the per-chunk path."""

import random
from collections import Counter

import numpy as np
import pytest
import scipy.sparse as sp

from sklearn_mathdl import LeastSquaresSentiment
from sklearn_mathdl.sentiment import _vocabulary
from sklearn_mathdl.sentiment._vocabulary import (
    _intern,
    _token_ids,
    _token_ids_generic,
    analyze,
    count_texts,
    remap_columns,
)
from sklearn_mathdl.sentiment.tokenizers import WhitespaceTokenizer, WordTokenizer

# Apostrophes (straight, curly, doubled), underscores, digits, ASCII control
# characters that str.split treats as whitespace (\x1c-\x1f, the separator
# \x1e among them), NUL, tokens of 8 and 9 bytes, letters whose lowercase
# changes length or is ASCII (Kelvin sign), Greek final sigma.
PIECES = list("abcAB_09'' '’\t\n\x0b\x1c\x1d\x1f.,-xyzé") + [
    "Σ",
    "ς",
    "\u212a",
    "İ",
    "\x00",
    "\x1e",
    "  ",
    "abcdefgh",
    "abcdefghi",
    "Longwordlongword",
    "isn't",
    "rock'n'roll",
]


def random_texts(rng, ascii_only):
    texts = [
        "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 25)))
        for _ in range(rng.randint(1, 30))
    ]
    if ascii_only:
        texts = [
            t.encode("ascii", "ignore").decode().replace("\x00", "").replace("\x1e", "")
            for t in texts
        ]
    return texts


def spelled(ids, lengths, names):
    """Token strings of each text."""
    tokens = [names[i] for i in ids.tolist()]
    bounds = np.concatenate([[0], np.cumsum(lengths)]).tolist()
    return [tokens[a:b] for a, b in zip(bounds[:-1], bounds[1:])]


def general_path(monkeypatch):
    """Make the built-in tokenizers take the general (per-chunk) path."""
    monkeypatch.setattr(_vocabulary, "_fast_kind", lambda tokenizer: None)


@pytest.mark.parametrize("tokenizer", [WordTokenizer(), WhitespaceTokenizer()])
@pytest.mark.parametrize("lowercase", [True, False])
def test_byte_path_equals_per_chunk_path(monkeypatch, tokenizer, lowercase):
    rng = random.Random(0)
    used = Counter()

    def counted(name):
        fn = getattr(_vocabulary, name)

        def counting(*args):
            out = fn(*args)
            used[name, out is not None] += 1
            return out

        monkeypatch.setattr(_vocabulary, name, counting)

    counted("_batch_keys")
    counted("_code_point_keys")
    for trial in range(120):
        monkeypatch.setattr(_vocabulary, "_BATCH", rng.choice([1, 3, 1000]))
        texts = random_texts(rng, ascii_only=trial % 2 == 0)
        fast = _token_ids(texts, tokenizer, lowercase, None)
        slow = _token_ids_generic(texts, tokenizer, lowercase, None)
        assert fast[2] == slow[2]  # same names in the same (first-seen) order
        assert spelled(*fast) == spelled(*slow)
        # and the per-text reference
        assert spelled(*fast) == [analyze(t, tokenizer, lowercase) for t in texts], (
            texts
        )
    # byte-level batches, and batches (or their non-ASCII texts) left to the
    # code-point path
    assert used["_batch_keys", True] > 50 and used["_batch_keys", False] > 5
    assert used["_code_point_keys", True] > 5


def test_byte_path_counts_with_ngrams_and_long_tokens():
    texts = ["Isn't it a VERYLONGWORD? isn't, it", "", "a a a", "x_y 7'7'"] * 5
    X, names = count_texts(texts, WordTokenizer(), ngram_range=(1, 3))
    for i, text in enumerate(texts):
        expected = Counter(analyze(text, WordTokenizer(), True, (1, 3)))
        row = X.getrow(i)
        assert {names[j]: c for j, c in zip(row.indices, row.data)} == expected
    assert "verylongword" in names and "isn't it" in names


def test_intern_numbers_keys_in_order_of_first_appearance():
    rng = np.random.default_rng(0)
    for n, high in [(0, 5), (1, 5), (7, 3), (5000, 40), (200_000, 10**6)]:
        keys = rng.integers(0, high, n).astype(np.uint64) * np.uint64(2**40 + 1)
        # min_chunk=16 forces several chunks and table growths
        ids, uniq = _intern(keys, min_chunk=16)
        assert np.array_equal(uniq[ids], keys)
        _, first = np.unique(keys, return_index=True)
        assert np.array_equal(uniq, keys[np.sort(first)])


@pytest.mark.parametrize(
    "remap", [[0, 1, 2, 3], [3, 2, 1, 0], [-1, 0, -1, 1], [1, -1, 0, -1]]
)
def test_remap_columns_matches_dense(remap):
    X = sp.csr_matrix(np.array([[1.0, 0, 2, 3], [0, 0, 0, 0], [4, 5, 0, 6]]))
    remap = np.array(remap)
    n_new = int(remap.max()) + 1
    out = remap_columns(X, remap, n_new)
    dense = np.zeros((3, n_new))
    for j, new in enumerate(remap):
        if new >= 0:
            dense[:, new] += X.toarray()[:, j]
    assert np.array_equal(out.toarray(), dense)
    assert out.has_sorted_indices
    assert all(
        np.all(np.diff(out.indices[a:b]) > 0)
        for a, b in zip(out.indptr[:-1], out.indptr[1:])
    )


@pytest.mark.parametrize("tokenizer", ["word", "whitespace"])
@pytest.mark.parametrize(
    "extra_words",
    [[], ["Très", "ΣΟΦΌΣ", "東京", "don’t", "İyi", "👍!", "naïve—"]],
    ids=["ascii", "non-ascii"],
)
def test_fit_on_texts_same_with_both_paths(monkeypatch, tokenizer, extra_words):
    """max_features ties are broken by first appearance on both paths."""
    rng = random.Random(3)
    words = ["good", "bad", "fine", "dull", "x", "yy", *extra_words]
    texts = [" ".join(rng.choice(words) for _ in range(6)) for _ in range(200)]
    y = np.array([t.count("good") - t.count("bad") for t in texts], dtype=float)
    kwargs = dict(max_features=6, min_df=2, ngram_range=(1, 2), tokenizer=tokenizer)
    fast = LeastSquaresSentiment(**kwargs).fit(texts, y)
    general_path(monkeypatch)
    slow = LeastSquaresSentiment(**kwargs).fit(texts, y)
    assert fast.vocabulary_ == slow.vocabulary_
    np.testing.assert_allclose(fast.coef_, slow.coef_, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(fast.predict(texts), slow.predict(texts))


@pytest.mark.parametrize("ngram_range", [(1, 1), (1, 2)])
def test_max_features_ties_go_to_the_first_seen_feature(ngram_range):
    texts = ["zeta alpha mu", "mu alpha zeta", "zeta beta"]
    y = [1.0, 2.0, 0.0]
    model = LeastSquaresSentiment(max_features=1, ngram_range=ngram_range)
    # zeta (3) > alpha = mu (2): zeta
    assert list(model.fit(texts, y).vocabulary_) == ["zeta"]
    # alpha and mu tie at 2: alpha is seen first
    model.set_params(max_features=2)
    assert sorted(model.fit(texts, y).vocabulary_) == ["alpha", "zeta"]
    # a tie goes to the first seen, not to the first alphabetically
    texts = ["mu alpha", "alpha mu"]
    model.set_params(max_features=1)
    assert list(model.fit(texts, [0.0, 1.0]).vocabulary_) == ["mu"]


def test_sorted_columns_equal_first_seen_columns_permuted():
    texts = ["b a c", "c c d", "", "a e"] * 3
    for ngram_range in [(1, 1), (1, 2)]:
        X, names = count_texts(texts, WordTokenizer(), ngram_range=ngram_range)
        Xs, sorted_names, first_seen = count_texts(
            texts, WordTokenizer(), ngram_range=ngram_range, sort_columns=True
        )
        assert sorted_names == sorted(names)
        assert [names[k] for k in first_seen] == sorted_names
        assert np.array_equal(Xs.toarray(), X.toarray()[:, first_seen])
        assert Xs.has_sorted_indices
