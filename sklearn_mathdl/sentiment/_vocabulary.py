r"""Counting texts into a sparse document–term matrix, fast.

Texts become the CSR matrix :math:`C \in \mathbb{N}^{n \times p}`,
:math:`c_{iw}` the number of times feature :math:`w` (a token or an n-gram of
tokens) occurs in text :math:`i`.

The work per token is kept in C: texts are lowercased and split on whitespace
by :meth:`str.split`, every chunk is mapped to an integer by one dictionary
lookup (``np.fromiter`` over ``map(dict.__getitem__, ...)``), and the
tokenizer is called once per *distinct* chunk (the ``whitespace_separable``
contract of :mod:`sklearn_mathdl.sentiment.tokenizers`). Chunk ids are then
expanded to token ids, n-grams are encoded as integers
(:math:`\text{code}(w_1 \dots w_n) = \text{code}(w_1 \dots w_{n-1})\,V + w_n`,
numbered by :func:`numpy.unique`) and the matrix is assembled by scipy, which
sums duplicate entries. With ``n_jobs`` the chunk-to-id mapping runs in joblib
workers on slices of the texts; only integer arrays and the distinct chunks
travel back.
"""

import itertools
import math
import numbers
from collections import defaultdict

import numpy as np
import scipy.sparse as sp
from joblib import Parallel, delayed, effective_n_jobs

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
    for i, text in enumerate(texts):
        if not isinstance(text, str):
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
    tokens = tokenizer(text.lower() if lowercase else text)
    min_n, max_n = ngram_range
    features = []
    for n in range(min_n, max_n + 1):
        features.extend(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
    return features


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
        if lowercase:
            lists = [split(t.lower()) for t in batch]
        else:
            lists = [split(t) for t in batch]
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
    return np.concatenate(all_ids), np.concatenate(all_lengths), list(vocab)


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


def _token_ids(texts, tokenizer, lowercase, n_jobs):
    """Token ids (flat), tokens per text and token names of ``texts``."""
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
    counts = np.fromiter(map(len, per_chunk), np.int64, len(per_chunk))
    flat = np.fromiter(
        map(vocab.__getitem__, itertools.chain.from_iterable(per_chunk)),
        np.int64,
        int(counts.sum()),
    )
    tokens = list(vocab)
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


def count_texts(texts, tokenizer, *, lowercase=True, ngram_range=(1, 1), n_jobs=None):
    """Count the features of ``texts`` (already checked, a list of str).

    Returns
    -------
    X : csr_matrix of shape (n_texts, n_found), float64
        Counts, columns in order of first appearance.
    names : list of str
        The feature of each column (n-grams joined by a space).

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
    """
    ids, lengths, tokens = _token_ids(texts, tokenizer, lowercase, n_jobs)
    n_docs = len(texts)
    if ngram_range == (1, 1):
        indptr = np.concatenate([[0], np.cumsum(lengths)])
        names = tokens
        idx_dtype = np.int32 if max(len(ids), len(names)) < 2**31 else np.int64
        X = sp.csr_matrix(
            (np.ones(len(ids)), ids.astype(idx_dtype), indptr.astype(idx_dtype)),
            shape=(n_docs, len(names)),
        )
    else:
        rows, cols, names = _ngram_features(ids, lengths, tokens, ngram_range)
        X = sp.coo_matrix(
            (np.ones(len(rows)), (rows, cols)), shape=(n_docs, len(names))
        ).tocsr()
    X.sum_duplicates()
    return X, names


def limit_features(df, totals, names, n_docs, min_df=1, max_features=None):
    """Columns kept by ``min_df`` and ``max_features``, in alphabetical order.

    ``df`` holds each column's document frequency, ``totals`` its total count.
    Returns ``remap`` (old column → new column, -1 when dropped) and the kept
    names in their new order.
    """
    if isinstance(min_df, numbers.Integral):
        min_count = int(min_df)
    else:
        min_count = math.ceil(min_df * n_docs)
    kept = np.flatnonzero(df >= min_count)
    if max_features is not None and len(kept) > max_features:
        top = np.argsort(-totals[kept], kind="stable")[:max_features]
        kept = np.sort(kept[top])
    kept_names = [names[k] for k in kept.tolist()]
    order = sorted(range(len(kept_names)), key=kept_names.__getitem__)
    remap = np.full(len(names), -1, dtype=np.int64)
    remap[kept[order]] = np.arange(len(kept))
    return remap, [kept_names[k] for k in order]


def remap_columns(X, remap, n_columns):
    """``X`` with column ``j`` moved to ``remap[j]`` (dropped when negative)."""
    new = remap[X.indices]
    keep = new >= 0
    cum = np.concatenate([[0], np.cumsum(keep)])
    out = sp.csr_matrix(
        (X.data[keep], new[keep].astype(X.indices.dtype), cum[X.indptr]),
        shape=(X.shape[0], n_columns),
    )
    out.sort_indices()
    return out
