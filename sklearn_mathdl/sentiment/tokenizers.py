r"""Tokenizers: text → list of tokens, registered in the ``tokenizer`` registry.

A tokenizer is any callable ``tokenizer(text) -> list of str``. The built-in
ones are :class:`Tokenizer` subclasses registered by name:

- ``"word"`` (default, :class:`WordTokenizer`): runs of letters and digits,
  with inner apostrophes kept, so that negations stay one token
  (``"isn't"``, ``"don’t"`` → ``"don't"``);
- ``"whitespace"`` (:class:`WhitespaceTokenizer`): ``text.split()``.

Fast counting
-------------
A tokenizer whose class sets ``whitespace_separable = True`` promises that its
tokens never contain whitespace, that is

.. math::

    \mathrm{tok}(t) = \mathrm{tok}(c_1) \,\|\, \mathrm{tok}(c_2) \,\|\, \cdots
    \qquad (t = c_1 \;\text{␣}\; c_2 \;\text{␣}\; \cdots,\ c_k\ \text{the
    whitespace-separated chunks of}\ t).

The vocabulary builder then splits texts with :meth:`str.split` (C speed) and
calls the tokenizer once per *distinct* chunk instead of once per text, which
on a Zipf-distributed corpus is a few hundred thousand calls for tens of
millions of tokens. Any other callable is applied to each text.

The two built-in tokenizers (exactly these classes, default pattern) are
counted faster still, without calling them: batches of texts are tokenised
at the byte level (ASCII) or code point by code point (any text) by tables
built from their own definition (see
:mod:`sklearn_mathdl.sentiment._vocabulary`), giving the same tokens.

Register your own with :func:`sklearn_mathdl.plugins.register_tokenizer` and
check it with :func:`sklearn_mathdl.utils.check_tokenizer`.
"""

import re

from sklearn_mathdl.plugins import register_tokenizer
from sklearn_mathdl.plugins._base import Plugin

WORD_PATTERN = r"[^\W_]+(?:['’][^\W_]+)*"


class Tokenizer(Plugin):
    """Base class of tokenizers: ``__call__(text)`` returns a list of str.

    A subclass defines ``__call__`` and stores its constructor arguments
    unchanged (see :class:`~sklearn_mathdl.plugins._base.Plugin`); registered
    with :func:`~sklearn_mathdl.plugins.register_tokenizer`, it is accepted
    by name by :class:`~sklearn_mathdl.LeastSquaresSentiment`.

    Attributes
    ----------
    whitespace_separable : bool
        True when tokens never contain whitespace, so that tokenising each
        whitespace-separated chunk of a text gives the text's tokens (the
        fast counting path relies on it).

    See Also
    --------
    WordTokenizer : Runs of letters and digits, inner apostrophes kept.
    WhitespaceTokenizer : Whitespace-separated chunks (``text.split()``).
    sklearn_mathdl.utils.check_tokenizer : Check a tokenizer's contract.

    Examples
    --------
    >>> from sklearn_mathdl.sentiment.tokenizers import Tokenizer
    >>> class LowerTokenizer(Tokenizer):
    ...     whitespace_separable = True
    ...
    ...     def __call__(self, text):
    ...         return text.lower().split()
    >>> LowerTokenizer()("Not BAD at all")
    ['not', 'bad', 'at', 'all']
    """

    whitespace_separable = False

    def __call__(self, text):
        """Split a text into tokens.

        Parameters
        ----------
        text : str
            The text to tokenise.

        Returns
        -------
        tokens : list of str
            The tokens of ``text``, in order of appearance. If
            ``whitespace_separable`` is True, none of them contains
            whitespace.
        """
        raise NotImplementedError


@register_tokenizer("word")
class WordTokenizer(Tokenizer):
    r"""Words: maximal runs of letters and digits, inner apostrophes kept.

    The pattern is ``[^\W_]+(?:['’][^\W_]+)*`` (Unicode letters and digits,
    optionally joined by a straight or curly apostrophe), so ``"isn't"`` and
    ``"rock'n'roll"`` stay single tokens while quotes ``''Conan''`` and
    punctuation are dropped. The curly apostrophe is normalised to ``'``.

    Parameters
    ----------
    pattern : str, default=WORD_PATTERN
        Regular expression of a token. It must not match whitespace
        (``whitespace_separable``).

    See Also
    --------
    WhitespaceTokenizer : Split on whitespace only, punctuation kept.
    sklearn.feature_extraction.text.CountVectorizer : Token counts with a
        regular-expression ``token_pattern``.

    Examples
    --------
    >>> from sklearn_mathdl.sentiment.tokenizers import WordTokenizer
    >>> WordTokenizer()("It isn’t ''great'', but I loved it!")
    ['It', "isn't", 'great', 'but', 'I', 'loved', 'it']
    """

    whitespace_separable = True

    def __init__(self, pattern=WORD_PATTERN):
        self.pattern = pattern

    def __call__(self, text):
        regex = self.__dict__.get("_regex")
        if regex is None or regex.pattern != self.pattern:
            regex = self._regex = re.compile(self.pattern)
        tokens = regex.findall(text)
        if "’" in text:
            tokens = [t.replace("’", "'") for t in tokens]
        return tokens


@register_tokenizer("whitespace")
class WhitespaceTokenizer(Tokenizer):
    """Whitespace-separated chunks, punctuation included: ``text.split()``.

    Tokens are the maximal runs of non-whitespace characters, so punctuation
    stays attached to the neighbouring word (``"bad,"``).

    See Also
    --------
    WordTokenizer : Runs of letters and digits, punctuation dropped.
    str.split : The function this tokenizer applies.

    Examples
    --------
    >>> from sklearn_mathdl.sentiment.tokenizers import WhitespaceTokenizer
    >>> WhitespaceTokenizer()("Not  bad, really.")
    ['Not', 'bad,', 'really.']
    """

    whitespace_separable = True

    def __call__(self, text):
        return text.split()


__all__ = ["Tokenizer", "WordTokenizer", "WhitespaceTokenizer", "WORD_PATTERN"]
