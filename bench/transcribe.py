"""bench/transcribe: how fast, how big and how fair ``ivr transcriber`` is on 8 kHz calls.

``python -m bench.transcribe [--quick] [--long-seconds 180] [--backlog 20]``. Everything is
real: a private ``redis-server``, SQLite (migrated), ``ivr transcriber`` processes as the
Procfile runs them, the Korean model, and recordings synthesised by espeak-ng (Korean voice)
at 8 kHz in Twilio's format: "long" ones are two-channel calls of ``--long-seconds``, the
customer and the agent taking turns; the reason clip is ~8 s, mono. Figures:

- real-time factor per worker, enqueue -> transcript stored (job overhead included), wall
  time over audio seconds, and the workers' CPU seconds over audio seconds (the machine is
  shared: CPU time is what the work itself cost); baseline in the same run: the bare
  recogniser in this process, each channel fed whole (no jobs, no voice activity);
- throughput, audio seconds per wall second, with 1 and 2 workers, and the ratio;
- resident memory per worker (RSS and PSS from /proc/<pid>/smaps_rollup), parent and a
  work horse in a job: PSS shows the model's pages shared copy-on-write;
- model loads per worker process (from the transcriber's own count in Redis): must be 1;
- the wait of a reason clip queued (transcribe-high) behind ``--backlog`` long recordings
  with every worker busy: enqueue -> its transcript stored; baseline: the same clip alone.
"""

from __future__ import annotations

import argparse
import array
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from redis import Redis
from sqlalchemy import select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ivr.adapters.jobs import RqJobs  # noqa: E402
from ivr.adapters.sql.database import Database  # noqa: E402
from ivr.adapters.sql.migrate import upgrade  # noqa: E402
from ivr.adapters.sql.models import Recording, TranscriptRecord  # noqa: E402
from tests.speech import mono_frames, silence_frames, spoken, write_wav  # noqa: E402
from workers.transcriber import model_loads  # noqa: E402

CUSTOMER = [
    "안녕하세요. 전기 요금 때문에 전화했습니다.",
    "지난달 청구서가 너무 많이 나왔어요. 평소보다 두 배 정도 됩니다.",
    "계량기 번호는 현관 옆에 있어요. 확인해 주실 수 있나요?",
    "네 맞아요. 이사 온 지 석 달 되었습니다.",
]
AGENT = [
    "네 고객님, 확인해 드리겠습니다. 잠시만 기다려 주세요.",
    "지난달 사용량이 평소보다 많이 기록되어 있습니다.",
    "검침원이 다시 방문하도록 예약해 드릴까요?",
    "감사합니다. 다른 문의 사항이 있으신가요?",
]
REASON = "요금이 너무 많이 나와서 전화했어요. 확인 부탁드립니다."


def long_call(path: Path, seconds: float) -> Path:
    """Two channels, turns with a 0.6 s gap, until ``seconds``: a real call's shape."""
    customer, agent = array.array("h"), array.array("h")
    turn = 0
    while len(customer) < seconds * 8000:
        said = mono_frames(spoken(CUSTOMER[turn % len(CUSTOMER)]))
        answered = mono_frames(spoken(AGENT[turn % len(AGENT)]))
        gap = silence_frames(0.6)
        customer += said + gap + silence_frames(len(answered) / 8000) + gap
        agent += silence_frames(len(said) / 8000) + gap + answered + gap
        turn += 1
    end = int(seconds * 8000)
    return write_wav(path, [customer[:end], agent[:end]])


def reason_clip(path: Path) -> Path:
    return write_wav(path, [silence_frames(0.5) + mono_frames(spoken(REASON)) + silence_frames(1)])


def duration(path: Path) -> float:
    import wave

    with wave.open(str(path)) as w:
        return w.getnframes() / w.getframerate()


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def system(scratch: Path):
    port = free_port()
    redis_server = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--dir",
            str(scratch),
        ],
        stdout=subprocess.DEVNULL,
    )
    url = f"sqlite:///{scratch / 'ivr.sqlite3'}"
    upgrade(url)
    redis = Redis(port=port)
    for _ in range(100):
        try:
            redis.ping()
            break
        except Exception:
            time.sleep(0.05)
    env = {
        **os.environ,
        "TWILIO_ACCOUNT_SID": "AC" + "ab" * 16,
        "TWILIO_AUTH_TOKEN": "bench-auth-token-" + "0" * 16,
        "TWILIO_PHONE_NUMBER": "+12025550100",
        "PUBLIC_BASE_URL": "https://ivr.example.com",
        "REDIS_URL": f"redis://127.0.0.1:{port}/0",
        "DATABASE_URL": url,
        "SECRET_KEY": "bench-secret-key-" + "0" * 16,
        "IVR_RECORDINGS_DIR": str(scratch),
        "VOSK_MODEL_PATH": str(scratch / "models"),
    }
    database = Database(url)
    try:
        yield redis, database, env
    finally:
        database.dispose()
        redis.close()
        redis_server.terminate()
        redis_server.wait(10)


class Workers:
    """``ivr transcriber`` processes, started and stopped by their own pids."""

    def __init__(self, env: dict[str, str], count: int, log: Path) -> None:
        ivr = str(Path(sys.executable).parent / "ivr")
        self.log = log.open("ab")
        self.processes = [
            subprocess.Popen([ivr, "transcriber"], env=env, stdout=self.log, stderr=self.log)
            for _ in range(count)
        ]

    def wait_ready(self, redis: Redis, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while len(model_loads(redis)) < len(self.processes) or len(self.registered(redis)) < len(
            self.processes
        ):
            if time.monotonic() > deadline:
                raise SystemExit(f"workers not ready; see {self.log.name}")
            time.sleep(0.2)

    def registered(self, redis: Redis) -> list[bytes]:
        return list(redis.smembers("rq:workers"))

    def cpu_seconds(self) -> float:
        """utime+stime of each worker and of its finished (waited-for) work horses."""
        tick = os.sysconf("SC_CLK_TCK")
        total = 0
        for p in self.processes:
            fields = Path(f"/proc/{p.pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += sum(int(fields[i]) for i in (11, 12, 13, 14))
        return total / tick

    def stop(self) -> None:
        for p in self.processes:
            p.terminate()
        for p in self.processes:
            try:
                p.wait(30)
            except subprocess.TimeoutExpired:
                p.kill()
        self.log.close()


def memory(pid: int) -> tuple[float, float]:
    """RSS and PSS in MB from /proc/<pid>/smaps_rollup."""
    values = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        parts = line.split()
        if parts[0] in ("Rss:", "Pss:"):
            values[parts[0]] = int(parts[1]) / 1024
    return values["Rss:"], values["Pss:"]


def children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(c) for c in text.split()]


def busy(redis: Redis) -> int:
    """Workers in a job, as RQ records them: a worker's child process is not enough, since
    the one holding the scheduler lock also forks its scheduler."""
    from rq import Worker

    return sum(1 for w in Worker.all(connection=redis) if w.get_state() == "busy")


def add(database: Database, path: Path, kind: str) -> int:
    with database.unit_of_work() as session:
        row = Recording(
            recording_sid="RE" + os.urandom(16).hex(),
            call_sid="CA" + os.urandom(16).hex(),
            kind=kind,
            source_url="sandbox",
            channels=2 if kind == "call" else 1,
            language="ko",
            status="stored",
            attempts=0,
            path=path.name,
        )
        session.add(row)
        session.flush()
        return row.id


def wait_done(database: Database, ids: list[int], timeout: float) -> float:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with database.unit_of_work() as session:
            done = session.scalars(
                select(TranscriptRecord.recording_id).where(
                    TranscriptRecord.recording_id.in_(ids), TranscriptRecord.status == "done"
                )
            ).all()
        if len(done) == len(ids):
            return time.monotonic()
        time.sleep(0.05)
    raise SystemExit(f"transcripts {ids} not done within {timeout:.0f} s")


def baseline_rtf(path: Path) -> float:
    """The bare recogniser, each channel fed whole in 4000-frame chunks, in this process."""
    import wave

    from vosk import KaldiRecognizer, Model, SetLogLevel

    from ivr.adapters.speech.models import installed_models
    from ivr.adapters.speech.wav import deinterleave

    SetLogLevel(-1)
    model = Model(str(installed_models(None)["ko"].path))
    started = time.process_time()
    with wave.open(str(path)) as w:
        channels = w.getnchannels()
        for channel in range(channels):
            recogniser = KaldiRecognizer(model, w.getframerate())
            recogniser.SetWords(True)
            w.rewind()
            while raw := w.readframes(4000):
                recogniser.AcceptWaveform(deinterleave(raw, channels, channel).tobytes())
            json.loads(recogniser.FinalResult())
    return (time.process_time() - started) / duration(path)


def run_batch(redis, database, env, scratch, paths, workers: int) -> dict:
    pool = Workers(env, workers, scratch / "workers.log")
    try:
        pool.wait_ready(redis)
        cpu_before = pool.cpu_seconds()
        jobs = RqJobs(redis)
        started = time.monotonic()
        ids = [add(database, p, "call") for p in paths]
        for recording_id in ids:
            jobs.transcribe(recording_id, urgent=False)
        peak: dict[int, tuple[float, float]] = {}
        deadline = time.monotonic() + 3600
        while True:
            for p in pool.processes:
                for pid in [p.pid, *children(p.pid)]:
                    try:
                        rss, pss = memory(pid)
                    except OSError:
                        continue
                    if pss > peak.get(pid, (0, 0))[1]:
                        peak[pid] = (rss, pss)
            try:
                ended = wait_done(database, ids, 0.01)
                break
            except SystemExit:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        audio = sum(duration(p) for p in paths)
        parents = {p.pid for p in pool.processes}
        return {
            "wall": ended - started,
            "cpu": pool.cpu_seconds() - cpu_before,
            "audio": audio,
            "loads": model_loads(redis),
            "parents": [peak[p] for p in parents if p in peak],
            "horses": [v for pid, v in peak.items() if pid not in parents],
        }
    finally:
        pool.stop()
        redis.flushall()


def reason_wait(redis, database, env, scratch, long_paths, clip: Path, workers: int) -> dict:
    pool = Workers(env, workers, scratch / "workers.log")
    try:
        pool.wait_ready(redis)
        jobs = RqJobs(redis)
        alone_id = add(database, clip, "reason")
        started = time.monotonic()
        jobs.transcribe(alone_id, urgent=True)
        alone = wait_done(database, [alone_id], 120) - started
        for path in long_paths:
            jobs.transcribe(add(database, path, "call"), urgent=False)
        busy_deadline = time.monotonic() + 120
        while busy(redis) < min(workers, len(long_paths)):  # all busy in long recordings
            if time.monotonic() > busy_deadline:
                raise SystemExit(f"{workers} workers never busy at once; see {pool.log.name}")
            time.sleep(0.05)
        time.sleep(1.0)
        clip_id = add(database, clip, "reason")
        queued = time.monotonic()
        jobs.transcribe(clip_id, urgent=True)
        waited = wait_done(database, [clip_id], 600) - queued
        return {"alone": alone, "behind": waited, "backlog": len(long_paths)}
    finally:
        pool.stop()
        redis.flushall()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.transcribe")
    parser.add_argument("--quick", action="store_true", help="small sizes, for the smoke test")
    parser.add_argument("--long-seconds", type=float, default=180.0)
    parser.add_argument("--calls", type=int, default=4, help="long recordings per throughput run")
    parser.add_argument("--backlog", type=int, default=20)
    args = parser.parse_args(argv)
    if args.quick:  # smaller defaults; explicit sizes still win
        given = set(argv or sys.argv[1:])
        args.long_seconds = args.long_seconds if "--long-seconds" in given else 30.0
        args.calls = args.calls if "--calls" in given else 2
        args.backlog = args.backlog if "--backlog" in given else 2
    if shutil.which("redis-server") is None or shutil.which("espeak-ng") is None:
        raise SystemExit("bench/transcribe needs redis-server and espeak-ng")
    load = os.getloadavg()
    scratch = Path(tempfile.mkdtemp(prefix="ivr-bench-transcribe-"))
    try:
        paths = [long_call(scratch / f"call-{i}.wav", args.long_seconds) for i in range(args.calls)]
        backlog = [scratch / f"call-{i % args.calls}.wav" for i in range(args.backlog)]
        clip = reason_clip(scratch / "reason.wav")
        base = baseline_rtf(paths[0])
        with system(scratch) as (redis, database, env):
            one = run_batch(redis, database, env, scratch, paths, 1)
            two = run_batch(redis, database, env, scratch, paths, 2)
            wait = reason_wait(redis, database, env, scratch, backlog, clip, 2)
        report(args, load, os.getloadavg(), base, one, two, wait)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


def report(args, load_before, load_after, base, one, two, wait) -> None:
    def fmt(load) -> str:
        return "/".join(f"{x:.1f}" for x in load)

    print(
        f"bench/transcribe: {args.calls} two-channel calls of {args.long_seconds:.0f} s at 8 kHz, "
        f"load average before {fmt(load_before)}, after {fmt(load_after)} ({os.cpu_count()} cores)"
    )
    rtf_wall, rtf_cpu = one["wall"] / one["audio"], one["cpu"] / one["audio"]
    print(
        f"real-time factor, 1 worker, enqueue -> stored: wall {rtf_wall:.3f}, "
        f"CPU {rtf_cpu:.3f}; bare recogniser (whole channels, CPU) {base:.3f}, "
        f"ratio {rtf_cpu / base:.2f}  -> target <= 0.25: {verdict(rtf_wall <= 0.25)} (wall)"
    )
    tput1, tput2 = one["audio"] / one["wall"], two["audio"] / two["wall"]
    print(
        f"throughput: 1 worker {tput1:.2f} audio s/s, 2 workers {tput2:.2f} audio s/s, "
        f"ratio {tput2 / tput1:.2f}  -> target >= 1.7: {verdict(tput2 / tput1 >= 1.7)}"
    )
    for label, run in (("1 worker", one), ("2 workers", two)):
        parents = ", ".join(f"RSS {r:.0f} MB / PSS {p:.0f} MB" for r, p in run["parents"])
        horses = max(run["horses"], key=lambda v: v[1], default=(0, 0))
        print(
            f"memory, {label}: worker {parents}; largest work horse RSS {horses[0]:.0f} MB / "
            f"PSS {horses[1]:.0f} MB"
        )
        loads = sorted(run["loads"].values())
        print(f"model loads per worker process, {label}: {loads}  -> {verdict(set(loads) == {1})}")
    print(
        f"reason clip behind {wait['backlog']} long recordings, 2 workers busy: "
        f"{wait['behind']:.1f} s enqueue -> stored; alone {wait['alone']:.1f} s, "
        f"ratio {wait['behind'] / wait['alone']:.2f}  -> target < 10 s: "
        f"{verdict(wait['behind'] < 10)}"
    )


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


if __name__ == "__main__":
    raise SystemExit(main())
