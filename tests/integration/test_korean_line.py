"""The demo's Korean line through the signed webhooks, as the carrier drives it: a caller who
presses 3 is spoken to in Korean by the Korean voice, listened to in Korean, reaches a person
with 0 and, holding, hears their place and the estimate in Korean.

Korean because the only offline speech model on the package registries is Korean: these are
the calls the demo can transcribe offline.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from sqlalchemy import select

from ivr.adapters.sql.models import Agent, Call
from ivr.core.cases import Disposition
from ivr.core.queueing import AgentState
from ivr.seed import seed_demo
from tests.helpers import PUBLIC_BASE_URL, call_params

CALLER = "+14155550188"


@pytest.fixture
def svc(app):
    """One agent in wrap-up, the others offline: the line has someone to estimate by, and
    nobody free to take the caller (so no test reaches for a carrier)."""
    services = app.extensions["ivr"]
    seed_demo(services.database)
    services.dispatcher.sync_agents()
    with services.database.unit_of_work() as session:
        ids = list(session.scalars(select(Agent.id).order_by(Agent.id)))
    for agent_id in ids:
        services.dispatcher.set_agent_status(agent_id, AgentState.OFFLINE)
    services.dispatcher.set_agent_status(ids[0], AgentState.WRAP_UP)
    return services


class Caller:
    """Follows the app's TwiML the way the carrier would."""

    def __init__(self, carrier, call_sid: str) -> None:
        self.carrier, self.call_sid = carrier, call_sid
        self.document = self._post("/voice/incoming", {})

    def _post(self, path: str, extra: dict[str, str]) -> ET.Element:
        response = self.carrier.post(path, call_params(self.call_sid, From=CALLER, **extra))
        assert response.status_code == 200
        return ET.fromstring(response.get_data(as_text=True))

    def says(self) -> list[tuple[str, str, str]]:
        """(text, language, voice) of every <Say> in the document."""
        return [
            (n.text or "", n.attrib.get("language", ""), n.attrib.get("voice", ""))
            for n in self.document.iter("Say")
        ]

    def texts(self) -> list[str]:
        return [text for text, _, _ in self.says()]

    def gather(self) -> ET.Element:
        node = self.document.find("Gather")
        assert node is not None, ET.tostring(self.document, encoding="unicode")
        return node

    def press(self, digits: str) -> None:
        self.document = self._post(self._url(self.gather().attrib["action"]), {"Digits": digits})

    def speaks(self, words: str) -> None:
        action = self._url(self.gather().attrib["action"])
        self.document = self._post(action, {"SpeechResult": words, "Confidence": "0.9"})

    def records_nothing(self) -> None:
        self.document = self._post(self._url(self.document.find("Redirect").text), {})

    def holds(self, queue_seconds: int = 30) -> None:
        """The carrier fetches the <Enqueue> waitUrl."""
        wait_url = self._url(self.document.find("Enqueue").attrib["waitUrl"])
        self.document = self._post(wait_url, {"QueueTime": str(queue_seconds)})

    @staticmethod
    def _url(url: str) -> str:
        return url.removeprefix(PUBLIC_BASE_URL)


def korean_caller_at_main_menu(carrier, sid: str) -> Caller:
    caller = Caller(carrier, sid)
    caller.press("3")
    caller.records_nothing()
    return caller


def test_the_language_menu_offers_korean_third_in_the_korean_voice(svc, carrier) -> None:
    caller = Caller(carrier, "CA-ko-menu")

    assert caller.says()[-1] == (
        "한국어는 3번을 누르거나 한국어라고 말씀하세요.",
        "ko-KR",
        "Polly.Seoyeon",
    )
    assert "한국어" in caller.gather().attrib["hints"]


def test_key_3_speaks_korean_and_listens_in_korean(svc, carrier) -> None:
    caller = Caller(carrier, "CA-ko-3")
    caller.press("3")

    assert caller.texts() == [
        "더 나은 상담을 위해 이 통화는 녹음되고 글로 기록될 수 있습니다.",
        "삐 소리가 나면 전화하신 용건을 짧게 말씀해 주세요. 말씀이 끝나면 우물 정자를 눌러 주세요.",
    ]
    assert {(lang, voice) for _, lang, voice in caller.says()} == {("ko-KR", "Polly.Seoyeon")}
    assert caller.document.find("Record") is not None

    caller.records_nothing()

    assert caller.texts()[0].startswith("요금 문의는 1번을 누르거나 요금이라고 말씀하세요.")
    assert caller.gather().attrib["language"] == "ko-KR"
    assert "lang=ko" in caller.gather().attrib["action"]


@pytest.mark.parametrize("answer", ["0", "상담원 연결해 주세요"])
def test_a_korean_caller_reaches_the_line_and_hears_the_wait_in_korean(
    svc, carrier, answer: str
) -> None:
    caller = korean_caller_at_main_menu(carrier, "CA-ko-hold")
    caller.press(answer) if answer.isdigit() else caller.speaks(answer)

    assert caller.texts() == ["잠시만 기다려 주세요. 곧 상담원을 연결해 드리겠습니다."]
    assert "lang=ko" in caller.document.find("Enqueue").attrib["waitUrl"]

    caller.holds()

    lines = caller.texts()
    assert lines[0] == "고객님은 다음 순서입니다."
    assert lines[1].startswith("예상 대기 시간은 ") and lines[1].endswith("입니다.")
    assert lines[-1].startswith("대기 순서를 유지한 채 다시 전화를 받으시려면 1번을")
    assert {(lang, voice) for _, lang, voice in caller.says()} == {("ko-KR", "Polly.Seoyeon")}
    gather = caller.gather()
    assert gather.attrib["language"] == "ko-KR"
    assert "다시 전화" in gather.attrib["hints"]


def test_a_korean_caller_back_about_an_open_case_is_asked_in_korean_and_says_yes(
    svc, carrier
) -> None:
    first = korean_caller_at_main_menu(carrier, "CA-ko-first")
    first.press("0")
    svc.cases.set_reason("CA-ko-first", "요금 청구 오류")
    svc.cases.dispose("CA-ko-first", Disposition.FOLLOW_UP, at=svc.clock.now())

    again = Caller(carrier, "CA-ko-again")  # the file made on the first call says Korean

    assert again.texts()[-1] == (
        "요금 청구 오류 때문에 전화하셨습니까? 맞으시면 1번을 누르거나 네라고 말씀하세요."
        " 아니시면 2번을 누르거나 아니요라고 말씀하세요."
    )
    assert again.gather().attrib["language"] == "ko-KR"

    again.speaks("네")

    assert again.document.find("Enqueue") is not None
    with svc.database.unit_of_work() as session:
        case_ids = dict(
            session.execute(
                select(Call.call_sid, Call.case_id).where(
                    Call.call_sid.in_(["CA-ko-first", "CA-ko-again"])
                )
            ).all()
        )
    assert case_ids["CA-ko-again"] == case_ids["CA-ko-first"] is not None
