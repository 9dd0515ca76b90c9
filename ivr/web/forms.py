"""The carrier's form bodies, parsed without werkzeug's general machinery.

Every webhook is a small ``application/x-www-form-urlencoded`` POST with a Content-Length,
and every one is parsed (the signature covers the form). werkzeug gets there through a form
parser object, a limited stream and its property chain, which measured more than the parsing
itself (~105 µs for a 8-field webhook, of which ``parse_qsl`` is ~25 µs). ``WebhookRequest``
parses exactly that kind of body directly, the way werkzeug's own urlencoded parser does
(``parse_qsl`` on the UTF-8 text, blank values kept, an undecodable body an empty form), and
leaves every other request (multipart, chunked, a size limit configured, a body already read)
to werkzeug.
"""

from __future__ import annotations

from io import BytesIO
from urllib.parse import parse_qsl

from flask import Request

URLENCODED = "application/x-www-form-urlencoded"


class WebhookRequest(Request):
    def _load_form_data(self) -> None:
        if "form" in self.__dict__:
            return
        environ = self.environ
        length = environ.get("CONTENT_LENGTH", "")
        if (
            not length.isdigit()
            or environ.get("CONTENT_TYPE", "").partition(";")[0].strip().lower() != URLENCODED
            or self.max_content_length is not None
            or "_cached_data" in self.__dict__
            or "stream" in self.__dict__
        ):
            super()._load_form_data()
            return
        body = environ["wsgi.input"].read(int(length))
        try:
            items = parse_qsl(body.decode(), keep_blank_values=True, errors="werkzeug.url_quote")
        except ValueError:  # werkzeug's parser is silent about a body it cannot decode, too
            items = []
        storage = self.parameter_storage_class
        d = self.__dict__
        d["stream"], d["form"], d["files"] = BytesIO(), storage(items), storage()
