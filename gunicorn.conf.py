"""gunicorn settings read from the working directory (the Procfile's web process).

Each gunicorn worker is a process with its own metrics; prometheus-client's multiprocess mode
aggregates them through files in PROMETHEUS_MULTIPROC_DIR, which must be empty at start and told
when a worker dies (prometheus-client's documented gunicorn recipe).
"""

import os
import shutil
import tempfile

from prometheus_client import multiprocess

if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="ivr-metrics-")


def on_starting(server):
    directory = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    shutil.rmtree(directory, ignore_errors=True)
    os.makedirs(directory, exist_ok=True)


def child_exit(server, worker):
    multiprocess.mark_process_dead(worker.pid)
