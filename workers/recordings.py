"""Recording downloads: the carrier's audio into our recordings directory (``ivr.services``).

RQ retries a failing download (``RqJobs.download_recording``); the job says whether this try
is its last, so the recording is marked ``failed``, with its error, only once every retry has
been spent.
"""

from __future__ import annotations

from rq import get_current_job

from workers.runtime import services


def download(recording_id: int) -> str:
    job = get_current_job()
    final_attempt = job is None or not job.retries_left
    return services().recordings.download(recording_id, final_attempt=final_attempt)
