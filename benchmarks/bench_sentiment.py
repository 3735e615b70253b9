"""Benchmark: LeastSquaresSentiment against scikit-learn, side by side in one run.

Synthetic reviews: a Zipf vocabulary of 100,000 words (frequency of the word
of rank r proportional to 1/r), 20 words a review, known word scores
theta ~ N(0, 1) / sqrt(20), ratings y = c . theta + N(0, 0.5^2).

(a) from a sparse count matrix: ours against sklearn.linear_model.Ridge with
    the same alpha, solvers sparse_cg, lsqr and sag (their default tol);
    ours with tol=1e-4, and the held-out RMSE of each;
(b) from raw text: ours end to end against CountVectorizer + Ridge (the
    fastest solver of (a)), the vocabulary size of each; then ours once more
    with 1 % and with all of the texts made non-ASCII (a dash appended), and
    with every word non-ASCII ("é" for "w"): the byte-level tokenising reads
    the ASCII texts of a batch, the code-point one the others (their tokens
    of at most 8 UTF-8 bytes keyed by those bytes, as ASCII tokens are); each
    line gives the speed relative to the all-ASCII texts, fits timed in turns
    (target for non-ASCII texts: at least 0.8x);
(c) real data: train on the shipped movie snippets (80 %), test on the held-out
    20 % and on the amazon snippets of /work/shared/data/vader-rated (if
    present), alpha tuned by 5-fold CV for both (ours; CountVectorizer+Ridge).

Each line: our time, the competitor's time, their ratio, held-out quality of
each; medians of --repeats runs for ours (scikit-learn once at n >= 1e6).

Run heavy sizes under the lock: ``flock /tmp/mathdl_bench.lock python
benchmarks/bench_sentiment.py`` (``--quick``: n = 100,000 only).
"""

import argparse
import os
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import Ridge
from sklearn.metrics import r2_score
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import make_pipeline

from sklearn_mathdl import LeastSquaresSentiment
from sklearn_mathdl.datasets import load_movie_snippets
from sklearn_mathdl.datasets._movie_snippets import read_rated_snippets

AMAZON = Path("/work/shared/data/vader-rated/amazonReviewSnippets_GroundTruth.txt")
P, K, NOISE, ALPHA = 100_000, 20, 0.5, 1.0


def generate(n, seed=0):
    """Word ids (n, K), ratings, true theta."""
    rng = np.random.default_rng(seed)
    prob = 1.0 / np.arange(1, P + 1)
    prob /= prob.sum()
    theta = rng.normal(size=P) / np.sqrt(K)
    words = rng.choice(P, size=(n, K), p=prob).astype(np.int32)
    y = theta[words].sum(axis=1) + NOISE * rng.normal(size=n)
    return words, y


def count_matrix(words):
    n = words.shape[0]
    indptr = np.arange(0, n * K + 1, K, dtype=np.int64)
    indices = words.ravel().astype(np.int64)  # a copy: sum_duplicates sorts it
    X = sp.csr_matrix((np.ones(n * K), indices, indptr), shape=(n, P))
    X.sum_duplicates()
    return X


def texts_of(words):
    vocab = np.array([f"w{np.base_repr(i, 36).lower()}" for i in range(P)])
    return [" ".join(row) for row in vocab[words].tolist()]


def rmse(a, b):
    return float(np.sqrt(np.mean((a - b) ** 2)))


def timed(fn, repeats):
    times, out = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return float(np.median(times)), out


def timed_in_turns(fn_a, fn_b, repeats):
    """Median times of ``fn_a`` and ``fn_b``, run alternately."""
    times_a, times_b = [], []
    for _ in range(repeats):
        times_a.append(timed(fn_a, 1)[0])
        times_b.append(timed(fn_b, 1)[0])
    return float(np.median(times_a)), float(np.median(times_b))


def case_matrix(n, repeats, solvers):
    words, y = generate(n + n // 10)
    X = count_matrix(words)
    Xtr, Xte, ytr, yte = X[:n], X[n:], y[:n], y[n:]
    ours = LeastSquaresSentiment(ALPHA, tol=1e-4)
    t_ours, _ = timed(lambda: ours.fit(Xtr, ytr), repeats)
    e_ours = rmse(ours.predict(Xte), yte)
    best = None
    for solver in solvers:
        ridge = Ridge(ALPHA, solver=solver, random_state=0)
        t, _ = timed(lambda r=ridge: r.fit(Xtr, ytr), 1 if n >= 10**6 else repeats)
        e = rmse(ridge.predict(Xte), yte)
        print(
            f"(a) n={n:>9,} counts  ours {t_ours:6.2f} s ({ours.n_iter_} it)  "
            f"Ridge({solver:<9}) {t:7.2f} s  ratio {t / t_ours:6.1f}x  "
            f"held-out RMSE ours {e_ours:.4f} / Ridge {e:.4f}",
            flush=True,
        )
        if best is None or t < best[1]:
            best = (solver, t)
    print(
        f"(a) n={n:>9,} counts  ours {t_ours:6.2f} s vs fastest Ridge "
        f"({best[0]}) {best[1]:.2f} s: {best[1] / t_ours:.1f}x",
        flush=True,
    )
    return best[0], words, y


def case_text(n, solver, words, y, repeats):
    texts = texts_of(words)
    tr, te, ytr, yte = texts[:n], texts[n:], y[:n], y[n:]
    ours = LeastSquaresSentiment(ALPHA, tol=1e-4)
    t_ours, _ = timed(lambda: ours.fit(tr, ytr), repeats)
    e_ours = rmse(ours.predict(te), yte)
    theirs = make_pipeline(CountVectorizer(), Ridge(ALPHA, solver=solver))
    t, _ = timed(lambda: theirs.fit(tr, ytr), 1 if n >= 10**6 else repeats)
    e = rmse(theirs.predict(te), yte)
    n_ours, n_theirs = len(ours.vocabulary_), len(theirs[0].vocabulary_)
    print(
        f"(b) n={n:>9,} texts   ours {t_ours:6.2f} s  CountVectorizer+Ridge"
        f"({solver}) {t:7.2f} s  ratio {t / t_ours:6.1f}x  held-out RMSE ours "
        f"{e_ours:.4f} / theirs {e:.4f}  vocabulary {n_ours:,} / {n_theirs:,}",
        flush=True,
    )
    # The same reviews with a non-ASCII dash appended to every 100th (about
    # the share of non-ASCII movie snippets, 1.3 %) or to every review: same
    # tokens, read by the code-point path instead of the byte-level one; and
    # with every word non-ASCII ("w" written "é"): every token is keyed by its
    # UTF-8 bytes.
    variants = [
        (100, " 1% texts non-ASCII", lambda text: text + " \u2014"),
        (1, "all texts non-ASCII", lambda text: text + " \u2014"),
        (1, "all words non-ASCII", lambda text: text.replace("w", "\u00e9")),
    ]
    for every, label, change in variants:
        changed = [
            change(text) if i % every == 0 else text for i, text in enumerate(tr)
        ]
        other = LeastSquaresSentiment(ALPHA, tol=1e-4)
        # ASCII and changed texts in turns, so that both see the same load
        t_ascii, t_other = timed_in_turns(
            lambda: ours.fit(tr, ytr), lambda c=changed, o=other: o.fit(c, ytr), repeats
        )
        assert len(other.vocabulary_) == len(ours.vocabulary_)
        print(
            f"(b) n={n:>9,} texts   ours {t_other:6.2f} s, {label:<19}  speed "
            f"{t_ascii / t_other:4.2f}x the ASCII texts' ({t_ascii:.2f} s, in "
            f"turns)  vs CountVectorizer+Ridge({solver}) {t:7.2f} s  ratio "
            f"{t / t_other:6.1f}x",
            flush=True,
        )


def case_real():
    texts, y = load_movie_snippets(return_X_y=True)
    tr, te, ytr, yte = train_test_split(texts, y, test_size=0.2, random_state=0)
    grid = [0.3, 1.0, 3.0, 10.0, 30.0]
    ours = GridSearchCV(LeastSquaresSentiment(), {"alpha": grid}, cv=5).fit(tr, ytr)
    theirs = GridSearchCV(
        make_pipeline(CountVectorizer(), Ridge()), {"ridge__alpha": grid}, cv=5
    ).fit(tr, ytr)
    tests = {"movies held-out": (te, yte)}
    if AMAZON.exists():
        _, ya, ta = read_rated_snippets(AMAZON.read_bytes())
        tests["amazon"] = (ta, ya)
    else:
        print(f"(c) {AMAZON} not found: amazon test skipped")
    for name, (X, yy) in tests.items():
        print(
            f"(c) train movies ({len(tr)}), test {name} ({len(X)}): R^2 ours "
            f"{r2_score(yy, ours.predict(X)):.3f} (alpha "
            f"{ours.best_params_['alpha']}) / CountVectorizer+Ridge "
            f"{r2_score(yy, theirs.predict(X)):.3f} (alpha "
            f"{theirs.best_params_['ridge__alpha']})",
            flush=True,
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--sizes", type=int, nargs="*", default=[10**6, 3 * 10**6])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-text", action="store_true")
    parser.add_argument("--no-real", action="store_true")
    parser.add_argument("--solvers", nargs="*", default=["sparse_cg", "lsqr", "sag"])
    args = parser.parse_args()
    sizes = [100_000] if args.quick else args.sizes
    print(f"cores available: {len(os.sched_getaffinity(0))}, load {os.getloadavg()}")
    for n in sizes:
        solver, words, y = case_matrix(n, args.repeats, args.solvers)
        if not args.no_text:
            case_text(n, solver, words, y, args.repeats)
    if not args.no_real:
        case_real()


if __name__ == "__main__":
    main()
