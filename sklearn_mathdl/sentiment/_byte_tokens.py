r"""The byte-level tokenising of the built-in tokenizers, for ASCII batches.

A batch of texts is joined with a separator and lowercased once; its bytes
are classified by a table built from the tokenizer's own definition; tokens
are the maximal runs of token bytes. A token of at most 8 bytes is its own
integer key (its bytes as a little-endian ``uint64``; the code-point path
keys non-ASCII tokens of at most 8 UTF-8 bytes the same way), a longer one
gets a numbered key, and keys are numbered in order of first appearance by a
vectorised open-addressing hash table (:func:`_intern`). No Python work is done
per text or per token; what this one cannot read (non-ASCII, NUL) is read by
:mod:`sklearn_mathdl.sentiment._code_point_tokens`.
"""

import functools
import re

import numpy as np

from sklearn_mathdl.sentiment.tokenizers import (
    WORD_PATTERN,
    WhitespaceTokenizer,
    WordTokenizer,
)

# A token of at most 8 bytes in UTF-8 (no NUL) is its own integer key: those
# bytes read as a little-endian uint64 (ASCII tokens: their ASCII bytes). Other
# tokens get the key _NUMBERED | (their number in _Keys.long_names): a top
# byte 0xFF, which no UTF-8 text holds, so no short token's key clashes.
_NUMBERED = 0xFF << 56
_UTF8 = ("utf-8", "surrogatepass")  # lone surrogates as 3 bytes, both ways
_SEP = "\x1e"  # record separator: whitespace, never part of a token


class _Keys:
    """Integer keys of token strings, and back."""

    def __init__(self):
        self.long_names = []
        self._long = {}

    def key(self, token):
        if len(token) <= 8 and "\x00" not in token:
            encoded = token.encode(*_UTF8)
            if len(encoded) <= 8:
                return int.from_bytes(encoded, "little")
        k = self._long.get(token)
        if k is None:
            k = self._long[token] = _NUMBERED | len(self.long_names)
            self.long_names.append(token)
        return k

    def name(self, key):
        if key >> 56 == 0xFF:
            return self.long_names[key ^ _NUMBERED]
        return key.to_bytes(8, "little").rstrip(b"\x00").decode(*_UTF8)


@functools.cache
def _token_bytes(kind):
    """Boolean table over the 128 ASCII codes: may the byte be in a token?"""
    chars = [chr(c) for c in range(128)]
    if kind == "whitespace":
        return np.array([not c.isspace() for c in chars])
    regex = re.compile(r"[^\W_]")
    return np.array([regex.fullmatch(c) is not None for c in chars])


def _fast_kind(tokenizer):
    """ "word"/"whitespace" when the byte-level path gives ``tokenizer``'s tokens."""
    if type(tokenizer) is WordTokenizer and tokenizer.pattern == WORD_PATTERN:
        return "word"
    if type(tokenizer) is WhitespaceTokenizer:
        return "whitespace"
    return None


def _joined(texts):
    """The texts joined by ``_SEP``, and 9 more of them as padding (so that
    every token start has an 8-byte window)."""
    return _SEP.join([*texts, _SEP * 8])


def _batch_keys(texts, joined, kind, lowercase, keys):
    """Token keys and tokens per text of one batch, or None if not ASCII.

    The batch, ``joined`` by :func:`_joined`, is lowercased once, its bytes
    are classified by a table (word: letters and digits, apostrophes between
    two of them; whitespace: every non-space byte) and the tokens are the
    maximal runs of token bytes, read directly as integer keys.
    """
    # (lowercasing keeps ASCII text ASCII, and may make other text ASCII:
    # the Kelvin sign becomes "k"; the code-point path reads that text)
    if not joined.isascii() or "\x00" in joined:
        return None
    if lowercase:
        joined = joined.lower()
    raw = np.frombuffer(joined.encode("ascii"), dtype=np.uint8)
    starts, ends = _token_spans(_token_bytes(kind)[raw], raw, kind)
    k = _short_keys(raw, starts, ends)
    long = np.flatnonzero(ends - starts > 8)
    k[long] = _long_keys(joined, starts[long], ends[long], keys)
    return k, _tokens_per_text(texts, starts)


def _tokens_per_text(texts, starts):
    """How many of the tokens starting at ``starts`` are in each text, for
    texts joined by a one-character separator."""
    text_lengths = np.fromiter(map(len, texts), np.int64, count=len(texts))
    text_starts = np.cumsum(text_lengths + 1) - (text_lengths + 1)
    bounds = np.searchsorted(starts, text_starts[1:])
    return np.diff(bounds, prepend=0, append=len(starts))


def _token_spans(inside, codes, kind):
    """Starts and ends of the tokens: maximal runs of ``inside`` characters.

    ``codes`` are the characters' codes (bytes or code points); for
    ``"word"`` an apostrophe (code 39) between two token characters joins
    them. ``inside`` must end with ``False``; it is modified.
    """
    if kind == "word":
        apos = np.flatnonzero(codes[1:-1] == 39) + 1
        inside[apos[inside[apos - 1] & inside[apos + 1]]] = True
    starts = np.flatnonzero(inside[1:] & ~inside[:-1]) + 1
    if inside[0]:
        starts = np.concatenate([[0], starts])
    ends = np.flatnonzero(inside[:-1] & ~inside[1:]) + 1
    return starts, ends


def _short_keys(raw, starts, ends):
    """The keys of tokens of at most 8 bytes: their bytes as a ``uint64``.

    ``raw`` is a ``uint8`` buffer with 8 bytes of padding after its last
    token; the keys of longer tokens are garbage, to be replaced.
    """
    window = np.ndarray((len(raw) - 8,), dtype="<u8", buffer=raw, strides=(1,))
    shift = ((8 - np.minimum(ends - starts, 8)) * 8).astype(np.uint64)
    return (window[starts] << shift) >> shift


def _long_keys(joined, starts, ends, keys, lowercase=False):
    """The keys (:meth:`_Keys.key`) of the tokens ``joined[start:end]``
    (lowercased)."""
    tokens = map(joined.__getitem__, map(slice, starts.tolist(), ends.tolist()))
    if lowercase:
        tokens = map(str.lower, tokens)
    return np.fromiter(map(keys.key, tokens), dtype=np.uint64, count=len(starts))


_GOLDEN = np.uint64(0x9E3779B97F4A7C15)  # 2**64 / golden ratio, odd


def _place(table_keys, table_ids, keys, bits):
    """Slots of ``keys`` in an open-addressing table, inserting missing keys.

    Linear probing, vectorised: every pending key looks at its current slot;
    the empty ones are claimed (``table_ids`` -2, one writer wins each slot),
    keys that find themselves are done, the others move one slot on. All
    copies of a key probe in lock-step, so each key ends in one slot.
    """
    mask = (1 << bits) - 1
    slot = ((keys * _GOLDEN) >> np.uint64(64 - bits)).astype(np.int64)
    pending = np.arange(len(keys))
    probe = slot
    while len(pending):
        free = table_ids[probe] == -1
        if free.any():
            table_keys[probe[free]] = keys[free]
            table_ids[probe[free]] = -2
        # every probed slot is now taken: by the key itself, or by another
        miss = np.flatnonzero(table_keys[probe] != keys)
        if probe is not slot:
            slot[pending] = probe
        pending, keys = pending[miss], keys[miss]
        probe = (probe[miss] + 1) & mask
    return slot


def _intern(keys, min_chunk=1 << 16):
    """Ids of ``keys`` numbered in order of first appearance, and the keys.

    A hash table (at most half full) is filled chunk by chunk: a chunk holds
    at most as many keys as the table has free room, so it cannot overflow;
    the table grows 4x (re-inserting its keys) when the room gets small.
    """
    n = len(keys)
    bits = 18
    table_keys = np.zeros(1 << bits, np.uint64)
    table_ids = np.full(1 << bits, -1, np.int64)
    ids = np.empty(n, np.int64)
    n_ids = pos = 0
    while pos < n:
        room = (1 << bits) // 2 - n_ids
        if room < min_chunk and n - pos > room:
            old = np.flatnonzero(table_ids >= 0)
            old_keys, old_ids = table_keys[old], table_ids[old]
            bits += 2
            table_keys = np.zeros(1 << bits, np.uint64)
            table_ids = np.full(1 << bits, -1, np.int64)
            table_ids[_place(table_keys, table_ids, old_keys, bits)] = old_ids
            continue
        chunk = keys[pos : pos + room]
        slots = _place(table_keys, table_ids, chunk, bits)
        got = table_ids[slots]
        new = got == -2
        if new.any():
            new_slots, first = np.unique(slots[new], return_index=True)
            new_slots = new_slots[np.argsort(first)]
            table_ids[new_slots] = np.arange(n_ids, n_ids + len(new_slots))
            n_ids += len(new_slots)
            got = table_ids[slots]
        ids[pos : pos + len(chunk)] = got
        pos += len(chunk)
    uniq = np.empty(n_ids, np.uint64)
    occupied = np.flatnonzero(table_ids >= 0)
    uniq[table_ids[occupied]] = table_keys[occupied]
    return ids, uniq
