"""E-mail addresses, typed (``john.smith@example.com``) or spoken as a recogniser writes them
("john dot smith at example dot com", "골뱅이" and "점" in Korean).

A spoken address is found from its at-word: after it, a domain of labels joined by dot-words,
ending in something that looks like a top-level domain; before it, the local part, one word and
whatever is joined to it by dot-words or "underscore", or spelled letter by letter. An "at"
without such a domain ("see you at five", "at the office") is not an address.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .spoken import SpokenForms
from .tokens import Span, Token

EMAIL = "[email]"

_TYPED = re.compile(r"[\w.+'-]+@[\w-]+(\.[\w-]+)+")
_LABEL = re.compile(r"[\w-]+")
_DOMAIN = re.compile(r"[\w-]+(\.[\w-]+)+")
_LOCAL = re.compile(r"[\w.+'-]+")
COMMON_TOP_LEVEL = frozenset(
    {"com", "net", "org", "edu", "gov", "mil", "int", "info", "biz", "io", "app", "dev", "mail"}
)
"""Generic top-level domains people say; any two letters is taken as a country's (``kr``)."""


def _top_level(label: str) -> bool:
    if not label.isascii():
        return True  # written in the recogniser's own script ("컴"): the dot-word said enough
    label = label.lower()
    return label in COMMON_TOP_LEVEL or (len(label) == 2 and label.isalpha())


def find_addresses(tokens: Sequence[Token], forms: Sequence[SpokenForms]) -> list[Span]:
    at_words = frozenset().union(*(f.at for f in forms))
    dot_words = frozenset().union(*(f.dot for f in forms))
    joiners = dot_words | frozenset().union(*(f.address_joiners for f in forms))
    digit_words = frozenset().union(*(f.digits for f in forms))
    spans: list[Span] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if _TYPED.fullmatch(token.core):
            spans.append(Span(index, index + 1, EMAIL))
        elif token.key in at_words and index > 0:
            end = _domain_end(tokens, index + 1, dot_words)
            start = _local_start(tokens, index - 1, joiners, digit_words) if end else None
            if end and start is not None:
                spans = [s for s in spans if s.end <= start]
                spans.append(Span(start, end, EMAIL))
                index = end
                continue
        index += 1
    return spans


def _domain_end(tokens: Sequence[Token], first: int, dot_words: frozenset[str]) -> int | None:
    """One past the domain's last token, or None when no domain follows the at-word."""
    if first >= len(tokens):
        return None
    if _DOMAIN.fullmatch(tokens[first].core):
        last_label = tokens[first].core.rsplit(".", 1)[1]
        return first + 1 if _top_level(last_label) else None
    if not _LABEL.fullmatch(tokens[first].core):
        return None
    i, end = first + 1, None
    while i + 1 < len(tokens) and tokens[i].key in dot_words:
        label = tokens[i + 1].core
        if not (_LABEL.fullmatch(label) or _DOMAIN.fullmatch(label)):
            break
        i += 2
        if _top_level(label.rsplit(".", 1)[-1]):
            end = i
    return end


def _local_start(
    tokens: Sequence[Token], last: int, joiners: frozenset[str], digit_words: frozenset[str]
) -> int | None:
    """The first token of the local part ending at ``last``, or None when there is none."""

    def spelled(token: Token) -> bool:
        """A letter or digit said on its own, as people spell the local part of an address."""
        return (len(token.core) == 1 and token.core.isalnum()) or token.key in digit_words

    if not _LOCAL.fullmatch(tokens[last].core) or tokens[last].key in joiners:
        return None
    start = last
    while start > 0:
        before = tokens[start - 1]
        if before.key in joiners and start >= 2 and _LOCAL.fullmatch(tokens[start - 2].core):
            start -= 2
        elif spelled(before) and spelled(tokens[start]):
            start -= 1
        else:
            break
    return start
