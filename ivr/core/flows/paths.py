"""Where a flow's steps lead: the graph questions the validator asks.

A step "passes" to another when the call gets there in the same turn, without the caller's say:
a say step to its ``next``, an hours step to either branch, and a language step to its ``next``
(for callers whose language we know). Every other step waits for the caller or hands the call
off, and ends the path.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ivr.core.flows.model import CaseStep, Flow, HoursStep, LanguageStep, SayStep, Step


def passes_to(step: Step) -> Iterator[str]:
    """The steps ``step`` goes on to by itself, in the same turn."""
    if isinstance(step, SayStep | LanguageStep):
        yield step.next
    elif isinstance(step, CaseStep):
        yield step.no  # a caller without an open case is not asked
    elif isinstance(step, HoursStep):
        yield step.open
        yield step.closed


def reachable(flow: Flow, entries: Iterable[str]) -> set[str]:
    """Every step some call can get to from ``entries``, whatever the caller does."""
    reached: set[str] = set()
    pending = list(entries)
    while pending:
        name = pending.pop()
        step = flow.steps.get(name)
        if step is None or name in reached:
            continue
        reached.add(name)
        pending.extend(target for _, target in step.targets())
    return reached


def passes_through(flow: Flow, start: str, target: str) -> bool:
    """Whether a call at ``start`` gets to ``target`` without waiting for the caller."""
    pending, seen = [start], set()
    while pending:
        name = pending.pop()
        if name == target:
            return True
        step = flow.steps.get(name)
        if step is None or name in seen:
            continue
        seen.add(name)
        pending.extend(passes_to(step))
    return False


def endings(flow: Flow, start: str) -> set[tuple[str, bool]]:
    """The steps a call from ``start`` stops at before the caller is asked anything, each with
    whether it got there through the closed branch of an hours step (voicemail is what a closed
    business offers, so a path to a person may end there when closed).

    Unlike ``passes_to``, a language step ends the path: it asks unknown callers a question, so a
    person behind it is not "one key away".
    """
    return _endings(flow, start, closed=False, seen=frozenset())


def _endings(flow: Flow, name: str, *, closed: bool, seen: frozenset[str]) -> set[tuple[str, bool]]:
    step = flow.steps.get(name)
    if step is None or name in seen:
        return set()
    seen = seen | {name}
    if isinstance(step, HoursStep):
        return _endings(flow, step.open, closed=closed, seen=seen) | _endings(
            flow, step.closed, closed=True, seen=seen
        )
    if isinstance(step, SayStep):
        return _endings(flow, step.next, closed=closed, seen=seen)
    return {(name, closed)}


def cycle_from(flow: Flow, name: str, path: tuple[str, ...] = ()) -> list[str] | None:
    """A loop of steps that pass to each other for ever, met on the way from ``name``."""
    if name in path:
        return list(path[path.index(name) :])
    step = flow.steps.get(name)
    if step is None:
        return None
    for following in passes_to(step):
        cycle = cycle_from(flow, following, (*path, name))
        if cycle:
            return cycle
    return None


def knows_the_caller_after_a_reply(flow: Flow) -> bool:
    """Whether a turn that continues the call (after a key, a word, a dial, a queue) can reach
    a step that depends on who the caller is: a greeting by name, or a language step skipped
    for a caller whose language we know. When it cannot, a webhook can skip looking them up.
    """
    waiting = (step for step in flow.steps.values() if not isinstance(step, SayStep | HoursStep))
    after = reachable(flow, (target for step in waiting for _, target in step.targets()))
    return any(
        isinstance(step, LanguageStep)
        or (isinstance(step, SayStep) and step.known_prompt is not None)
        for name in after
        if (step := flow.steps.get(name)) is not None
    )
