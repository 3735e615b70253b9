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

import numbers
import warnings

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, RegressorMixin, _fit_context
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils._param_validation import Interval, RealNotInt, StrOptions
from sklearn.utils.validation import (
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
from sklearn_mathdl.sentiment._accumulate import SufficientStatistics
from sklearn_mathdl.sentiment._inputs import (
    TARGET_ADVICE,
    check_numbers,
    check_targets,
    check_weights,
    read_input,
)
from sklearn_mathdl.sentiment._inspection import (
    Explanation,
    SentimentInspectionMixin,
    TopWords,
)
from sklearn_mathdl.sentiment._scaling import (
    ProblemScale,
    all_finite,
    check_row_predictions,
    check_scores,
    solve_overflow_error,
)
from sklearn_mathdl.sentiment._solvers import (
    CenteredDesign,
    conjugate_gradient,
    matvec_threads,
)
from sklearn_mathdl.sentiment._vocabulary import (
    check_texts,
    count_texts,
    empty_vocabulary_error,
    limit_features,
    remap_columns,
)
from sklearn_mathdl.utils._tokenizer_checks import tokenizer_name
from sklearn_mathdl.utils._transaction import fit_transaction

__all__ = ["LeastSquaresSentiment", "Explanation", "TopWords"]


class LeastSquaresSentiment(
    SentimentInspectionMixin, CarriedPluginsMixin, RegressorMixin, BaseEstimator
):
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
    are solved by conjugate gradient (:func:`scipy.sparse.linalg.cg`) with the
    Jacobi preconditioner
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
    sklearn.linear_model.Ridge : The same objective, general solvers.
    sklearn.feature_extraction.text.CountVectorizer : Counts for a Pipeline.

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

    Targets and weights of any finite magnitude are solved exactly, rescaled
    by powers of two; a fit whose scores would make predictions overflow
    float64 (targets near ``1e308``) raises a ``ValueError`` naming ``y``'s
    scale. ``fit`` and ``partial_fit`` are transactions: if they raise,
    ``KeyboardInterrupt`` included, the estimator is exactly the model it was
    before the call, and the exception propagates.

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
    # partial_fit adds each batch to its statistics in place; fit_transaction
    # copies them first, so that a failed or interrupted call is undone.
    _mutated_in_place = ("_stats",)

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

    def _batch(self, X, y, *, reset):
        """(texts or None, counts or None, y) of a batch, checked: the texts
        and y of text input, else the validated count matrix and y."""
        texts, X = read_input(X)
        if texts is not None:
            texts = check_texts(texts)
            return texts, None, check_targets(y, len(texts))
        y = check_numbers(y, "y", TARGET_ADVICE)
        X, y = validate_data(
            self,
            X,
            y,
            accept_sparse="csr",
            dtype=np.float64,
            y_numeric=True,
            reset=reset,
        )
        return None, sp.csr_matrix(X), y

    def _empty_vocabulary_error(self, n_found):
        tokenizer = self.tokenizer
        return empty_vocabulary_error(
            n_found,
            self._check_ngram_range(),
            repr(tokenizer)
            if isinstance(tokenizer, str)
            else tokenizer_name(tokenizer),
            self.min_df,
            self.max_features,
        )

    def _vocabulary_counts(self, texts):
        """Counts of ``texts`` in the columns of their vocabulary (after
        ``min_df`` and ``max_features``), and that vocabulary."""
        # alphabetical columns: the remap below is monotone, no re-sort
        C, names, first_seen = self._count(texts, sort_columns=True)
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
            raise self._empty_vocabulary_error(len(names))
        return remap_columns(C, remap, len(kept)), {w: j for j, w in enumerate(kept)}

    def _solve(self, design, b, y_mean, scale, counts=None, x0=None):
        """Scores and intercept from the (rescaled) normal equations, with the
        number of iterations and the residuals; ``counts`` is the count matrix
        of a matrix fit (named in overflow errors)."""
        alpha = scale.weights(float(self.alpha))
        if not all_finite(b, design.diag, design.x_mean, y_mean, alpha):
            raise solve_overflow_error(scale, self.alpha, counts)
        precondition = self.solver == "pcg" or (
            self.solver == "auto" and self.alpha > 0
        )
        # from 0, CG stays in the row space: minimum norm
        x0 = None if self.alpha == 0 or x0 is None else scale.targets(x0)
        max_iter = 1000 if self.max_iter is None else self.max_iter
        theta, n_iter, residuals, converged = conjugate_gradient(
            design,
            b,
            alpha,
            precondition=precondition,
            tol=self.tol,
            max_iter=max_iter,
            x0=x0,
        )
        if not all_finite(theta, residuals):
            raise solve_overflow_error(scale, self.alpha, counts)
        if not converged:
            warnings.warn(
                f"Conjugate gradient stopped at max_iter={max_iter} with "
                f"relative residual {residuals[-1]:.2e} > tol={self.tol}. Increase "
                "max_iter, increase alpha or use solver='pcg'.",
                ConvergenceWarning,
                stacklevel=4,
            )
        intercept = y_mean - float(design.x_mean @ theta) if self.fit_intercept else 0.0
        theta, intercept = scale.unscale(theta, intercept)
        check_scores(theta, intercept, scale, counts)
        if counts is not None:
            bound = getattr(design, "entry_bound", None)
            check_row_predictions(counts, theta, intercept, bound)
        return theta, intercept, n_iter, residuals

    # ----------------------------------------------------------------- tags
    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags

    # -------------------------------------------------------------- fitting
    @fit_transaction
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
            The fitted estimator.
        """
        self._check_ngram_range()
        texts, C, y = self._batch(X, y, reset=True)
        vocabulary = None
        if texts is not None:
            C, vocabulary = self._vocabulary_counts(texts)
        C = self._binarize(C)
        sw = check_weights(sample_weight, C)
        scale = ProblemScale(float(np.abs(y).max(initial=0.0)), float(sw.max()))
        with np.errstate(over="ignore", invalid="ignore"):
            design = CenteredDesign(
                C,
                scale.weights(sw),
                self.fit_intercept,
                n_threads=matvec_threads(self.n_jobs),
            )
            b, y_mean = design.rhs(scale.targets(y))
            solution = self._solve(
                design, b, y_mean, scale, counts=None if texts is not None else C
            )
        self.__dict__.pop("_stats", None)
        if texts is not None:
            for name in ("n_features_in_", "feature_names_in_"):
                self.__dict__.pop(name, None)
        else:
            self.__dict__.pop("vocabulary_", None)
        self._set_fitted(*solution, vocabulary)
        return self

    def _set_fitted(self, theta, intercept, n_iter, residuals, vocabulary):
        if vocabulary is not None:
            self.vocabulary_ = vocabulary
        self.coef_ = theta
        self.intercept_ = float(intercept)
        self.n_iter_ = int(n_iter)
        self.cg_residuals_ = residuals

    @fit_transaction
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
            Scores (ratings) of the batch, finite.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights :math:`s_i` of the batch.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        self._check_ngram_range()
        stats = self.__dict__.get("_stats")
        texts, C, y = self._batch(X, y, reset=stats is None)
        if stats is not None and (texts is not None) != stats.on_texts:
            kind = "texts" if stats.on_texts else "a count matrix"
            raise ValueError(
                f"partial_fit was started on {kind}: pass the same kind of input "
                "in every call, or call fit to start again."
            )
        if stats is None:
            stats = self._stats = SufficientStatistics(texts is not None)
        if texts is not None:
            C = stats.columns(*self._count(texts))
        p = C.shape[1]
        df = np.bincount(C.indices, minlength=p)
        totals = np.bincount(C.indices, weights=C.data, minlength=p)
        C = self._binarize(C)
        sw = check_weights(sample_weight, C)
        with np.errstate(over="ignore", invalid="ignore"):
            stats.add(C, y, sw, df, totals)
            solution = self._solve_statistics(stats, None if texts is not None else C)
        self._set_fitted(*solution)
        return self

    def _solve_statistics(self, stats, counts):
        """Re-solve from the accumulated statistics, warm-started from the
        current scores; the solution and the vocabulary. ``counts``: the
        batch's count matrix (its predictions are checked), for matrix input."""
        vocabulary, kept = None, None
        if stats.on_texts:
            cols, vocabulary = stats.vocabulary(self.min_df, self.max_features)
            if not vocabulary:
                raise self._empty_vocabulary_error(len(stats.words))
            kept = list(vocabulary)
        else:
            cols = np.arange(len(stats.sums["col_sw"]))
        design, b, y_mean = stats.design(cols, self.fit_intercept)
        x0 = None
        if hasattr(self, "coef_"):
            old_vocab = self.__dict__.get("vocabulary_")
            if vocabulary is not None and old_vocab is not None:
                x0 = np.array(
                    [self.coef_[old_vocab[w]] if w in old_vocab else 0.0 for w in kept]
                )
            elif vocabulary is None and self.coef_.shape[0] == len(cols):
                x0 = self.coef_
        solution = self._solve(design, b, y_mean, stats.scale(), counts, x0)
        return *solution, vocabulary

    # ----------------------------------------------------------- prediction
    def _count_matrix(self, X):
        """Count matrix of ``X`` in the fitted columns."""
        texts, X = read_input(X)
        if texts is not None:
            if not hasattr(self, "vocabulary_"):
                raise ValueError(
                    "This LeastSquaresSentiment was fitted on a count matrix, so "
                    "it has no vocabulary: pass a count matrix with the same "
                    "columns, or fit it on texts."
                )
            C, names = self._count(check_texts(texts))
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
        """Predict the scores :math:`b + \\sum_w c_w \\theta_w`.

        Parameters
        ----------
        X : iterable of str, or {array-like, sparse matrix} of shape (n_samples, n_features)
            Texts, or a count matrix with the columns seen in ``fit``.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            The predicted score of each sample.
        """
        check_is_fitted(self)
        C = self._count_matrix(X)
        return np.asarray(C @ self.coef_).ravel() + self.intercept_
