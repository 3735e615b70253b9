"""Demo of the sentiment family: word scores learned from the movie snippets."""

import time
from pathlib import Path

import numpy as np
from sklearn.model_selection import train_test_split


def plot_word_table(model, ax_pos, ax_neg, n=12):
    """Bar charts of the ``n`` most positive and most negative words."""
    top = model.top_words(n)
    for ax, pairs, color, title in (
        (ax_pos, top.positive, "tab:green", "most positive words"),
        (ax_neg, top.negative, "tab:red", "most negative words"),
    ):
        words = [w for w, _ in pairs][::-1]
        scores = [s for _, s in pairs][::-1]
        ax.barh(words, scores, color=color)
        ax.set_title(title)
        ax.set_xlabel("score θ_w")


def run_demo(figures="mathdl_figures", quick=False, out=print, section=3):
    """Fit LeastSquaresSentiment on the shipped snippets; report, plot, return."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from sklearn_mathdl.datasets import load_movie_snippets
    from sklearn_mathdl.sentiment import LeastSquaresSentiment

    figures = Path(figures)
    figures.mkdir(parents=True, exist_ok=True)
    texts, y = load_movie_snippets(return_X_y=True)
    if quick:
        texts, y = texts[::2], y[::2]
    tr, te, ytr, yte = train_test_split(texts, y, test_size=0.2, random_state=0)
    start = time.perf_counter()
    model = LeastSquaresSentiment(alpha=10.0).fit(tr, ytr)
    seconds = time.perf_counter() - start
    r2 = model.score(te, yte)
    out(
        f"{section}. LeastSquaresSentiment on {len(tr)} human-rated movie snippets "
        "(Hutto & Gilbert 2014)"
    )
    out(
        f"   {len(model.vocabulary_)} word scores by Jacobi-preconditioned CG: "
        f"{model.n_iter_} iterations, {seconds:.2f} s; held-out R^2 {r2:.3f}"
    )
    top = model.top_words(5)
    out("   most positive: " + ", ".join(f"{w} {s:+.2f}" for w, s in top.positive))
    out("   most negative: " + ", ".join(f"{w} {s:+.2f}" for w, s in top.negative))
    review = "A gorgeous, funny film, though the plot is a mess."
    explanation = model.explain(review)
    out(f"   explain: {explanation}")

    fig, (ax_pos, ax_neg) = plt.subplots(1, 2, figsize=(10, 4.5))
    plot_word_table(model, ax_pos, ax_neg)
    fig.suptitle(f"Word scores learned from movie snippets (held-out R² {r2:.2f})")
    fig.tight_layout()
    fig.savefig(figures / "demo_sentiment.png", dpi=100)
    plt.close(fig)
    return {
        "n_train": len(tr),
        "n_words": len(model.vocabulary_),
        "n_iter": model.n_iter_,
        "fit_seconds": seconds,
        "r2": float(r2),
        "explain_prediction": float(explanation.prediction),
        "top_positive": top.positive[0][0],
        "top_negative": top.negative[0][0],
        "mean_rating": float(np.mean(y)),
    }
