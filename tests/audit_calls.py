"""A recorded, transcribed call written straight into the database, for the audit tests.

``audited_call`` leaves what the download and transcription jobs would: a stored two-channel
WAV (real audio: a few seconds of tones, so a browser can play and seek it), a done transcript
with word times, and around it the call's customer, agent, estimates, note, transfer and case.
"""

from __future__ import annotations

import math
import struct
import wave
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ivr.adapters.sql.models import (
    Agent,
    Call,
    CallNote,
    Case,
    Customer,
    CustomerNumber,
    Recording,
    TranscriptRecord,
    Transfer,
    WaitEstimateSpoken,
)

T0 = datetime(2026, 11, 30, 14, 0, tzinfo=UTC)

SEGMENTS = [
    {
        "speaker": "agent",
        "start": 0.2,
        "end": 1.1,
        "words": [["hello", 0.2, 0.6, 0.98], ["this", 0.7, 0.85, 0.95], ["is", 0.9, 1.1, 0.97]],
    },
    {
        "speaker": "customer",
        "start": 1.4,
        "end": 3.2,
        "words": [
            ["my", 1.4, 1.6, 0.9],
            ["meter", 1.7, 2.1, 0.88],
            ["reading", 2.2, 2.6, 0.91],
            ["<b>wrong</b>", 2.7, 3.2, 0.5],
        ],
    },
]
"""Two turns; one "word" is markup, as a recogniser's output may be anything: it must be
rendered as text."""


def transcript_text(segments: list[dict]) -> str:
    return "\n".join(
        f"{s['speaker']}: {' '.join(w[0] for w in s['words'])}"
        for s in sorted(segments, key=lambda s: s["start"])
    )


def write_tones(path: Path, *, seconds: float = 3.5, rate: int = 8000) -> Path:
    """A two-channel 16-bit WAV: a tone on each channel (the customer's, the agent's)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    frames = bytearray()
    for n in range(int(seconds * rate)):
        left = int(8000 * math.sin(2 * math.pi * 440 * n / rate))
        right = int(8000 * math.sin(2 * math.pi * 660 * n / rate))
        frames += struct.pack("<hh", left, right)
    with wave.open(str(path), "wb") as audio:
        audio.setnchannels(2)
        audio.setsampwidth(2)
        audio.setframerate(rate)
        audio.writeframes(bytes(frames))
    return path


@dataclass(frozen=True)
class AuditedCall:
    call_sid: str
    recording_sid: str
    agent_id: int
    customer_id: int


def audited_call(
    database,
    recordings_dir: Path,
    *,
    call_sid: str = "CA" + "a" * 32,
    recording_sid: str = "RE" + "a" * 32,
    agent_id: int | None = None,
    customer_name: str = "Ana García",
    number: str = "+14155550123",
    segments: list[dict] | None = None,
    recording_status: str = "stored",
    transcript_status: str | None = "done",
    reason: str = "my meter reading is wrong",
) -> AuditedCall:
    segments = SEGMENTS if segments is None else segments
    path = f"2026/11/30/{recording_sid}.wav"
    if recording_status == "stored":
        write_tones(recordings_dir / path)
    with database.unit_of_work() as session:
        if agent_id is None:
            agent = Agent(name="Alex Agent", phone=None, client_identity=f"alex-{call_sid[-6:]}")
            session.add(agent)
            session.flush()
            agent_id = agent.id
        customer = session.query(Customer).join(CustomerNumber).filter_by(number=number).first()
        if customer is None:
            customer = Customer(name=customer_name, numbers=[CustomerNumber(number=number)])
            session.add(customer)
            session.flush()
        case = Case(
            customer_id=customer.id, reason=reason, opened_call_sid=call_sid, agent_id=agent_id
        )
        session.add(case)
        session.flush()
        session.add(
            Call(
                call_sid=call_sid,
                direction="inbound",
                from_number=number,
                caller_kind="number",
                customer_id=customer.id,
                agent_id=agent_id,
                queue="support",
                outcome="answered",
                started_at=T0,
                queued_at=T0 + timedelta(seconds=20),
                answered_at=T0 + timedelta(seconds=95),
                ended_at=T0 + timedelta(seconds=300),
                duration_seconds=300,
                wait_seconds=75,
                reason=reason,
                disposition="follow-up",
                category="metering",
                case_id=case.id,
                language="en",
            )
        )
        session.add(
            WaitEstimateSpoken(
                call_sid=call_sid,
                queue="support",
                at=T0 + timedelta(seconds=21),
                position=2,
                mean_seconds=80,
                p90_seconds=120,
                text="You are number 2 in line; about 2 minutes.",
                actual_wait_seconds=74,
            )
        )
        session.add(
            CallNote(
                call_sid=call_sid,
                author="Alex Agent",
                body="Reading photo asked.",
                at=T0 + timedelta(seconds=200),
            )
        )
        session.add(
            Transfer(
                call_sid=call_sid,
                to_queue="metering",
                note="Needs a field visit",
                status="connected",
                requested_at=T0 + timedelta(seconds=250),
            )
        )
        recording = Recording(
            recording_sid=recording_sid,
            call_sid=call_sid,
            kind="call",
            source_url="https://carrier.example/" + recording_sid,
            channels=2,
            duration_seconds=4,
            language="en",
            status=recording_status,
            path=path if recording_status in ("stored", "pruned") else None,
            stored_at=T0 + timedelta(seconds=320) if recording_status == "stored" else None,
            pruned_at=T0 + timedelta(days=90) if recording_status == "pruned" else None,
            reported_at=T0 + timedelta(seconds=301),
        )
        session.add(recording)
        session.flush()
        if transcript_status is not None:
            done = transcript_status == "done"
            session.add(
                TranscriptRecord(
                    recording_id=recording.id,
                    call_sid=call_sid,
                    status=transcript_status,
                    language="en",
                    model="vosk-model-en" if done else None,
                    text=transcript_text(segments) if done else None,
                    segments=segments if done else None,
                    duration_seconds=3.5,
                    completed_at=T0 + timedelta(seconds=400) if done else None,
                )
            )
        customer_id = customer.id
    return AuditedCall(call_sid, recording_sid, agent_id, customer_id)
