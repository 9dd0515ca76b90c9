"""bench/ewt end to end on a tiny run, so the benchmark cannot rot between full runs."""

from __future__ import annotations

import math

from bench.ewt.__main__ import main
from bench.ewt.report import describe, summary, targets
from bench.ewt.run import run_scenario
from bench.ewt.scenarios import SCENARIOS


def test_a_tiny_scenario_is_simulated_scored_and_reported():
    result = run_scenario(SCENARIOS["E"], seed=2, callers=4_000)
    ours = result.scores["ours"]
    assert ours.n > 500 and math.isfinite(ours.rmse.value)
    assert result.scores["asterisk"].p90_kept is None
    assert 0 < ours.p90_kept <= 1
    text = describe(result)
    assert "Erlang-A" in text and "asterisk" in text
    assert {t.name for t in targets(result)} >= {"RMSE within 3%", "P90 kept 88-92%"}
    assert summary([result]).count("\n") == 2


def test_the_command_runs_one_quick_scenario(capsys):
    main(["--quick", "--scenario", "F", "--jobs", "1", "--seed", "3"])
    out = capsys.readouterr().out
    assert "== F:" in out and "targets passed" in out
