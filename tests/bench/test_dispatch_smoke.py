"""bench/dispatch at its smallest (2 callers, 1 agent), so the benchmark cannot rot between
full runs. Its figures are not checked here (no timing in tests); its own checks are."""

from __future__ import annotations

import shutil

import pytest

from bench.dispatch import main
from tests.helpers import need

pytestmark = pytest.mark.e2e


def test_the_bench_serves_two_callers_with_one_agent_and_checks_itself(capsys) -> None:
    if shutil.which("redis-server") is None:
        need("redis-server is not installed")
    main(["--callers", "2", "--agents", "1"])
    out = capsys.readouterr().out
    assert "each bridged exactly once, in arrival order, no agent on two calls: yes" in out
    for row in ("agent free -> phone rings", "agent free -> caller bridged", "pickup"):
        assert row in out
    assert "PASS" in out or "FAIL" in out
