"""bench/profile: CPU cost per webhook, in process, split by component.

wrk measures what a client sees; this says where a worker's time goes. The same signed
requests bench/webhooks sends are built as WSGI environs before the clock starts, then driven
through each app's ``wsgi_app`` one after another in one process (no server, no network), so
what is timed is the app's own CPU per request. With ``--breakdown`` the named functions of each
component are timed by cProfile (cumulative, so nested time counts once, in its component;
cProfile's own overhead inflates the absolute figures, not the split). Times are CPU
time of this process, so other load on the machine does not count.

    python -m bench.profile [--requests 5000] [--database sqlite|postgresql] [--breakdown]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import secrets
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit
from xml.etree import ElementTree

SCRATCH = Path(tempfile.mkdtemp(prefix="ivr-profile-"))
# Multiprocess metrics, as under gunicorn: prometheus-client decides at import.
os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", str(SCRATCH / "metrics"))
os.makedirs(os.environ["PROMETHEUS_MULTIPROC_DIR"], exist_ok=True)

from flask import Flask  # noqa: E402
from twilio.request_validator import RequestValidator  # noqa: E402
from werkzeug.test import EnvironBuilder  # noqa: E402

from bench.webhooks import (  # noqa: E402
    ACCOUNT_SID,
    AUTH_TOKEN,
    call_params,
    postgres_database,
)
from ivr.adapters.sql.database import Database  # noqa: E402
from ivr.adapters.sql.migrate import upgrade  # noqa: E402
from ivr.seed import DEMO_BUSINESS_NUMBER, seed_demo  # noqa: E402

BASE = "https://ivr.bench.example"

COMPONENTS: dict[str, tuple[str, ...]] = {
    # component: (file suffix:function name, ...) whose cumulative time is the component's.
    "signature": ("ivr/web/security.py:signature_is_valid",),
    "caller ID": ("ivr/core/callers.py:parse_caller_id",),
    "flow": (
        "ivr/core/flows/interpreter.py:start",
        "ivr/core/flows/interpreter.py:resume",
    ),
    "SQL": (
        "ivr/adapters/sql/records.py:customer_for",
        "ivr/adapters/sql/records.py:open_call_with_turn",
        "ivr/adapters/sql/records.py:record_turn",
    ),
    "TwiML": ("ivr/web/twiml.py:render", "ivr/web/twiml.py:twiml_response"),
    "metrics": (
        "prometheus_client/metrics.py:observe",
        "prometheus_client/metrics.py:inc",
        "prometheus_client/metrics.py:labels",
    ),
    "logging": ("logging/__init__.py:handle",),
    "whole request": ("flask/app.py:wsgi_app",),
}


def environ_for(path: str, params: dict[str, str], validator: RequestValidator) -> dict[str, Any]:
    split = urlsplit(path)
    builder = EnvironBuilder(
        path=split.path,
        query_string=split.query,
        method="POST",
        base_url="http://127.0.0.1:8000",
        data=urlencode(params),
        content_type="application/x-www-form-urlencoded",
        headers={"X-Twilio-Signature": validator.compute_signature(BASE + path, params)},
    )
    try:
        return builder.get_environ()
    finally:
        builder.close()


def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
    if not status.startswith("200"):
        raise RuntimeError(f"webhook answered {status}")


def drive(app: Flask, environs: list[dict[str, Any]]) -> float:
    """CPU seconds for all of ``environs``, bodies read and closed as a server would (CPU,
    not wall time: the machine is shared, and a preempted process is not a slower app)."""
    wsgi = app.wsgi_app
    started = time.process_time()
    for environ in environs:
        body = wsgi(environ, start_response)
        b"".join(body)
        close = getattr(body, "close", None)
        if close:
            close()
    return time.process_time() - started


def breakdown(app: Flask, environs: list[dict[str, Any]]) -> dict[str, float]:
    """µs per request per component, from cProfile's cumulative times."""
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    drive(app, environs)
    profiler.disable()
    stats = pstats.Stats(profiler, stream=io.StringIO()).stats  # type: ignore[attr-defined]
    totals: dict[str, float] = {}
    for component, names in COMPONENTS.items():
        seconds = 0.0
        for (filename, _line, function), (_cc, _nc, _tt, cumulative, _callers) in stats.items():
            for name in names:
                suffix, wanted = name.split(":")
                if function == wanted and filename.endswith(suffix):
                    seconds += cumulative
        totals[component] = seconds / len(environs) * 1e6
    return totals


def menu_path(app: Flask, validator: RequestValidator) -> str:
    params = call_params(1, "CA" + "f" * 32)
    signature = validator.compute_signature(BASE + "/voice/incoming", params)
    response = app.test_client().post(
        "/voice/incoming", data=params, headers={"X-Twilio-Signature": signature}
    )
    for gather in ElementTree.fromstring(response.text).iter("Gather"):
        action = urlsplit(gather.attrib["action"])
        return action.path + "?" + action.query
    raise RuntimeError("the flow's first answer has no Gather")


def workload(
    target: str, menu: str, validator: RequestValidator, count: int, offset: int
) -> list[dict[str, Any]]:
    """``count`` signed requests for ``target`` (new CallSids from ``offset`` on)."""
    environs = []
    for n in range(offset, offset + count):
        params = call_params(n, f"CA{n:032x}")
        if target == "incoming":
            environs.append(environ_for("/voice/incoming", params, validator))
        else:
            step = {**params, "Digits": "1", "CallStatus": "in-progress"}
            environs.append(environ_for(menu, step, validator))
    return environs


def apps() -> dict[str, Callable[[], Flask]]:
    from bench import bare_app, no_sql_app
    from ivr import create_app

    return {"app": create_app, "no SQL": no_sql_app.create_app, "bare": bare_app.create_app}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000, help="per batch")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--breakdown", action="store_true", help="per component, by cProfile")
    args = parser.parse_args()

    drop = None
    if args.database == "postgresql":
        database_url, drop = postgres_database()
    else:
        database_url = f"sqlite:///{SCRATCH / 'profile.sqlite3'}"
    os.environ.update(
        TWILIO_ACCOUNT_SID=ACCOUNT_SID,
        TWILIO_AUTH_TOKEN=AUTH_TOKEN,
        TWILIO_PHONE_NUMBER=DEMO_BUSINESS_NUMBER,
        PUBLIC_BASE_URL=BASE,
        TWILIO_API_BASE_URL="http://127.0.0.1:9",
        REDIS_URL="redis://127.0.0.1:9/0",
        DATABASE_URL=database_url,
        SECRET_KEY=secrets.token_hex(16),
    )
    try:
        upgrade(database_url)
        database = Database(database_url)
        seed_demo(database)
        database.dispose()
        validator = RequestValidator(AUTH_TOKEN)
        built = {name: factory() for name, factory in apps().items()}
        menus = {
            name: menu_path(app, validator) if name != "bare" else "/voice/step"
            for name, app in built.items()
        }
        # Rounds interleave the apps, so a burst of load elsewhere on the machine hits all of
        # them; the least disturbed batch (the minimum) is the app's cost.
        times: dict[tuple[str, str], list[float]] = {}
        offset = 1
        for _ in range(args.rounds):
            for name, app in built.items():
                for target in ("incoming", "step"):  # the steps continue the calls just opened
                    environs = workload(target, menus[name], validator, args.requests, offset)
                    drive(app, environs[:50])  # new code paths warmed, caches as they would be
                    seconds = drive(app, environs[50:])
                    times.setdefault((name, target), []).append(seconds / (len(environs) - 50))
                offset += args.requests
        print(
            f"CPU µs per request, {args.database}, {args.rounds} batches of {args.requests}: "
            "min (median)"
        )
        for (name, target), values in times.items():
            cost = min(values) * 1e6
            line = f"{name:<8}{target:<10}{cost:>6.0f} ({statistics.median(values) * 1e6:.0f})"
            if args.breakdown:
                profiled = workload(target, menus[name], validator, 1000, offset)
                offset += 1000
                parts = breakdown(built[name], profiled)
                whole = parts.pop("whole request")
                # cProfile inflates small calls; its shares, scaled to the measured cost
                line += "  " + "  ".join(
                    f"{k} {v / whole * cost:.0f}" for k, v in parts.items() if v
                )
                line += f"  other {(1 - sum(parts.values()) / whole) * cost:.0f}"
            print(line, flush=True)
    finally:
        if drop:
            drop()
        shutil.rmtree(SCRATCH, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
