"""Wire the core to its adapters, once per process (web worker or RQ worker)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import cached_property, partial
from zoneinfo import ZoneInfo

from redis import Redis
from twilio.request_validator import RequestValidator

from ivr.adapters.jobs import RqJobs
from ivr.adapters.passwords import Argon2Passwords
from ivr.adapters.redis_line import RedisWaitingLine
from ivr.adapters.redis_pending import RedisPendingRequests
from ivr.adapters.speech.models import ModelCache
from ivr.adapters.speech.vosk import VoskTranscriber
from ivr.adapters.sql.audio_access import SqlAudioAccess
from ivr.adapters.sql.audit import SqlAuditLog
from ivr.adapters.sql.call_audit import SqlCallAudit
from ivr.adapters.sql.callbacks import SqlCallbackBook
from ivr.adapters.sql.cases import SqlCaseRecords
from ivr.adapters.sql.click_to_call import SqlClickToCallRecords
from ivr.adapters.sql.console import SqlAgentConsole
from ivr.adapters.sql.database import Database
from ivr.adapters.sql.directory import SqlAgentDirectory
from ivr.adapters.sql.notes import SqlCallNotes
from ivr.adapters.sql.qa_reviews import SqlQaReviews
from ivr.adapters.sql.queue_records import SqlQueueRecords
from ivr.adapters.sql.records import SqlCallRecords
from ivr.adapters.sql.reports import SqlCallbackReports, SqlCustomerHistory
from ivr.adapters.sql.search import SqlTranscriptSearch
from ivr.adapters.sql.tokens import SqlApiTokens
from ivr.adapters.sql.transcripts import SqlTranscripts
from ivr.adapters.sql.transfers import SqlTransfers
from ivr.adapters.sql.users import SqlUsers
from ivr.adapters.sql.wallboard import SqlOpenCallbacks
from ivr.adapters.twilio_rest import TwilioCarrier, make_client
from ivr.config import ConfigError, Settings
from ivr.core.callbacks import CallingHours
from ivr.core.callers import region_of
from ivr.core.dialing import DialingPolicy
from ivr.core.flows.loader import load_flows
from ivr.core.flows.model import Flow, QueueStep
from ivr.core.redaction import redact_text, redact_transcript
from ivr.services.access import ApiAccess
from ivr.services.accounts import Accounts
from ivr.services.agents import AgentAdmin
from ivr.services.click_to_call import CLAIM_TTL_SECONDS, ClickToCall
from ivr.services.console import AgentConsole
from ivr.services.dispatch import Dispatcher
from ivr.services.qa import CallReviews
from ivr.services.queue import WaitingCalls
from ivr.services.recordings import Recordings
from ivr.services.reports import ManagerReports
from ivr.services.transcription import Transcription
from ivr.services.transfers import Transfers
from ivr.services.voice import VoiceCalls
from ivr.services.voice_tokens import VoiceTokens
from ivr.services.wallboard import WallboardService
from ivr.web.links import PublicUrls


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass
class Services:
    settings: Settings
    flows: dict[str, Flow]
    clock: SystemClock
    """The flows' clock (business hours); tests set a fixed one."""
    line_clock: SystemClock = field(default_factory=SystemClock)
    """The waiting line's clock: waits, timers and promises run on real time, shared by the
    web and worker processes (a test's fixed flow clock must not stop them)."""

    @cached_property
    def database(self) -> Database:
        return Database(self.settings.database_url)

    @cached_property
    def redis(self) -> Redis:
        return Redis.from_url(
            self.settings.redis_url,
            socket_timeout=5,
            socket_connect_timeout=2,
            health_check_interval=30,
        )

    @cached_property
    def jobs(self) -> RqJobs:
        return RqJobs(self.redis)

    @cached_property
    def validator(self) -> RequestValidator:
        return RequestValidator(self.settings.twilio_auth_token)

    @cached_property
    def links(self) -> PublicUrls:
        return PublicUrls(self.settings.public_base_url)

    @cached_property
    def records(self) -> SqlCallRecords:
        return SqlCallRecords(self.database)

    @cached_property
    def cases(self) -> SqlCaseRecords:
        return SqlCaseRecords(self.database)

    @cached_property
    def line(self) -> RedisWaitingLine:
        return RedisWaitingLine(self.redis)

    @cached_property
    def queue_records(self) -> SqlQueueRecords:
        return SqlQueueRecords(self.database)

    @cached_property
    def business_zone(self) -> str:
        flow = self.flows[self.settings.default_flow]
        hours = flow.business_hours()
        return hours.hours.timezone.key if hours else "UTC"

    @cached_property
    def waiting(self) -> WaitingCalls:
        return WaitingCalls(
            line=self.line,
            records=self.queue_records,
            callbacks=self.callbacks,
            dispatch=self.jobs,
            clock=self.line_clock,
            settings=self.settings.queue,
            check_number=self.dialing_policy.check,
            transfers=self.transfer_records,
        )

    @cached_property
    def callbacks(self) -> SqlCallbackBook:
        return SqlCallbackBook(self.database)

    @cached_property
    def redaction_region(self) -> str:
        """Whose phone numbers redaction recognises without a country code: the business's."""
        return region_of(self.settings.twilio_phone_number) or "US"

    @cached_property
    def dialing_policy(self) -> DialingPolicy:
        """Every number dialled because someone typed it goes through this."""
        s = self.settings
        return DialingPolicy(
            allowed_regions=s.dial_regions,
            default_region=region_of(s.twilio_phone_number),
            refused_numbers=frozenset({s.twilio_phone_number}),
        )

    @cached_property
    def click_to_call(self) -> ClickToCall:
        return ClickToCall(
            policy=self.dialing_policy,
            flow=self.flows[self.settings.default_flow],
            step=self.settings.click_to_call_step
            or self.flows[self.settings.default_flow].fallback,
            business_number=self.settings.twilio_phone_number,
            carrier=self.carrier,
            calls=SqlClickToCallRecords(self.database),
            customers=self.records,
            callbacks=self.callbacks,
            pending=RedisPendingRequests(self.redis, ttl_seconds=CLAIM_TTL_SECONDS),
            links=self.links,
            clock=self.clock,
            calling_hours=CallingHours.parse(self.settings.queue.calling_hours),
            redact=partial(redact_text, region=self.redaction_region),
        )

    @cached_property
    def carrier(self) -> TwilioCarrier:
        s = self.settings
        return TwilioCarrier(
            make_client(s.twilio_account_sid, s.twilio_auth_token, s.twilio_api_base_url)
        )

    @cached_property
    def voice(self) -> VoiceCalls:
        return VoiceCalls(
            flows=self.flows,
            default_flow=self.settings.default_flow,
            records=self.records,
            dispatch=self.jobs,
            clock=self.clock,
            default_region=region_of(self.settings.twilio_phone_number),
            waiting=self.waiting,
            cases=self.cases,
            case_days=self.settings.recording.case_days,
            redact=lambda text, language: redact_text(
                text, language=language, region=self.redaction_region
            ),
        )

    @cached_property
    def dispatcher(self) -> Dispatcher:
        return Dispatcher(
            line=self.line,
            records=self.queue_records,
            callbacks=self.callbacks,
            carrier=self.carrier,
            links=self.links,
            later=self.jobs,
            clock=self.line_clock,
            settings=self.settings.queue,
            business_number=self.settings.twilio_phone_number,
            business_zone=self.business_zone,
            ring_timeout_seconds=self.settings.agent_ring_timeout_seconds,
        )

    # Recordings (issue 5): rows, our copies of the audio, the carrier's media.

    @cached_property
    def recordings(self) -> Recordings:
        from ivr.adapters.recording_media import CarrierMedia
        from ivr.adapters.recording_store import RecordingStore
        from ivr.adapters.sql.recordings import SqlRecordings

        s = self.settings
        return Recordings(
            rows=SqlRecordings(self.database),
            store=RecordingStore(s.recording.directory),
            media=CarrierMedia(s.twilio_api_base_url, s.twilio_account_sid, s.twilio_auth_token),
            jobs=self.jobs,
            clock=self.line_clock,
            retention_days=s.recording.retention_days,
        )

    # The JSON API (ivr/web/api).

    @cached_property
    def api_access(self) -> ApiAccess:
        return ApiAccess(
            SqlApiTokens(self.database), self.clock, environment_token=self.settings.api_token
        )

    @cached_property
    def directory(self) -> SqlAgentDirectory:
        return SqlAgentDirectory(self.database)

    @cached_property
    def agent_admin(self) -> AgentAdmin:
        return AgentAdmin(self.directory)

    @cached_property
    def customer_history(self) -> SqlCustomerHistory:
        return SqlCustomerHistory(self.database)

    @cached_property
    def callback_reports(self) -> SqlCallbackReports:
        return SqlCallbackReports(self.database)

    @cached_property
    def transcript_search(self) -> SqlTranscriptSearch:
        return SqlTranscriptSearch(self.database)

    @cached_property
    def audio_access(self) -> SqlAudioAccess:
        return SqlAudioAccess(self.database)

    # Browser phones (issue 6): access tokens for the Voice JavaScript SDK.

    @cached_property
    def voice_tokens(self) -> VoiceTokens | None:
        """None without TWILIO_API_KEY & co.: agents then answer on their phone numbers.
        Real time (the line's clock): the carrier checks a token's expiry on its own clock."""
        s = self.settings
        if s.voice_sdk is None:
            return None
        from ivr.adapters.twilio_tokens import TwilioAccessTokens

        return VoiceTokens(TwilioAccessTokens(s.twilio_account_sid, s.voice_sdk), self.line_clock)

    # The consoles (ivr/web/pages): who signs in, and the audit log.

    passwords: Argon2Passwords = field(default_factory=Argon2Passwords)
    """Tests give cheaper argon2 parameters (``fast_passwords_for_tests``)."""

    @cached_property
    def accounts(self) -> Accounts:
        return accounts_on(self.database, passwords=self.passwords, clock=self.line_clock)

    @cached_property
    def audit_log(self) -> SqlAuditLog:
        return SqlAuditLog(self.database)

    # The agent console (issue 6): the screen pop, notes, warm transfers.

    @cached_property
    def agent_console(self) -> AgentConsole:
        return AgentConsole(
            line=self.line,
            reads=SqlAgentConsole(self.database),
            directory=self.directory,
            clock=self.line_clock,
            sticky_days=self.settings.queue.sticky_days,
        )

    @cached_property
    def call_notes(self) -> SqlCallNotes:
        return SqlCallNotes(self.database)

    @cached_property
    def transfer_records(self) -> SqlTransfers:
        return SqlTransfers(self.database)

    @cached_property
    def transfers(self) -> Transfers:
        return Transfers(
            line=self.line,
            records=self.transfer_records,
            queue_records=self.queue_records,
            directory=self.directory,
            carrier=self.carrier,
            links=self.links,
            jobs=self.jobs,
            clock=self.line_clock,
            flows=self.flows,
            default_flow=self.settings.default_flow,
            settings=self.settings.queue,
        )

    # Transcript audit (issue 6): the call page, QA reviews.

    @cached_property
    def call_audit(self) -> SqlCallAudit:
        return SqlCallAudit(self.database, self.settings.recording.directory)

    @cached_property
    def call_reviews(self) -> CallReviews:
        return CallReviews(SqlQaReviews(self.database), self.line_clock)

    @cached_property
    def reports(self) -> ManagerReports:
        """The manager's reports (issue 6), on the business's days."""
        from ivr.adapters.sql.report_rows import SqlReportSource
        from ivr.core.reports.summary import ReportSettings

        return ManagerReports(
            SqlReportSource(self.database),
            ReportSettings(
                service_level_seconds=self.settings.queue.service_level_seconds,
                case_days=self.settings.recording.case_days,
            ),
            zone=ZoneInfo(self.business_zone),
            clock=self.clock,
        )

    def queue_names(self) -> list[str]:
        """Every queue a flow can send callers to, and any the line holds callers for."""
        names = {
            step.queue
            for flow in self.flows.values()
            for step in flow.steps.values()
            if isinstance(step, QueueStep)
        }
        return sorted(names | set(self.line.queue_names()))

    @cached_property
    def wallboard(self) -> WallboardService:
        return WallboardService(
            snapshot=self.waiting.snapshot,
            queue_names=self.queue_names,
            agents=self.agent_admin.agents,
            live_states=self.line.agent_states,
            open_callbacks=SqlOpenCallbacks(self.database).due_by,
            service_level=self.reports.service_level_today,
            clock=self.line_clock,
        )

    # Transcription (workers.transcribe, ``ivr transcriber``, ``ivr models``).

    @cached_property
    def speech_models(self) -> ModelCache:
        """Loaded once per process: the transcriber loads them before forking work horses."""
        return ModelCache(self.settings.recording.model_path)

    @cached_property
    def transcription(self) -> Transcription:
        return Transcription(
            records=SqlTranscripts(self.database, self.settings.recording.directory),
            transcriber=VoskTranscriber(self.speech_models),
            redact=partial(redact_transcript, region=self.redaction_region),
            jobs=self.jobs,
            reason_heard=self.cases.set_reason,
        )

    def close(self) -> None:
        if "database" in self.__dict__:
            self.database.dispose()
        if "redis" in self.__dict__:
            self.redis.close()


def accounts_on(
    database: Database,
    *,
    passwords: Argon2Passwords | None = None,
    clock: SystemClock | None = None,
) -> Accounts:
    """The console users on ``database``: for the app, and for ``ivr users`` and the demo's
    seed, which need no other setting than the database."""
    directory = SqlAgentDirectory(database)
    return Accounts(
        users=SqlUsers(database),
        passwords=passwords or Argon2Passwords(),
        clock=clock or SystemClock(),
        agent_exists=lambda agent_id: directory.get(agent_id) is not None,
    )


def build_services(settings: Settings) -> Services:
    """Flows are loaded and validated here, so a broken flow stops the process at start."""
    flows = load_flows(settings.callflows_dir)
    if settings.default_flow not in flows:
        raise ConfigError(
            f"IVR_DEFAULT_FLOW={settings.default_flow!r} is not among the call flows in "
            f"{settings.callflows_dir}: {', '.join(sorted(flows))}"
        )
    settings = replace(settings, click_to_call_step=_click_to_call_step(settings, flows))
    return Services(settings=settings, flows=flows, clock=SystemClock())


def _click_to_call_step(settings: Settings, flows: dict[str, Flow]) -> str:
    """Where an answered click-to-call visitor goes: the configured queue step, else the
    default flow's ``support_queue``, else its fallback (a person, whatever the flow)."""
    flow = flows[settings.default_flow]
    step = settings.click_to_call_step
    if step is None:
        return "support_queue" if "support_queue" in flow.steps else flow.fallback
    if not isinstance(flow.steps.get(step), QueueStep):
        queues = sorted(name for name, s in flow.steps.items() if isinstance(s, QueueStep))
        raise ConfigError(
            f"IVR_CLICK_TO_CALL_STEP={step!r} is not a queue step of the default flow "
            f"{settings.default_flow!r} ({flow.source}); its queue steps: "
            + (", ".join(queues) or "none")
        )
    return step
