"""Word scores learned from movie reviews: the word table and one explanation.

LeastSquaresSentiment fits a score per word on the 10,605 human-rated movie
snippets shipped with the package (Hutto & Gilbert, 2014); a review's score is
the sum of its words' scores plus an intercept. Left: the most positive and
most negative words. Right: the contribution of each word of one review,
which sum (with the intercept) to its prediction.
"""

import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from sklearn_mathdl import LeastSquaresSentiment
from sklearn_mathdl.datasets import load_movie_snippets
from sklearn_mathdl.demos._sentiment import plot_word_table

quick = os.environ.get("MATHDL_QUICK") == "1"
figures = Path(os.environ.get("MATHDL_FIGURES", "mathdl_figures"))
figures.mkdir(parents=True, exist_ok=True)

texts, ratings = load_movie_snippets(return_X_y=True)
if quick:
    texts, ratings = texts[::2], ratings[::2]
model = LeastSquaresSentiment(alpha=10.0).fit(texts, ratings)

review = "Loved the cast, but the plot was dull and far too long."
explanation = model.explain(review)
print(explanation)

fig, axes = plt.subplots(1, 3, figsize=(15, 5))
plot_word_table(model, axes[0], axes[1], n=15)
tokens, contributions = explanation.tokens, explanation.contributions
axes[2].barh(
    range(len(tokens))[::-1],
    contributions,
    color=["tab:green" if c > 0 else "tab:red" for c in contributions],
)
axes[2].set_yticks(range(len(tokens))[::-1], tokens)
axes[2].set_title(
    f"explain: intercept {explanation.intercept:+.2f}, "
    f"prediction {explanation.prediction:+.2f}"
)
axes[2].set_xlabel("contribution θ_w")
fig.tight_layout()
fig.savefig(figures / "sentiment_words.png", dpi=100)
print(f"saved {figures / 'sentiment_words.png'}")
