"""Twilio's error codes as the sandbox reports them, and the exceptions that carry them.

Hierarchy::

    SandboxError
    ├── RestError         a REST API request refused (HTTP status + Twilio code)
    └── DocumentError     a TwiML document that could not be fetched or used
                          (11200, 11205, 11750, 12100, 12200, 12300, ...)

``DocumentError`` never reaches the caller: the engine logs it in the debugger, plays
:data:`APPLICATION_ERROR_MESSAGE` (or tries the fallback URL) and ends the call, as Twilio does.
"""

from __future__ import annotations

APPLICATION_ERROR_MESSAGE = "We're sorry, an application error has occurred. Goodbye."
"""What Twilio says before hanging up on a call whose TwiML failed."""

MORE_INFO = "https://www.twilio.com/docs/errors/{code}"

# Debugger (notification) codes.
INVALID_URL = 11100
HTTP_RETRIEVAL_FAILURE = 11200
HTTP_CONNECTION_FAILURE = 11205
HTTP_TOO_MANY_REDIRECTS = 11215
RESPONSE_TOO_LARGE = 11750
DOCUMENT_PARSE_FAILURE = 12100
SCHEMA_VALIDATION = 12200
INVALID_CONTENT_TYPE = 12300
INTERNAL_FAILURE = 12400
"""Used for the sandbox's own limits (redirect loops, too many documents)."""
UNSUPPORTED_FEATURE = 13000
"""Sandbox-specific: a valid TwiML feature the sandbox does not carry (logged as a warning)."""

# REST API codes.
AUTHENTICATION = 20003
NOT_FOUND = 20404
TOO_MANY_REQUESTS = 20429
INVALID_PARAMETER = 21200
NO_TO = 21201
INVALID_URL_PARAMETER = 21205
UNVERIFIED_FROM = 21210
INVALID_TO = 21211
INVALID_FROM = 21212
NO_FROM = 21213
NOT_IN_PROGRESS = 21220
QUEUE_NAME_TAKEN = 22210

# Access token codes, as the Voice JavaScript SDK names them (AccessTokenInvalid,
# AccessTokenExpired): the browser endpoints of :mod:`ivr.sandbox.voice_sdk` answer with them.
INVALID_ACCESS_TOKEN = 20101
ACCESS_TOKEN_EXPIRED = 20104


class SandboxError(Exception):
    """Base of the sandbox's exceptions."""


class RestError(SandboxError):
    """A REST request the sandbox refuses, rendered as Twilio's JSON error body."""

    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message

    def body(self) -> dict[str, object]:
        return {
            "code": self.code,
            "message": self.message,
            "more_info": MORE_INFO.format(code=self.code),
            "status": self.status,
        }


class DocumentError(SandboxError):
    """A TwiML document failed: the code is the one Twilio's debugger would show."""

    def __init__(self, code: int, message: str, *, url: str | None = None) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.url = url
