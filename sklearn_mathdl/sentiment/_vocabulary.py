r"""Counting texts into a sparse document–term matrix, fast.

Texts become the CSR matrix :math:`C \in \mathbb{N}^{n \times p}`,
:math:`c_{iw}` the number of times feature :math:`w` (a token or an n-gram of
tokens) occurs in text :math:`i`.

For the built-in ``"word"`` and ``"whitespace"`` tokenizers there is no
Python work per text or per token: a batch of texts is joined with a
separator, lowercased once, and, when it is ASCII, its bytes are classified
by a table; tokens are the maximal runs of token bytes, a token of at most 8
bytes is read directly as an integer key (its bytes as a little-endian
``uint64``), and keys are numbered in order of first appearance by a
vectorised open-addressing hash table (:func:`_intern`). Batches that are
not ASCII, and other tokenizers, take the general path: texts are split on
whitespace by :meth:`str.split`, every chunk is mapped to an integer by one
dictionary lookup (``np.fromiter`` over ``map(dict.__getitem__, ...)``), and
the tokenizer is called once per *distinct* chunk (the
``whitespace_separable`` contract of :mod:`sklearn_mathdl.sentiment.tokenizers`)
or per text. Token ids are then expanded to n-grams encoded as integers
(:math:`\text{code}(w_1 \dots w_n) = \text{code}(w_1 \dots w_{n-1})\,V + w_n`,
numbered by :func:`numpy.unique`) and the matrix is assembled by scipy, which
sums duplicate entries. With ``n_jobs`` the general path's chunk-to-id mapping
runs in joblib workers on slices of the texts; only integer arrays and the
distinct chunks travel back.
"""

import contextlib
import functools
import gc
import itertools
import math
import numbers
import re
from collections import defaultdict

import numpy as np
import scipy.sparse as sp
from joblib import Parallel, delayed, effective_n_jobs

from sklearn_mathdl.sentiment.tokenizers import (
    WORD_PATTERN,
    WhitespaceTokenizer,
    WordTokenizer,
)

# Below this many texts, worker start-up costs more than it saves.
_PARALLEL_MIN_TEXTS = 100_000


def check_texts(texts, input_name="X"):
    """Return ``texts`` as a list of str, or raise naming the first bad item.

    Raises
    ------
    TypeError
        If ``texts`` is a single string, or an item is not a str (the message
        names the index and the type).
    ValueError
        If there are no texts.
    """
    if isinstance(texts, str | bytes):
        raise TypeError(
            f"{input_name} must be an iterable of texts (str), got a single "
            f"{type(texts).__name__}. Wrap it in a list: [text]."
        )
    if isinstance(texts, np.ndarray) and texts.ndim != 1:
        raise ValueError(
            f"{input_name} must be a 1-D iterable of texts, got an array of "
            f"shape {texts.shape}."
        )
    texts = list(texts)
    if not all(map(isinstance, texts, itertools.repeat(str))):
        i, text = next((i, t) for i, t in enumerate(texts) if not isinstance(t, str))
        raise TypeError(
            f"{input_name}[{i}] is {type(text).__name__} ({text!r:.40}), not "
            "str: every item of a text list must be a string. Replace "
            "missing texts with '' or drop them."
        )
    if not texts:
        raise ValueError(f"{input_name} is empty: at least one text is required.")
    return texts


def _tokenizer_name(tokenizer):
    """How an error names a tokenizer: a function by its name, else its repr."""
    if getattr(tokenizer, "__name__", None) and not hasattr(tokenizer, "get_params"):
        module = getattr(tokenizer, "__module__", None)
        name = getattr(tokenizer, "__qualname__", tokenizer.__name__)
        return f"{module}.{name}" if module else name
    return repr(tokenizer)


def _bad_output_error(tokenizer, source, output, token=None):
    """The TypeError for a tokenizer that returned ``output`` for ``source``."""
    what = (
        f"the token {token!r} ({type(token).__name__})"
        if token is not None
        else f"{type(output).__name__} {output!r:.60}"
    )
    return TypeError(
        f"The tokenizer {_tokenizer_name(tokenizer)} returned {what} for the "
        f"text {source!r:.60}: a tokenizer must return a list (or tuple) of "
        "str, one str per token. Fix the tokenizer, e.g. return text.split() "
        "rather than a str, or [str(t) for t in tokens]."
    )


def check_token_lists(lists, tokenizer, sources):
    """Raise unless every item of ``lists`` is a list or tuple.

    ``sources[i]`` is the text ``lists[i]`` came from (named in the error).
    The tokens themselves are checked once per distinct token, by
    :func:`check_tokens`. One C-level pass over the lists.
    """
    if all(map(isinstance, lists, itertools.repeat(list | tuple))):
        return
    i = next(i for i, out in enumerate(lists) if not isinstance(out, list | tuple))
    raise _bad_output_error(tokenizer, sources[i], lists[i])


def check_tokens(tokens, tokenizer, sources, lowercase=False):
    """Raise unless every distinct token is a str, naming a text that gave one.

    ``tokens`` are the distinct tokens of ``sources``; the texts are
    tokenised again only on the error path, to find one with the bad token.
    """
    if all(map(isinstance, tokens, itertools.repeat(str))):
        return
    bad = next(t for t in tokens if not isinstance(t, str))
    for source in sources:
        if any(
            type(t) is type(bad) and t == bad
            for t in tokenizer(source.lower() if lowercase else source)
        ):
            raise _bad_output_error(tokenizer, source, None, token=bad)
    raise _bad_output_error(tokenizer, "?", None, token=bad)


def analyze(text, tokenizer, lowercase=True, ngram_range=(1, 1)):
    """Features of one text in order: its tokens, then its bigrams, and so on.

    The reference (per-text) path: :func:`count_texts` gives the same counts.
    """
    tokens = tokenizer(text.lower() if lowercase else text)
    check_token_lists([tokens], tokenizer, [text])
    check_tokens(tokens, tokenizer, [text], lowercase)
    min_n, max_n = ngram_range
    features = []
    for n in range(min_n, max_n + 1):
        features.extend(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
    return features


@contextlib.contextmanager
def _gc_paused():
    """Pause the cyclic garbage collector: building a list per text (which
    cannot form cycles) otherwise triggers collections that cost more than
    the splitting itself."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _chunk_ids(texts, lowercase, tokenizer, batch_size=50_000):
    """Ids of whitespace chunks (or of tokens), lengths per text, distinct chunks.

    Texts are split in batches so that only one batch's token strings are
    alive at a time (a token string costs about 50 bytes).
    """
    split = str.split if tokenizer is None else tokenizer
    vocab = defaultdict()
    vocab.default_factory = vocab.__len__
    all_ids, all_lengths = [], []
    for start in range(0, len(texts), batch_size):
        batch = texts[start : start + batch_size]
        with _gc_paused():
            if lowercase:
                lists = [split(t.lower()) for t in batch]
            else:
                lists = [split(t) for t in batch]
        if tokenizer is not None:
            check_token_lists(lists, tokenizer, batch)
        lengths = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
        all_ids.append(
            np.fromiter(
                map(vocab.__getitem__, itertools.chain.from_iterable(lists)),
                dtype=np.int64,
                count=int(lengths.sum()),
            )
        )
        all_lengths.append(lengths)
    if not all_ids:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), []
    names = list(vocab)
    if tokenizer is not None:
        check_tokens(names, tokenizer, texts, lowercase)
    return np.concatenate(all_ids), np.concatenate(all_lengths), names


def _merge(parts):
    """Merge per-worker (ids, lengths, names) into one numbering."""
    vocab = defaultdict()
    vocab.default_factory = vocab.__len__
    all_ids, all_lengths = [], []
    for ids, lengths, names in parts:
        remap = np.fromiter(map(vocab.__getitem__, names), np.int64, len(names))
        all_ids.append(remap[ids])
        all_lengths.append(lengths)
    return np.concatenate(all_ids), np.concatenate(all_lengths), list(vocab)


def _token_ids_generic(texts, tokenizer, lowercase, n_jobs):
    """Token ids (flat), tokens per text and token names, via ``str.split``."""
    separable = getattr(tokenizer, "whitespace_separable", False)
    fn = None if separable else tokenizer
    n_workers = effective_n_jobs(n_jobs) if n_jobs is not None else 1
    if n_workers > 1 and len(texts) >= _PARALLEL_MIN_TEXTS:
        bounds = np.linspace(0, len(texts), n_workers + 1).astype(int)
        parts = Parallel(n_jobs=n_workers)(
            delayed(_chunk_ids)(texts[a:b], lowercase, fn)
            for a, b in itertools.pairwise(bounds)
        )
        ids, lengths, names = _merge(parts)
    else:
        ids, lengths, names = _chunk_ids(texts, lowercase, fn)
    if not separable:
        return ids, lengths, names
    # Tokenise each distinct chunk once and expand chunk ids to token ids.
    vocab = defaultdict()
    vocab.default_factory = vocab.__len__
    per_chunk = [tokenizer(chunk) for chunk in names]
    check_token_lists(per_chunk, tokenizer, names)
    counts = np.fromiter(map(len, per_chunk), np.int64, len(per_chunk))
    flat = np.fromiter(
        map(vocab.__getitem__, itertools.chain.from_iterable(per_chunk)),
        np.int64,
        int(counts.sum()),
    )
    tokens = list(vocab)
    check_tokens(tokens, tokenizer, names)
    if np.all(counts == 1):
        return flat[ids], lengths, tokens
    offsets = np.concatenate([[0], np.cumsum(counts)[:-1]])
    cnt = counts[ids]
    csum = np.concatenate([[0], np.cumsum(cnt)])
    ptr = np.concatenate([[0], np.cumsum(lengths)])
    new_lengths = np.diff(csum[ptr])
    total = int(csum[-1])
    src = np.repeat(offsets[ids] - csum[:-1], cnt) + np.arange(total)
    return flat[src], new_lengths, tokens


# ------------------------------------------------------------ byte-level path
# Tokens of at most 8 ASCII characters (no NUL) are their own integer key:
# their bytes read as a little-endian uint64. Other tokens get the key
# _LONG | (their number in _Keys.long_names); ASCII bytes are < 0x80, so the
# top bit never clashes.
_LONG = np.uint64(1 << 63)
_SEP = "\x1e"  # record separator: whitespace, never part of a token
_BATCH = 100_000  # texts per batch of the byte-level path


class _Keys:
    """Integer keys of token strings, and back."""

    def __init__(self):
        self.long_names = []
        self._long = {}

    def key(self, token):
        if len(token) <= 8 and token.isascii() and "\x00" not in token:
            return int.from_bytes(token.encode("ascii"), "little")
        k = self._long.get(token)
        if k is None:
            k = self._long[token] = (1 << 63) | len(self.long_names)
            self.long_names.append(token)
        return k

    def name(self, key):
        if key >> 63:
            return self.long_names[key ^ (1 << 63)]
        return key.to_bytes(8, "little").rstrip(b"\x00").decode("ascii")


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


def _batch_keys(texts, kind, lowercase, keys):
    """Token keys and tokens per text of one batch, or None if not ASCII.

    The batch is joined with ``_SEP`` and lowercased once, its bytes are
    classified by a table (word: letters and digits, apostrophes between
    two of them; whitespace: every non-space byte) and the tokens are the
    maximal runs of token bytes, read directly as integer keys.
    """
    joined = _SEP.join(texts)
    if lowercase:
        joined = joined.lower()
    if not joined.isascii() or "\x00" in joined or joined.count(_SEP) != len(texts) - 1:
        return None
    # 8 bytes of padding so that every token start has an 8-byte window.
    raw = np.frombuffer(joined.encode("ascii") + bytes(9), dtype=np.uint8)
    inside = _token_bytes(kind)[raw]
    inside[-9:] = False
    if kind == "word":
        apos = np.flatnonzero(raw[1:-1] == 39) + 1
        inside[apos[inside[apos - 1] & inside[apos + 1]]] = True
    starts = np.flatnonzero(inside[1:] & ~inside[:-1]) + 1
    if inside[0]:
        starts = np.concatenate([[0], starts])
    ends = np.flatnonzero(inside[:-1] & ~inside[1:]) + 1
    length = ends - starts
    window = np.ndarray((len(raw) - 8,), dtype="<u8", buffer=raw, strides=(1,))
    short = length <= 8
    shift = ((8 - np.minimum(length, 8)) * 8).astype(np.uint64)
    k = (window[starts] << shift) >> shift
    if not short.all():
        long = np.flatnonzero(~short)
        k[long] = np.fromiter(
            (
                keys.key(joined[a:b])
                for a, b in zip(starts[long].tolist(), ends[long].tolist())
            ),
            dtype=np.uint64,
            count=len(long),
        )
    seps = np.flatnonzero(raw == ord(_SEP))
    bounds = np.searchsorted(starts, seps)
    lengths = np.diff(bounds, prepend=0, append=len(starts))
    return k, lengths


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


def _general_keys(texts, tokenizer, lowercase, keys):
    """Token keys and tokens per text by the general (per-chunk) path."""
    ids, lengths, names = _token_ids_generic(texts, tokenizer, lowercase, None)
    name_keys = np.fromiter(map(keys.key, names), np.uint64, len(names))
    return name_keys[ids], lengths


def _interleave(n_texts, parts):
    """Merge (text indices, keys, tokens per text) parts into text order."""
    lengths = np.zeros(n_texts, dtype=np.int64)
    for idx, _, part_lengths in parts:
        lengths[idx] = part_lengths
    start = np.cumsum(lengths) - lengths
    out = np.empty(int(lengths.sum()), dtype=np.uint64)
    for idx, part_keys, part_lengths in parts:
        part_start = np.cumsum(part_lengths) - part_lengths
        shift = np.repeat(start[idx] - part_start, part_lengths)
        out[shift + np.arange(len(part_keys))] = part_keys
    return out, lengths


def _token_ids(texts, tokenizer, lowercase, n_jobs):
    """Token ids (flat), tokens per text and token names of ``texts``.

    With a built-in tokenizer, the ASCII texts of each batch are tokenised at
    the byte level and the others by the general path, merged in text order.
    """
    kind = _fast_kind(tokenizer)
    if kind is None:
        return _token_ids_generic(texts, tokenizer, lowercase, n_jobs)
    keys = _Keys()
    all_keys, all_lengths = [], []
    for start in range(0, len(texts), _BATCH):
        batch = texts[start : start + _BATCH]
        ascii_ = np.fromiter(map(str.isascii, batch), dtype=bool, count=len(batch))
        out = None
        if ascii_.all():
            out = _batch_keys(batch, kind, lowercase, keys)
        elif ascii_.any():
            fast = np.flatnonzero(ascii_)
            out = _batch_keys([batch[i] for i in fast.tolist()], kind, lowercase, keys)
            if out is not None:
                slow = np.flatnonzero(~ascii_)
                rest = _general_keys(
                    [batch[i] for i in slow.tolist()], tokenizer, lowercase, keys
                )
                out = _interleave(len(batch), [(fast, *out), (slow, *rest)])
        if out is None:  # no ASCII text, or NUL or the separator in them
            out = _general_keys(batch, tokenizer, lowercase, keys)
        all_keys.append(out[0])
        all_lengths.append(out[1])
    ids, uniq = _intern(np.concatenate(all_keys))
    tokens = [keys.name(key) for key in uniq.tolist()]
    return ids, np.concatenate(all_lengths), tokens


def _ngram_features(ids, lengths, tokens, ngram_range):
    """Rows, columns and names of the n-gram features in ``ngram_range``."""
    min_n, max_n = ngram_range
    n_docs = len(lengths)
    doc = np.repeat(np.arange(n_docs), lengths)
    rows, cols, names = [], [], []
    V = len(tokens)
    codes, level_names = ids, tokens
    for n in range(1, max_n + 1):
        if n > 1:
            # The n-gram starting at i exists when token i + n - 1 is in the
            # same text; codes of shorter grams at i stay aligned.
            m = len(codes) - 1
            valid = (codes[:m] >= 0) & (doc[:m] == doc[n - 1 : n - 1 + m])
            key = np.where(valid, codes[:m] * V + ids[n - 1 : n - 1 + m], -1)
            uniq, inverse = np.unique(key[valid], return_inverse=True)
            codes = np.full(m, -1, dtype=np.int64)
            codes[valid] = inverse
            prev = level_names
            level_names = [prev[k // V] + " " + tokens[k % V] for k in uniq.tolist()]
        if n >= min_n:
            keep = codes >= 0
            rows.append(doc[: len(codes)][keep])
            cols.append(codes[keep] + len(names))
            names.extend(level_names)
        if len(codes) == 0:
            break
    return np.concatenate(rows), np.concatenate(cols), names


def count_texts(
    texts,
    tokenizer,
    *,
    lowercase=True,
    ngram_range=(1, 1),
    n_jobs=None,
    sort_columns=False,
):
    """Count the features of ``texts`` (already checked, a list of str).

    Parameters
    ----------
    sort_columns : bool, default=False
        Number the columns in alphabetical order of their names (for
        unigrams before the matrix is built, so it is sorted only once) and
        also return each column's rank of first appearance.

    Returns
    -------
    X : csr_matrix of shape (n_texts, n_found), float64
        Counts, columns in order of first appearance (alphabetical with
        ``sort_columns``).
    names : list of str
        The feature of each column (n-grams joined by a space).
    first_seen : ndarray of shape (n_found,), only with ``sort_columns``
        Each column's number in order of first appearance.

    Examples
    --------
    >>> from sklearn_mathdl.sentiment.tokenizers import WordTokenizer
    >>> X, names = count_texts(["Good, good film", "not good"], WordTokenizer(),
    ...                        ngram_range=(1, 2))
    >>> names
    ['good', 'film', 'not', 'good good', 'good film', 'not good']
    >>> X.toarray().astype(int)
    array([[2, 1, 0, 1, 1, 0],
           [1, 0, 1, 0, 0, 1]])
    >>> X, names, first_seen = count_texts(["b a", "c a"], WordTokenizer(),
    ...                                    sort_columns=True)
    >>> names, first_seen.tolist()
    (['a', 'b', 'c'], [1, 0, 2])
    """
    ids, lengths, tokens = _token_ids(texts, tokenizer, lowercase, n_jobs)
    n_docs = len(texts)
    if ngram_range == (1, 1):
        names = tokens
        if sort_columns:
            first_seen, names, rank = _alphabetical(names)
            ids = rank[ids]
        indptr = np.concatenate([[0], np.cumsum(lengths)])
        idx_dtype = np.int32 if max(len(ids), len(names)) < 2**31 else np.int64
        X = sp.csr_matrix(
            (np.ones(len(ids)), ids.astype(idx_dtype), indptr.astype(idx_dtype)),
            shape=(n_docs, len(names)),
        )
        X.sum_duplicates()
    else:
        rows, cols, names = _ngram_features(ids, lengths, tokens, ngram_range)
        X = sp.coo_matrix(
            (np.ones(len(rows)), (rows, cols)), shape=(n_docs, len(names))
        ).tocsr()
        X.sum_duplicates()
        if sort_columns:
            first_seen, names, rank = _alphabetical(names)
            X = remap_columns(X, rank, len(names))
    if sort_columns:
        return X, names, first_seen
    return X, names


def _alphabetical(names):
    """``order`` sorting ``names``, the sorted names, and each name's rank."""
    order = np.array(sorted(range(len(names)), key=names.__getitem__), np.int64)
    rank = np.empty(len(names), dtype=np.int64)
    rank[order] = np.arange(len(names))
    return order, [names[k] for k in order.tolist()], rank


def limit_features(
    df, totals, names, n_docs, min_df=1, max_features=None, first_seen=None
):
    """Columns kept by ``min_df`` and ``max_features``, in alphabetical order.

    ``df`` holds each column's document frequency, ``totals`` its total count.
    ``max_features`` keeps the largest totals, ties going to the feature seen
    first: ``first_seen`` ranks the columns by first appearance (default: the
    columns are in that order). Returns ``remap`` (old column → new column,
    -1 when dropped) and the kept names in their new order.
    """
    if isinstance(min_df, numbers.Integral):
        min_count = int(min_df)
    else:
        min_count = math.ceil(min_df * n_docs)
    kept = np.flatnonzero(df >= min_count)
    if max_features is not None and len(kept) > max_features:
        if first_seen is None:
            top = np.argsort(-totals[kept], kind="stable")[:max_features]
        else:
            top = np.lexsort((first_seen[kept], -totals[kept]))[:max_features]
        kept = np.sort(kept[top])
    kept_names = [names[k] for k in kept.tolist()]
    order = sorted(range(len(kept_names)), key=kept_names.__getitem__)
    remap = np.full(len(names), -1, dtype=np.int64)
    remap[kept[order]] = np.arange(len(kept))
    return remap, [kept_names[k] for k in order]


def remap_columns(X, remap, n_columns):
    """``X`` with column ``j`` moved to ``remap[j]`` (dropped when negative).

    ``X`` itself when ``remap`` is the identity.
    """
    if n_columns == len(remap) and np.array_equal(remap, np.arange(n_columns)):
        return X
    new = remap[X.indices]
    if remap.min(initial=0) >= 0:  # nothing dropped
        data, indices, indptr = X.data.copy(), new, X.indptr.copy()
    else:
        keep = new >= 0
        cum = np.concatenate([[0], np.cumsum(keep)])
        data, indices, indptr = X.data[keep], new[keep], cum[X.indptr]
    out = sp.csr_matrix(
        (data, indices.astype(X.indices.dtype), indptr),
        shape=(X.shape[0], n_columns),
    )
    kept = remap[remap >= 0]
    if not (X.has_sorted_indices and np.all(kept[1:] > kept[:-1])):
        out.sort_indices()
    return out
