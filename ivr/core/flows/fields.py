"""Reading the fields of a call-flow file: typed values, prompts and words, with problems.

A ``FieldReader`` never raises on bad data: it records a ``Problem`` naming the step and the
field and returns None or a default, so one pass reports everything wrong with a file.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from ivr.core.flows import defaults
from ivr.core.flows.model import GatherSettings, Prompt
from ivr.core.flows.problems import Problem

_KEYS = re.compile(r"^[0-9*#]{1,8}$")


class FieldReader:
    """Reads one file's data; collects problems instead of stopping at the first."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []
        self.languages: tuple[str, ...] = ()
        self.default_language = ""
        """The flow's languages, known before its steps are read: plain-text prompts belong to
        the default language and a single ``play`` URL to all of them."""

    def problem(self, step: str | None, message: str) -> None:
        self.problems.append(Problem(self.file, step, message))

    # -- scalars -------------------------------------------------------------------------

    def text(self, raw: Mapping[str, Any], key: str, step: str | None) -> str | None:
        value = raw.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, str | int):
            self.problem(step, f'has "{key}" {shown(value)}; it should be text')
            return None
        value = str(value).strip()
        if not value:
            self.problem(step, f'has an empty "{key}"')
            return None
        return value

    def required_text(self, raw: Mapping[str, Any], key: str, step: str | None) -> str | None:
        if raw.get(key) is None:
            self.problem(step, f'needs "{key}"')
            return None
        return self.text(raw, key, step)

    def number(
        self, raw: Mapping[str, Any], key: str, step: str | None, default: int, allowed: range
    ) -> int:
        value = raw.get(key)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(step, f'has "{key}" {shown(value)}; it should be a whole number')
            return default
        if value not in allowed:
            self.problem(
                step,
                f'has "{key}" {value}; it should be between {allowed.start} and {allowed.stop - 1}',
            )
            return default
        return value

    def target(self, raw: Mapping[str, Any], key: str, step: str | None) -> str | None:
        """A step name; whether it exists is the validator's question."""
        return self.text(raw, key, step)

    def words(self, value: Any, step: str | None, where: str) -> tuple[str, ...]:
        """A phrase or a list of phrases."""
        if value is None:
            return ()
        items = value if isinstance(value, list) else [value]
        phrases: list[str] = []
        for item in items:
            if isinstance(item, bool) or not isinstance(item, str | int) or not str(item).strip():
                self.problem(step, f"has {where} {shown(item)}; words should be text")
            else:
                phrases.append(str(item).strip())
        return tuple(phrases)

    # -- prompts ---------------------------------------------------------------------------

    def prompt(self, raw: Mapping[str, Any], key: str, step: str) -> Prompt | None:
        """``{en: "...", es: "..."}``; plain text is taken as the default language's."""
        value = raw.get(key)
        if value is None:
            return None
        if isinstance(value, str):
            return Prompt(text=MappingProxyType({self.default_language: value.strip()}))
        if not isinstance(value, dict):
            self.problem(step, f'has "{key}" {shown(value)}; write it per language: en: "..."')
            return None
        texts: dict[str, str] = {}
        for language, text in value.items():
            if not isinstance(text, str) or not text.strip():
                self.problem(step, f'has "{key}" in "{language}" {shown(text)}; it should be text')
            else:
                texts[str(language)] = text.strip()
        return Prompt(text=MappingProxyType(texts))

    def required_prompt(self, raw: Mapping[str, Any], key: str, step: str) -> Prompt | None:
        if raw.get(key) is None:
            self.problem(step, f'needs "{key}": what the caller hears, per language')
            return None
        return self.prompt(raw, key, step)

    def recording(self, raw: Mapping[str, Any], step: str) -> Prompt | None:
        """``play``: one URL for every language, or a URL per language."""
        value = raw.get("play")
        if isinstance(value, str):
            value = dict.fromkeys(self.languages, value)
        if not isinstance(value, dict):
            self.problem(step, f'has "play" {shown(value)}; it should be a URL')
            return None
        urls: dict[str, str] = {}
        for language, url in value.items():
            if not isinstance(url, str) or not re.match(r"^https?://\S+$", url.strip()):
                self.problem(step, f'has "play" {shown(url)}; it should be an http(s) URL')
            else:
                urls[str(language)] = url.strip()
        return Prompt(audio_url=MappingProxyType(urls))

    def gather(self, raw: Mapping[str, Any], step: str, keys: list[str]) -> GatherSettings:
        value = raw.get("gather") or {}
        if not isinstance(value, dict):
            self.problem(step, 'has "gather" that is not a set of settings (timeout, num_digits)')
            return GatherSettings()
        self.unknown_fields(value, {"timeout", "num_digits"}, step, "gather ")
        longest = max((len(key) for key in keys), default=1)
        # One-key menus answer as soon as the key is pressed; longer ones wait for # or timeout.
        automatic = 1 if longest == 1 else None
        num_digits = self.number(value, "num_digits", step, 0, range(1, 9)) or automatic
        return GatherSettings(
            timeout_seconds=self.number(
                value, "timeout", step, defaults.GATHER_TIMEOUT_SECONDS, range(1, 61)
            ),
            num_digits=num_digits,
        )

    def unknown_fields(
        self,
        raw: Mapping[str, Any],
        allowed: set[str] | frozenset[str],
        step: str | None,
        what: str = "",
    ) -> None:
        for key in raw:
            if key not in allowed:
                known = ", ".join(sorted(allowed))
                self.problem(step, f'has unknown {what}field "{key}" (known fields: {known})')

    def words_per_language(
        self, value: Any, step: str, key: str
    ) -> MappingProxyType[str, tuple[str, ...]] | None:
        if value is None:
            return MappingProxyType({})
        if not isinstance(value, dict):
            self.problem(step, f'option {key} has "words" that are not per language: en: [...]')
            return None
        return MappingProxyType(
            {
                str(language): self.words(words, step, f'option {key} words in "{language}"')
                for language, words in value.items()
            }
        )

    def key(self, item: Mapping[str, Any], step: str, index: int) -> str | None:
        value = item.get("key")
        if value is None:
            self.problem(step, f'option {index} needs "key" (put "*" and "#" in quotes)')
            return None
        key = str(value).strip()
        if isinstance(value, bool) or not _KEYS.match(key):
            self.problem(step, f'option {index} has key {shown(value)}; use digits, "*" or "#"')
            return None
        return key

    def list_of(self, raw: Mapping[str, Any], key: str, step: str) -> list[Any]:
        value = raw.get(key)
        if not isinstance(value, list) or not value:
            self.problem(step, f'needs "{key}": a list')
            return []
        return value


def shown(value: Any) -> str:
    """A value as the YAML author wrote it, for messages."""
    if value is None:
        return "empty"
    if isinstance(value, dict):
        return "a set of fields"
    if isinstance(value, list):
        return "a list"
    return f'"{value}"'
