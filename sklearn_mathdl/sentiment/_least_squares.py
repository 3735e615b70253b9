r"""LeastSquaresSentiment: a score per word, fitted by least squares.

Each feature :math:`w` (a word, or an n-gram) has a score :math:`\theta_w`;
a text's score is the sum of its words' scores,

.. math::

    \hat y_i = b + \sum_w c_{iw} \theta_w,

and the scores minimise

.. math::

    \sum_i s_i \Big(y_i - b - \sum_w c_{iw}\theta_w\Big)^2 + \alpha \|\theta\|^2,

:math:`c_{iw}` the count of :math:`w` in text :math:`i`, :math:`s_i` the
sample weight, :math:`b` the unpenalised intercept (Arora's "learning to score
reviews": a Gaussian least-squares fit over a vocabulary of ~100,000 words).
"""

import itertools
import numbers
import warnings
from collections import namedtuple
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, RegressorMixin, _fit_context
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils._param_validation import Interval, RealNotInt, StrOptions
from sklearn.utils.validation import (
    _check_feature_names_in,
    _check_sample_weight,
    check_array,
    check_is_fitted,
    validate_data,
)

from sklearn_mathdl.plugins import (
    TOKENIZERS,
    CarriedPluginsMixin,
    PluginConstraint,
    get_tokenizer,
)
from sklearn_mathdl.sentiment._solvers import (
    CenteredDesign,
    GramDesign,
    conjugate_gradient,
    gram_statistics,
    matvec_threads,
)
from sklearn_mathdl.sentiment._vocabulary import (
    analyze,
    check_texts,
    count_texts,
    limit_features,
    remap_columns,
)

TopWords = namedtuple("TopWords", ["positive", "negative"])
TopWords.__doc__ = (
    """Most positive and most negative features: lists of (word, score)."""
)


@dataclass
class Explanation:
    """Per-token contributions to one prediction (``explain``).

    ``intercept + contributions.sum() == prediction``.
    """

    tokens: list
    contributions: np.ndarray
    intercept: float
    prediction: float

    def __str__(self):
        terms = " ".join(
            f"{t} {c:+.2f}" for t, c in zip(self.tokens, self.contributions)
        )
        return f"{terms} (intercept {self.intercept:+.2f}) = {self.prediction:.2f}"


def _is_texts(X):
    """Whether ``X`` is an iterable of texts (else a count matrix)."""
    if isinstance(X, str | bytes):
        return True
    if sp.issparse(X):
        return False
    if hasattr(X, "ndim") and hasattr(X, "shape"):
        if X.ndim != 1:
            return False
        return np.asarray(X).dtype.kind in "OUST"
    if isinstance(X, list | tuple):
        if not X:
            return True  # an empty text list: check_texts says so
        if any(map(isinstance, X, itertools.repeat(list | tuple | np.ndarray))):
            return False
        return not all(isinstance(e, numbers.Number) for e in X)
    return hasattr(X, "__iter__")


def _holds_text(dtype, head):
    """Whether a column of ``dtype`` holds text; ``head()`` gives its first
    values, read only for an object column (which may hold numbers)."""
    kind = getattr(dtype, "kind", None)
    if kind in ("U", "S"):
        return True
    return kind == "O" and any(map(isinstance, head(), itertools.repeat(str)))


def _one_text_column(X):
    """The texts of a 2-D input of one text column, else None.

    A pandas DataFrame of one text column (``df[["text"]]``) or an
    ``(n_samples, 1)`` array of str or object (a ``ColumnTransformer``
    passthrough) is one text per row; a 2-D input with several columns of which
    any holds text raises, since only one text per sample can be read. Only
    the dtypes, and the first 1000 values of object columns, are read.
    """
    if sp.issparse(X) or getattr(X, "ndim", None) != 2:
        return None
    columns = getattr(X, "columns", None)
    if columns is not None:  # a DataFrame: one dtype per column
        text = [
            str(name)
            for j, (name, dtype) in enumerate(zip(columns, X.dtypes))
            if _holds_text(dtype, lambda j=j: X.iloc[:1000, j])
        ]
        if not text:
            return None
        if X.shape[1] == 1:
            return X.iloc[:, 0].tolist()
        raise ValueError(
            f"X is a DataFrame with {X.shape[1]} columns, of which {text} hold "
            "text: LeastSquaresSentiment reads one text per sample. Select the "
            "text column (df[['text']] or df['text']), or join the columns into "
            "one text, e.g. df['title'] + ' ' + df['body']."
        )
    X = np.asarray(X)
    if not _holds_text(X.dtype, lambda: X[:1000].ravel()):
        return None
    if X.shape[1] == 1:
        return X[:, 0]
    raise ValueError(
        f"X is a 2-D array of shape {X.shape} holding text: LeastSquaresSentiment "
        "reads one text per sample, as shape (n_samples,) or (n_samples, 1). "
        "Select one column, or join the columns into one text per sample."
    )


def _analyzer(vectorizer):
    """The text -> features function of a vectorizer (or a one-step pipeline
    of one), or None."""
    steps = getattr(vectorizer, "steps", None)
    if steps is not None and len(steps) == 1:
        vectorizer = steps[0][1]
    build = getattr(vectorizer, "build_analyzer", None)
    return None if build is None else build()


def _vectorizer_names(vectorizer, n_features):
    """The feature names of a fitted vectorizer, checked against ``coef_``."""
    if not hasattr(vectorizer, "get_feature_names_out"):
        raise TypeError(
            f"vectorizer must be the fitted transformer that made the counts "
            f"(e.g. pipe[:-1] of make_pipeline(CountVectorizer(), "
            f"LeastSquaresSentiment())), with get_feature_names_out; got "
            f"{type(vectorizer).__name__}."
        )
    names = np.asarray(vectorizer.get_feature_names_out(), dtype=object)
    if names.shape != (n_features,):
        raise ValueError(
            f"The vectorizer has {names.shape[0]} output features but this "
            f"LeastSquaresSentiment has {n_features} scores: pass the "
            "vectorizer fitted together with it (the steps before it in the "
            "pipeline)."
        )
    return names


class LeastSquaresSentiment(CarriedPluginsMixin, RegressorMixin, BaseEstimator):
    r"""Word sentiment scores by (ridge) least squares on word counts.

    A text's predicted score is the sum of the scores of its words (tokens,
    or n-grams with ``ngram_range``) plus an intercept:

    .. math::

        \hat y = b + \sum_w c_w \theta_w,

    with :math:`(b, \theta)` minimising

    .. math::

        \sum_i s_i \Big(y_i - b - \sum_w c_{iw}\theta_w\Big)^2 +
        \alpha \|\theta\|^2 .

    ``fit_intercept=False`` is the seed's law exactly (:math:`b = 0`);
    :math:`\alpha = 0` gives the minimum-norm least-squares solution. The
    intercept is eliminated exactly by weighted centring, and the centred
    normal equations
    :math:`(\tilde C^\top S \tilde C + \alpha I)\theta = \tilde C^\top S \tilde y`
    are solved by conjugate gradient with the Jacobi preconditioner
    :math:`\operatorname{diag}(\tilde C^\top S \tilde C) + \alpha`, which
    equilibrates the column norms of a Zipf-distributed vocabulary; the
    centred matrix is never formed.

    Parameters
    ----------
    alpha : float, default=1.0
        Ridge penalty :math:`\alpha \ge 0` on the word scores (not on ``b``).
    fit_intercept : bool, default=True
        Fit the unpenalised intercept :math:`b`.
    tokenizer : str or callable, default="word"
        A name of the ``tokenizer`` registry (``"word"``, ``"whitespace"``,
        or one registered with :func:`sklearn_mathdl.plugins.register_tokenizer`)
        or any callable ``text -> list of str``. Its output is checked in
        ``fit``: anything but a list (or tuple) of str raises a ``TypeError``
        naming the tokenizer and the text.
    lowercase : bool, default=True
        Lowercase texts before tokenising.
    ngram_range : tuple (min_n, max_n), default=(1, 1)
        Features are the n-grams of consecutive tokens with
        ``min_n <= n <= max_n``, so that word order can count
        (``"not good"`` versus ``"good, not"``).
    min_df : int or float, default=1
        Keep features occurring in at least ``min_df`` texts (a fraction of
        the texts when a float in [0, 1]). Text input only.
    max_features : int, default=None
        Keep the ``max_features`` most frequent features. Text input only.
    binary : bool, default=False
        Use presence (0/1) instead of counts.
    solver : {"auto", "pcg", "cg"}, default="auto"
        ``"pcg"``: Jacobi-preconditioned conjugate gradient; ``"cg"``: plain
        conjugate gradient; ``"auto"``: ``"pcg"`` when ``alpha > 0``, else
        ``"cg"`` (whose limit from 0 is the minimum-norm solution).
    tol : float, default=1e-6
        Stop when the residual of the normal equations is ``tol`` times their
        right-hand side, in Euclidean norm.
    max_iter : int, default=None
        Maximum CG iterations (None: 1000). A ``ConvergenceWarning`` is issued
        when it stops the solver first.
    n_jobs : int, default=None
        Threads for the sparse matrix–vector products (None: every core
        available, capped by any thread limit in force); with an integer
        other than 1, texts are also counted in that many joblib workers when
        there are more than 100,000 of them.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
        Feature scores :math:`\theta`.
    intercept_ : float
        :math:`b`.
    vocabulary_ : dict
        Feature → column of ``coef_`` (text input only).
    n_iter_ : int
        Conjugate-gradient iterations of the last solve.
    cg_residuals_ : list of float
        Relative residual norm of the normal equations after each iteration.
    n_features_in_ : int
        Columns of a count-matrix input (matrix input only).
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Column names of a DataFrame input.

    See Also
    --------
    sklearn.linear_model.Ridge : the same objective, general solvers.
    sklearn.feature_extraction.text.CountVectorizer : counts for a Pipeline.

    Notes
    -----
    ``partial_fit`` accumulates the sufficient statistics
    :math:`C^\top S C` (sparse, vocabulary × vocabulary), :math:`C^\top s`,
    :math:`C^\top S y`, :math:`s^\top y`, :math:`\sum_i s_i` and the document
    frequencies, and re-solves after each batch, warm-started: the result is
    exactly that of ``fit`` on all the batches (min_df and max_features are
    applied to the accumulated frequencies). Memory grows with the
    co-occurring pairs of features, not with the number of texts.

    One CG iteration costs two passes over the nonzeros of :math:`C`
    (:math:`C v` and :math:`C^\top u`) plus :math:`O(p)`.

    References
    ----------
    Hutto, C. J. & Gilbert, E. (2014). VADER: a parsimonious rule-based model
    for sentiment analysis of social media text. ICWSM-14.

    Hestenes, M. R. & Stiefel, E. (1952). Methods of conjugate gradients for
    solving linear systems. J. Res. Nat. Bur. Standards 49(6).

    Examples
    --------
    >>> from sklearn_mathdl import LeastSquaresSentiment
    >>> texts = ["loved it", "hated it", "loved the cast", "hated the plot"]
    >>> model = LeastSquaresSentiment(alpha=0.1).fit(texts, [2.0, -2.0, 2.0, -2.0])
    >>> model.predict(["loved the plot"]).round(2)
    array([1.68])
    >>> print(model.explain("Loved the plot!"))
    loved +1.83 the +0.00 plot -0.15 (intercept -0.00) = 1.68
    """

    # A tokenizer registered at run time travels with the pickle (n_jobs workers).
    _plugin_parameters = {"tokenizer": TOKENIZERS}

    _parameter_constraints: dict = {
        "alpha": [Interval(numbers.Real, 0, None, closed="left")],
        "fit_intercept": ["boolean"],
        "tokenizer": [PluginConstraint(TOKENIZERS, callables=True)],
        "lowercase": ["boolean"],
        "ngram_range": [tuple],
        "min_df": [
            Interval(numbers.Integral, 1, None, closed="left"),
            Interval(RealNotInt, 0, 1, closed="both"),
        ],
        "max_features": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "binary": ["boolean"],
        "solver": [StrOptions({"auto", "pcg", "cg"})],
        "tol": [Interval(numbers.Real, 0, None, closed="left")],
        "max_iter": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "n_jobs": [numbers.Integral, None],
    }

    def __init__(
        self,
        alpha=1.0,
        *,
        fit_intercept=True,
        tokenizer="word",
        lowercase=True,
        ngram_range=(1, 1),
        min_df=1,
        max_features=None,
        binary=False,
        solver="auto",
        tol=1e-6,
        max_iter=None,
        n_jobs=None,
    ):
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.tokenizer = tokenizer
        self.lowercase = lowercase
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.max_features = max_features
        self.binary = binary
        self.solver = solver
        self.tol = tol
        self.max_iter = max_iter
        self.n_jobs = n_jobs

    # ------------------------------------------------------------- helpers
    def _check_ngram_range(self):
        r = self.ngram_range
        if not (
            len(r) == 2
            and all(isinstance(n, numbers.Integral) for n in r)
            and 1 <= r[0] <= r[1]
        ):
            raise ValueError(
                f"ngram_range must be a tuple (min_n, max_n) of integers with "
                f"1 <= min_n <= max_n, got {r!r}."
            )
        return int(r[0]), int(r[1])

    def _count(self, texts, sort_columns=False):
        """Counts of checked texts in their own (first-appearance) columns;
        alphabetical columns and their first-appearance ranks with
        ``sort_columns``."""
        return count_texts(
            texts,
            get_tokenizer(self.tokenizer),
            lowercase=self.lowercase,
            ngram_range=self._check_ngram_range(),
            n_jobs=self.n_jobs,
            sort_columns=sort_columns,
        )

    def _binarize(self, C):
        if self.binary:
            C = sp.csr_matrix(C, copy=True)
            C.data = (C.data != 0).astype(np.float64)
            C.eliminate_zeros()
        return C

    def _check_y(self, y, n_samples):
        y = check_array(y, ensure_2d=False, dtype=np.float64, input_name="y")
        if y.ndim != 1:
            if y.ndim == 2 and y.shape[1] == 1:
                y = y.ravel()
            else:
                raise ValueError(
                    f"y must be 1-D (one score per text), got shape {y.shape}."
                )
        if y.shape[0] != n_samples:
            raise ValueError(
                f"Found {n_samples} texts but {y.shape[0]} targets: pass one "
                "target per text."
            )
        return y

    def _check_weights(self, sample_weight, C):
        sw = _check_sample_weight(
            sample_weight, C, dtype=np.float64, ensure_non_negative=True
        )
        if not sw.sum() > 0:
            raise ValueError("The sample weights sum to zero: nothing to fit.")
        return sw

    def _design(self, X, y, *, reset):
        """(C, y, fitted-on-texts?) from texts or a count matrix."""
        column = _one_text_column(X)
        if column is not None:
            X = column
        if _is_texts(X):
            texts = check_texts(X)
            y = self._check_y(y, len(texts))
            return texts, y, True
        X, y = validate_data(
            self,
            X,
            y,
            accept_sparse="csr",
            dtype=np.float64,
            y_numeric=True,
            reset=reset,
        )
        return sp.csr_matrix(X), y, False

    def _max_iter(self):
        return 1000 if self.max_iter is None else self.max_iter

    def _solve(self, design, b, y_mean, x0=None):
        precondition = self.solver == "pcg" or (
            self.solver == "auto" and self.alpha > 0
        )
        if self.alpha == 0:
            x0 = None  # from 0, CG stays in the row space: minimum norm
        theta, n_iter, residuals, converged = conjugate_gradient(
            design,
            b,
            float(self.alpha),
            precondition=precondition,
            tol=self.tol,
            max_iter=self._max_iter(),
            x0=x0,
        )
        if not converged:
            warnings.warn(
                f"Conjugate gradient stopped at max_iter={self._max_iter()} with "
                f"relative residual {residuals[-1]:.2e} > tol={self.tol}. Increase "
                "max_iter, increase alpha or use solver='pcg'.",
                ConvergenceWarning,
                stacklevel=3,
            )
        intercept = y_mean - float(design.x_mean @ theta) if self.fit_intercept else 0.0
        return theta, intercept, n_iter, residuals

    # ----------------------------------------------------------------- tags
    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags

    # -------------------------------------------------------------- fitting
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the word scores.

        Parameters
        ----------
        X : iterable of str, one text column, or {array-like, sparse matrix} of shape (n_samples, n_features)
            Raw texts (tokenised with ``tokenizer``, vocabulary built here):
            a list, 1-D array or Series of str, or one text column in 2-D
            form (a one-column DataFrame such as ``df[["text"]]``, or an
            ``(n_samples, 1)`` array of str, as a ``ColumnTransformer``
            passthrough gives); or a numeric count matrix (e.g. the output of
            a vectoriser). Several text columns raise a ``ValueError``.
        y : array-like of shape (n_samples,)
            Scores (ratings), finite.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights :math:`s_i`.

        Returns
        -------
        self : object
        """
        state = dict(self.__dict__)
        try:
            self._check_ngram_range()
            X, y, on_texts = self._design(X, y, reset=True)
            vocabulary = None
            if on_texts:
                # alphabetical columns: the remap below is monotone, no re-sort
                C, names, first_seen = self._count(X, sort_columns=True)
                df = np.bincount(C.indices, minlength=C.shape[1])
                totals = np.bincount(C.indices, weights=C.data, minlength=C.shape[1])
                remap, kept = limit_features(
                    df,
                    totals,
                    names,
                    C.shape[0],
                    self.min_df,
                    self.max_features,
                    first_seen=first_seen,
                )
                if not kept:
                    raise ValueError(
                        "Empty vocabulary after tokenising and filtering: the "
                        "texts contain no tokens, or min_df/max_features removed "
                        "all of them. Check the texts, the tokenizer or lower "
                        "min_df."
                    )
                C = remap_columns(C, remap, len(kept))
                vocabulary = {w: j for j, w in enumerate(kept)}
            else:
                C = X
            C = self._binarize(C)
            sw = self._check_weights(sample_weight, C)
            design = CenteredDesign(
                C, sw, self.fit_intercept, n_threads=matvec_threads(self.n_jobs)
            )
            b, y_mean = design.rhs(y)
            theta, intercept, n_iter, residuals = self._solve(design, b, y_mean)
        except BaseException:
            self.__dict__.clear()
            self.__dict__.update(state)
            raise
        self.__dict__.pop("_stats", None)
        if on_texts:
            for name in ("n_features_in_", "feature_names_in_"):
                self.__dict__.pop(name, None)
        else:
            self.__dict__.pop("vocabulary_", None)
        self._set_fitted(theta, intercept, n_iter, residuals, vocabulary)
        return self

    def _set_fitted(self, theta, intercept, n_iter, residuals, vocabulary):
        if vocabulary is not None:
            self.vocabulary_ = vocabulary
        self.coef_ = theta
        self.intercept_ = float(intercept)
        self.n_iter_ = int(n_iter)
        self.cg_residuals_ = residuals

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None):
        """Add a batch and re-solve: exactly ``fit`` on all batches so far.

        Accumulates :math:`C^\\top S C` and the other sufficient statistics
        (see Notes of the class); the vocabulary grows with each batch of
        texts. Calling ``fit`` discards what ``partial_fit`` accumulated.

        Parameters
        ----------
        X : iterable of str, or {array-like, sparse matrix}
            A batch of texts, or of count-matrix rows (same columns every call).
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        self : object
        """
        state = dict(self.__dict__)
        try:
            result = self._partial_fit(X, y, sample_weight)
        except BaseException:
            self.__dict__.clear()
            self.__dict__.update(state)
            raise
        self._stats, theta, intercept, n_iter, residuals, vocabulary = result
        self._set_fitted(theta, intercept, n_iter, residuals, vocabulary)
        return self

    def _partial_fit(self, X, y, sample_weight):
        self._check_ngram_range()
        stats = self.__dict__.get("_stats")
        first = stats is None
        X, y, on_texts = self._design(X, y, reset=first)
        if not first and on_texts != stats["texts"]:
            kind = "texts" if stats["texts"] else "a count matrix"
            raise ValueError(
                f"partial_fit was started on {kind}: pass the same kind of input "
                "in every call, or call fit to start again."
            )
        stats = (
            {"texts": on_texts, "words": {}, "n_docs": 0}
            if first
            else {**stats, "words": dict(stats["words"])}
        )
        if on_texts:
            C, names = self._count(X)
            words = stats["words"]
            remap = np.array([words.setdefault(w, len(words)) for w in names])
            C = remap_columns(C, remap, len(words))
        else:
            C = X
        p = C.shape[1]
        df = np.bincount(C.indices, minlength=p)
        totals = np.bincount(C.indices, weights=C.data, minlength=p)
        C = self._binarize(C)
        sw = self._check_weights(sample_weight, C)
        batch = gram_statistics(C, y, sw)
        batch["df"], batch["totals"] = df, totals
        if not first:
            for key, value in batch.items():
                old = stats[key]
                if key == "G":
                    old = old.copy()
                    old.resize((p, p))
                elif isinstance(old, np.ndarray):
                    old = np.concatenate([old, np.zeros(p - old.shape[0], old.dtype)])
                batch[key] = old + value
        stats.update(batch)
        stats["n_docs"] += C.shape[0]
        if on_texts:
            names = list(stats["words"])
            remap, kept = limit_features(
                stats["df"],
                stats["totals"],
                names,
                stats["n_docs"],
                self.min_df,
                self.max_features,
            )
            if not kept:
                raise ValueError(
                    "Empty vocabulary after tokenising and filtering: no token "
                    "passes min_df/max_features yet."
                )
            cols = np.empty(len(kept), dtype=np.int64)
            cols[remap[remap >= 0]] = np.flatnonzero(remap >= 0)
            vocabulary = {w: j for j, w in enumerate(kept)}
        else:
            cols = np.arange(p)
            vocabulary = None
        G = stats["G"][cols][:, cols]
        design = GramDesign(
            G, stats["col_sw"][cols], stats["sw_sum"], self.fit_intercept
        )
        b, y_mean = design.rhs(stats["xsy"][cols], stats["sy"])
        x0 = None
        if not first and hasattr(self, "coef_"):
            old_vocab = self.__dict__.get("vocabulary_")
            if vocabulary is not None and old_vocab is not None:
                x0 = np.array(
                    [self.coef_[old_vocab[w]] if w in old_vocab else 0.0 for w in kept]
                )
            elif vocabulary is None and self.coef_.shape[0] == p:
                x0 = self.coef_
        theta, intercept, n_iter, residuals = self._solve(design, b, y_mean, x0=x0)
        return stats, theta, intercept, n_iter, residuals, vocabulary

    # ----------------------------------------------------------- prediction
    def _count_matrix(self, X):
        """Count matrix of ``X`` in the fitted columns."""
        column = _one_text_column(X)
        if column is not None:
            X = column
        if _is_texts(X):
            if not hasattr(self, "vocabulary_"):
                raise ValueError(
                    "This LeastSquaresSentiment was fitted on a count matrix, so "
                    "it has no vocabulary: pass a count matrix with the same "
                    "columns, or fit it on texts."
                )
            texts = check_texts(X)
            C, names = self._count(texts)
            remap = np.array(
                [self.vocabulary_.get(w, -1) for w in names], dtype=np.int64
            )
            C = remap_columns(C, remap, len(self.coef_))
        elif hasattr(self, "vocabulary_"):
            C = check_array(X, accept_sparse="csr", dtype=np.float64)
            if C.shape[1] != len(self.coef_):
                raise ValueError(
                    f"X has {C.shape[1]} columns, but this LeastSquaresSentiment "
                    f"was fitted on texts with a vocabulary of {len(self.coef_)} "
                    "features: pass texts, or counts in vocabulary_'s columns."
                )
        else:
            C = validate_data(
                self, X, accept_sparse="csr", dtype=np.float64, reset=False
            )
        return (
            self._binarize(C)
            if sp.issparse(C)
            else ((C != 0).astype(np.float64) if self.binary else C)
        )

    def predict(self, X):
        """Predicted scores :math:`b + \\sum_w c_w \\theta_w`.

        Parameters
        ----------
        X : iterable of str, or {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
        """
        check_is_fitted(self)
        C = self._count_matrix(X)
        return np.asarray(C @ self.coef_).ravel() + self.intercept_

    # ----------------------------------------------------------- inspection
    def get_feature_names_out(self, input_features=None):
        """Feature of each entry of ``coef_``: the vocabulary's words, in order.

        For a count-matrix fit, the input's column names (``x0``, ``x1``, ...
        when it had none).
        """
        check_is_fitted(self)
        if hasattr(self, "vocabulary_"):
            names = np.empty(len(self.vocabulary_), dtype=object)
            for word, j in self.vocabulary_.items():
                names[j] = word
            return names
        return _check_feature_names_in(self, input_features)

    def _names(self, vectorizer):
        if vectorizer is None:
            return self.get_feature_names_out()
        return _vectorizer_names(vectorizer, len(self.coef_))

    def top_words(self, n=20, *, vectorizer=None):
        """The ``n`` most positive and ``n`` most negative features.

        Parameters
        ----------
        n : int, default=20
            Number of features on each side.
        vectorizer : fitted transformer, default=None
            For a model fitted on counts made by a vectorizer (scikit-learn
            passes no column names through a sparse matrix): the transformer
            that made them, whose ``get_feature_names_out()`` names the
            columns, e.g. ``pipe[:-1]`` or ``pipe[0]`` of
            ``pipe = make_pipeline(CountVectorizer(), LeastSquaresSentiment())``.
            Default: :meth:`get_feature_names_out` (the vocabulary of a text
            fit, ``x0, x1, ...`` for unnamed counts).

        Returns
        -------
        TopWords
            ``positive``: list of ``(word, score)``, highest first;
            ``negative``: lowest first.

        Examples
        --------
        >>> from sklearn.feature_extraction.text import CountVectorizer
        >>> from sklearn.pipeline import make_pipeline
        >>> from sklearn_mathdl import LeastSquaresSentiment
        >>> pipe = make_pipeline(CountVectorizer(), LeastSquaresSentiment(0.1))
        >>> pipe = pipe.fit(["loved it", "hated it"], [2.0, -2.0])
        >>> pipe[-1].top_words(1, vectorizer=pipe[:-1]).positive[0][0]
        'loved'
        """
        check_is_fitted(self)
        if not (isinstance(n, numbers.Integral) and not isinstance(n, bool) and n >= 1):
            raise ValueError(f"n must be a positive integer, got {n!r}.")
        names = self._names(vectorizer)
        order = np.argsort(-self.coef_, kind="stable")
        pos = [(str(names[j]), float(self.coef_[j])) for j in order[:n]]
        neg = [(str(names[j]), float(self.coef_[j])) for j in order[::-1][:n]]
        return TopWords(pos, neg)

    def explain(self, text, *, vectorizer=None):
        """Each token's (and n-gram's) contribution to the score of ``text``.

        Unseen features contribute 0; with ``binary=True`` only the first
        occurrence of a feature does. ``intercept + sum(contributions)`` equals
        ``predict([text])[0]``.

        Parameters
        ----------
        text : str
            One raw text.
        vectorizer : fitted transformer, default=None
            Needed when the model was fitted on counts (in a pipeline after a
            vectorizer): the transformer that made them (``pipe[:-1]``), with
            ``transform([text])`` and ``get_feature_names_out()``. Each
            distinct feature of ``text`` is then listed once, contributing
            its value in the transformed row (a count, or a tf-idf weight)
            times its score, in order of first appearance when the vectorizer
            (or a one-step pipeline of it) has
            ``build_analyzer`` (``CountVectorizer``, ``TfidfVectorizer``), and
            ``intercept + sum(contributions)`` equals ``pipe.predict([text])[0]``.

        Returns
        -------
        Explanation
            ``tokens``, ``contributions``, ``intercept``, ``prediction``;
            ``print`` gives the table ``"loved +1.10 the +0.10 ... = 2.70"``.

        Examples
        --------
        >>> from sklearn.feature_extraction.text import CountVectorizer
        >>> from sklearn.pipeline import make_pipeline
        >>> from sklearn_mathdl import LeastSquaresSentiment
        >>> pipe = make_pipeline(CountVectorizer(), LeastSquaresSentiment(0.1))
        >>> pipe = pipe.fit(["loved it", "hated it"], [2.0, -2.0])
        >>> print(pipe[-1].explain("Loved it, loved it", vectorizer=pipe[:-1]))
        loved +3.64 it +0.00 (intercept +0.00) = 3.64
        """
        check_is_fitted(self)
        (text,) = check_texts([text], input_name="text")
        if vectorizer is not None:
            return self._explain_counts(text, vectorizer)
        if not hasattr(self, "vocabulary_"):
            raise ValueError(
                "explain needs a vocabulary: this LeastSquaresSentiment was "
                "fitted on a count matrix. Pass the fitted vectorizer that made "
                "the counts, model.explain(text, vectorizer=pipe[:-1]), or fit "
                "it on texts."
            )
        features = analyze(
            text,
            get_tokenizer(self.tokenizer),
            self.lowercase,
            self._check_ngram_range(),
        )
        contributions = np.zeros(len(features))
        seen = set()
        for k, f in enumerate(features):
            j = self.vocabulary_.get(f)
            if j is None or (self.binary and f in seen):
                continue
            seen.add(f)
            contributions[k] = self.coef_[j]
        prediction = self.intercept_ + float(contributions.sum())
        return Explanation(features, contributions, self.intercept_, prediction)

    def _explain_counts(self, text, vectorizer):
        """``explain`` through the vectorizer that made the fitted counts."""
        names = _vectorizer_names(vectorizer, len(self.coef_))
        row = self._count_matrix(vectorizer.transform([text]))
        row = sp.csr_matrix(row)
        columns, values = row.indices, row.data
        analyzer = _analyzer(vectorizer)
        if analyzer is not None:
            first = {}
            for k, feature in enumerate(analyzer(text)):
                first.setdefault(feature, k)
            rank = [first.get(names[j], len(first)) for j in columns.tolist()]
            sort = np.argsort(rank, kind="stable")
            columns, values = columns[sort], values[sort]
        contributions = values * self.coef_[columns]
        prediction = self.intercept_ + float(contributions.sum())
        return Explanation(
            [str(names[j]) for j in columns.tolist()],
            contributions,
            self.intercept_,
            prediction,
        )
