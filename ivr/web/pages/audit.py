"""Transcript audit, for managers: search what was said, audit a call, score it, export.

- ``/console/transcripts?q=``: the search (``ivr.core.search``: the same query language and
  the same defences against hostile queries as ``GET /api/v1/transcripts``), a page at a time.
- ``/console/calls/<sid>``: the call, its audio (through the audit-logged audio route) and its
  transcript a word at a time, for ``call-audit.js`` to seek and follow; the QA form. An agent
  may open the calls they took (the audio route lets them hear those too), nobody else's.
- ``/console/transcripts/export.csv?q=`` and ``/console/reviews/export.csv?from=&to=``: CSV
  for a spreadsheet; each export is written to the audit log with its query and row count,
  since it carries customers' words out of the product.
"""

from __future__ import annotations

import html
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from markupsafe import Markup

from ivr.core.access import Role, may_open_call
from ivr.core.audit import AuditAction
from ivr.core.call_audit import clock_time
from ivr.core.exports import reviews_csv, transcripts_csv
from ivr.core.qa import POINT_LABELS, SCORECARD, InvalidReview
from ivr.core.reports.period import BadPeriod, Period
from ivr.core.search import MAX_LIMIT, MAX_QUERY_CHARS, SearchHit, SearchQuery, Snippet
from ivr.services.qa import UnknownCall
from ivr.web.pages.access import audit, page_role
from ivr.web.pages.audit_forms import FLAG_LABELS, ReviewForm

bp = Blueprint("console_audit", __name__, url_prefix="/console")

PAGE_SIZE = 20
MAX_PAGE = 500
EXPORT_MAX_ROWS = 2000
"""An export is the search's best hits up to this many: a spreadsheet, not a data dump."""


def _services() -> Any:
    return current_app.extensions["ivr"]


def _zone() -> ZoneInfo:
    return ZoneInfo(_services().business_zone)


def _when(moment: datetime | None) -> str:
    """A time in the business's time zone, as the people who work there read it."""
    if moment is None:
        return ""
    return moment.astimezone(_zone()).strftime("%Y-%m-%d %H:%M:%S %Z")


def _duration(seconds: float | None) -> str:
    return "" if seconds is None else clock_time(seconds)


def _said(snippet: Snippet) -> Markup:
    """The snippet's words, escaped and marked, without the speaker (the page shows it apart)."""
    marked = snippet.html
    if snippet.speaker:
        marked = marked.removeprefix(html.escape(f"{snippet.speaker}: "))
    return Markup(marked)  # escaped by Snippet.html, which only adds <mark>


def _parsed(text: str) -> tuple[SearchQuery | None, str | None]:
    """The query, or why there is none, in words for the page."""
    text = text.strip()
    if not text:
        return None, "Type a word or a phrase to search for."
    if len(text) > MAX_QUERY_CHARS:
        return None, f"That query is too long: at most {MAX_QUERY_CHARS} characters."
    parsed = SearchQuery.parse(text)
    if parsed.empty:
        return None, (
            "That query has no word to look for: punctuation is ignored, and a search of "
            "only -exclusions would match nearly everything."
        )
    return parsed, None


def _page_number(raw: str | None) -> int:
    try:
        return min(max(int(raw or 1), 1), MAX_PAGE)
    except ValueError:
        return 1


@bp.get("/transcripts")
@page_role(Role.MANAGER)
def search() -> tuple[str, int] | str:
    asked = "q" in request.args
    text = request.args.get("q", "")
    page = _page_number(request.args.get("page"))
    parsed, problem = _parsed(text)
    hits: list[SearchHit] = []
    more = False
    if parsed is not None:
        found = _services().transcript_search.search(
            parsed, limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE
        )
        hits, more = found[:PAGE_SIZE], len(found) > PAGE_SIZE
    today = _services().line_clock.now().astimezone(_zone()).date()
    body = render_template(
        "console/transcripts.html",
        q=text.strip(),
        problem=problem if asked else None,
        hits=hits,
        page=page,
        page_size=PAGE_SIZE,
        more=more,
        when=_when,
        said=_said,
        period=Period.parse(None, None, zone=_zone(), today=today),
    )
    return (body, 422) if asked and problem else body


@bp.get("/calls/<call_sid>")
@page_role(Role.AGENT)
def call(call_sid: str) -> tuple[str, int] | str:
    return _call_page(call_sid[:64], ReviewForm(formdata=None))


def _call_page(call_sid: str, form: ReviewForm, *, status: int = 200) -> tuple[str, int] | str:
    services = _services()
    principal = g.principal
    manager = principal.role.may_act_as(Role.MANAGER)
    if not may_open_call(principal, lambda: services.call_notes.agents_of(call_sid)):
        return _message("Not your call", "An agent may open only the calls they took.", 403)
    detail = services.call_audit.call(call_sid)
    if detail is None:
        return _message("No such call", f"There is no call {call_sid}.", 404)
    body = render_template(
        "console/call.html",
        call=detail,
        reviews=services.call_reviews.for_call(call_sid) if manager else [],
        manager=manager,
        form=form,
        scorecard=SCORECARD,
        point_labels=POINT_LABELS,
        flag_labels=FLAG_LABELS,
        when=_when,
        duration=_duration,
        clock_time=clock_time,
    )
    return body if status == 200 else (body, status)


def _message(title: str, text: str, status: int) -> tuple[str, int]:
    return render_template("console/audit_message.html", title=title, text=text), status


@bp.post("/calls/<call_sid>/reviews")
@page_role(Role.MANAGER)
def review(call_sid: str) -> Response | tuple[str, int] | str:
    call_sid = call_sid[:64]
    form = ReviewForm()
    if form.validate_on_submit():
        try:
            saved = _services().call_reviews.submit(
                call_sid,
                scores=form.scores(),
                flags=form.flags.data or (),
                comment=form.comment.data or "",
                by=g.principal,
            )
        except UnknownCall:
            return _message("No such call", f"There is no call {call_sid}.", 404)
        except InvalidReview as invalid:
            for name, problem in invalid.problems.items():
                field = form._fields.get(name.removeprefix("scores."))
                if field is not None:
                    field.errors = [*field.errors, problem]
        else:
            flash(f"Review saved: {saved.score}.", "info")
            return redirect(url_for("console_audit.call", call_sid=call_sid, _anchor="qa"))
    flash("The review was not saved: see what is missing below.", "error")
    return _call_page(call_sid, form, status=400)


@bp.get("/transcripts/export.csv")
@page_role(Role.MANAGER)
def export_transcripts() -> Response:
    text = request.args.get("q", "").strip()
    parsed, problem = _parsed(text)
    if parsed is None:
        return Response(f"{problem}\n", 422, mimetype="text/plain")
    services = _services()
    hits: list[SearchHit] = []
    while len(hits) < EXPORT_MAX_ROWS:
        page = services.transcript_search.search(
            parsed, limit=min(MAX_LIMIT, EXPORT_MAX_ROWS - len(hits)), offset=len(hits)
        )
        hits.extend(page)
        if len(page) < MAX_LIMIT:
            break
    rows = services.call_audit.export_rows(hits)
    audit(AuditAction.TRANSCRIPTS_EXPORT, f"query:{text}", {"query": text, "rows": len(rows)})
    return _csv(transcripts_csv(rows, zone=_zone()), "transcripts")


@bp.get("/reviews/export.csv")
@page_role(Role.MANAGER)
def export_reviews() -> Response:
    services = _services()
    today = services.line_clock.now().astimezone(_zone()).date()
    try:
        period = Period.parse(
            request.args.get("from"), request.args.get("to"), zone=_zone(), today=today
        )
    except BadPeriod as error:
        return Response(f"{error}\n", 422, mimetype="text/plain")
    reviews = services.call_reviews.between(period.starts_at, period.ends_at)
    audit(
        AuditAction.REVIEWS_EXPORT,
        f"reviews:{period.first}..{period.last}",
        {"from": str(period.first), "to": str(period.last), "rows": len(reviews)},
    )
    return _csv(reviews_csv(reviews, zone=_zone()), f"qa-reviews-{period.first}-{period.last}")


def _csv(text: str, name: str) -> Response:
    return Response(
        text,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )
