"""Sentiment: word scores by least squares, tokenizer plugins.

Modules
-------
- :mod:`~sklearn_mathdl.sentiment.tokenizers`: the built-in tokenizers,
  registered on import in :data:`sklearn_mathdl.plugins.TOKENIZERS`;
- ``_vocabulary``: fast counting of texts into a sparse matrix (n-grams,
  ``min_df``, ``max_features``), with ``_byte_tokens`` (the byte-level
  tokenising of ASCII batches by the built-in tokenizers);
- ``_inputs``: what is read from ``X``, ``y`` and ``sample_weight`` (texts or
  a count matrix, numbers), with errors naming the offending item;
- ``_solvers``: the centred normal equations as operators, solved by scipy's
  conjugate gradient with the Jacobi preconditioner;
- ``_scaling``: exact power-of-two rescaling of targets and weights, and the
  overflow checks of a fit;
- ``_accumulate``: the sufficient statistics ``partial_fit`` accumulates;
- ``_inspection``: ``top_words``, ``explain``, ``get_feature_names_out``;
- ``_least_squares``: :class:`LeastSquaresSentiment`.
"""

# Importing the tokenizers module registers the built-in tokenizers.
from sklearn_mathdl.sentiment import tokenizers  # noqa: F401
from sklearn_mathdl.sentiment._least_squares import (
    Explanation,
    LeastSquaresSentiment,
    TopWords,
)

__all__ = ["LeastSquaresSentiment", "Explanation", "TopWords"]
