"""Call flows: YAML files a business owner edits, checked once, interpreted per webhook.

The public surface::

    load_flow(path) -> Flow                    one file; FlowError lists every problem
    load_flows(directory) -> dict[str, Flow]   every *.yaml / *.yml, by flow name
    check_flow(flow) -> list[Problem]          the rules a parsed flow must pass
    check_directory(path) -> list[Problem]     everything, for ``ivr callflows check``
    interpreter.start(flow, ctx) -> Turn
    interpreter.resume(flow, state, ctx, given) -> Turn
    interpreter.fallback(flow, language, ctx) -> Turn

``context`` (what the interpreter is told) and ``instructions`` (what it answers) are the
contract with the web layer; ``model`` holds the flow as values.
"""

from ivr.core.flows.loader import load_flow, load_flows
from ivr.core.flows.model import Flow
from ivr.core.flows.problems import Problem
from ivr.core.flows.validate import check_directory, check_flow

__all__ = ["Flow", "Problem", "check_directory", "check_flow", "load_flow", "load_flows"]
