"""The figures, beside the reference's and the targets, as text a person reads."""

from __future__ import annotations

from dataclasses import dataclass

from bench.ewt.run import Result

RMSE_SLACK = 1.03
"""Ours may be at most 3% above the reference RMSE (or the oracle's, on unseen scenarios)."""
ASTERISK_CUT = 0.30
KEPT_RANGE = (0.88, 0.92)
P90_RATIO_MAX = 1.5
P90_RATIO_SCENARIOS = "ABCD"
REFERENCE_ROW = {"ours": "queue-length, learned", "asterisk": "asterisk", "naive": None}


@dataclass(frozen=True)
class Target:
    scenario: str
    name: str
    passed: bool
    detail: str


def targets(result: Result) -> list[Target]:
    key = result.scenario.key
    ours = result.scores["ours"]
    out: list[Target] = []
    reference = result.scenario.reference.get("queue-length, learned")
    if reference is not None:
        basis, against = "reference", reference
    else:
        basis, against = "oracle (true rates), this run", result.scores["oracle"].rmse.value
    ratio = ours.rmse.value / against
    out.append(
        Target(
            key,
            "RMSE within 3%",
            ratio <= RMSE_SLACK,
            f"{ours.rmse.value:.1f} vs {basis} {against:.1f}: ratio {ratio:.3f}",
        )
    )
    out.append(
        Target(
            key,
            ">=30% below Asterisk",
            result.lower_than_asterisk >= ASTERISK_CUT,
            f"{100 * result.lower_than_asterisk:.1f}% lower (paired RMSE difference "
            f"{result.paired_vs_asterisk} s)",
        )
    )
    low, high = KEPT_RANGE
    out.append(
        Target(
            key,
            "P90 kept 88-92%",
            low <= ours.p90_kept <= high,
            f"{100 * ours.p90_kept:.1f}%",
        )
    )
    if key in P90_RATIO_SCENARIOS:
        out.append(
            Target(
                key,
                "mean P90 / mean wait <= 1.5",
                ours.p90_over_mean_wait <= P90_RATIO_MAX,
                f"{ours.p90_over_mean_wait:.2f}",
            )
        )
    return out


def describe(result: Result) -> str:
    s = result.scenario
    ours = result.scores["ours"]
    lines = [
        f"== {s.key}: {s.title}",
        f"   {result.callers} callers (seed {result.seed}), first {result.warmup} excluded as "
        f"warm-up; scored: {ours.n} answered callers who found every agent busy",
        "   simulator check (95% CI by batch means):",
    ]
    for check in result.checks:
        if check.exact is None:
            lines.append(f"     {check.name:26s} {_fmt(check.simulated)}   (no closed form)")
        else:
            verdict = "inside CI" if check.inside else "OUTSIDE CI"
            name = "Erlang C" if s.patience_seconds is None else "Erlang-A"
            lines.append(
                f"     {check.name:26s} {_fmt(check.simulated)}   {name} {check.exact:.4g}"
                f"  {verdict}"
            )
    lines.append(
        f"   learned by ours by the last estimate: AHT {result.learned_handle_seconds:.1f} s "
        f"(true {_true_handle(s)}), patience {result.learned_patience_seconds:.0f} s "
        f"(true {'none' if s.patience_seconds is None else f'{s.patience_seconds:.0f}'}); "
        f"shifts seen and re-learned: handle time {result.shifts_seen[0]}, "
        f"patience {result.shifts_seen[1]}"
    )
    lines.append(
        "   predictor  RMSE [95% CI]          bias     MAE  P90 kept  P90/mean W"
        "  reference  ours/ref"
    )
    for name, sc in result.scores.items():
        row = REFERENCE_ROW.get(name)
        if name == "naive":
            ref = s.reference.get("naive position x AHT / s")
        elif name == "oracle":
            ref = s.reference.get("queue-length, learned")
        else:
            ref = s.reference.get(row) if row else None
        kept = "" if sc.p90_kept is None else f"{100 * sc.p90_kept:.1f}%"
        ratio = "" if sc.p90_over_mean_wait is None else f"{sc.p90_over_mean_wait:.2f}"
        versus = "" if ref is None else f"{ref:9.1f}  {sc.rmse.value / ref:8.3f}"
        lines.append(
            f"   {name:9s}  {str(sc.rmse):21s} {sc.bias:7.1f} {sc.mae:7.1f} {kept:>9s}"
            f" {ratio:>11s}  {versus}"
        )
    lines.append(
        f"   mean realised wait {ours.mean_wait:.1f} s (reference {s.reference_mean_wait})"
    )
    for target in targets(result):
        lines.append(f"   {'PASS' if target.passed else 'FAIL'}  {target.name}: {target.detail}")
    return "\n".join(lines)


def summary(results: list[Result]) -> str:
    lines = [
        "| scenario | ours RMSE [95% CI] | oracle | floor(k) | Asterisk | reference (ours row) "
        "| ours/ref | ours/oracle | vs Asterisk | P90 kept | P90/mean W | bias |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        ours = r.scores["ours"]
        ref = r.scenario.reference.get("queue-length, learned")
        basis = ref if ref is not None else r.scores["oracle"].rmse.value
        tag = f"{ref:.1f}" if ref is not None else f"({basis:.1f}: oracle)"
        lines.append(
            f"| {r.scenario.key} | {ours.rmse} | {r.scores['oracle'].rmse.value:.1f} "
            f"| {r.scores['floor(k)'].rmse.value:.1f} "
            f"| {r.scores['asterisk'].rmse.value:.1f} | {tag} | {ours.rmse.value / basis:.3f} "
            f"| {ours.rmse.value / r.scores['oracle'].rmse.value:.3f} "
            f"| -{100 * r.lower_than_asterisk:.1f}% | {100 * ours.p90_kept:.1f}% "
            f"| {ours.p90_over_mean_wait:.2f} | {ours.bias:+.1f} |"
        )
    return "\n".join(lines)


def _fmt(interval) -> str:
    if abs(interval.value) < 10:
        return f"{interval.value:.4f} [{interval.low:.4f}, {interval.high:.4f}]"
    return str(interval)


def _true_handle(scenario) -> str:
    if scenario.handle_levels is None:
        return f"{scenario.handle_seconds:.0f}"
    return " then ".join(f"{level:.0f}" for level in scenario.handle_levels) + ", by turns"
