"""Load call flows for use: all or nothing.

A flow with any problem is refused whole (``FlowError`` lists every problem), so the service
never starts with a flow that could strand a caller; ``validate.check_directory`` reports the
same problems without raising, for ``ivr callflows check``.
"""

from __future__ import annotations

from os import PathLike
from pathlib import Path

from ivr.core.errors import FlowError
from ivr.core.flows.model import Flow
from ivr.core.flows.validate import examine_directory, examine_file


def load_flow(path: str | PathLike[str]) -> Flow:
    """The flow in one YAML file; its name is the file's stem unless it says ``name:``."""
    flow, problems = examine_file(Path(path))
    if problems or flow is None:
        raise FlowError(problems)
    return flow


def load_flows(directory: str | PathLike[str]) -> dict[str, Flow]:
    """Every flow in ``directory`` (``*.yaml``, ``*.yml``), by flow name."""
    flows, problems = examine_directory(Path(directory))
    if problems:
        raise FlowError(problems)
    return flows
