"""gunicorn settings read from the working directory: the Procfile's web process, and every
server bench/webhooks measures (the app and the bare baseline alike), so that what is measured
is what is deployed.

``WEB_CONCURRENCY`` processes (default 2, one per core here), each with four threads
(gthread) on PostgreSQL and one (sync) on SQLite, measured with bench/webhooks on this 2-core
machine (same hour, same load):

- on PostgreSQL a commit waits for the server's WAL flush, and threads overlap the waits: one
  request in flight per process answered 124 new calls a second, four threads each 789;
- SQLite's writers queue on one lock anyway, and threads only added to each write the wait for
  the GIL while holding it: a new call cost the server 794 µs of CPU with sync workers, 1102 µs
  with four threads each (p99 83 and 172 ms). Without a DATABASE_URL the app is on SQLite.

Each gunicorn worker is a process with its own metrics; prometheus-client's multiprocess mode
aggregates them through files in PROMETHEUS_MULTIPROC_DIR, which must be empty at start and told
when a worker dies (prometheus-client's documented gunicorn recipe).
"""

import os
import shutil
import tempfile

from prometheus_client import multiprocess

workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = 1 if (os.environ.get("DATABASE_URL") or "sqlite").startswith("sqlite") else 4
backlog = 2048
"""Connections the kernel queues for the workers: a burst of webhooks waits rather than
being refused."""
accesslog = "-"

if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="ivr-metrics-")


def on_starting(server):
    directory = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    shutil.rmtree(directory, ignore_errors=True)
    os.makedirs(directory, exist_ok=True)


def child_exit(server, worker):
    multiprocess.mark_process_dead(worker.pid)
