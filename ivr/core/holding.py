"""What a caller hears while holding in a queue.

Kept in the core (not in a view) because what we promise a waiting caller is a product decision:
their place in line, a way out to voicemail at any moment, and never a silent line.
The queue issue adds the estimated wait here.
"""

from __future__ import annotations

from dataclasses import dataclass

HOLD_PHRASES: dict[str, dict[str, str]] = {
    "en": {
        "position": "You are number {position} in line.",
        "next": "You are next in line.",
        "thanks": "Thank you for holding. A member of our team will be with you shortly.",
        "leave": "To leave a message instead, press 1 at any time.",
        "connecting": "Connecting you now.",
        "agent_whisper": "Call from the {queue}. Press 1 to take it.",
        "agent_not_taken": "The call was not taken. Goodbye.",
        "agent_nobody": "The caller is no longer waiting. Goodbye.",
    },
    "es": {
        "position": "Usted es el número {position} en la fila.",
        "next": "Usted es el siguiente en la fila.",
        "thanks": "Gracias por esperar. Un miembro de nuestro equipo le atenderá en breve.",
        "leave": "Para dejar un mensaje, oprima 1 en cualquier momento.",
        "connecting": "Le estamos conectando.",
        "agent_whisper": "Llamada de la {queue}. Oprima 1 para atenderla.",
        "agent_not_taken": "La llamada no fue atendida. Adiós.",
        "agent_nobody": "La persona ya no está esperando. Adiós.",
    },
}

LEAVE_KEY = "1"
AGENT_ACCEPT_KEY = "1"
AGENT_ACCEPT_TIMEOUT_SECONDS = 8
"""How long an agent has to press 1 after the whisper before the call goes to someone else."""
MAX_HOLD_SECONDS = 20 * 60
"""After this long on hold a caller is moved to voicemail rather than held forever."""


@dataclass(frozen=True)
class HoldAnnouncement:
    lines: tuple[str, ...]
    language: str
    """The language the lines are in: the caller's, or English when we have no phrases in it."""
    leave_key: str = LEAVE_KEY


def phrases(language: str) -> dict[str, str]:
    return HOLD_PHRASES.get(language, HOLD_PHRASES["en"])


def hold_announcement(language: str, *, position: int | None) -> HoldAnnouncement:
    spoken = language if language in HOLD_PHRASES else "en"
    words = HOLD_PHRASES[spoken]
    lines: list[str] = []
    if position == 1:
        lines.append(words["next"])
    elif position and position > 1:
        lines.append(words["position"].format(position=position))
    lines.append(words["thanks"])
    lines.append(words["leave"])
    return HoldAnnouncement(lines=tuple(lines), language=spoken)


def spoken_queue(carrier_queue: str) -> str:
    """``support+billing`` as an agent hears it: ``support queue for billing``."""
    queue, *skills = carrier_queue.split("+")
    return f"{queue} queue" + (f" for {' and '.join(skills)}" if skills else "")


def held_too_long(queue_seconds: int | None) -> bool:
    return queue_seconds is not None and queue_seconds >= MAX_HOLD_SECONDS
