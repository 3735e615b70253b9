"""Loader of the human-rated movie review snippets shipped with the package.

Why the rows are shuffled: the shipped file lists the snippets by id, and the
ids follow Pang & Lee's reviews: ids 1 to about 5,300 are the snippets of
positive reviews (94 % rated above 0), the rest those of negative reviews, so
in file order the correlation between row index and rating is -0.74 and
unshuffled K-fold trains on one polarity and tests on the other. The loader
applies one fixed permutation (``numpy.random.RandomState(0).permutation``,
identical everywhere), which makes ``cross_val_score(..., cv=3)`` without
shuffling sound and keeps results reproducible.
"""

import gzip
from importlib import resources

import numpy as np
from sklearn.utils import Bunch

_FILE = "movie_review_snippets.tsv.gz"
_SHUFFLE_SEED = 0

DESCR = """\
Human-rated movie review snippets (Hutto & Gilbert, 2014)
=========================================================

10,605 sentence-level snippets of rotten.tomatoes.com movie reviews (from the
2000 reviews of Pang & Lee, 2004), each rated by at least 20 independent
human raters from -4 (extremely negative) to +4 (extremely positive); the
target is the mean rating.

:Number of instances: 10,605
:Target: mean sentiment rating, float in [-4, 4]
:Order: a fixed shuffle of the file, whose ids put the snippets of positive
    reviews first (row index and rating correlate at -0.74 in file order)
:Licence: MIT (the VADER resources), see data/README.txt

Citation: Hutto, C.J. & Gilbert, E.E. (2014). VADER: A Parsimonious
Rule-based Model for Sentiment Analysis of Social Media Text. Eighth
International Conference on Weblogs and Social Media (ICWSM-14), Ann Arbor, MI.
"""


def read_rated_snippets(raw):
    """Parse a VADER ground-truth file's bytes: ``id<TAB>rating<TAB>text`` lines.

    The files have a header line and CRLF line ends; text is read as UTF-8
    with undecodable bytes replaced.

    Returns
    -------
    ids : ndarray of int, ratings : ndarray of float, texts : list of str
    """
    lines = raw.decode("utf-8", errors="replace").replace("\r\n", "\n").split("\n")
    ids, ratings, texts = [], [], []
    for line in lines[1:]:
        if not line.strip():
            continue
        ident, rating, text = line.split("\t", 2)
        ids.append(int(ident))
        ratings.append(float(rating))
        texts.append(text)
    return np.array(ids), np.array(ratings), texts


def _shuffled_order(n):
    """The fixed permutation applied to the file's rows.

    ``RandomState`` streams are frozen by NumPy's compatibility policy, so the
    order is the same on every machine and every NumPy version.
    """
    return np.random.RandomState(_SHUFFLE_SEED).permutation(n)


def _as_frame(texts, target):
    """(data DataFrame, target Series, frame DataFrame); pandas imported here."""
    try:
        import pandas as pd
    except ImportError as error:
        raise ImportError(
            "load_movie_snippets with as_frame=True requires pandas: install it "
            "(pip install pandas) or use as_frame=False."
        ) from error
    data = pd.DataFrame({"text": pd.Series(texts, dtype=object)})
    target = pd.Series(target, name="rating")
    return data, target, pd.concat([data, target], axis=1)


def load_movie_snippets(*, return_X_y=False, as_frame=False):
    """Load the 10,605 human-rated movie review snippets (Hutto & Gilbert 2014).

    ============== ==========================
    Samples        10,605 texts
    Features       one text column, ``"text"``
    Target         mean human rating, [-4, 4]
    Licence        MIT
    ============== ==========================

    The rows come in one fixed shuffled order (the file puts the positive
    reviews first); ``ids`` gives each row's id in the file.

    Parameters
    ----------
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.
    as_frame : bool, default=False
        ``data`` as a pandas DataFrame with one column ``"text"``, ``target``
        as a Series ``"rating"``, and ``frame`` the two side by side (pandas
        is imported only then), which LeastSquaresSentiment accepts as is.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``data`` (list of str, or DataFrame with ``as_frame``), ``target``
        (ndarray of float64, or Series), ``frame`` (DataFrame with ``as_frame``,
        else None), ``ids`` (each row's snippet id in the file),
        ``feature_names`` (``["text"]``), ``target_names`` (``["rating"]``)
        and ``DESCR``.
    (data, target) : tuple
        With ``return_X_y=True``.

    Raises
    ------
    ImportError
        With ``as_frame=True`` when pandas is not installed.

    See Also
    --------
    sklearn_mathdl.LeastSquaresSentiment : The model these ratings train.

    References
    ----------
    Hutto, C. J. & Gilbert, E. (2014). VADER: a parsimonious rule-based model
    for sentiment analysis of social media text. ICWSM-14.

    Examples
    --------
    >>> from sklearn_mathdl.datasets import load_movie_snippets
    >>> texts, ratings = load_movie_snippets(return_X_y=True)
    >>> len(texts), ratings.shape
    (10605, (10605,))
    >>> bunch = load_movie_snippets()
    >>> int(bunch.ids[0]), float(bunch.target[0])  # row 0 is the file's id 9273
    (9273, -2.6)
    >>> frame = load_movie_snippets(as_frame=True).frame
    >>> frame.shape, list(frame.columns)
    ((10605, 2), ['text', 'rating'])
    """
    path = resources.files("sklearn_mathdl.datasets") / "data" / _FILE
    with gzip.open(path.open("rb")) as f:
        ids, target, texts = read_rated_snippets(f.read())
    order = _shuffled_order(len(texts))
    ids, target = ids[order], target[order]
    texts = [texts[i] for i in order.tolist()]
    frame = None
    if as_frame:
        texts, target, frame = _as_frame(texts, target)
    if return_X_y:
        return texts, target
    return Bunch(
        data=texts,
        target=target,
        frame=frame,
        ids=ids,
        feature_names=["text"],
        target_names=["rating"],
        DESCR=DESCR,
    )
