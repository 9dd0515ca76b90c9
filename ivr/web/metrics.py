"""Prometheus metrics: webhook latency and calls by outcome.

Under gunicorn every worker is a process, so when ``PROMETHEUS_MULTIPROC_DIR`` is set the
registry is the multiprocess collector over that directory (prometheus-client's documented way);
otherwise the process's own registry.
"""

from __future__ import annotations

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)

WEBHOOK_SECONDS = Histogram(
    "ivr_webhook_seconds",
    "Time to answer a carrier webhook, by route.",
    ["route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15),
)
CALL_OUTCOMES = Counter("ivr_calls_total", "Calls handed off by the flow, by outcome.", ["outcome"])
FLOW_ERRORS = Counter(
    "ivr_flow_errors_total", "Webhooks that raised and were answered by the fallback.", ["route"]
)
STATUS_CALLBACKS = Counter(
    "ivr_status_callbacks_total",
    "Status callbacks, by status and whether they changed anything.",
    ["status", "effect"],
)


def exposition() -> tuple[bytes, str]:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(), CONTENT_TYPE_LATEST
