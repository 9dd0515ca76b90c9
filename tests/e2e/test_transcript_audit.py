"""Transcript audit in a real browser: a manager signs in, searches a word, opens the call,
clicks a word of the transcript and hears the audio from there, scores the call and exports
the search as CSV; the page runs without a console error (a CSP violation would be one).

The call is written straight into the database with a real WAV (tones, not speech) and a done
transcript with word times: the real Korean model is ``test_transcripts.py``'s business.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from ivr.core.access import Role
from ivr.core.audit import AuditAction
from tests.audit_calls import audited_call
from tests.console import make_user
from tests.e2e.browser import login, screenshot
from tests.e2e.conftest import TIME_SCALE, Live, running
from tests.helpers import FixedClock

pytestmark = pytest.mark.e2e

CLICKED = ("reading", 2.2)
"""The word clicked and its start in the recording (``tests.audit_calls.SEGMENTS``)."""


@pytest.fixture
def live(sqlite_database: str, redis_url: str, clock: FixedClock, tmp_path: Path) -> Iterator[Live]:
    yield from running(
        sqlite_database, redis_url, clock, time_scale=TIME_SCALE, recordings_dir=tmp_path / "rec"
    )


def test_a_manager_searches_plays_from_a_word_reviews_and_exports(live: Live, page) -> None:
    base = live.settings.public_base_url
    call = audited_call(live.database, live.settings.recording.directory)
    manager = make_user(live.services, Role.MANAGER, name="Mia Manager")

    login(page, base, manager.email, manager.password, next_path="/console/transcripts")
    assert page.url == f"{base}/console/transcripts"
    page.fill("#q", "meter")
    page.click("#transcript-search button[type=submit]")
    page.wait_for_selector("#search-results .hit")
    assert page.locator("#search-results mark").first.inner_text() == "meter"
    assert "Ana García" in page.inner_text("#search-results")
    screenshot(page, "transcript-search")

    page.locator("#search-results .hit a.open-call").first.click()
    page.wait_for_selector("section.recording audio.player")
    assert page.inner_text("#call-reason") == "my meter reading is wrong"
    assert page.locator("button.word", has_text="<b>wrong</b>").count() == 1  # as text

    # Where the click seeks to is read when the seek starts: by the time a test could ask,
    # the audio has played on.
    page.evaluate(
        """() => {
            const audio = document.querySelector("audio.player");
            audio.addEventListener("seeking", () => { window.seekedTo = audio.currentTime; });
        }"""
    )
    word, start = CLICKED
    page.locator("button.word", has_text=word).click()
    page.wait_for_function("() => window.seekedTo !== undefined")
    assert abs(page.evaluate("window.seekedTo") - start) < 0.3
    page.wait_for_function(
        "() => { const a = document.querySelector('audio.player');"
        " return a.played.length > 0 && a.currentTime > 2.3; }"
    )
    # While it plays, the word being said is lit: it moves on from the word clicked.
    page.wait_for_function(
        "() => { const w = document.querySelector('button.word.current');"
        " return w !== null && parseFloat(w.dataset.start) >= 2.7; }"
    )
    assert page.evaluate("document.querySelector('section.recording').dataset.playError") is None

    for criterion, points in (
        ("greeting", 2),
        ("understanding", 2),
        ("resolution", 1),
        ("courtesy", 2),
        ("compliance", 2),
    ):
        page.check(f"#{criterion}-{points}")
    page.check("input[name=flags][value=coaching]")
    page.fill("#comment", "Good call; promise a date for the visit next time.")
    page.click("#qa-form button[type=submit]")
    page.wait_for_selector("#reviews .review")
    assert "Review saved: 9/10 (90%)." in page.inner_text("main")
    assert "Coaching" in page.inner_text("#reviews")
    (review,) = live.services.call_reviews.for_call(call.call_sid)
    assert review.reviewer == manager.account.name and review.flags == ("coaching",)

    # A word lit and the audio paused there, for the picture.
    page.locator("button.word", has_text="meter").click()
    page.wait_for_function("() => document.querySelector('button.word.current') !== null")
    page.evaluate("document.querySelector('audio.player').pause()")
    screenshot(page, "call-audit")

    page.goto(f"{base}/console/transcripts?q=meter")
    with page.expect_download() as download:
        page.click("#export-transcripts")
    content = Path(download.value.path()).read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(content)))
    transcript = next(row for row in rows if row["source"] == "transcript")
    assert transcript["call_sid"] == call.call_sid
    assert transcript["text"] == "agent: hello this is\ncustomer: my meter reading <b>wrong</b>"
    assert download.value.suggested_filename == "transcripts.csv"

    audit = live.services.audit_log
    (export,) = audit.recent(action=AuditAction.TRANSCRIPTS_EXPORT)
    assert export.detail == {"query": "meter", "rows": len(rows)}
    listens = audit.recent(action=AuditAction.RECORDING_LISTEN)
    assert listens and {e.target for e in listens} == {f"recording:{call.recording_sid}"}
    assert page.console_errors == []
