"""Jobs of the waiting line: dispatch (match free agents with the line), sweep (repair).

Matching is atomic in Redis, so several workers may dispatch at once without booking an agent
or a caller twice; the sweep runs every ``IVR_SWEEP_SECONDS`` and schedules its successor.
"""

from __future__ import annotations

from workers.runtime import services


def dispatch() -> list[str]:
    return services().dispatcher.dispatch()


def sweep() -> dict[str, int]:
    built = services()
    try:
        return built.dispatcher.sweep()
    finally:
        built.jobs.sweep_done(built.settings.queue.sweep_seconds)


def agent_leg_ended(call_sid: str, agent_id: int, status: str) -> list[str]:
    """Kept for jobs enqueued before the Redis line: an agent leg's end is now handled by the
    caller's Dial action; just look at the line again."""
    return services().dispatcher.dispatch()
