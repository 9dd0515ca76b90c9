"""Searching what callers said: the query people type, and the hits they read.

The query language is the web-search one PostgreSQL's ``websearch_to_tsquery`` reads: words
(all must appear), ``"a phrase"``, ``-word`` to exclude, ``or`` between alternatives. It is
parsed here, once, into words made only of letters and digits, so that nothing a user types can
reach a back end's query syntax (FTS5's ``NEAR``, ``*``, ``^``, column filters, quotes): each
back end renders the parsed query in its own, always valid, syntax, and both find the same
calls.

A hit's snippet is cut from the line where the match is, so it says who spoke
(``customer: ...``); the back end marks the matched words, the cutting is done here.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

MAX_QUERY_CHARS = 200
MAX_LIMIT = 100
MARK_START = "\x02"
MARK_END = "\x03"
"""What the back end puts around a matched word: control characters no transcript contains."""
SNIPPET_WORDS = 24
WORDS_BEFORE_MATCH = 8

_PIECE = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Clause:
    """Phrases that must all be there, and phrases that must not."""

    include: tuple[tuple[str, ...], ...]
    exclude: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class SearchQuery:
    clauses: tuple[Clause, ...]
    """Alternatives: a document matches when it matches any clause."""

    @classmethod
    def parse(cls, text: str) -> SearchQuery:
        clauses: list[Clause] = []
        include: list[tuple[str, ...]] = []
        exclude: list[tuple[str, ...]] = []
        for match in _PIECE.finditer(text):
            negated, quoted, bare = match.groups()
            if bare is not None and bare.casefold() == "or":
                clauses.append(Clause(tuple(include), tuple(exclude)))
                include, exclude = [], []
                continue
            if bare is not None and bare.startswith("-") and len(bare) > 1:
                negated, bare = "-", bare[1:]
            words = tuple(w.casefold() for w in _WORD.findall(quoted if bare is None else bare))
            if words:
                (exclude if negated else include).append(words)
        clauses.append(Clause(tuple(include), tuple(exclude)))
        # A clause of exclusions only would match nearly everything: FTS5 cannot say it, and
        # "-billing" alone is no search anyone means.
        return cls(tuple(c for c in clauses if c.include))

    @property
    def empty(self) -> bool:
        return not self.clauses

    def websearch(self) -> str:
        """The query again in web-search syntax, canonical (for ``websearch_to_tsquery``)."""

        def phrase(words: tuple[str, ...], sign: str = "") -> str:
            return f'{sign}"{" ".join(words)}"'  # quoted even alone: a word "or" stays a word

        return " or ".join(
            " ".join([*(phrase(p) for p in c.include), *(phrase(p, "-") for p in c.exclude)])
            for c in self.clauses
        )

    def fts5(self) -> str:
        """The query as an FTS5 MATCH expression: every phrase double-quoted."""

        def phrase(words: tuple[str, ...]) -> str:
            return '"' + " ".join(words) + '"'

        rendered = []
        for clause in self.clauses:
            expression = " AND ".join(phrase(p) for p in clause.include)
            if clause.exclude:
                expression = (
                    f"({expression}) NOT ({' OR '.join(phrase(p) for p in clause.exclude)})"
                )
            rendered.append(f"({expression})")
        return " OR ".join(rendered)


@dataclass(frozen=True)
class Snippet:
    """A few words around the first match, with the speaker, and where the matches are."""

    speaker: str | None
    text: str
    highlights: tuple[tuple[int, int], ...]
    """Start and end offsets in ``text`` of each matched word."""

    @classmethod
    def from_marked(cls, marked: str) -> Snippet:
        """Cut from a document whose matched words the back end put between the marks."""
        lines = marked.split("\n")
        line = next((line for line in lines if MARK_START in line), lines[0])
        speaker, said = _speaker_and_words(line)
        words = said.split()
        first = next((i for i, w in enumerate(words) if MARK_START in w), 0)
        begin = max(0, first - WORDS_BEFORE_MATCH)
        window = words[begin : begin + SNIPPET_WORDS]
        cut = " ".join(window)
        if begin > 0:
            cut = "… " + cut
        if begin + SNIPPET_WORDS < len(words):
            cut += " …"
        if speaker:
            cut = f"{speaker}: {cut}"
        return cls(speaker, *_unmark(cut))

    @property
    def html(self) -> str:
        """The text, HTML-escaped, each match in ``<mark>``: safe to put in a page as it is."""
        pieces, position = [], 0
        for start, end in self.highlights:
            pieces.append(html.escape(self.text[position:start]))
            pieces.append(f"<mark>{html.escape(self.text[start:end])}</mark>")
            position = end
        pieces.append(html.escape(self.text[position:]))
        return "".join(pieces)


def _speaker_and_words(line: str) -> tuple[str | None, str]:
    label, sep, rest = line.partition(": ")
    if sep and label and _WORD.fullmatch(label) and MARK_START not in label:
        return label, rest
    return None, line


def _unmark(marked: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    plain: list[str] = []
    highlights: list[tuple[int, int]] = []
    length, opened = 0, None
    for char in marked:
        if char == MARK_START:
            opened = length
        elif char == MARK_END:
            if opened is not None:
                highlights.append((opened, length))
            opened = None
        else:
            plain.append(char)
            length += 1
    if opened is not None:  # a match cut off by the window
        highlights.append((opened, length))
    return "".join(plain), tuple(highlights)


@dataclass(frozen=True)
class SearchHit:
    """One document that matched: a recording's transcript, or a call's reason for calling."""

    source: str
    """``transcript`` or ``reason``."""
    call_sid: str
    recording_sid: str | None
    customer_id: int | None
    customer_name: str | None
    started_at: datetime | None
    snippet: Snippet
    rank: float
    """Higher is more relevant; comparable within one search, not across back ends."""


class TranscriptSearch(Protocol):
    def search(self, query: SearchQuery, *, limit: int, offset: int) -> list[SearchHit]: ...
