"""``python -m bench.ewt [--quick] [--scenario A] [--seed N | --seeds N-M] [--jobs N]``."""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import time

from bench.ewt.report import describe, spread, summary, targets
from bench.ewt.run import run_scenario
from bench.ewt.scenarios import SCENARIOS

QUICK_SHARE = 0.1


def _one(job: tuple[str, int, int | None, int]):
    key, seed, callers, ages_paths = job
    started = time.perf_counter()
    result = run_scenario(SCENARIOS[key], seed=seed, callers=callers, ages_oracle_paths=ages_paths)
    return result, time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ewt", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a tenth of the callers (smoke run)")
    parser.add_argument(
        "--scenario",
        action="append",
        choices=sorted(SCENARIOS),
        help="run only this scenario (repeatable); default all",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--seeds",
        type=_seed_range,
        help="FIRST-LAST: every seed in the range, then each figure's spread over them",
    )
    parser.add_argument(
        "--ages-oracle",
        type=int,
        default=0,
        metavar="PATHS",
        help="also score, on lognormal scenarios, an oracle told the ages of the calls in "
        "service (Monte Carlo with PATHS paths per estimate; slow)",
    )
    parser.add_argument("--jobs", type=int, default=min(2, multiprocessing.cpu_count()))
    args = parser.parse_args(argv)
    keys = args.scenario or sorted(SCENARIOS)
    seeds = args.seeds or [args.seed]
    jobs = [
        (
            key,
            seed,
            int(SCENARIOS[key].callers * QUICK_SHARE) if args.quick else None,
            args.ages_oracle,
        )
        for seed in seeds
        for key in keys
    ]
    # Largest first, so the two processes finish together.
    order = sorted(jobs, key=lambda job: -(job[2] or SCENARIOS[job[0]].callers))
    started = time.perf_counter()
    if args.jobs > 1 and len(jobs) > 1:
        with multiprocessing.Pool(args.jobs) as pool:
            done = pool.map(_one, order, chunksize=1)
    else:
        done = [_one(job) for job in order]
    by_job = {(result.scenario.key, result.seed): (result, seconds) for result, seconds in done}
    results = [by_job[key, seed][0] for seed in seeds for key in keys]
    if len(seeds) == 1:
        for key in keys:
            result, seconds = by_job[key, seeds[0]]
            print(describe(result))
            print(f"   ({seconds:.0f} s)\n")
        print(summary(results))
    else:
        for seed in seeds:
            print(f"seed {seed}:")
            print(summary([by_job[key, seed][0] for key in keys]) + "\n")
        print(f"spread over seeds {seeds[0]}-{seeds[-1]} (min / median / max):")
        print(spread(results))
    failed = [t for r in results for t in targets(r) if not t.passed]
    print(
        f"\n{sum(len(targets(r)) for r in results) - len(failed)} targets passed, "
        f"{len(failed)} failed; {time.perf_counter() - started:.0f} s wall clock"
    )
    for t in failed:
        print(f"FAIL {t.scenario}: {t.name}: {t.detail}")
    return 1 if failed else 0


def _seed_range(text: str) -> list[int]:
    first, _, last = text.partition("-")
    try:
        seeds = list(range(int(first), int(last or first) + 1))
    except ValueError as error:
        raise argparse.ArgumentTypeError(
            f"--seeds wants FIRST-LAST, such as 1-8, not {text!r}"
        ) from error
    if not seeds:
        raise argparse.ArgumentTypeError(f"--seeds {text!r} holds no seed")
    return seeds


if __name__ == "__main__":
    sys.exit(main())
