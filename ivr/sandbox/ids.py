"""Twilio-shaped identifiers and dates."""

from __future__ import annotations

import secrets
from datetime import datetime
from email.utils import format_datetime


def new_sid(prefix: str) -> str:
    """A SID as Twilio makes them: two capital letters and 32 lowercase hex digits."""
    return prefix + secrets.token_hex(16)


def rfc2822(moment: datetime | None) -> str | None:
    """Twilio's REST dates: ``Tue, 31 Aug 2010 20:36:28 +0000``."""
    if moment is None:
        return None
    return format_datetime(moment)
