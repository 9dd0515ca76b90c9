"""A recording's audio from the carrier's REST API, streamed.

The URL is built from ``TWILIO_API_BASE_URL``, our account SID and the RecordingSid, never taken
whole from the callback's ``RecordingUrl``: the request carries our credentials (HTTP basic
auth, account SID and auth token, as Twilio requires when "HTTP auth on media URLs" is on), and
they must only ever go to the configured API. The helper library's HTTP client reads whole
bodies as text, so the media is fetched with ``requests`` (already a dependency) directly.
"""

from __future__ import annotations

from collections.abc import Iterator

import requests

from ivr.core.recordings import check_recording_sid, is_wav_header

CONNECT_TIMEOUT_SECONDS = 5.0
READ_TIMEOUT_SECONDS = 30.0
"""Between two chunks, not for the whole file."""
CHUNK_BYTES = 64 * 1024


class MediaError(Exception):
    """The carrier did not give us the audio; the message names the URL and what came back."""


class CarrierMedia:
    def __init__(self, api_base_url: str, account_sid: str, auth_token: str) -> None:
        self._base = api_base_url.rstrip("/")
        self._account_sid = account_sid
        self._auth = (account_sid, auth_token)
        self._session = requests.Session()

    def wav_url(self, recording_sid: str) -> str:
        check_recording_sid(recording_sid)
        account = self._account_sid
        return f"{self._base}/2010-04-01/Accounts/{account}/Recordings/{recording_sid}.wav"

    def wav(self, recording_sid: str) -> Iterator[bytes]:
        """The WAV's bytes in chunks. Raises MediaError before the first chunk when the answer
        is not a WAV (an error status, an HTML page), so nothing wrong is ever stored."""
        url = self.wav_url(recording_sid)
        try:
            response = self._session.get(
                url,
                auth=self._auth,
                stream=True,
                timeout=(CONNECT_TIMEOUT_SECONDS, READ_TIMEOUT_SECONDS),
                headers={"Accept": "audio/wav, audio/x-wav"},
            )
        except requests.RequestException as error:
            raise MediaError(f"GET {url}: {type(error).__name__}: {error}") from error
        with response:
            if response.status_code != 200:
                detail = response.text[:200].strip() if response.status_code < 500 else ""
                # Twilio may answer 404 for a moment after "completed": the job retries.
                raise MediaError(f"GET {url}: HTTP {response.status_code} {detail}".rstrip())
            try:
                chunks = response.iter_content(CHUNK_BYTES)
                head = b""
                for chunk in chunks:
                    head += chunk
                    if len(head) >= 12:
                        break
                if not is_wav_header(head):
                    raise MediaError(
                        f"GET {url}: not a WAV file (Content-Type "
                        f"{response.headers.get('Content-Type', '?')!r}, starts {head[:12]!r})"
                    )
                yield head
                yield from chunks
            except requests.RequestException as error:
                raise MediaError(f"GET {url}: {type(error).__name__}: {error}") from error

    def close(self) -> None:
        self._session.close()
