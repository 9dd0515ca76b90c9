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
        "ways_out": "To be called back without losing your place, press 1 or say call me back."
        " To leave a message, press 2.",
        "callback_offer": "Rather than wait, we can call you back and keep your place in line."
        " Press 1 or say call me back.",
        "confirm_number": "We will call you back at the number ending in {digits}. To confirm,"
        " press 1. To use another number, enter it now, followed by the pound key.",
        "enter_number": "Please enter the number we should call, followed by the pound key.",
        "bad_number": "Sorry, we cannot call that number. {why}",
        "already_pending": "You already have a callback on its way. We will call you soon.",
        "goodbye": "Thank you. Goodbye.",
        "back_in_line": "Sorry, that agent could not take your call. You keep your place in line.",
        "callback_hello": "Hello, this is {business} returning your call, as promised."
        " Connecting you now.",
        "callback_machine": "Hello, this is {business} returning your call. We will try you"
        " again shortly.",
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
        "ways_out": "Para que le llamemos sin perder su lugar, oprima 1 o diga llámame."
        " Para dejar un mensaje, oprima 2.",
        "callback_offer": "En lugar de esperar, podemos llamarle y guardar su lugar en la fila."
        " Oprima 1 o diga llámame.",
        "confirm_number": "Le llamaremos al número que termina en {digits}. Para confirmar,"
        " oprima 1. Para usar otro número, márquelo ahora, seguido de la tecla numeral.",
        "enter_number": "Marque el número al que debemos llamar, seguido de la tecla numeral.",
        "bad_number": "Lo sentimos, no podemos llamar a ese número. {why}",
        "already_pending": "Ya tiene una llamada de regreso pendiente. Le llamaremos pronto.",
        "goodbye": "Gracias. Adiós.",
        "back_in_line": "Lo sentimos, ese agente no pudo atender su llamada. Conserva su lugar"
        " en la fila.",
        "callback_hello": "Hola, le llama {business} para devolver su llamada, como prometimos."
        " Le estamos conectando.",
        "callback_machine": "Hola, le llama {business} para devolver su llamada. Volveremos a"
        " intentarlo en breve.",
        "connecting": "Le estamos conectando.",
        "agent_whisper": "Llamada de la {queue}. Oprima 1 para atenderla.",
        "agent_not_taken": "La llamada no fue atendida. Adiós.",
        "agent_nobody": "La persona ya no está esperando. Adiós.",
    },
}

CALLBACK_KEY = "1"
VOICEMAIL_KEY = "2"
CONFIRM_KEY = "1"
CALLBACK_WORDS = {
    "en": ("call me back", "callback", "call back", "call me"),
    "es": ("llámame", "llamame", "llámenme", "devolver la llamada", "que me llamen"),
}
VOICEMAIL_WORDS = {
    "en": ("message", "voicemail", "voice mail"),
    "es": ("mensaje", "buzón"),
}


def wants_callback(digits: str | None, speech: str | None) -> bool:
    return _asked(digits, speech, CALLBACK_KEY, CALLBACK_WORDS)


def wants_voicemail(digits: str | None, speech: str | None) -> bool:
    return _asked(digits, speech, VOICEMAIL_KEY, VOICEMAIL_WORDS)


def _asked(digits, speech, key, words) -> bool:
    if digits:
        return digits.strip()[:1] == key
    said = (speech or "").strip().lower()
    return bool(said) and any(w in said for phrases in words.values() for w in phrases)


def last_digits(e164: str, count: int = 4) -> str:
    """``+14155550123`` → ``0 1 2 3``: spoken one digit at a time."""
    return " ".join(e164[-count:])


AGENT_ACCEPT_KEY = "1"
AGENT_ACCEPT_TIMEOUT_SECONDS = 8
"""How long an agent has to press 1 after the whisper before the call goes to someone else."""
MAX_HOLD_SECONDS = 20 * 60
"""After this long on hold a caller is moved to voicemail rather than held forever."""


def phrases(language: str) -> dict[str, str]:
    return HOLD_PHRASES.get(language, HOLD_PHRASES["en"])


def spoken_queue(carrier_queue: str) -> str:
    """``support+billing`` as an agent hears it: ``support queue for billing``."""
    queue, *skills = carrier_queue.split("+")
    return f"{queue} queue" + (f" for {' and '.join(skills)}" if skills else "")


def held_too_long(queue_seconds: int | None) -> bool:
    return queue_seconds is not None and queue_seconds >= MAX_HOLD_SECONDS


@dataclass(frozen=True)
class HoldLines:
    lines: tuple[str, ...]
    language: str
    hints: tuple[str, ...]
    """Words the speech recogniser should expect while the caller holds."""


def hold_lines(news, language: str) -> HoldLines:
    """What a holding caller hears this time round (``news`` is the line's ``HoldNews``):
    their place and the estimate when it is time to say them again, the ways out always
    when it is; otherwise only music."""
    spoken = language if language in HOLD_PHRASES else "en"
    words = HOLD_PHRASES[spoken]
    hints = CALLBACK_WORDS.get(spoken, ()) + VOICEMAIL_WORDS.get(spoken, ())
    if news.wait is None:
        return HoldLines(lines=(), language=spoken, hints=hints)
    lines: list[str] = []
    position = news.place.position if news.place else None
    if position == 1:
        lines.append(words["next"])
    elif position and position > 1:
        lines.append(words["position"].format(position=position))
    if news.wait.language == spoken:
        lines.append(news.wait.sentence)
    if news.offer_callback:
        lines.append(words["callback_offer"])
    lines.append(words["ways_out"])
    return HoldLines(lines=tuple(lines), language=spoken, hints=hints)
