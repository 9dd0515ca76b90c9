"""Reading verb attributes the way Twilio does: a value it cannot use is a warning, not a crash.

Each reader method returns the documented default when the attribute is absent, and logs a
12200 warning (then uses the default) when it is present but unusable, such as
``timeout="soon"``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ivr.sandbox.twiml import Verb

_TRUE = {"true", "1", "yes"}
_FALSE = {"false", "0", "no"}


class AttributeReader:
    """Typed access to one verb's attributes; ``warn`` receives a message naming the value."""

    def __init__(self, verb: Verb, warn: Callable[[str], None]) -> None:
        self.verb = verb
        self._warn = warn

    def text(self, name: str, default: str | None = None) -> str | None:
        value = self.verb.attrs.get(name)
        if value is None:
            return default
        return value.strip()

    def integer(
        self, name: str, default: int, *, minimum: int | None = None, maximum: int | None = None
    ) -> int:
        raw = self.verb.attrs.get(name)
        if raw is None:
            return default
        try:
            value = int(raw.strip())
        except ValueError:
            return self._bad(name, raw, default, "a whole number")
        if minimum is not None and value < minimum:
            return self._bad(name, raw, default, f"at least {minimum}")
        if maximum is not None and value > maximum:
            return self._bad(name, raw, default, f"at most {maximum}")
        return value

    def boolean(self, name: str, default: bool) -> bool:
        raw = self.verb.attrs.get(name)
        if raw is None:
            return default
        value = raw.strip().lower()
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        return self._bad(name, raw, default, "true or false")

    def choice(self, name: str, default: str, allowed: Iterable[str]) -> str:
        raw = self.verb.attrs.get(name)
        if raw is None:
            return default
        options = set(allowed)
        if raw.strip() in options:
            return raw.strip()
        return self._bad(name, raw, default, "one of " + ", ".join(sorted(options)))

    def method(self, name: str = "method", default: str = "POST") -> str:
        raw = self.verb.attrs.get(name)
        if raw is None or not raw.strip():
            return default
        value = raw.strip().upper()
        if value in {"GET", "POST"}:
            return value
        return self._bad(name, raw, default, "GET or POST")

    def events(self, name: str, default: frozenset[str], allowed: Iterable[str]) -> frozenset[str]:
        """A space- or comma-separated set of event names, such as ``statusCallbackEvent``."""
        raw = self.verb.attrs.get(name)
        if raw is None or not raw.strip():
            return default
        options = set(allowed)
        chosen = set(raw.replace(",", " ").split())
        unknown = chosen - options
        if unknown:
            self._warn(
                f'<{self.verb.name} {name}="{raw}">: ignoring {", ".join(sorted(unknown))} '
                f"(allowed: {', '.join(sorted(options))})"
            )
        return frozenset(chosen & options) or default

    def _bad(self, name: str, raw: str, default, expected: str):
        self._warn(
            f'<{self.verb.name} {name}="{raw}">: expected {expected}; using the default {default!r}'
        )
        return default
