"""bench/queue_ops at a tiny size, so the benchmark cannot rot between full runs (no timing)."""

from __future__ import annotations

from bench.queue_ops import OPERATIONS, Settings, measure, report


def test_queue_ops_measures_every_operation_at_every_size_and_keeps_the_size(redis_url):
    tiny = Settings(sizes=(3, 12), repetitions=4, batch=2, warmup=1)
    timings = measure(redis_url, tiny)  # raises if a size drifts or the freed agent idles
    assert [(t.op, t.size) for t in timings] == [
        (op.name, size) for op in OPERATIONS for size in (3, 12)
    ]
    assert all(len(t.samples_ns) == 4 for t in timings)
    table = report(timings, "smoke")
    verdict_rows = [row for row in table.splitlines() if row.endswith(("  PASS", "  FAIL"))]
    assert [row.split("  ")[0] for row in verdict_rows] == [op.name for op in OPERATIONS]
