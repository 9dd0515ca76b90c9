"""bench/webhooks' own parts: the settings it reports are the production ones, and its figures
are read from wrk's output as wrk prints them."""

import os

from bench.webhooks import cpu_seconds, gunicorn_settings, parse_wrk

WRK_OUTPUT = """Running 10s test @ http://127.0.0.1:8000
  2 threads and 64 connections
  Latency Distribution
     50%   31.07ms
     75%   35.00ms
     90%   40.12ms
     99%   46.60ms
  20843 requests in 10.00s, 9.54MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 4
Requests/sec:   2084.30
"""


def test_the_servers_run_with_threads_on_postgresql_and_without_on_sqlite() -> None:
    environment = dict(os.environ)

    assert gunicorn_settings({"DATABASE_URL": "sqlite:///ivr.sqlite3"}) == (
        "2 processes x 1 threads, sync, access log on"
    )
    assert gunicorn_settings({"DATABASE_URL": "postgresql+psycopg://db/ivr"}) == (
        "2 processes x 4 threads, gthread, access log on"
    )
    assert dict(os.environ) == environment, "reading the settings changed the environment"


def test_wrks_rate_latencies_and_failures_are_read() -> None:
    result = parse_wrk("menu step", WRK_OUTPUT)

    assert (result.requests_per_second, result.p50_ms, result.p99_ms) == (2084.30, 31.07, 46.60)
    assert (result.non_2xx, result.errors) == (4, 3)


def test_a_process_cpu_time_is_read_from_proc() -> None:
    spent = cpu_seconds(os.getpid())
    sum(range(2_000_000))

    assert cpu_seconds(os.getpid()) > spent > 0
