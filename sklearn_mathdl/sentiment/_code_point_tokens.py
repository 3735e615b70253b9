r"""The code-point tokenising of the built-in tokenizers, for any batch.

The byte-level path (:mod:`sklearn_mathdl.sentiment._byte_tokens`) reads
ASCII batches; this one reads every other batch the same way, one code point
(UTF-32 unit) instead of one byte per character:

1. the batch is joined with the separator and lowercased once (a separator is
   neither cased nor case-ignorable, so Greek final sigma is lowercased as in
   each text alone; if lowercasing changes the length, as ``'İ'`` does, the
   texts are lowercased one by one);
2. each code point is classified: ASCII ones by the byte table, the batch's
   *distinct* non-ASCII ones by the tokenizer's own Python rule
   (:func:`_is_token_char`, a few thousand calls at most), then one gather
   from a table indexed by code point;
3. tokens are the maximal runs of token characters (apostrophes joining, as
   for bytes); a token of at most 8 ASCII characters, NUL excluded, is its
   own key, any other token gets its numbered key
   (:meth:`~sklearn_mathdl.sentiment._byte_tokens._Keys.key`), computed once
   per *distinct* such token (:func:`_distinct_spans`);
4. text boundaries come from the texts' lengths, not from searching the
   separator, so a separator or NUL inside a text needs no fallback.

The curly apostrophe ``’`` is replaced by ``'`` before classifying, which is
what :class:`~sklearn_mathdl.sentiment.tokenizers.WordTokenizer` does to its
tokens (both are joiners, neither is a token character).
"""

import functools
import re

import numpy as np

from sklearn_mathdl.sentiment._byte_tokens import (
    _SEP,
    _long_keys,
    _short_keys,
    _token_bytes,
    _token_spans,
)

_PAD = 9  # code points of padding: every token start has an 8-byte window
_WORD_CHAR = re.compile(r"[^\W_]")
_HASH_BASE = np.uint64(0x100000001B3)  # the 64-bit FNV prime, odd


@functools.lru_cache(maxsize=1 << 16)
def _is_token_char(code, kind):
    """Is the character ``chr(code)`` part of ``kind``'s tokens (Python's rule)?"""
    char = chr(code)
    if kind == "whitespace":
        return not char.isspace()
    return _WORD_CHAR.fullmatch(char) is not None


def _classify(codes, kind):
    """Boolean array: is each code point a token character?"""
    top = int(codes.max(initial=0))
    table = np.zeros(max(top + 1, 128), dtype=bool)
    table[:128] = _token_bytes(kind)
    if top >= 128:
        high = codes[codes >= 128]
        seen = np.zeros(top + 1, dtype=bool)
        seen[high] = True
        distinct = np.flatnonzero(seen)
        table[distinct] = [_is_token_char(c, kind) for c in distinct.tolist()]
    return table[codes]


def _lowercased(texts):
    """The batch's texts lowercased, joined with the separator."""
    joined = _SEP.join(texts)
    lowered = joined.lower()
    if len(lowered) == len(joined):
        return texts, lowered
    texts = [text.lower() for text in texts]
    return texts, _SEP.join(texts)


def _distinct_spans(codes, starts, ends):
    """For each span, the index of the first span with the same code points.

    Spans are compared by their length and a polynomial hash of their code
    points; equal hashes are then checked code point by code point, so the
    answer is exact (on a collision, spans are compared as strings).
    """
    lengths = ends - starts
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(len(starts), dtype=np.int64)
    offsets = np.cumsum(lengths) - lengths
    within = np.arange(total) - np.repeat(offsets, lengths)
    chars = codes[np.repeat(starts, lengths) + within].astype(np.uint64)
    # powers of the base modulo 2**64 (unsigned products wrap, as intended)
    powers = np.cumprod(np.full(int(lengths.max()), _HASH_BASE, dtype=np.uint64))
    terms = (chars + np.uint64(1)) * powers[within]
    hashes = np.add.reduceat(terms, offsets) ^ lengths.astype(np.uint64)
    _, first, inverse = np.unique(hashes, return_index=True, return_inverse=True)
    same = first[inverse]
    twin_chars = codes[np.repeat(starts[same], lengths) + within]
    if np.array_equal(lengths[same], lengths) and np.array_equal(
        twin_chars, chars.astype(codes.dtype)
    ):
        return same
    return None


def _code_point_keys(texts, kind, lowercase, keys):
    """Token keys and tokens per text of one batch, any characters.

    Gives the keys :func:`~sklearn_mathdl.sentiment._byte_tokens._batch_keys`
    gives an ASCII batch: the same tokens have the same keys in both.
    """
    joined = _SEP.join(texts)
    if lowercase:
        texts, joined = _lowercased(texts)
    if kind == "word":
        joined = joined.replace("’", "'")
    padded = joined.encode("utf-32-le", "surrogatepass") + bytes(4 * _PAD)
    codes = np.frombuffer(padded, dtype="<u4")
    inside = _classify(codes, kind)
    inside[-_PAD:] = False
    starts, ends = _token_spans(inside, codes, kind)
    k = _short_keys(codes.astype(np.uint8), starts, ends)
    special = (codes >= 128) | (codes == 0)
    numbered = np.flatnonzero(
        (ends - starts > 8) | _any_in_spans(special, starts, ends)
    )
    k[numbered] = _numbered_keys(joined, codes, starts[numbered], ends[numbered], keys)
    text_lengths = np.fromiter(map(len, texts), np.int64, count=len(texts))
    text_starts = np.cumsum(text_lengths + 1) - (text_lengths + 1)
    bounds = np.searchsorted(starts, text_starts[1:])
    return k, np.diff(bounds, prepend=0, append=len(starts))


def _any_in_spans(flags, starts, ends):
    """For each span ``[start, end)``, is any of its ``flags`` set?"""
    if len(starts) == 0:
        return np.zeros(0, dtype=bool)
    bounds = np.stack([starts, ends], axis=1).ravel()
    return np.logical_or.reduceat(flags, bounds)[::2]


def _numbered_keys(joined, codes, starts, ends, keys):
    """Numbered keys of the tokens ``joined[start:end]``, one lookup per
    distinct token."""
    same = _distinct_spans(codes, starts, ends)
    if same is None:  # a hash collision: every token is looked up
        distinct = np.arange(len(starts))
    else:
        distinct, same = np.unique(same, return_inverse=True)
    k = _long_keys(joined, starts[distinct], ends[distinct], keys)
    return k if same is None else k[same]
