"""Transcript audit in the console: managers search, open a call, score it and export; each
export is in the audit log; agents open only the calls they took."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import func, select

from ivr.adapters.sql.models import QaReview
from ivr.core.access import Role
from ivr.core.audit import AuditAction
from tests.audit_calls import audited_call
from tests.console import csrf_of, make_user, sign_in
from tests.helpers import with_settings

ALL_TWO = {"greeting": "2", "understanding": "2", "resolution": "1", "courtesy": "2"}


@pytest.fixture
def settings(settings, tmp_path: Path):
    """Recordings in a folder of this test's own."""
    return with_settings(settings, recording=replace(settings.recording, directory=tmp_path))


@pytest.fixture
def services(app):
    return app.extensions["ivr"]


@pytest.fixture
def call(services, settings):
    return audited_call(services.database, settings.recording.directory)


@pytest.fixture
def manager(app, services):
    client = app.test_client()
    user = make_user(services, Role.MANAGER, name="Mia Manager")
    sign_in(client, user)
    client.user = user
    return client


def agent_client(app, services, agent_id: int | None = None):
    client = app.test_client()
    sign_in(client, make_user(services, Role.AGENT, agent_id=agent_id))
    return client


def reviews_in_database(services) -> int:
    with services.database.unit_of_work() as session:
        return session.scalar(select(func.count()).select_from(QaReview))


# --- the search ------------------------------------------------------------------------------


def test_a_manager_finds_a_call_by_a_word_and_reads_who_said_it(manager, call) -> None:
    page = manager.get("/console/transcripts?q=meter")
    assert page.status_code == 200
    assert "Ana García" in page.text
    assert '<span class="speaker speaker-customer">customer</span>' in page.text
    assert '<span class="said">my <mark>meter</mark> reading' in page.text  # said once
    assert f'href="/console/calls/{call.call_sid}"' in page.text
    assert "2026-11-30 09:00:00 EST" in page.text  # the business's time zone
    assert 'href="/console/transcripts/export.csv?q=meter"' in page.text


def test_the_snippet_is_escaped_although_a_word_is_markup(manager, call) -> None:
    page = manager.get("/console/transcripts?q=wrong")
    assert "<b>" not in page.text
    assert "&lt;b&gt;" in page.text


@pytest.mark.parametrize(
    ("q", "says"),
    [
        ("", "Type a word or a phrase to search for."),
        ("   ", "Type a word or a phrase to search for."),
        ("***", "That query has no word to look for"),
        ("-billing", "That query has no word to look for"),
        ("x" * 201, "That query is too long: at most 200 characters."),
    ],
)
def test_an_empty_or_bad_query_says_what_is_wrong(manager, q: str, says: str) -> None:
    page = manager.get("/console/transcripts", query_string={"q": q})
    assert page.status_code == 422
    assert says in page.text
    assert 'id="search-results"' not in page.text


def test_the_page_before_any_search_asks_for_one_without_an_error(manager) -> None:
    page = manager.get("/console/transcripts")
    assert page.status_code == 200
    assert 'id="search-problem"' not in page.text


@pytest.mark.parametrize("q", ['"unbalanced', "NEAR(a b)", "bill*", "a -", "(", "'--", "요금"])
def test_query_syntax_typed_by_a_user_never_fails_the_page(manager, call, q: str) -> None:
    assert manager.get("/console/transcripts", query_string={"q": q}).status_code in (200, 422)


def test_hits_come_twenty_to_a_page(manager, services, settings) -> None:
    for n in range(23):
        audited_call(
            services.database,
            settings.recording.directory,
            call_sid=f"CA{n:032d}",
            recording_sid=f"RE{n:032d}",
            number=f"+1415555{n:04d}",
            recording_status="reported",
        )
    first = manager.get("/console/transcripts?q=meter")
    second = manager.get("/console/transcripts?q=meter&page=2")
    # Each call is found twice: in its transcript and in its reason for calling.
    assert first.text.count('class="hit"') == 20 and 'rel="next"' in first.text
    assert second.text.count('class="hit"') == 20 and 'rel="prev"' in second.text
    third = manager.get("/console/transcripts?q=meter&page=3")
    assert third.text.count('class="hit"') == 6 and 'rel="next"' not in third.text


# --- the call page ---------------------------------------------------------------------------


def test_the_call_page_shows_what_happened_and_what_was_said(manager, call) -> None:
    page = manager.get(f"/console/calls/{call.call_sid}")
    assert page.status_code == 200
    text = page.text
    for expected in (
        "Ana García",
        "+14155550123",
        "Alex Agent",
        "1:15",  # waited
        "You are number 2 in line; about 2 minutes.",
        "my meter reading is wrong",
        "follow-up",
        "metering",
        "Reading photo asked.",
        "Needs a field visit",
        "open",
    ):
        assert expected in text, expected
    audio = re.search(r"<audio[^>]*>", text).group(0)
    assert f'src="/api/v1/recordings/{call.recording_sid}/audio"' in audio
    assert 'preload="none"' in audio, "opening the page must not fetch (and so log) a listen"
    words = re.findall(r'<button type="button" class="word" data-start="([\d.]+)"', text)
    assert words[:4] == ["0.20", "0.70", "0.90", "1.40"]
    assert "&lt;b&gt;wrong&lt;/b&gt;" in text and "<b>wrong</b>" not in text
    assert '<script src="/static/console/call-audit.js" defer></script>' in text
    assert not re.search(r"<script(?![^>]*\bsrc=)", text), "no inline script"
    assert " style=" not in text
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]


def test_a_pruned_recordings_page_says_the_audio_is_gone_and_keeps_the_transcript(
    manager, services, settings
) -> None:
    pruned = audited_call(
        services.database, settings.recording.directory, recording_status="pruned"
    )
    page = manager.get(f"/console/calls/{pruned.call_sid}")
    assert page.status_code == 200
    assert "The audio was deleted on 2027-02-28 after the retention period" in page.text
    assert "<audio" not in page.text
    assert '<span class="word">meter</span>' in page.text  # readable, not seekable


def test_a_call_whose_transcript_is_pending_says_so(manager, services, settings) -> None:
    pending = audited_call(
        services.database, settings.recording.directory, transcript_status="pending"
    )
    page = manager.get(f"/console/calls/{pending.call_sid}")
    assert "The transcript is pending" in page.text
    assert "<audio" in page.text


def test_a_recording_not_downloaded_yet_says_so(manager, services, settings) -> None:
    waiting = audited_call(
        services.database,
        settings.recording.directory,
        recording_status="reported",
        transcript_status=None,
    )
    page = manager.get(f"/console/calls/{waiting.call_sid}")
    assert "The audio is not downloaded yet" in page.text
    assert "The transcript is pending" in page.text


def test_an_unknown_call_is_a_404_page(manager) -> None:
    page = manager.get("/console/calls/CAnothing")
    assert page.status_code == 404
    assert "There is no call CAnothing." in page.text


def test_an_agent_opens_a_call_they_took_but_not_another_agents(app, services, call) -> None:
    theirs = agent_client(app, services, agent_id=call.agent_id)
    page = theirs.get(f"/console/calls/{call.call_sid}")
    assert page.status_code == 200
    assert "<audio" in page.text and 'id="qa-form"' not in page.text
    other = agent_client(app, services)
    refused = other.get(f"/console/calls/{call.call_sid}")
    assert refused.status_code == 403
    assert "An agent may open only the calls they took." in refused.text
    assert "meter" not in refused.text


@pytest.mark.parametrize(
    "path",
    [
        "/console/transcripts?q=meter",
        "/console/transcripts/export.csv?q=meter",
        "/console/reviews/export.csv",
    ],
)
def test_an_agent_may_not_search_or_export(app, services, call, path: str) -> None:
    response = agent_client(app, services, agent_id=call.agent_id).get(path)
    assert response.status_code == 403
    assert services.audit_log.recent(action=AuditAction.TRANSCRIPTS_EXPORT) == []


# --- QA reviews ------------------------------------------------------------------------------


def review_form(client, call_sid: str, **fields: object) -> dict:
    token = csrf_of(client.get(f"/console/calls/{call_sid}").text)
    return {"csrf_token": token, **ALL_TWO, "compliance": "2", **fields}


def test_a_manager_saves_a_review_and_sees_it_on_the_call_page(manager, services, call) -> None:
    form = review_form(manager, call.call_sid, flags=["coaching", "great-call"], comment="Kind.")
    saved = manager.post(f"/console/calls/{call.call_sid}/reviews", data=form)
    assert saved.status_code == 302
    assert saved.headers["Location"].endswith(f"/console/calls/{call.call_sid}#qa")
    (review,) = services.call_reviews.for_call(call.call_sid)
    assert review.reviewer == manager.user.account.name  # their name, not their e-mail
    assert review.reviewer_user_id == manager.user.account.id
    assert dict(review.scores) == {
        "greeting": 2,
        "understanding": 2,
        "resolution": 1,
        "courtesy": 2,
        "compliance": 2,
    }
    assert review.flags == ("coaching", "great-call")
    page = manager.get(f"/console/calls/{call.call_sid}")
    assert "Review saved: 9/10 (90%)." in page.text
    assert "9/10 (90%)" in page.text.split('id="reviews"')[1]
    assert "Kind." in page.text


def test_the_review_form_needs_its_csrf_token(manager, services, call) -> None:
    form = review_form(manager, call.call_sid)
    del form["csrf_token"]
    refused = manager.post(f"/console/calls/{call.call_sid}/reviews", data=form)
    assert refused.status_code == 400
    assert reviews_in_database(services) == 0


def test_a_review_missing_a_score_is_not_saved_and_says_which(manager, services, call) -> None:
    form = review_form(manager, call.call_sid)
    del form["compliance"]
    refused = manager.post(f"/console/calls/{call.call_sid}/reviews", data=form)
    assert refused.status_code == 400
    assert "Score this: 0, 1 or 2." in refused.text
    assert reviews_in_database(services) == 0


def test_an_agent_may_not_review_even_their_own_call(app, services, call) -> None:
    agent = agent_client(app, services, agent_id=call.agent_id)
    form = review_form(agent, call.call_sid)
    assert agent.post(f"/console/calls/{call.call_sid}/reviews", data=form).status_code == 403
    assert reviews_in_database(services) == 0


# --- exports ---------------------------------------------------------------------------------


def read_csv(response) -> list[dict[str, str]]:
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_the_transcripts_export_has_each_hit_and_is_audited(manager, services, call) -> None:
    response = manager.get("/console/transcripts/export.csv?q=meter")
    assert response.status_code == 200
    rows = read_csv(response)
    assert sorted(row["source"] for row in rows) == ["reason", "transcript"]
    transcript = next(row for row in rows if row["source"] == "transcript")
    assert transcript == {
        "call_sid": call.call_sid,
        "started_at": "2026-11-30T09:00:00-05:00",
        "customer": "Ana García",
        "number": "+14155550123",
        "source": "transcript",
        "text": "agent: hello this is\ncustomer: my meter reading <b>wrong</b>",
    }
    (entry,) = services.audit_log.recent(action=AuditAction.TRANSCRIPTS_EXPORT)
    assert entry.actor == f"user:{manager.user.account.id} {manager.user.email}"
    assert entry.detail == {"query": "meter", "rows": 2}
    assert entry.target == "query:meter"


def test_customer_speech_that_looks_like_a_formula_is_exported_as_text(
    manager, services, settings
) -> None:
    hostile = [
        {
            "speaker": "customer",
            "start": 0.0,
            "end": 1.0,
            "words": [['=HYPERLINK("http://evil.example")', 0.0, 1.0, 0.9]],
        }
    ]
    audited_call(
        services.database,
        settings.recording.directory,
        segments=hostile,
        reason="=cmd|' /C calc'!A0 hyperlink",
    )
    rows = read_csv(manager.get("/console/transcripts/export.csv?q=hyperlink"))
    reason = next(row for row in rows if row["source"] == "reason")
    assert reason["text"] == "reason: =cmd|' /C calc'!A0 hyperlink"  # starts with "reason:"
    transcript = next(row for row in rows if row["source"] == "transcript")
    assert transcript["text"].startswith("customer: ")


def test_an_export_without_a_query_is_refused_and_not_audited(manager, services) -> None:
    response = manager.get("/console/transcripts/export.csv?q=***")
    assert response.status_code == 422
    assert "no word to look for" in response.text
    assert services.audit_log.recent(action=AuditAction.TRANSCRIPTS_EXPORT) == []


def test_the_reviews_export_has_scores_and_flags_and_is_audited(manager, services, call) -> None:
    form = review_form(manager, call.call_sid, flags=["compliance-risk"], comment="-no notice")
    manager.post(f"/console/calls/{call.call_sid}/reviews", data=form)
    today = services.line_clock.now().date()
    response = manager.get(f"/console/reviews/export.csv?from={today}&to={today}")
    (row,) = read_csv(response)
    assert row["call_sid"] == call.call_sid and row["agent"] == "Alex Agent"
    assert (row["points"], row["max_points"], row["percent"]) == ("9", "10", "90")
    assert row["flags"] == "compliance-risk" and row["comment"] == "'-no notice"
    (entry,) = services.audit_log.recent(action=AuditAction.REVIEWS_EXPORT)
    assert entry.detail == {"from": str(today), "to": str(today), "rows": 1}
    earlier = manager.get("/console/reviews/export.csv?from=2020-01-01&to=2020-01-31")
    assert read_csv(earlier) == []


def test_a_reviews_export_with_a_bad_date_says_which(manager) -> None:
    response = manager.get("/console/reviews/export.csv?from=last-week")
    assert response.status_code == 422
    assert "from='last-week' is not a date such as 2026-12-01 (YYYY-MM-DD)" in response.text
