"""Loader of the human-rated movie review snippets shipped with the package."""

import gzip
from importlib import resources

import numpy as np
from sklearn.utils import Bunch

_FILE = "movie_review_snippets.tsv.gz"

DESCR = """\
Human-rated movie review snippets (Hutto & Gilbert, 2014)
=========================================================

10,605 sentence-level snippets of rotten.tomatoes.com movie reviews (from the
2000 reviews of Pang & Lee, 2004), each rated by at least 20 independent
human raters from -4 (extremely negative) to +4 (extremely positive); the
target is the mean rating.

:Number of instances: 10,605
:Target: mean sentiment rating, float in [-4, 4]
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


def load_movie_snippets(*, return_X_y=False):
    """Load the 10,605 human-rated movie review snippets (Hutto & Gilbert 2014).

    ============== ==========================
    Samples        10,605 texts
    Target         mean human rating, [-4, 4]
    Licence        MIT
    ============== ==========================

    Parameters
    ----------
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``data`` (list of str), ``target`` (ndarray of float64), ``ids``
        (the file's snippet ids) and ``DESCR``.
    (data, target) : tuple
        With ``return_X_y=True``.

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
    >>> texts[2], float(ratings[2])
    ('Effective but too tepid biopic', -0.6)
    """
    path = resources.files("sklearn_mathdl.datasets") / "data" / _FILE
    with gzip.open(path.open("rb")) as f:
        ids, target, texts = read_rated_snippets(f.read())
    if return_X_y:
        return texts, target
    return Bunch(data=texts, target=target, ids=ids, DESCR=DESCR)
