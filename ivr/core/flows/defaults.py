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

LANGUAGE_DEFAULTS: MappingProxyType[str, MappingProxyType[str, object]] = MappingProxyType(
    {
        "en": MappingProxyType(
            {
                "speech": "en-US",
                "human_words": ("agent", "representative", "operator", "person", "human"),
                "no_input": "Sorry, I didn't get that.",
                "not_an_option": "Sorry, that is not an option.",
                "apology": "Sorry, something went wrong. Let me get you to a person.",
            }
        ),
        "es": MappingProxyType(
            {
                "speech": "es-MX",
                "human_words": ("agente", "representante", "operador", "persona"),
                "no_input": "Perdón, no le escuché.",
                "not_an_option": "Perdón, esa no es una opción.",
                "apology": "Perdón, algo salió mal. Le comunico con una persona.",
            }
        ),
    }
)
"""What a flow gets for ``en`` and ``es`` without saying so; any other language must spell out
its speech code, human words and messages (the validator says which are missing)."""
