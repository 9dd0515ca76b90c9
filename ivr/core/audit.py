"""The audit log: who listened to, exported or changed what.

Recordings hold what redaction took out of the transcripts (a card number as it was said),
and exports carry customers' details out of the product, so each is written down with who
did it: a manager can answer "who heard this call?" and "who exported that list?".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol


class AuditAction(StrEnum):
    LOGIN = "login"
    LOGIN_FAILED = "login.failed"
    LOGOUT = "logout"
    RECORDING_LISTEN = "recording.listen"
    TRANSCRIPTS_EXPORT = "transcripts.export"
    OUTREACH_EXPORT = "outreach.export"
    REVIEWS_EXPORT = "reviews.export"
    USER_CREATED = "user.created"
    USER_CHANGED = "user.changed"


@dataclass(frozen=True)
class AuditEvent:
    at: datetime
    actor: str
    """``user:3 ann@example.com``, ``token:2 wallboard``: readable after the user is gone."""
    action: str
    target: str = ""
    user_id: int | None = None
    detail: dict[str, Any] = field(default_factory=dict)
    address: str | None = None
    id: int | None = None


class AuditLog(Protocol):
    def write(self, event: AuditEvent) -> None: ...

    def recent(
        self, *, limit: int = 100, action: str | None = None, target: str | None = None
    ) -> list[AuditEvent]: ...
