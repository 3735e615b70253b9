r"""Counting texts into a sparse document–term matrix, fast.

Texts become the CSR matrix :math:`C \in \mathbb{N}^{n \times p}`,
:math:`c_{iw}` the number of times feature :math:`w` (a token or an n-gram of
tokens) occurs in text :math:`i`.

For the built-in ``"word"`` and ``"whitespace"`` tokenizers there is no
Python work per text or per token: ASCII batches of texts are tokenised at the
byte level (:mod:`sklearn_mathdl.sentiment._byte_tokens`), other batches code
point by code point (:mod:`sklearn_mathdl.sentiment._code_point_tokens`).
Other tokenizers take the general path: texts are split on
whitespace by :meth:`str.split`, every chunk is mapped to an integer by one
dictionary lookup (``np.fromiter`` over ``map(dict.__getitem__, ...)``), and
the tokenizer is called once per *distinct* chunk (the
``whitespace_separable`` contract of :mod:`sklearn_mathdl.sentiment.tokenizers`)
or per text; its output is checked by
:mod:`sklearn_mathdl.utils._tokenizer_checks`. Token ids are then expanded to
n-grams encoded as integers
(:math:`\text{code}(w_1 \dots w_n) = \text{code}(w_1 \dots w_{n-1})\,V + w_n`,
numbered by :func:`numpy.unique`) and the matrix is assembled by scipy, which
sums duplicate entries. With ``n_jobs`` the general path's chunk-to-id mapping
runs in joblib workers on slices of the texts; only integer arrays and the
distinct chunks travel back.
"""

import contextlib
import gc
import itertools
import math
import numbers
from collections import defaultdict

import numpy as np
import scipy.sparse as sp
from joblib import Parallel, delayed, effective_n_jobs

from sklearn_mathdl.sentiment._byte_tokens import (
    _batch_keys,
    _fast_kind,
    _intern,
    _joined,
    _Keys,
)
from sklearn_mathdl.sentiment._code_point_tokens import _code_point_keys
from sklearn_mathdl.utils._tokenizer_checks import (
    check_token_lists,
    check_tokens,
    raise_bad_token,
    tokenize,
)

# Below this many texts, worker start-up costs more than it saves.
_PARALLEL_MIN_TEXTS = 100_000
_BATCH = 100_000  # texts per batch of the byte-level and code-point paths


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


def analyze(text, tokenizer, lowercase=True, ngram_range=(1, 1)):
    """Features of one text in order: its tokens, then its bigrams, and so on.

    The reference (per-text) path: :func:`count_texts` gives the same counts.
    """
    (tokens,) = tokenize(tokenizer, [text], lowercase)
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
    the splitting itself. An interrupt on any line leaves it as it was."""
    enabled = gc.isenabled()
    try:
        gc.disable()
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
            lists = tokenize(split, batch, lowercase)
        if tokenizer is not None:
            check_token_lists(lists, tokenizer, batch)
        lengths = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
        all_ids.append(_numbered(vocab, lists, int(lengths.sum()), tokenizer, batch))
        all_lengths.append(lengths)
    if not all_ids:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), []
    names = list(vocab)
    if tokenizer is not None:
        check_tokens(names, tokenizer, texts, lowercase)
    return np.concatenate(all_ids), np.concatenate(all_lengths), names


def _numbered(vocab, lists, count, tokenizer, sources):
    """The numbers in ``vocab`` of the tokens of ``lists`` (flat), numbering
    new tokens; a token that cannot be a dictionary key (a list returned by
    a faulty tokenizer) is named, with its text, ``sources[i]``."""
    try:
        return np.fromiter(
            map(vocab.__getitem__, itertools.chain.from_iterable(lists)),
            dtype=np.int64,
            count=count,
        )
    except TypeError:
        raise_bad_token(lists, tokenizer, sources)
        raise


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
    per_chunk = tokenize(tokenizer, names)
    check_token_lists(per_chunk, tokenizer, names)
    counts = np.fromiter(map(len, per_chunk), np.int64, len(per_chunk))
    flat = _numbered(vocab, per_chunk, int(counts.sum()), tokenizer, names)
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


def _general_keys(texts, tokenizer, lowercase, keys):
    """Token keys and tokens per text by the general (per-chunk) path."""
    ids, lengths, names = _token_ids_generic(texts, tokenizer, lowercase, None)
    name_keys = np.fromiter(map(keys.key, names), np.uint64, len(names))
    return name_keys[ids], lengths


def _batch_token_keys(batch, kind, lowercase, keys):
    """Token keys and tokens per text of one batch, for a built-in tokenizer.

    An ASCII batch is read at the byte level; in another, the ASCII texts
    are read at the byte level and the others code point by code point, and
    the keys are put back in text order.
    """
    joined = _joined(batch)
    out = _batch_keys(batch, joined, kind, lowercase, keys)
    if out is not None:
        return out
    is_ascii = np.fromiter(map(str.isascii, batch), dtype=bool, count=len(batch))
    if is_ascii.all() or not is_ascii.any():  # NUL in an ASCII text
        return _code_point_keys(batch, joined, kind, lowercase, keys)
    parts = []
    for part, ascii_texts in ((is_ascii, True), (~is_ascii, False)):
        texts = list(itertools.compress(batch, part))
        joined = _joined(texts)
        out = _batch_keys(texts, joined, kind, lowercase, keys) if ascii_texts else None
        if out is None:  # not ASCII, or NUL in a text
            out = _code_point_keys(texts, joined, kind, lowercase, keys)
        parts.append((np.flatnonzero(part), *out))
    return _in_text_order(parts, len(batch))


def _in_text_order(parts, n_texts):
    """Token keys and tokens per text of texts read in parts, in text order.

    ``parts`` holds (the texts' indices, their token keys, their tokens per
    text) for parts of the texts.
    """
    lengths = np.empty(n_texts, dtype=np.int64)
    for texts, _, part_lengths in parts:
        lengths[texts] = part_lengths
    offsets = np.cumsum(lengths) - lengths
    out = np.empty(int(lengths.sum()), dtype=np.uint64)
    for texts, part_keys, part_lengths in parts:
        shift = offsets[texts] - (np.cumsum(part_lengths) - part_lengths)
        out[np.repeat(shift, part_lengths) + np.arange(len(part_keys))] = part_keys
    return out, lengths


def _token_ids(texts, tokenizer, lowercase, n_jobs):
    """Token ids (flat), tokens per text and token names of ``texts``.

    With a built-in tokenizer, each batch is tokenised without calling it:
    ASCII batches at the byte level, the others code point by code point.
    """
    kind = _fast_kind(tokenizer)
    if kind is None:
        return _token_ids_generic(texts, tokenizer, lowercase, n_jobs)
    keys = _Keys()
    all_keys, all_lengths = [], []
    for start in range(0, len(texts), _BATCH):
        batch = texts[start : start + _BATCH]
        out = _batch_token_keys(batch, kind, lowercase, keys)
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
    # texts too short for any n-gram in the range give no entries at all
    rows, cols, names = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)], []
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


def empty_vocabulary_error(n_found, ngram_range, tokenizer, min_df, max_features):
    """The ValueError for texts that leave no feature to score.

    ``n_found`` features were found before ``min_df`` and ``max_features``;
    ``tokenizer`` is how the error names the tokenizer.
    """
    min_n, max_n = ngram_range
    if n_found:
        problem = (
            f"min_df={min_df!r} and max_features={max_features!r} removed all "
            f"{n_found} features found. Lower min_df"
        )
    elif max_n == 1:
        problem = (
            "the texts hold no tokens: they are blank, or hold nothing the "
            f"tokenizer {tokenizer} keeps. Check the texts and the tokenizer"
        )
    else:
        problem = (
            f"no text has {min_n} tokens (tokenizer {tokenizer}), so there is "
            f"no n-gram in ngram_range={ngram_range!r}. Lower min_n, e.g. "
            f"ngram_range=(1, {max_n}), or check the texts and the tokenizer"
        )
    return ValueError(
        f"Empty vocabulary: {problem}. With no feature every score would be "
        "the intercept, so, like scikit-learn's CountVectorizer, "
        "LeastSquaresSentiment refuses to fit."
    )


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
