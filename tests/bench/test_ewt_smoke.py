"""bench/ewt end to end on a tiny run, so the benchmark cannot rot between full runs."""

from __future__ import annotations

import math

import pytest

from bench.ewt.__main__ import main
from bench.ewt.predictors import HeadOfLine, LastToEnterService
from bench.ewt.report import describe, summary, targets
from bench.ewt.run import run_scenario
from bench.ewt.scenarios import SCENARIOS
from bench.ewt.simulate import simulate


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


def test_the_rate_free_predictors_reproduce_the_references_rows_in_e():
    # No learned rate: these RMSEs check the simulator and the readings of HOL and LES. E is
    # where the readings differ most (LES without the callers answered at once: about 166 s).
    result = run_scenario(SCENARIOS["E"], seed=1)
    reference = SCENARIOS["E"].reference
    for name in ("asterisk", "head of line", "last to enter service"):
        assert result.scores[name].rmse.value == pytest.approx(reference[name], rel=0.025), name


def test_the_head_of_line_says_how_long_the_head_has_waited():
    said = []

    class Listening(HeadOfLine):
        def estimate(self, ahead, at, head_waited):
            said.append((ahead, head_waited))
            return super().estimate(ahead, at, head_waited)

    simulate(SCENARIOS["E"], [Listening(3)], seed=4, callers=3_000)
    assert all(waited == 0.0 for ahead, waited in said if ahead == 0)
    assert all(waited > 0.0 for ahead, waited in said if ahead > 0)


def test_last_to_enter_service_counts_callers_answered_at_once():
    les = LastToEnterService(3)
    les.answered(42.0, 1.0)
    les.abandoned(99.0, 2.0)
    assert les.estimate(0, 3.0, 0.0) == (42.0, None)
    les.answered(0.0, 4.0)
    assert les.estimate(0, 5.0, 0.0) == (0.0, None)


def test_several_seeds_give_each_figures_spread(capsys):
    main(["--quick", "--scenario", "E", "--seeds", "2-3", "--jobs", "1"])
    out = capsys.readouterr().out
    assert "seed 2:" in out and "seed 3:" in out
    spread_row = next(line for line in out.splitlines() if line.startswith("| E | 2 |"))
    assert "RMSE" in spread_row and "/2" in spread_row


def test_the_ages_oracle_is_scored_on_lognormal_scenarios_only():
    lognormal = run_scenario(SCENARIOS["C"], seed=2, callers=3_000, ages_oracle_paths=4)
    assert math.isfinite(lognormal.ages_oracle_rmse)
    assert lognormal.ages_oracle_rmse <= lognormal.scores["oracle(ages)"].rmse.value
    assert "less its Monte Carlo noise" in describe(lognormal)
    exponential = run_scenario(SCENARIOS["E"], seed=2, callers=3_000, ages_oracle_paths=4)
    assert exponential.ages_oracle_rmse is None and "oracle(ages)" not in exponential.scores
