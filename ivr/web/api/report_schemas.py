"""The reports' query strings and bodies (``/api/v1/reports...``), as pydantic models.

Kept apart from ``schemas.py`` (the other areas') because a report is one large read model;
the OpenAPI document takes them from the contract like every other body. Each figure's
definition is in ``ivr.core.reports``; the descriptions here say it in a sentence.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

# --- query strings --------------------------------------------------------------------------


class ReportQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")

    first: str | None = Field(
        default=None,
        alias="from",
        description="The first day, `YYYY-MM-DD`, in the business's time zone (that of the "
        "default flow's opening hours). Default: six days before `to`.",
        examples=["2026-12-01"],
        json_schema_extra={"format": "date"},
    )
    last: str | None = Field(
        default=None,
        alias="to",
        description="The last day, included. Default: today. At most 366 days in all; 400 "
        "when a date is not one or `to` is before `from`.",
        examples=["2026-12-07"],
        json_schema_extra={"format": "date"},
    )


class OutreachQuery(ReportQuery):
    category: str | None = Field(
        default=None,
        max_length=64,
        description="The customers of this category (as agents file calls). Give exactly one "
        "of `category` and `reason` (400 otherwise).",
        examples=["billing"],
    )
    reason: str | None = Field(
        default=None,
        max_length=64,
        description="The customers of this reason group (a word of their reasons, as the "
        "root causes list them).",
        examples=["bill"],
    )


# --- responses ------------------------------------------------------------------------------


class _Response(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class ReportPeriod(_Response):
    first_day: date
    last_day: date = Field(description="Included.")
    days: int
    time_zone: str = Field(examples=["America/New_York"])
    starts_at: datetime = Field(description="The first day's midnight, in UTC.")
    ends_at: datetime = Field(description="The midnight after the last day, in UTC (excluded).")


class Bucket(_Response):
    label: str = Field(examples=["30-60 s"])
    calls: int


class QueueFigures(_Response):
    calls: int = Field(
        description="Customers' calls: inbound, and click-to-call requests dialled at once; "
        "not agents' legs nor callbacks being kept."
    )
    offered: int = Field(description="Of those, the ones that joined the line.")
    answered: int = Field(description="Taken by an agent.")
    abandoned: int = Field(description="Left the line without an agent, a callback or a message.")
    callbacks: int = Field(description="Left the line with a callback promise.")
    voicemails: int = Field(description="Left the line to leave a message.")
    waiting: int = Field(description="Still holding when the report was read.")
    wait_p50_seconds: float | None = Field(description="Answered calls' wait, median.")
    wait_p90_seconds: float | None = Field(description="Answered calls' wait, 90th percentile.")
    service_level: float | None = Field(
        ge=0,
        le=1,
        description="Answered within `service_level_seconds` over answered plus abandoned "
        "after it (abandons sooner are left out); null when no call counts.",
    )
    service_level_seconds: int = Field(description="T, `IVR_SERVICE_LEVEL_SECONDS`.")
    abandon_rate: float | None = Field(
        ge=0, le=1, description="Abandoned / (answered + abandoned)."
    )
    abandoned_after: list[Bucket] = Field(
        description="Abandons by how long the caller waited first, shortest first."
    )


class FirstContact(_Response):
    cases_opened: int = Field(description="Cases opened in the period.")
    resolved_first_contact: int = Field(
        description="Of those, resolved now with a single customer's call filed under them."
    )
    rate: float | None = Field(ge=0, le=1)


class Repeats(_Response):
    calls: int = Field(description="Calls from a caller we can tell apart (not withheld).")
    repeat_calls: int = Field(
        description="Calls from a caller who had called within `window_days` before."
    )
    rate: float | None = Field(ge=0, le=1)
    window_days: int = Field(description="`IVR_CASE_DAYS`.")


class Transfers(_Response):
    transfers: int = Field(description="Hand-ons of the period's calls (failed ones left out).")
    answered_calls: int
    per_call: float | None = Field(ge=0, description="Transfers per answered call.")
    without_resolution: int = Field(
        description="Transfers whose case is still open (or, without a case, whose call was "
        "not resolved)."
    )


class CallbackFigures(_Response):
    promised: int
    kept: int = Field(description="The customer reached an agent by the time we said.")
    late: int = Field(description="Completed after the time we said.")
    missed: int
    pending: int
    merged: int = Field(description="The customer called in instead.")
    cancelled: int
    kept_rate: float | None = Field(ge=0, le=1, description="kept / (kept + late + missed).")


class EstimateAccuracy(_Response):
    spoken: int = Field(description="Wait estimates callers heard in the period.")
    measured: int = Field(description="Of those, the ones whose real wait is known (answered).")
    bias_seconds: float | None = Field(
        description="Mean of spoken mean minus real wait: positive means we said too long."
    )
    mean_absolute_error_seconds: float | None
    within_p90: float | None = Field(
        ge=0, le=1, description="Share whose real wait was at most the estimate's P90."
    )
    within_claimed: float | None = Field(
        ge=0, le=1, description="Share whose real wait fell inside the range spoken."
    )
    claimed: int = Field(description="Measured estimates that spoke a range.")


class Counted(_Response):
    text: str
    calls: int


class RootCauseSummary(_Response):
    grouping: str = Field(description="`category` (the agent's filing) or `reason` (a word).")
    key: str = Field(examples=["billing"])
    calls: int
    customers: int = Field(description="Distinct customers (or numbers not on file) affected.")
    repeat_calls: int
    unresolved: int = Field(description="Calls whose problem is not solved (case still open).")
    outreach_csv: str = Field(
        description="The path of this group's outreach list (CSV), for the same period."
    )


class AffectedCustomer(_Response):
    customer_id: int | None = Field(description="Null for a number nobody has on file.")
    name: str | None
    number: str | None = Field(description="E.164: the number they called from.")
    language: str | None
    calls: int = Field(description="Their calls in this group, in the period.")
    last_call_at: datetime
    last_reason: str | None = Field(description="Their last call's reason (redacted).")
    open_case_id: int | None
    open_case_reason: str | None


class RootCause(RootCauseSummary):
    affected: list[AffectedCustomer] = Field(description="Latest call first.")


class RootCauseSummaries(_Response):
    by_category: list[RootCauseSummary] = Field(description="Most customers first (top 20).")
    by_reason: list[RootCauseSummary]


class Day(_Response):
    day: date
    calls: int
    answered: int
    abandoned: int
    callbacks_promised: int
    service_level: float | None = Field(ge=0, le=1)
    wait_p90_seconds: float | None


class Report(_Response):
    period: ReportPeriod
    queue: QueueFigures
    first_contact: FirstContact
    repeats: Repeats
    transfers: Transfers
    callbacks: CallbackFigures
    estimates: EstimateAccuracy
    top_reasons: list[Counted] = Field(description="Reasons as said (normalised), most first.")
    top_words: list[Counted] = Field(description="Meaningful words of reasons, in most calls.")
    root_causes: RootCauseSummaries
    days: list[Day] = Field(description="One per day of the period, empty days included.")


class RootCauseList(_Response):
    period: ReportPeriod
    by_category: list[RootCause] = Field(description="Most customers first.")
    by_reason: list[RootCause]
