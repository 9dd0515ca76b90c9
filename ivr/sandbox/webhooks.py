"""The sandbox's HTTP client toward the application: signed like Twilio, judged like Twilio.

Every request carries ``X-Twilio-Signature`` computed by the helper library's own
``RequestValidator``, so an application that validates signatures sees exactly what Twilio
would send. Each request is logged (``Engine.requests``) with what came back; a document that
cannot be used becomes a :class:`~ivr.sandbox.errors.DocumentError` with Twilio's code.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode, urljoin, urlsplit

import requests
from twilio.request_validator import RequestValidator

from ivr.sandbox import errors, twiml
from ivr.sandbox.clock import Clock
from ivr.sandbox.defaults import (
    MAX_DOCUMENT_BYTES,
    WEBHOOK_MAX_HTTP_REDIRECTS,
    WEBHOOK_TIMEOUT_SECONDS,
)
from ivr.sandbox.models import WebhookRequest

_TWIML_TYPES = {"text/xml", "application/xml", "text/html"}


@dataclass(frozen=True)
class Source:
    """Where a call's next document comes from."""

    kind: str
    """The log kind of the request: ``voice``, ``action``, ``redirect``, ``wait``..."""
    url: str | None
    method: str = "POST"
    params: Mapping[str, str] = field(default_factory=dict)
    """Verb-specific parameters (Digits, DialCallStatus, ...) added to the standard ones."""
    twiml: str | None = None
    """Inline TwiML (REST ``Twiml``): no request is made."""


def resolve(base: str | None, url: str | None) -> str | None:
    """An absolute URL for ``url``, relative to the document it appeared in."""
    if url is None or not url.strip():
        return None
    url = url.strip()
    if base:
        return urljoin(base, url)
    return url


def is_valid_url(url: str | None) -> bool:
    if not url:
        return False
    parts = urlsplit(url)
    return parts.scheme in {"http", "https"} and bool(parts.netloc)


class Webhooks:
    """Makes the requests; ``record`` receives each log entry as soon as it is complete."""

    def __init__(
        self,
        auth_token: str,
        clock: Clock,
        record: Callable[[WebhookRequest], None],
        *,
        timeout_seconds: float = WEBHOOK_TIMEOUT_SECONDS,
    ) -> None:
        self._validator = RequestValidator(auth_token)
        self._clock = clock
        self._record = record
        self.timeout_seconds = timeout_seconds

    @staticmethod
    def new_session() -> requests.Session:
        """One per call: Twilio keeps a call's cookies, like a browser, and so does the sandbox."""
        session = requests.Session()
        session.max_redirects = WEBHOOK_MAX_HTTP_REDIRECTS
        session.trust_env = False
        return session

    def fetch_document(
        self,
        source: Source,
        params: Mapping[str, str],
        *,
        call_sid: str,
        session: requests.Session,
        context: str,
    ) -> twiml.Document:
        """Request a TwiML document and validate it for ``context``; DocumentError on failure."""
        if source.twiml is not None:
            return twiml.parse(source.twiml, url=None, context=context)
        url = source.url
        if not is_valid_url(url):
            raise errors.DocumentError(
                errors.INVALID_URL, f"{url!r} is not an absolute http(s) URL", url=url
            )
        assert url is not None
        response, body, failure = self._send(
            source.kind, url, source.method, params, call_sid, session
        )
        if failure is not None:
            raise failure
        assert response is not None
        content_type = response.headers.get("Content-Type", "")
        mime = content_type.split(";")[0].strip().lower()
        if mime in _TWIML_TYPES:
            return twiml.parse(body, url=url, context=context)
        if mime.startswith("audio/"):
            return twiml.play_document(url, response.url or url)
        if mime == "text/plain":
            return twiml.say_document(url, body.decode("utf-8", "replace"))
        raise errors.DocumentError(
            errors.INVALID_CONTENT_TYPE,
            f"the response's Content-Type {content_type!r} is neither TwiML, audio nor text",
            url=url,
        )

    def callback(
        self,
        kind: str,
        url: str,
        method: str,
        params: Mapping[str, str],
        *,
        call_sid: str | None,
        session: requests.Session | None = None,
    ) -> errors.DocumentError | None:
        """A fire-and-forget request (status callbacks): the body is ignored, a failure returned."""
        if not is_valid_url(url):
            return errors.DocumentError(
                errors.INVALID_URL, f"{url!r} is not an absolute URL", url=url
            )
        own = session is None
        session = session or self.new_session()
        try:
            _, _, failure = self._send(kind, url, method, params, call_sid, session)
        finally:
            if own:
                session.close()
        return failure

    def _send(
        self,
        kind: str,
        url: str,
        method: str,
        params: Mapping[str, str],
        call_sid: str | None,
        session: requests.Session,
    ) -> tuple[requests.Response | None, bytes, errors.DocumentError | None]:
        params = {k: str(v) for k, v in params.items()}
        if method == "GET":
            target = url + ("&" if "?" in url else "?") + urlencode(params)
            signature = self._validator.compute_signature(target, {})
            data = None
        else:
            target = url
            signature = self._validator.compute_signature(url, params)
            data = params
        headers = {
            "X-Twilio-Signature": signature,
            "User-Agent": "TwilioProxy/1.1",
            "I-Twilio-Idempotency-Token": str(uuid.uuid4()),
            "Accept": "*/*",
        }
        entry = dict(
            kind=kind,
            method=method,
            url=target,
            params=params,
            call_sid=call_sid,
            at=self._clock.now(),
            signature=signature,
        )
        try:
            response = session.request(
                method,
                target,
                data=data,
                headers=headers,
                timeout=self.timeout_seconds,
                stream=True,
                allow_redirects=True,
            )
        except requests.TooManyRedirects:
            failure = errors.DocumentError(
                errors.HTTP_TOO_MANY_REDIRECTS,
                f"more than {WEBHOOK_MAX_HTTP_REDIRECTS} redirects",
                url=url,
            )
            self._record(WebhookRequest(**entry, error_code=failure.code))
            return None, b"", failure
        except (requests.ConnectionError, requests.Timeout) as exc:
            failure = errors.DocumentError(
                errors.HTTP_CONNECTION_FAILURE,
                f"could not get a response within {self.timeout_seconds:g} s: {type(exc).__name__}",
                url=url,
            )
            self._record(WebhookRequest(**entry, error_code=failure.code))
            return None, b"", failure
        with response:
            try:
                body = _read_limited(response)
            except requests.RequestException as exc:
                failure = errors.DocumentError(
                    errors.HTTP_CONNECTION_FAILURE, f"the response broke off: {exc}", url=url
                )
                self._record(
                    WebhookRequest(
                        **entry, status_code=response.status_code, error_code=failure.code
                    )
                )
                return None, b"", failure
        failure = None
        if len(body) > MAX_DOCUMENT_BYTES:
            failure = errors.DocumentError(
                errors.RESPONSE_TOO_LARGE,
                f"the response body is larger than {MAX_DOCUMENT_BYTES // 1024} kB",
                url=url,
            )
        elif not 200 <= response.status_code < 300:
            failure = errors.DocumentError(
                errors.HTTP_RETRIEVAL_FAILURE,
                f"the server answered HTTP {response.status_code}",
                url=url,
            )
        self._record(
            WebhookRequest(
                **entry,
                status_code=response.status_code,
                content_type=response.headers.get("Content-Type", ""),
                response_body=body[: MAX_DOCUMENT_BYTES + 1].decode("utf-8", "replace"),
                error_code=failure.code if failure else None,
            )
        )
        return response, body, failure


def _read_limited(response: requests.Response) -> bytes:
    """The body, read no further than one byte past the 64 kB limit."""
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_content(chunk_size=8192):
        chunks.append(chunk)
        size += len(chunk)
        if size > MAX_DOCUMENT_BYTES:
            break
    return b"".join(chunks)
