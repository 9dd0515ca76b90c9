"""``python -m bench.ewt [--quick] [--scenario A] [--seed N] [--jobs N]``."""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import time

from bench.ewt.report import describe, summary, targets
from bench.ewt.run import run_scenario
from bench.ewt.scenarios import SCENARIOS

QUICK_SHARE = 0.1


def _one(job: tuple[str, int, int | None]):
    key, seed, callers = job
    started = time.perf_counter()
    result = run_scenario(SCENARIOS[key], seed=seed, callers=callers)
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
    parser.add_argument("--jobs", type=int, default=min(2, multiprocessing.cpu_count()))
    args = parser.parse_args(argv)
    keys = args.scenario or sorted(SCENARIOS)
    jobs = [
        (key, args.seed, int(SCENARIOS[key].callers * QUICK_SHARE) if args.quick else None)
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
    by_key = {result.scenario.key: (result, seconds) for result, seconds in done}
    results = [by_key[key][0] for key in keys]
    for key in keys:
        result, seconds = by_key[key]
        print(describe(result))
        print(f"   ({seconds:.0f} s)\n")
    print(summary(results))
    failed = [t for r in results for t in targets(r) if not t.passed]
    print(
        f"\n{sum(len(targets(r)) for r in results) - len(failed)} targets passed, "
        f"{len(failed)} failed; {time.perf_counter() - started:.0f} s wall clock"
    )
    for t in failed:
        print(f"FAIL {t.scenario}: {t.name}: {t.detail}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
