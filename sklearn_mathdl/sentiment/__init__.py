"""Sentiment: word scores by least squares, tokenizer plugins.

Modules
-------
- :mod:`~sklearn_mathdl.sentiment.tokenizers`: the built-in tokenizers,
  registered on import in :data:`sklearn_mathdl.plugins.TOKENIZERS`;
- ``_vocabulary``: fast counting of texts into a sparse matrix (n-grams,
  ``min_df``, ``max_features``);
- ``_solvers``: Jacobi-preconditioned conjugate gradient on the centred normal
  equations;
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
