"""Every number the sandbox assumes, named once with its unit.

Durations are *call seconds*: the time the call would take on a real phone. The engine's
``time_scale`` turns them into wall-clock waits (0.02 makes a 5 s gather timeout last 0.1 s),
and every duration the sandbox reports (``CallDuration``, ``RecordingDuration``, ``QueueTime``)
is measured in call seconds, so a scaled run reports the same figures as a real-time one.
"""

from __future__ import annotations

API_VERSION = "2010-04-01"

# Speech and audio. The sandbox carries no audio, so lengths are estimates.
SAY_SECONDS_PER_WORD = 0.4
"""150 words a minute, a usual text-to-speech rate."""
SAY_MIN_SECONDS = 0.5
PLAY_SECONDS = 5.0
"""The sandbox does not download <Play> audio: each play is assumed to last this long."""
HOLD_MUSIC_TRACK_SECONDS = 5.0
"""One pass of the default <Enqueue> wait music (Twilio's classical playlist)."""
PLAY_DIGIT_SECONDS = 0.25
"""One DTMF tone sent by <Play digits>; a ``w`` waits half a second, as Twilio's does."""
BEEP_SECONDS = 0.5
SPOKEN_WORDS_PER_SECOND = 2.5
"""How fast a caller is assumed to speak into <Record> (150 words a minute)."""
SPEECH_CONFIDENCE = "0.9"
"""Typed speech is recognised perfectly; Twilio would report its recogniser's confidence."""

# Devices (every number that is not a business number).
RING_SECONDS = 2.0
"""How long a "human" or "machine" device rings before it answers."""
HUMAN_DETECTION_SECONDS = 2.5
"""Answering machine detection: time to decide a greeting is a person's "hello"."""
MACHINE_DETECTION_SECONDS = 3.5
"""Answering machine detection: time to recognise the start of a recorded greeting."""
MACHINE_GREETING_SECONDS = 8.0
"""Length of a "machine" device's greeting, until the beep (``DetectMessageEnd``)."""
MACHINE_DETECTION_TIMEOUT_SECONDS = 30
"""Twilio's default ``MachineDetectionTimeout``."""

# TwiML defaults documented by Twilio.
GATHER_TIMEOUT_SECONDS = 5
GATHER_FINISH_ON_KEY = "#"
RECORD_TIMEOUT_SECONDS = 5
RECORD_MAX_LENGTH_SECONDS = 3600
RECORD_FINISH_ON_KEY = "1234567890*#"
DIAL_TIMEOUT_SECONDS = 30
DIAL_TIME_LIMIT_SECONDS = 14400
CALL_TIMEOUT_SECONDS = 60
"""``Timeout`` of REST ``Calls.create``: how long an outbound call rings."""
PAUSE_SECONDS = 1
QUEUE_MAX_SIZE = 1000
QUEUE_MAX_SIZE_LIMIT = 5000
QUEUE_NAME_MAX_LENGTH = 64

# Browser phones (the Voice JavaScript SDK stand-in). Real seconds, never scaled: access tokens
# carry real Unix times, and a browser's liveness is a network matter.
ACCESS_TOKEN_MAX_TTL_SECONDS = 86400
"""Twilio refuses an access token valid for longer than 24 hours (20104)."""
BROWSER_LEASE_SECONDS = 30.0
"""A registration without an attached event stream stays online this long; the SDK itself
re-registers every 30 s."""
BROWSER_HEARTBEAT_SECONDS = 10.0
"""An event stream sends a comment this often: it renews the lease, and a write to a browser
that went away ends the stream (and the registration) at once."""

# HTTP, as Twilio does it (never scaled: these are real network waits).
WEBHOOK_TIMEOUT_SECONDS = 15.0
WEBHOOK_MAX_HTTP_REDIRECTS = 10
MAX_DOCUMENT_BYTES = 64 * 1024

# Limits of the sandbox itself, so that a faulty application cannot run it forever.
MAX_CALL_SECONDS = 14400
"""Four hours, Twilio's longest call; after it the call is hung up."""
MAX_DOCUMENTS_PER_CALL = 1000
"""TwiML documents fetched by one call (waitUrl passes included); then error 12400."""
MAX_IDLE_DOCUMENTS = 25
"""Documents in a row that take no call time at all (a Redirect loop); then error 12400."""
WAIT_LOOP_MIN_SECONDS = 1.0
"""A waitUrl document that takes no time is requested again only after this pause."""
MAX_LIVE_CALLS = 200
"""Calls alive at once; REST ``Calls.create`` beyond it answers 429."""
THREAD_JOIN_SECONDS = 20.0
"""How long ``close()`` waits for each call thread (real seconds)."""
