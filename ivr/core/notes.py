"""What agents write about a call (notes) and how they file it (a category).

Notes are for the next person who reads the customer's file: kept as written, with who wrote
them. Categories are a short fixed list the business configures (``IVR_CATEGORIES``), because
root-cause reports group calls by them: free text would give one group per spelling.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

NOTE_MAX_CHARS = 4000
"""A few paragraphs: enough for what happened and what was promised."""
DEFAULT_CATEGORIES = ("billing", "outage", "technical", "account", "other")
CATEGORY_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,31}$"
_CATEGORY = re.compile(CATEGORY_PATTERN)


class NoteRefused(ValueError):
    """A note or category that cannot be stored; the message says why."""


@dataclass(frozen=True)
class CallNote:
    id: int
    call_sid: str
    author: str
    """Who wrote it, as they signed in (their e-mail) or the token's name."""
    agent_id: int | None
    body: str
    at: datetime


def check_note(body: str) -> str:
    """The note as stored: trimmed; raises NoteRefused when empty or too long."""
    body = body.strip()
    if not body:
        raise NoteRefused("must not be blank")
    if len(body) > NOTE_MAX_CHARS:
        raise NoteRefused(f"is {len(body)} characters long; at most {NOTE_MAX_CHARS}")
    return body


def parse_categories(text: str) -> tuple[str, ...]:
    """``IVR_CATEGORIES``: comma-separated labels, lower case; raises ValueError naming one
    that is not a short label. Duplicates are dropped, order kept (it is the menu's order)."""
    labels = [item.strip().lower() for item in text.split(",") if item.strip()]
    if not labels:
        raise ValueError("names no category (expected e.g. billing,outage,other)")
    for label in labels:
        if not _CATEGORY.match(label):
            raise ValueError(
                f"{label!r} is not a category label: letters, digits, - and _, at most 32"
            )
    return tuple(dict.fromkeys(labels))


def check_category(category: str, allowed: tuple[str, ...]) -> str:
    """A category an agent chose; raises NoteRefused naming the allowed ones."""
    if category not in allowed:
        raise NoteRefused(f"{category!r} is not one of the categories: {', '.join(allowed)}")
    return category
