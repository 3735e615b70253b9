r"""The code-point tokenising of the built-in tokenizers, for any batch.

The byte-level path (:mod:`sklearn_mathdl.sentiment._byte_tokens`) reads
ASCII batches; this one reads every other batch, turning it into bytes that
the byte-level steps (:func:`~sklearn_mathdl.sentiment._byte_tokens._token_spans`,
:func:`~sklearn_mathdl.sentiment._byte_tokens._short_keys`) read unchanged:

1. the batch is joined with the separator and encoded as UTF-32, one code
   point per array item (positions in the array are positions in the str);
2. each distinct code point is looked up once (per process: the tables are
   kept, :func:`_known_tables`) by Python's own rules (:func:`_char_rule`:
   what :meth:`str.lower` makes of the character, and whether that is a token
   character), which fills tables indexed by code point
   (:func:`_char_tables`): the lowercased code point, its UTF-8, and a byte
   (the ASCII byte of a character that becomes ASCII, else 0x80 for a token
   character and 0x81 for another); one gather gives the batch's bytes;
3. ``'Σ'`` (whose lowercase depends on its neighbours: final sigma) and
   ``'İ'`` (whose lowercase is two code points) cannot be lowercased by a
   table: a batch holding either is lowercased by :meth:`str.lower` (a
   separator is neither cased nor case-ignorable, so the joined batch is
   lowercased as each text alone; each text alone if the length changes);
4. a token of at most 8 bytes in UTF-8 (no NUL) is its own key, as an ASCII
   token is on the byte path: the lowercased batch is encoded as UTF-8 and a
   cumulative sum of the characters' UTF-8 widths gives each token's bytes
   (:func:`_utf8_keys`); any other token gets a numbered key
   (:meth:`~sklearn_mathdl.sentiment._byte_tokens._Keys.key`), looked up once
   per *distinct* such token (:func:`_distinct_spans`).

The curly apostrophe ``’`` is replaced by ``'`` before classifying, which is
what :class:`~sklearn_mathdl.sentiment.tokenizers.WordTokenizer` does to its
tokens (both are joiners, neither is a token character).
"""

import functools
import re

import numpy as np

from sklearn_mathdl.sentiment._byte_tokens import (
    _UTF8,
    _intern,
    _joined,
    _long_keys,
    _short_keys,
    _token_bytes,
    _token_spans,
    _tokens_per_text,
)

_WORD_CHAR = re.compile(r"[^\W_]")
_CAPITAL_SIGMA = 0x3A3  # lowercased to σ or, at the end of a word, ς
_N_CODE_POINTS = 0x110000
_HASH_BASE = np.uint64(0x100000001B3)  # the 64-bit FNV prime, odd
# Above this many non-ASCII token characters per token, the whole batch is
# encoded as UTF-8 to key the tokens (:func:`_utf8_keys_of_batch`); below, the
# tokens with one are keyed one character position at a time
# (:func:`_utf8_keys`).
_WIDE_SHARE = 0.25


@functools.lru_cache(maxsize=1 << 16)
def _char_rule(code, kind, lowercase):
    """The code point ``code`` becomes (after lowercasing), and whether that
    is a token character by Python's rule; None if its lowercase is not one
    code point or depends on its neighbours (``'İ'``, ``'Σ'``)."""
    char = chr(code)
    if lowercase:
        if code == _CAPITAL_SIGMA or len(char.lower()) != 1:
            return None
        char = char.lower()
    if kind == "whitespace":
        return ord(char), not char.isspace()
    return ord(char), _WORD_CHAR.fullmatch(char) is not None


@functools.cache
def _known_tables(kind, lowercase):
    """The tables of :func:`_char_tables`, kept from batch to batch and
    filled as characters are met: the byte 0xFF marks a code point not yet
    looked up (ASCII is looked up at once)."""
    byte = np.full(_N_CODE_POINTS, 0xFF, dtype=np.uint8)
    tables = (
        np.zeros(_N_CODE_POINTS, dtype=np.uint32),
        byte,
        np.zeros(_N_CODE_POINTS, dtype=np.uint32),
        np.zeros(_N_CODE_POINTS, dtype=np.uint8),
    )
    _look_up(np.arange(128), kind, lowercase, tables)
    return tables


def _look_up(distinct, kind, lowercase, tables):
    """Fill the tables for the code points ``distinct``; False if one has no
    one-code-point lowercase (:func:`_char_rule`), then nothing is filled."""
    rules = [_char_rule(c, kind, lowercase) for c in distinct.tolist()]
    if None in rules:
        return False
    becomes, byte, utf8, width = tables
    new, token = np.array(rules, dtype=np.uint32).reshape(-1, 2).T
    becomes[distinct] = new
    utf8[distinct] = _utf8_table(new)
    width[distinct] = 1 + (new >= 0x80) + (new >= 0x800) + (new >= 0x10000)
    # the byte last: it marks the code point as looked up
    byte[distinct] = np.where((new > 0) & (new < 128), new, 0x81 - token)
    return True


def _char_tables(codes, kind, lowercase):
    """Tables indexed by code point (what it becomes, its UTF-8), and the
    byte of each character of ``codes``.

    The byte of a character that becomes ASCII (NUL excepted) is that ASCII
    byte, of any other character 0x80 if it is a token character and 0x81 if
    not; :func:`_byte_classes` classifies these bytes. The UTF-8 tables hold
    the UTF-8 bytes of what it becomes (:func:`_utf8_table`) and their
    number. Characters are looked up once per process (:func:`_known_tables`).
    None if a character of ``codes`` has no one-code-point lowercase
    (:func:`_char_rule`).
    """
    becomes, byte, utf8, width = tables = _known_tables(kind, lowercase)
    raw = byte[codes]
    unknown = raw == 0xFF
    if unknown.any():
        seen = np.zeros(_N_CODE_POINTS, dtype=bool)
        seen[codes[unknown]] = True
        if not _look_up(np.flatnonzero(seen), kind, lowercase, tables):
            return None
        raw = byte[codes]
    return becomes, raw, (utf8, width)


def _utf8_table(codes):
    """The UTF-8 bytes of each code point (surrogates too, as 3 bytes), read
    as a little-endian ``uint32``: 1 to 4 non-zero bytes (but for NUL)."""
    codes = codes.astype(np.uint32)
    cont = [(codes >> np.uint32(6 * i)) & 0x3F | 0x80 for i in range(3)]
    two = (codes >> 6 | 0xC0) | cont[0] << 8
    three = (codes >> 12 | 0xE0) | cont[1] << 8 | cont[0] << 16
    four = (codes >> 18 | 0xF0) | cont[2] << 8 | cont[1] << 16 | cont[0] << 24
    return np.select(
        [codes < 0x80, codes < 0x800, codes < 0x10000], [codes, two, three], four
    )


@functools.cache
def _byte_classes(kind):
    """Boolean table over 256 bytes: is it a token byte? (0x80: yes, 0x81: no)"""
    table = np.zeros(256, dtype=bool)
    table[:128] = _token_bytes(kind)
    table[0x80] = True
    return table


def _lowercased(texts):
    """The batch's texts lowercased (by :meth:`str.lower`), and joined."""
    joined = _joined(texts)
    lowered = joined.lower()
    if len(lowered) == len(joined):
        return texts, lowered
    texts = [text.lower() for text in texts]
    return texts, _joined(texts)


def _encoded(joined, kind):
    """The code points of ``joined`` (curly apostrophes straightened for
    ``"word"``)."""
    if kind == "word":
        joined = joined.replace("’", "'")
    encoded = joined.encode("utf-32-le", "surrogatepass")
    return joined, np.frombuffer(encoded, dtype="<u4")


def _distinct_spans(codes, starts, ends, becomes):
    """The first span of each group of equal spans, and each span's group.

    A span is the code points ``becomes[codes[start:end]]``. Spans are
    grouped by their length and a polynomial hash of their code
    points, numbered by :func:`~sklearn_mathdl.sentiment._byte_tokens._intern`;
    each span is then checked code point by code point against its group's
    first, so the answer is exact: None on a hash collision.
    """
    lengths = ends - starts
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    offsets = np.cumsum(lengths) - lengths
    within = np.arange(total) - np.repeat(offsets, lengths)
    chars = becomes[codes[np.repeat(starts, lengths) + within]]
    # powers of the base modulo 2**64 (unsigned products wrap, as intended)
    powers = np.cumprod(np.full(int(lengths.max()), _HASH_BASE, dtype=np.uint64))
    terms = (chars.astype(np.uint64) + np.uint64(1)) * powers[within]
    hashes = np.add.reduceat(terms, offsets) ^ lengths.astype(np.uint64)
    group, _ = _intern(hashes)
    # groups are numbered in order of first appearance: a new one is a new max
    is_first = np.ones(len(group), dtype=bool)
    is_first[1:] = group[1:] > np.maximum.accumulate(group)[:-1]
    first = np.flatnonzero(is_first)
    twin = first[group]
    twin_chars = chars[np.repeat(offsets[twin], lengths) + within]
    if np.array_equal(lengths[twin], lengths) and np.array_equal(twin_chars, chars):
        return first, group
    return None


def _code_point_keys(texts, joined, kind, lowercase, keys):
    """Token keys and tokens per text of one batch, any characters.

    ``joined`` is the batch joined by
    :func:`~sklearn_mathdl.sentiment._byte_tokens._joined`. Gives the keys
    :func:`~sklearn_mathdl.sentiment._byte_tokens._batch_keys` gives an ASCII
    batch: the same tokens have the same keys in both.
    """
    joined, codes = _encoded(joined, kind)
    tables = _char_tables(codes, kind, lowercase)
    if tables is None:  # lowercase with str.lower itself
        texts, joined = _lowercased(texts)
        joined, codes = _encoded(joined, kind)
        tables, lowercase = _char_tables(codes, kind, False), False
    becomes, raw, utf8 = tables
    starts, ends = _token_spans(_byte_classes(kind)[raw], raw, kind)
    # many non-ASCII token characters: the batch is lowercased and encoded
    many = np.count_nonzero(raw == 0x80) > len(starts) * _WIDE_SHARE
    if many and lowercase:  # (positions are kept: one code point each)
        joined = becomes[codes].tobytes().decode("utf-32-le", "surrogatepass")
        lowercase = False
    k, short = _short_token_keys(joined, codes, raw, starts, ends, utf8, many)
    if "\x00" in joined:  # tokens with a NUL are numbered
        nuls = np.concatenate([[0], np.cumsum(codes == 0)])
        short &= nuls[ends] == nuls[starts]
    numbered = np.flatnonzero(~short)
    k[numbered] = _numbered_keys(
        joined, codes, becomes, starts[numbered], ends[numbered], keys, lowercase
    )
    return k, _tokens_per_text(texts, starts)


def _short_token_keys(joined, codes, raw, starts, ends, utf8, many):
    """The keys of the tokens of at most 8 UTF-8 bytes, and which tokens
    these are (the keys of the others are garbage, to be replaced).

    A token of ASCII characters is keyed by its bytes in ``raw``, one with a
    non-ASCII character (a byte 0x80; also NUL) by its UTF-8 bytes: with
    ``many``, read from the whole batch ``joined`` (lowercased) encoded
    (:func:`_utf8_keys_of_batch`), else token by token (:func:`_utf8_keys`).
    """
    if many:
        return _utf8_keys_of_batch(joined, codes, starts, ends, utf8[1])
    k = _short_keys(raw, starts, ends)
    short = ends - starts <= 8
    wide = np.flatnonzero(short & (k & np.uint64(0x8080808080808080) != 0))
    k[wide], fits = _utf8_keys(codes, starts[wide], ends[wide], utf8[0])
    short[wide[~fits]] = False
    return k, short


def _utf8_keys_of_batch(lowered, codes, starts, ends, width):
    """What :func:`_utf8_keys` gives, read from the whole batch encoded:
    ``lowered`` is the batch lowercased, a str; ``width`` the table of the
    number of UTF-8 bytes of each code point (lowercased)."""
    utf8 = np.frombuffer(lowered.encode(*_UTF8), dtype=np.uint8)
    dtype = np.int32 if len(utf8) < 2**31 else np.int64
    offsets = np.zeros(len(codes) + 1, dtype=dtype)
    np.cumsum(width[codes], dtype=dtype, out=offsets[1:])
    byte_starts, byte_ends = offsets[starts], offsets[ends]
    return _short_keys(utf8, byte_starts, byte_ends), byte_ends - byte_starts <= 8


def _utf8_keys(codes, starts, ends, utf8):
    """The UTF-8 bytes of the (lowercased) tokens ``codes[start:end]`` of at
    most 8 characters, read as a ``uint64``, and whether they fit in 8 bytes
    (the keys of the others are garbage, to be replaced).

    One step per character position: the character's bytes (from the table
    ``utf8``) are put after those of the characters before it.
    """
    keys = np.zeros(len(starts), dtype=np.uint64)
    used = np.zeros(len(starts), dtype=np.uint64)  # bytes so far
    live = np.arange(len(starts))
    for i in range(8):
        live = live[ends[live] - starts[live] > i]
        if len(live) == 0:
            break
        char = utf8[codes[starts[live] + i]].astype(np.uint64)
        lead = char & np.uint64(0xFF)  # 0xC0, 0xE0, 0xF0: 2, 3, 4 bytes
        width = np.uint64(1) + (lead >= 0xC0) + (lead >= 0xE0) + (lead >= 0xF0)
        at = used[live]
        keys[live] |= char << (np.minimum(at, np.uint64(7)) * np.uint64(8))
        used[live] = at + width
    return keys, used <= 8


def _numbered_keys(joined, codes, becomes, starts, ends, keys, lowercase):
    """Numbered keys of the tokens ``joined[start:end]`` (lowercased), one
    lookup per distinct token (:func:`_distinct_spans`)."""
    groups = _distinct_spans(codes, starts, ends, becomes)
    if groups is None:  # a hash collision: every token is looked up
        groups = np.arange(len(starts)), np.arange(len(starts))
    first, group = groups
    return _long_keys(joined, starts[first], ends[first], keys, lowercase)[group]
