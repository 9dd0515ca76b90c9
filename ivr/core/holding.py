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
        "transferring": "Please hold while I transfer your call. You keep your place in line.",
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
        "transferring": "Por favor espere mientras transfiero su llamada. Conserva su lugar en"
        " la fila.",
        "agent_whisper": "Llamada de la {queue}. Oprima 1 para atenderla.",
        "agent_not_taken": "La llamada no fue atendida. Adiós.",
        "agent_nobody": "La persona ya no está esperando. Adiós.",
    },
    "ko": {
        "position": "고객님의 대기 순서는 {position}번째입니다.",
        "next": "고객님은 다음 순서입니다.",
        "thanks": "기다려 주셔서 감사합니다. 곧 상담원이 연결해 드리겠습니다.",
        "leave": "대신 메시지를 남기시려면 언제든지 1번을 누르세요.",
        "ways_out": "대기 순서를 유지한 채 다시 전화를 받으시려면 1번을 누르거나 다시 전화해"
        " 달라고 말씀하세요. 메시지를 남기시려면 2번을 누르세요.",
        "callback_offer": "기다리지 않으셔도 대기 순서를 그대로 유지한 채 저희가 다시 전화드릴 수"
        " 있습니다. 1번을 누르거나 다시 전화해 달라고 말씀하세요.",
        "confirm_number": "끝자리가 {digits}인 번호로 다시 전화드리겠습니다. 맞으시면 1번을"
        " 누르세요. 다른 번호로 받으시려면 지금 번호를 누르고 우물 정자를 눌러 주세요.",
        "enter_number": "전화받으실 번호를 누르고 우물 정자를 눌러 주세요.",
        "bad_number": "죄송합니다. 그 번호로는 전화드릴 수 없습니다. {why}",
        "already_pending": "이미 다시 전화드리기로 예약되어 있습니다. 곧 연락드리겠습니다.",
        "goodbye": "감사합니다. 안녕히 계세요.",
        "back_in_line": "죄송합니다. 상담원이 전화를 받지 못했습니다. 대기 순서는 그대로"
        " 유지됩니다.",
        "callback_hello": "안녕하세요, {business}입니다. 약속드린 대로 다시 전화드렸습니다."
        " 지금 연결해 드리겠습니다.",
        "callback_machine": "안녕하세요, {business}입니다. 요청하신 전화를 드렸습니다. 잠시 후에"
        " 다시 전화드리겠습니다.",
        "connecting": "지금 연결해 드리겠습니다.",
        "transferring": "다른 상담원에게 연결해 드리는 동안 잠시만 기다려 주세요.",
        "agent_whisper": "{queue}에서 온 전화입니다. 받으시려면 1번을 누르세요.",
        "agent_not_taken": "전화를 받지 않으셨습니다. 안녕히 계세요.",
        "agent_nobody": "고객님이 더 이상 기다리고 계시지 않습니다. 안녕히 계세요.",
    },
}

CALLBACK_KEY = "1"
VOICEMAIL_KEY = "2"
CONFIRM_KEY = "1"
CALLBACK_WORDS = {
    "en": ("call me back", "callback", "call back", "call me"),
    "es": ("llámame", "llamame", "llámenme", "devolver la llamada", "que me llamen"),
    "ko": ("다시 전화", "콜백", "전화 주세요", "전화해 주세요"),
}
VOICEMAIL_WORDS = {
    "en": ("message", "voicemail", "voice mail"),
    "es": ("mensaje", "buzón"),
    "ko": ("메시지", "음성 메시지", "메세지"),
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
