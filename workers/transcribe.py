"""The transcription job: one piece of one recording per run (``ivr.services.transcription``).

Run by ``ivr transcriber`` (``workers.transcriber``), whose work horses inherit the speech
models its parent process loaded; enqueued by ``RqJobs.transcribe``.
"""

from __future__ import annotations

from rq import get_current_job

from workers.runtime import services


def transcribe(recording_id: int) -> str:
    job = get_current_job()
    # While RQ still has retries for it, a failure leaves the transcript pending, not failed.
    final_attempt = job is None or not job.retries_left
    return str(services().transcription.transcribe(recording_id, final_attempt=final_attempt))
