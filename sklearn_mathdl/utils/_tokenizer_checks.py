"""Public checker for tokenizer plugins, in the style of the plugin checkers."""

import copy

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
