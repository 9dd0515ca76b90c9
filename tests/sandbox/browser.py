"""A browser phone played from Python: what ``SandboxVoice.Device`` does, over plain HTTP.

Tokens are minted with the helper library (``twilio.jwt``), as the product mints them; the
event stream is read in a thread, so a test can wait for ``incoming`` like a page would.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import requests
from twilio.jwt.access_token import AccessToken
from twilio.jwt.access_token.grants import VoiceGrant

from ivr.sandbox import Sandbox
from ivr.sandbox.access_tokens import ApiKey

APP_SID = "AP" + "c" * 32


def voice_token(
    sandbox: Sandbox,
    key: ApiKey,
    identity: str = "alice",
    *,
    ttl: int = 3600,
    incoming: bool = True,
    account_sid: str | None = None,
    secret: str | None = None,
) -> str:
    token = AccessToken(
        account_sid or sandbox.account_sid,
        key.sid,
        secret or key.secret,
        identity=identity,
        ttl=ttl,
    )
    token.add_grant(VoiceGrant(outgoing_application_sid=APP_SID, incoming_allow=incoming))
    return token.to_jwt()


@dataclass
class BrowserPhone:
    base_url: str
    token: str
    registration: str = ""
    events: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    _stream: requests.Response | None = None
    _reader: threading.Thread | None = None
    _changed: threading.Condition = field(default_factory=threading.Condition)

    def register(self) -> requests.Response:
        response = requests.post(
            f"{self.base_url}/sandbox/voice/register",
            headers={"Authorization": f"Bearer {self.token}"},
            json={"registration": self.registration} if self.registration else {},
            timeout=5,
        )
        if response.ok:
            self.registration = response.json()["registration"]
        return response

    def listen(self) -> None:
        """Attach the event stream, as the page's ``EventSource`` does."""
        self._stream = requests.get(
            f"{self.base_url}/sandbox/voice/events",
            params={"registration": self.registration, "access_token": self.token},
            stream=True,
            timeout=5,
        )
        self._stream.raise_for_status()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        kind, data = "message", ""
        assert self._stream is not None
        try:
            for line in self._stream.iter_lines(decode_unicode=True):
                if line.startswith("event: "):
                    kind = line.removeprefix("event: ")
                elif line.startswith("data: "):
                    data = line.removeprefix("data: ")
                elif line == "" and data:
                    with self._changed:
                        self.events.append((kind, json.loads(data)))
                        self._changed.notify_all()
                    kind, data = "message", ""
        except (requests.RequestException, AttributeError, ValueError):
            pass  # the stream was closed under the reader

    def wait_for(self, kind: str, timeout: float = 5.0) -> dict[str, Any]:
        """The first event of ``kind`` (each is returned once, oldest first)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for index, (seen, data) in enumerate(self.events):
                    if seen == kind:
                        del self.events[index]
                        return data
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"no {kind!r} event in {timeout} s; got {self.events}")
                self._changed.wait(remaining)

    def act(self, sid: str, action: str, **body: str) -> requests.Response:
        return requests.post(
            f"{self.base_url}/sandbox/voice/calls/{sid}/{action}",
            headers={"Authorization": f"Bearer {self.token}"},
            json={"registration": self.registration, **body},
            timeout=5,
        )

    def close(self) -> None:
        """Unregister (which ends the stream at once), then stop reading."""
        if self.registration:
            requests.post(
                f"{self.base_url}/sandbox/voice/unregister",
                headers={"Authorization": f"Bearer {self.token}"},
                json={"registration": self.registration},
                timeout=5,
            )
        if self._stream is not None:
            self._stream.close()
        if self._reader is not None:
            self._reader.join(5)
