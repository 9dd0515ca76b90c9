"""TwiML parsing and validation: bytes in, a tree of verbs out, or Twilio's error code.

Validation is done once, when the document arrives, so that a document with a misspelt verb
fails before the caller hears half of it, as on Twilio: 12100 when the XML cannot be read (or
the root is not ``<Response>``), 12200 when it breaks the schema (unknown or misplaced verb,
bad nesting). Attribute values are read later by the verbs, which log a 12200 *warning* and
use the default for a value they cannot use, as Twilio does for its verb-specific warnings.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass, field

from ivr.sandbox import errors

VOICE_VERBS = frozenset(
    {
        "Say",
        "Play",
        "Pause",
        "Gather",
        "Record",
        "Dial",
        "Enqueue",
        "Leave",
        "Redirect",
        "Hangup",
        "Reject",
    }
)
UNSUPPORTED_VERBS = frozenset({"Connect", "Start", "Stop", "Refer", "Pay", "Prompt", "Echo"})
"""Valid Twilio verbs the sandbox skips with a warning (it carries no media streams)."""

SSML_TAGS = frozenset(
    {"break", "emphasis", "lang", "p", "phoneme", "prosody", "s", "say-as", "sub", "w"}
)
DIAL_NOUNS = frozenset({"Number", "Client", "Queue", "Sip", "Conference", "Sim", "Application"})

_CHILDREN: Mapping[str, frozenset[str]] = {
    "Gather": frozenset({"Say", "Play", "Pause"}),
    "Dial": DIAL_NOUNS,
    "Say": SSML_TAGS,
    "Client": frozenset({"Identity", "Parameter"}),
    "Sip": frozenset({"Parameter"}),
    "Application": frozenset({"ApplicationSid", "Parameter"}),
    "Enqueue": frozenset({"Task"}),
}
_TEXT_ALLOWED = frozenset(
    {"Say", "Play", "Redirect", "Dial", "Enqueue", "Number", "Client", "Queue", "Sip"}
    | {"Conference", "Sim", "Identity", "Task", "ApplicationSid"}
    | SSML_TAGS
)

# Where a document runs decides which verbs it may hold (Twilio's documented restrictions).
CALL = "call"
WAIT = "enqueue-wait"
"""An <Enqueue waitUrl> document."""
DEQUEUE = "dequeue-announcement"
"""A <Queue url> document, played to the dequeued caller before bridging."""
WHISPER = "whisper"
"""A <Number url> document, played to the called party before bridging."""

ALLOWED_VERBS: Mapping[str, frozenset[str]] = {
    CALL: VOICE_VERBS | UNSUPPORTED_VERBS,
    WAIT: frozenset({"Play", "Say", "Pause", "Hangup", "Redirect", "Leave", "Gather"}),
    DEQUEUE: frozenset({"Play", "Say", "Pause", "Redirect"}),
    WHISPER: (VOICE_VERBS | UNSUPPORTED_VERBS) - {"Dial", "Enqueue", "Leave"},
}
_CONTEXT_NAMES = {
    CALL: "a call",
    WAIT: "an <Enqueue> waitUrl document",
    DEQUEUE: "a <Queue> url document",
    WHISPER: "a <Number> url (whisper) document",
}


@dataclass(frozen=True)
class Verb:
    """One element of a document: a verb, a noun or an SSML tag."""

    name: str
    attrs: Mapping[str, str] = field(default_factory=dict)
    text: str = ""
    """The element's own text; for <Say>, the whole text with SSML tags flattened."""
    children: tuple[Verb, ...] = ()

    def attr(self, name: str, default: str | None = None) -> str | None:
        return self.attrs.get(name, default)


@dataclass(frozen=True)
class Document:
    """A validated TwiML document and the URL it came from (None for inline TwiML)."""

    verbs: tuple[Verb, ...]
    url: str | None


def parse(body: bytes | str, *, url: str | None, context: str = CALL) -> Document:
    """Parse and validate a document; DocumentError carries 12100 or 12200."""
    raw = body.encode("utf-8") if isinstance(body, str) else body
    if b"<!DOCTYPE" in raw or b"<!ENTITY" in raw:
        # The sandbox refuses DTDs rather than expanding entities from an untrusted document.
        raise errors.DocumentError(
            errors.DOCUMENT_PARSE_FAILURE, "document type declarations are not allowed", url=url
        )
    try:
        root = ET.fromstring(raw)
    except ET.ParseError as exc:
        raise errors.DocumentError(
            errors.DOCUMENT_PARSE_FAILURE, f"the document is not well-formed XML: {exc}", url=url
        ) from None
    if root.tag != "Response":
        raise errors.DocumentError(
            errors.DOCUMENT_PARSE_FAILURE,
            f"the root element is <{root.tag}>; a TwiML document's root must be <Response>",
            url=url,
        )
    if root.attrib:
        _schema(f"<Response> takes no attributes, got {sorted(root.attrib)}", url)
    if (root.text or "").strip():
        _schema("<Response> holds verbs, not text", url)
    allowed = ALLOWED_VERBS[context]
    verbs = []
    for element in root:
        if (element.tail or "").strip():
            _schema(f"text after <{element.tag}> is not allowed in <Response>", url)
        if element.tag in SSML_TAGS or element.tag not in VOICE_VERBS | UNSUPPORTED_VERBS:
            _schema(f"<{element.tag}> is not a TwiML voice verb (names are case-sensitive)", url)
        if element.tag not in allowed:
            _schema(f"<{element.tag}> is not allowed in {_CONTEXT_NAMES[context]}", url)
        verbs.append(_build(element, url))
    return Document(verbs=tuple(verbs), url=url)


def _build(element: ET.Element, url: str | None) -> Verb:
    name = element.tag
    allowed_children = _CHILDREN.get(name, frozenset())
    children = []
    for child in element:
        if child.tag not in allowed_children:
            _schema(f"<{child.tag}> cannot be nested in <{name}>", url)
        children.append(_build(child, url))
    own_text = "".join(element.itertext()) if name == "Say" else (element.text or "")
    has_text = any((c.tail or "").strip() for c in element) or bool((element.text or "").strip())
    if has_text and name not in _TEXT_ALLOWED:
        _schema(f"<{name}> takes no text", url)
    if name == "Dial" and children and (element.text or "").strip():
        _schema("<Dial> holds either a number as text or nouns, not both", url)
    return Verb(
        name=name,
        attrs=dict(element.attrib),
        text=" ".join(own_text.split()),
        children=tuple(children),
    )


def _schema(message: str, url: str | None) -> None:
    raise errors.DocumentError(errors.SCHEMA_VALIDATION, message, url=url)


def play_document(url: str, audio_url: str) -> Document:
    """What Twilio does with an audio response: play it, then hang up."""
    return Document(verbs=(Verb(name="Play", text=audio_url), Verb(name="Hangup")), url=url)


def say_document(url: str, text: str) -> Document:
    """What Twilio does with a text/plain response: read it out, then hang up."""
    return Document(
        verbs=(Verb(name="Say", text=" ".join(text.split())), Verb(name="Hangup")), url=url
    )
