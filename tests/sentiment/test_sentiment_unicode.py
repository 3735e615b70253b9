"""The code-point counting path gives exactly the tokens of the general path.

Texts of any characters: letters whose lowercase is longer ('İ') or depends
on the context (Greek final sigma), titlecase and non-BMP letters, combining
marks, emoji, lone surrogates, NUL, the batch separator, curly apostrophes.
"""

from unittest import mock

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sklearn_mathdl.sentiment import _byte_tokens, _code_point_tokens, _vocabulary
from sklearn_mathdl.sentiment._vocabulary import (
    _token_ids,
    _token_ids_generic,
    analyze,
)
from sklearn_mathdl.sentiment.tokenizers import WhitespaceTokenizer, WordTokenizer

SPECIAL = [
    *"aZ09_'’ \t\n\x0b\x1c\x1e\x1f\x00\x85\xa0\u2028\u3000.,-—",
    *"\x7f\x80\u07ff\u0800\uffff\U00010000\U0010ffff",
    *"éÉßẞİıΣσςΑΩǅ\u0301\u0308\u200d東京😀👍\U00010400\U0001d7ce\ud800\udfff\u212a",
]
TEXT = st.text(alphabet=st.sampled_from(SPECIAL) | st.characters(), max_size=24)
WORDS = [
    *["abcdefgh", "abcdefghi", "ΣΟΦΟΣ", "straße", "don’t", "İyi", "ab", "ba"],
    # UTF-8 keys: short multi-byte tokens, 8 bytes (4 x 2, 2 x 4, 2 + 3 + 3,
    # 6 + 2), 9 bytes (4 x 2 + 1, 2 x 4 + 1, 3 x 3, 7 + 2), 9 with a NUL
    *["é", "東京", "😀", "éééé", "ÉÉÉÉ", "😀👍", "é東京", "abcdefé"],
    *["ÉÉÉÉa", "😀👍a", "東京都", "abcdefgé", "abc\x00défg", "\ud800\udfff"],
]
# Whole tokens as well as characters, so that tokens repeat across texts.
TEXTS = st.lists(TEXT | st.sampled_from(WORDS), min_size=1, max_size=8)


def spelled(ids, lengths, names):
    """Token strings of each text."""
    tokens = [names[i] for i in ids.tolist()]
    bounds = np.concatenate([[0], np.cumsum(lengths)]).tolist()
    return [tokens[a:b] for a, b in zip(bounds[:-1], bounds[1:])]


def assert_same_tokens(texts, tokenizer, lowercase):
    fast = _token_ids(texts, tokenizer, lowercase, None)
    slow = _token_ids_generic(texts, tokenizer, lowercase, None)
    assert fast[2] == slow[2]  # same names in the same (first-seen) order
    assert spelled(*fast) == spelled(*slow)
    assert spelled(*fast) == [analyze(t, tokenizer, lowercase) for t in texts]


@settings(max_examples=400, deadline=None)
@given(
    texts=TEXTS,
    tokenizer=st.sampled_from([WordTokenizer(), WhitespaceTokenizer()]),
    lowercase=st.booleans(),
    batch=st.sampled_from([1, 2, 1000]),
    wide_share=st.sampled_from([0.0, np.inf]),  # UTF-8 keys: batch, or tokens
)
def test_code_point_path_equals_general_path(
    texts, tokenizer, lowercase, batch, wide_share
):
    with (
        mock.patch.object(_vocabulary, "_BATCH", batch),
        mock.patch.object(_code_point_tokens, "_WIDE_SHARE", wide_share),
    ):
        assert_same_tokens(texts, tokenizer, lowercase)


@settings(max_examples=100, deadline=None)
@given(texts=TEXTS, tokenizer=st.sampled_from([WordTokenizer(), WhitespaceTokenizer()]))
def test_hash_collisions_are_detected(texts, tokenizer):
    """With the hash base 1 a token's hash is the sum of its code points, so
    anagrams collide ("ab", "ba"): the tokens must still be told apart."""
    with mock.patch.object(_code_point_tokens, "_HASH_BASE", np.uint64(1)):
        assert_same_tokens(texts + ["ab ba abcdefghi ihgfedcba"], tokenizer, True)


def test_distinct_spans_groups_equal_spans():
    codes = np.frombuffer("ab ba AB éÉ ab".encode("utf-32-le"), dtype="<u4")
    lowered = np.array([ord(chr(c).lower()) for c in range(256)], dtype=np.uint32)
    starts, ends = np.array([0, 3, 6, 9, 12]), np.array([2, 5, 8, 11, 14])
    first, group = _code_point_tokens._distinct_spans(codes, starts, ends, lowered)
    assert first.tolist() == [0, 1, 3] and group.tolist() == [0, 1, 0, 2, 0]
    with mock.patch.object(_code_point_tokens, "_HASH_BASE", np.uint64(1)):
        assert _code_point_tokens._distinct_spans(codes, starts, ends, lowered) is None


def test_non_ascii_batches_take_the_code_point_path():
    texts = ["Très ΣΟΦΟΣ don’t", "İyi\x1eok", "x\x00y"]
    with mock.patch.object(
        _vocabulary, "_token_ids_generic", side_effect=AssertionError("general")
    ):
        ids, lengths, names = _token_ids(texts, WordTokenizer(), True, None)
    assert spelled(ids, lengths, names) == [
        ["très", "σοφος", "don't"],
        ["i", "yi", "ok"],  # 'İ'.lower() is 'i' + a combining dot (no \w)
        ["x", "y"],
    ]


@pytest.mark.parametrize("tokenizer", [WordTokenizer(), WhitespaceTokenizer()])
def test_final_sigma_is_lowercased_in_its_context(tokenizer):
    """'Σ' lowercases to 'ς' at the end of a word, with the word's context
    reaching past the token ("aΣ.b": not final) but not past whitespace."""
    texts = ["ΑΣ Ασ", "aΣ.b ΑΣ'Α", "ΣΑΣ aΣ", "ΟΔΟΣ."]
    assert_same_tokens(texts, tokenizer, lowercase=True)
    ids, lengths, names = _token_ids(texts, tokenizer, True, None)
    assert "ας" in names and "ασ" in names


@pytest.mark.parametrize("wide_share", [0.0, np.inf])
@pytest.mark.parametrize("lowercase", [True, False])
def test_utf8_keys_at_the_8_byte_boundary(monkeypatch, lowercase, wide_share):
    """Tokens of at most 8 UTF-8 bytes are their own key, longer ones (and
    ones with a NUL) are numbered: both kinds, and the same tokens on the
    byte and the code-point path, count as one token each."""
    # (U+07FF is the last character of 2 UTF-8 bytes, U+0800 the first of 3)
    short = ["éééé", "😀👍", "é東京", "abcdefé", "\u07ff" * 4, "\uffff\U00010000"]
    numbered = ["ÉÉÉÉa", "😀👍a", "東京都", "a\x00é", "\u0800" * 3]
    tokens = short + numbered
    texts = [" ".join(tokens), " ".join(tokens[::-1]), "abcdefgh abcdefghi"]
    monkeypatch.setattr(_code_point_tokens, "_WIDE_SHARE", wide_share)
    keys = _byte_tokens._Keys()
    k, lengths = _code_point_tokens._code_point_keys(
        texts, _byte_tokens._joined(texts), "whitespace", lowercase, keys
    )
    n = len(tokens)
    is_short = (k[:n] >> np.uint64(56)) != 0xFF
    assert is_short.tolist() == [True] * len(short) + [False] * len(numbered)
    assert k[:n].tolist() == k[n : 2 * n][::-1].tolist()
    expected = [t.lower() for t in tokens] if lowercase else tokens
    assert [keys.name(key) for key in k[:n].tolist()] == expected
    assert k[: len(short)].tolist() == [keys.key(t) for t in short]
    assert_same_tokens(texts + ["abcdefgh", "ÉÉÉÉ"], WhitespaceTokenizer(), lowercase)


def test_mixed_batches_read_ascii_texts_at_the_byte_level():
    texts = ["plain words", "très bien", "bien plain", "x\x00y", "Très"]
    seen = []
    code_point_keys = _code_point_tokens._code_point_keys

    def recording(batch, *args):
        seen.append(list(batch))
        return code_point_keys(batch, *args)

    with mock.patch.object(_vocabulary, "_code_point_keys", recording):
        assert_same_tokens(texts, WordTokenizer(), True)
    # the texts with a NUL are read by the code-point path, with the others
    assert seen == [["plain words", "bien plain", "x\x00y"], ["très bien", "Très"]]


def test_characters_are_looked_up_once_and_kept():
    def codes(text):
        return np.frombuffer(text.encode("utf-32-le"), dtype="<u4")

    # (fresh tables: the cached ones may hold these characters already)
    with mock.patch.object(
        _code_point_tokens,
        "_known_tables",
        _code_point_tokens._known_tables.__wrapped__,
    ):
        tables = _code_point_tokens._known_tables("word", True)
    with mock.patch.object(_code_point_tokens, "_known_tables", lambda *a: tables):
        assert tables[1][ord("ü")] == 0xFF
        # 'Σ' cannot be looked up: nothing of its batch is kept
        assert _code_point_tokens._char_tables(codes("üΣ"), "word", True) is None
        assert tables[1][ord("ü")] == 0xFF
        becomes, raw, _ = _code_point_tokens._char_tables(
            codes("Ü-\u212a"), "word", True
        )
        assert raw.tolist() == [0x80, ord("-"), ord("k")]
        assert becomes[ord("Ü")] == ord("ü") and tables[1][ord("Ü")] == 0x80
        with mock.patch.object(_code_point_tokens, "_look_up", None):  # kept
            _, raw, _ = _code_point_tokens._char_tables(codes("kÜ"), "word", True)
        assert raw.tolist() == [ord("k"), 0x80]
