"""Tokenizer plugins: the public checker, and the checks of their output in ``fit``.

:func:`check_tokenizer` tests a tokenizer on sample texts, the way the other
plugin checkers do. The functions below it check what a tokenizer does while
texts are counted, at the cost of one C-level pass over its output; only the
error path does more work (finding the text to name). A tokenizer that
raises, or returns anything but a list (or tuple) of str, is named in the
error with the text it failed on.
"""

import copy
import itertools

from sklearn_mathdl.plugins import get_tokenizer

_SAMPLES = (
    "",
    "   \t\n ",
    "Loved it!  The cast isn't bad, but the plot... meh.",
    "Ça été très bien — naïve café, 東京 ✨ 👍 don’t",
    "word " * 5000,
)


def check_tokenizer(tokenizer):
    """Check a tokenizer plugin on empty, unicode and very long texts.

    A tokenizer maps a text (str) to a list of non-empty str tokens, and must
    be deterministic (the same tokens twice, and from a copy of itself). A
    tokenizer declaring ``whitespace_separable = True`` must also give the
    tokens of a text as the concatenation of the tokens of its
    whitespace-separated chunks (the fast counting path relies on it).

    Parameters
    ----------
    tokenizer : str or callable
        A registered name or a tokenizer object.

    Raises
    ------
    AssertionError
        Naming the tokenizer, the text and the problem.

    See Also
    --------
    sklearn_mathdl.utils.check_kernel : The checker of kernel plugins.
    sklearn_mathdl.plugins.register_tokenizer : Register a tokenizer by name.

    Examples
    --------
    >>> from sklearn_mathdl.utils import check_tokenizer
    >>> check_tokenizer("word")  # silent: a valid tokenizer
    >>> check_tokenizer(lambda text: text.split(" "))
    Traceback (most recent call last):
    ...
    AssertionError: Tokenizer <function <lambda> at ...>: empty token '' in the tokens of ''. ...
    """
    tok = get_tokenizer(tokenizer)
    label = f"Tokenizer {tokenizer!r}"
    twin = copy.deepcopy(tok)
    for text in _SAMPLES:
        shown = repr(text if len(text) < 60 else text[:57] + "...")
        tokens = tok(text)
        if not isinstance(tokens, list):
            raise AssertionError(
                f"{label}: returned {type(tokens).__name__} for {shown}; a "
                "tokenizer must return a list of str."
            )
        for t in tokens:
            if not isinstance(t, str):
                raise AssertionError(
                    f"{label}: token {t!r} of {shown} is {type(t).__name__}, not str."
                )
            if not t:
                raise AssertionError(
                    f"{label}: empty token '' in the tokens of {shown}. Drop "
                    "empty tokens (str.split() without an argument does)."
                )
        if tok(text) != tokens or twin(text) != tokens:
            raise AssertionError(
                f"{label}: not deterministic: tokenising {shown} twice (or with a "
                "copy of the tokenizer) gives different tokens."
            )
        if getattr(tok, "whitespace_separable", False):
            chunked = [t for chunk in text.split() for t in tok(chunk)]
            if chunked != tokens:
                raise AssertionError(
                    f"{label}: declares whitespace_separable but the tokens of "
                    f"{shown} differ from those of its whitespace-separated "
                    "chunks; set whitespace_separable = False."
                )


def tokenizer_name(tokenizer):
    """How an error names a tokenizer: a function by its name, else its repr."""
    if getattr(tokenizer, "__name__", None) and not hasattr(tokenizer, "get_params"):
        module = getattr(tokenizer, "__module__", None)
        name = getattr(tokenizer, "__qualname__", tokenizer.__name__)
        return f"{module}.{name}" if module else name
    return repr(tokenizer)


def _bad_output_error(tokenizer, source, output, token=None):
    """The TypeError for a tokenizer that returned ``output`` for ``source``."""
    what = (
        f"the token {token!r:.60} ({type(token).__name__})"
        if token is not None
        else f"{type(output).__name__} {output!r:.60}"
    )
    return TypeError(
        f"The tokenizer {tokenizer_name(tokenizer)} returned {what} for the "
        f"text {source!r:.60}: a tokenizer must return a list (or tuple) of "
        "str, one str per token. Fix the tokenizer, e.g. return text.split() "
        "rather than a str, or [str(t) for t in tokens]."
    )


def _raised_error(tokenizer, texts, lowercase, exc):
    """The ValueError for a tokenizer that raised ``exc`` on one of ``texts``."""
    source = "?"
    for text in texts:
        try:
            tokenizer(text.lower() if lowercase else text)
        except Exception:
            source = text
            break
    return ValueError(
        f"The tokenizer {tokenizer_name(tokenizer)} raised "
        f"{type(exc).__name__}: {exc} on the text {source!r:.60}. A tokenizer "
        "must accept any str (empty, blank, unicode, very long) and return a "
        "list of str; fix it, and test it with "
        "sklearn_mathdl.utils.check_tokenizer."
    )


def tokenize(tokenizer, texts, lowercase=False):
    """``[tokenizer(text) for text in texts]`` (lowercased first if asked).

    Raises
    ------
    ValueError
        If the tokenizer raises, naming it and the text (``MemoryError`` and
        ``KeyboardInterrupt`` propagate unchanged).
    """
    try:
        if lowercase:
            return [tokenizer(text.lower()) for text in texts]
        return [tokenizer(text) for text in texts]
    except MemoryError:
        raise
    except Exception as exc:
        raise _raised_error(tokenizer, texts, lowercase, exc) from exc


def check_token_lists(lists, tokenizer, sources):
    """Raise unless every item of ``lists`` is a list or tuple.

    ``sources[i]`` is the text ``lists[i]`` came from (named in the error).
    The tokens themselves are checked once per distinct token, by
    :func:`check_tokens`. One C-level pass over the lists.
    """
    if all(map(isinstance, lists, itertools.repeat(list | tuple))):
        return
    i = next(i for i, out in enumerate(lists) if not isinstance(out, list | tuple))
    raise _bad_output_error(tokenizer, sources[i], lists[i])


def raise_bad_token(lists, tokenizer, sources):
    """Raise naming the first token of ``lists`` that is not a str, if any.

    ``lists[i]`` are the tokens of ``sources[i]``. For a token that cannot
    even be counted (an unhashable list, say), found where counting failed.
    """
    for source, tokens in zip(sources, lists):
        for token in tokens:
            if not isinstance(token, str):
                raise _bad_output_error(tokenizer, source, None, token=token)


def check_tokens(tokens, tokenizer, sources, lowercase=False):
    """Raise unless every distinct token is a str, naming a text that gave one.

    ``tokens`` are the distinct tokens of ``sources``; the texts are
    tokenised again only on the error path, to find one with a bad token
    (any token that is not a str: a float NaN is not equal to itself).
    """
    if all(map(isinstance, tokens, itertools.repeat(str))):
        return
    for source in sources:
        text = source.lower() if lowercase else source
        raise_bad_token([tokenizer(text)], tokenizer, [source])
    bad = next(t for t in tokens if not isinstance(t, str))
    raise _bad_output_error(tokenizer, "?", None, token=bad)
