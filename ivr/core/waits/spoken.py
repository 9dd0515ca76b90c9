"""What a waiting caller hears about the wait, and what a callback promise says.

Honest first: a figure is always rounded up (a caller told "about 4 minutes" who is answered in
3 is pleased; one answered in 5 feels lied to), a wide spread is said as a range, nothing above
``CAP_SECONDS`` is given a figure, and a callback promise uses the P90, never the mean. Each
result carries the seconds it claims, because every spoken estimate is recorded with the call
and its error measured against the wait that followed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ivr.core.waits.estimator import WaitEstimate

CAP_SECONDS = 30 * 60
"""Above this we say "more than 30 minutes": a longer figure is one we cannot stand behind."""
RANGE_RATIO = 1.5
"""A P90 this many times the mean or more is said as a range ("between 2 and 4 minutes")."""
CALLBACK_MIN_SECONDS = 2 * 60
"""The shortest callback we promise: dialling the caller back takes time of its own."""
DEFAULT_LANGUAGE = "en"

PHRASES: dict[str, dict[str, str]] = {
    "en": {
        "under_a_minute": "less than a minute",
        "under": "less than {high} minutes",
        "about_one": "about 1 minute",
        "about": "about {low} minutes",
        "between": "between {low} and {high} minutes",
        "at_least": "at least {low} minutes",
        "over_cap": "more than {cap} minutes",
        "wait_sentence": "The estimated wait is {wait}.",
        "within_minutes": "within about {n} minutes",
        "within_hour": "within about 1 hour",
        "within_hours": "within about {n} hours",
        "callback_sentence": "We will call you back {within}.",
    },
    "es": {
        "under_a_minute": "menos de un minuto",
        "under": "menos de {high} minutos",
        "about_one": "aproximadamente 1 minuto",
        "about": "aproximadamente {low} minutos",
        "between": "entre {low} y {high} minutos",
        "at_least": "al menos {low} minutos",
        "over_cap": "más de {cap} minutos",
        "wait_sentence": "El tiempo de espera estimado es de {wait}.",
        "within_minutes": "dentro de aproximadamente {n} minutos",
        "within_hour": "dentro de aproximadamente 1 hora",
        "within_hours": "dentro de aproximadamente {n} horas",
        "callback_sentence": "Le devolveremos la llamada {within}.",
    },
    "ko": {
        "under_a_minute": "1분 미만",
        "under": "{high}분 미만",
        "about_one": "약 1분",
        "about": "약 {low}분",
        "between": "{low}분에서 {high}분 사이",
        "at_least": "최소 {low}분",
        "over_cap": "{cap}분 이상",
        "wait_sentence": "예상 대기 시간은 {wait}입니다.",
        "within_minutes": "약 {n}분 안에",
        "within_hour": "약 1시간 안에",
        "within_hours": "약 {n}시간 안에",
        "callback_sentence": "{within} 다시 전화드리겠습니다.",
    },
}


@dataclass(frozen=True)
class SpokenWait:
    text: str
    """The phrase alone: "about 4 minutes"."""
    sentence: str
    """What the caller hears: "The estimated wait is about 4 minutes."."""
    language: str
    """The language it is in: the caller's, or English when we have no phrases in theirs."""
    claimed_low_seconds: float
    claimed_high_seconds: float | None
    """None when the phrase claims no upper bound ("more than 30 minutes")."""


@dataclass(frozen=True)
class CallbackPromise:
    text: str
    """"within about 10 minutes"."""
    sentence: str
    language: str
    within_seconds: float


def spoken_language(language: str) -> str:
    return language if language in PHRASES else DEFAULT_LANGUAGE


def friendly_minutes(seconds: float) -> int | None:
    """Minutes rounded up to a unit a person says: 1..10, then 15, 20, 25, 30; None above."""
    if seconds > CAP_SECONDS:
        return None
    minutes = max(1, math.ceil(seconds / 60.0 - 1e-9))
    if minutes <= 10:
        return minutes
    return 5 * math.ceil(minutes / 5)


def spoken_wait(estimate: WaitEstimate, language: str) -> SpokenWait:
    spoken = spoken_language(language)
    words = PHRASES[spoken]
    mean, p90 = estimate.mean_seconds, max(estimate.p90_seconds, estimate.mean_seconds)
    low, high = friendly_minutes(mean), friendly_minutes(p90)
    cap = CAP_SECONDS // 60
    if low is None:
        text, claimed = words["over_cap"].format(cap=cap), (float(CAP_SECONDS), None)
    elif p90 <= 60.0:
        text, claimed = words["under_a_minute"], (0.0, 60.0)
    elif high is None:
        text, claimed = words["at_least"].format(low=low), (low * 60.0, None)
    elif mean < 60.0:
        text, claimed = words["under"].format(high=high), (0.0, high * 60.0)
    elif p90 >= RANGE_RATIO * mean and high > low:
        text = words["between"].format(low=low, high=high)
        claimed = (low * 60.0, high * 60.0)
    elif low == 1:
        text, claimed = words["about_one"], (60.0, 60.0)
    else:
        text, claimed = words["about"].format(low=low), (low * 60.0, low * 60.0)
    return SpokenWait(
        text=text,
        sentence=words["wait_sentence"].format(wait=text),
        language=spoken,
        claimed_low_seconds=claimed[0],
        claimed_high_seconds=claimed[1],
    )


def callback_promise(estimate: WaitEstimate, language: str) -> CallbackPromise:
    """A promise we keep nine times in ten: the P90, rounded up, never under two minutes."""
    spoken = spoken_language(language)
    words = PHRASES[spoken]
    seconds = max(estimate.p90_seconds, estimate.mean_seconds, CALLBACK_MIN_SECONDS)
    minutes = friendly_minutes(seconds)
    if minutes is not None:
        text, within = words["within_minutes"].format(n=minutes), minutes * 60.0
    elif seconds <= 45 * 60:
        text, within = words["within_minutes"].format(n=45), 45 * 60.0
    else:
        hours = math.ceil(seconds / 3600.0 - 1e-9)
        key = "within_hour" if hours == 1 else "within_hours"
        text, within = words[key].format(n=hours), hours * 3600.0
    return CallbackPromise(
        text=text,
        sentence=words["callback_sentence"].format(within=text),
        language=spoken,
        within_seconds=within,
    )
