"""Reading a fitted LeastSquaresSentiment: its features, top words, and the
contribution of each token of a text to its score."""

import numbers
from collections import namedtuple
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.utils.validation import _check_feature_names_in, check_is_fitted

from sklearn_mathdl.plugins import get_tokenizer
from sklearn_mathdl.sentiment._vocabulary import analyze, check_texts

TopWords = namedtuple("TopWords", ["positive", "negative"])
TopWords.__doc__ = """Most positive and most negative features: lists of (word, score).

The named tuple returned by
:meth:`~sklearn_mathdl.LeastSquaresSentiment.top_words`; each list holds
``(word, score)`` pairs, the score being the feature's entry of ``coef_``.

Parameters
----------
positive : list of (str, float)
    The features of highest score, highest first.
negative : list of (str, float)
    The features of lowest score, lowest first.

See Also
--------
Explanation : Per-token contributions to one prediction.

Examples
--------
>>> from sklearn_mathdl.sentiment import TopWords
>>> top = TopWords([("loved", 2.1)], [("hated", -1.9)])
>>> top.positive[0][0], top.negative[0][1]
('loved', -1.9)
"""


@dataclass
class Explanation:
    """Per-token contributions to one prediction (``explain``).

    ``intercept + contributions.sum() == prediction``; ``print`` shows the
    table ``"token +contribution ... (intercept +b) = prediction"``.

    Parameters
    ----------
    tokens : list of str
        The tokens (or n-grams, or vectorizer features) of the text, in order.
    contributions : ndarray of shape (n_tokens,)
        The contribution of each token to the score (0 for unseen features).
    intercept : float
        The model's intercept :math:`b`.
    prediction : float
        The predicted score, ``intercept + contributions.sum()``.

    See Also
    --------
    TopWords : Most positive and most negative features of a model.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_mathdl.sentiment import Explanation
    >>> print(Explanation(["not", "bad"], np.array([-0.5, 1.25]), 0.25, 1.0))
    not -0.50 bad +1.25 (intercept +0.25) = 1.00
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


class SentimentInspectionMixin:
    """``get_feature_names_out``, ``top_words`` and ``explain`` of a fitted
    model with ``coef_``, ``intercept_`` (and ``vocabulary_`` after texts)."""

    def get_feature_names_out(self, input_features=None):
        """Get the feature of each entry of ``coef_``: the vocabulary's words.

        For a count-matrix fit, the input's column names (``x0``, ``x1``, ...
        when it had none).

        Parameters
        ----------
        input_features : array-like of str, default=None
            Column names of a count-matrix input, checked against those seen
            in ``fit``.

        Returns
        -------
        names : ndarray of str objects
            The name of each feature, in the order of ``coef_``.
        """
        check_is_fitted(self)
        if hasattr(self, "vocabulary_"):
            names = np.empty(len(self.vocabulary_), dtype=object)
            for word, j in self.vocabulary_.items():
                names[j] = word
            return names
        return _check_feature_names_in(self, input_features)

    def top_words(self, n=20, *, vectorizer=None):
        """Return the ``n`` most positive and ``n`` most negative features.

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
        >>> from sklearn_mathdl import LeastSquaresSentiment
        >>> model = LeastSquaresSentiment(0.1).fit(
        ...     ["loved it", "hated it", "loved the cast"], [2.0, -2.0, 2.5]
        ... )
        >>> [word for word, score in model.top_words(2).positive]
        ['loved', 'cast']
        """
        check_is_fitted(self)
        if not (isinstance(n, numbers.Integral) and not isinstance(n, bool) and n >= 1):
            raise ValueError(f"n must be a positive integer, got {n!r}.")
        if vectorizer is None:
            names = self.get_feature_names_out()
        else:
            names = _vectorizer_names(vectorizer, len(self.coef_))
        order = np.argsort(-self.coef_, kind="stable")
        pos = [(str(names[j]), float(self.coef_[j])) for j in order[:n]]
        neg = [(str(names[j]), float(self.coef_[j])) for j in order[::-1][:n]]
        return TopWords(pos, neg)

    def explain(self, text, *, vectorizer=None):
        """Compute each token's (and n-gram's) contribution to the score of ``text``.

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
        return self._explanation(features, contributions)

    def _explanation(self, features, contributions):
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
        return self._explanation(
            [str(names[j]) for j in columns.tolist()], contributions
        )
