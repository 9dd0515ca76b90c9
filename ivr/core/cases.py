"""Cases: a customer's problem, open until an agent says it is resolved.

A call that ends without a resolution leaves its case open; when the customer calls again within
``IVR_CASE_DAYS`` the flow asks whether they are calling about it ("Are you calling about your
bill?") and, if so, the call joins the case and goes to the agent who had it when possible.
"""

from __future__ import annotations

from enum import StrEnum


class CaseStatus(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"


class Disposition(StrEnum):
    """What the agent says became of a call when it ends."""

    RESOLVED = "resolved"
    """The customer's problem is solved: their case closes."""
    FOLLOW_UP = "follow-up"
    """Not solved yet: the case stays open and the next call is asked about it."""
    TRANSFERRED = "transferred"
    """Handed to someone else without a resolution (what customers hate most: reported)."""
