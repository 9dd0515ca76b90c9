"""bench/transcribe at its smallest, so the benchmark cannot rot between full runs. Its
figures are not checked here (no timing in tests); that it measures each one is."""

from __future__ import annotations

import shutil

import pytest

from bench.transcribe import main
from tests.helpers import need

pytestmark = pytest.mark.e2e


def test_the_bench_measures_every_figure_with_real_workers(capsys) -> None:
    for tool in ("redis-server", "espeak-ng"):
        if shutil.which(tool) is None:
            need(f"{tool} is not installed")
    main(["--quick", "--long-seconds", "12", "--calls", "1", "--backlog", "1"])
    out = capsys.readouterr().out
    for row in (
        "real-time factor, 1 worker",
        "throughput: 1 worker",
        "memory, 2 workers: worker RSS",
        "reason clip behind 1 long recordings",
    ):
        assert row in out
    assert "model loads per worker process, 1 worker: [1]  -> PASS" in out
    assert "model loads per worker process, 2 workers: [1, 1]  -> PASS" in out
