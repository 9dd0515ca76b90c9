"""Read a call-flow file as plain YAML data, with the surprises business owners trip on removed.

YAML 1.1 (PyYAML's dialect) reads ``no`` as False (Norwegian's language code), ``10:00`` as the
number 600 and ``2025-13-01`` as an exception; and a step written twice silently replaces the
first. Here the only implicit types are decimal integers, floats, ``true``/``false`` and
``null``; everything else stays a string for the parser to judge, and a repeated key is a
problem with its line number. Errors come back as ``Problem`` values, never as tracebacks.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from ivr.core.flows.problems import Problem

_INT = "tag:yaml.org,2002:int"
_BOOL = "tag:yaml.org,2002:bool"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"


_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's parser where PyYAML was built with it (the wheels are): the same safe
construction and our resolvers, parsed in C, several times faster than PyYAML's own."""


class _FlowYamlLoader(_SafeLoader):  # type: ignore[misc, valid-type]
    """SafeLoader without the sexagesimal, octal, yes/no/on/off and timestamp readings."""


_FlowYamlLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in (_INT, _BOOL, _TIMESTAMP)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_FlowYamlLoader.add_implicit_resolver(
    _BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_FlowYamlLoader.add_implicit_resolver(
    _INT, re.compile(r"^(?:[-+]?(?:0|[1-9][0-9]*))$"), list("-+0123456789")
)


def _construct_mapping_once(
    loader: _FlowYamlLoader, node: yaml.MappingNode, deep: bool = False
) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        try:
            repeated = key in seen
        except TypeError:  # an unhashable key; construct_mapping reports it properly
            continue
        if repeated:
            raise yaml.constructor.ConstructorError(
                None, None, f'"{key}" appears twice in the same section', key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_FlowYamlLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping_once
)


def read_yaml(path: Path) -> tuple[Any, list[Problem]]:
    """The file's data, or None and the problems that stopped it being read."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return None, [Problem(path.name, None, "is not UTF-8 text")]
    except OSError as error:
        return None, [Problem(path.name, None, f"cannot be read: {error.strerror or error}")]
    return parse_yaml(text, path.name)


def parse_yaml(text: str, file: str) -> tuple[Any, list[Problem]]:
    """Like ``read_yaml`` for text already in hand; ``file`` names it in problems."""
    try:
        return yaml.load(text, Loader=_FlowYamlLoader), []
    except yaml.MarkedYAMLError as error:
        return None, [Problem(file, None, _describe(error))]
    except yaml.YAMLError as error:
        return None, [Problem(file, None, f"is not valid YAML: {error}")]


def _describe(error: yaml.MarkedYAMLError) -> str:
    mark = error.problem_mark or error.context_mark
    where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
    what = error.problem or error.context or "invalid YAML"
    if error.context and error.problem and "appears twice" not in error.problem:
        what = f"{error.problem} ({error.context})"
    if "alias" in what or "anchor" in what:
        what += '; put keys such as "*" and "#" in quotes'
    return f"{where}{what}"
