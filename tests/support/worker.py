"""A real Celery worker process, talking to the test database and the test broker."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def worker_environment(**overrides) -> dict[str, str]:
    """The environment a worker needs to see the same database and broker as the tests."""
    db = connection.settings_dict
    env = dict(os.environ)
    if db["ENGINE"].endswith("postgresql"):
        env["DATABASE_URL"] = (
            f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        )
    else:
        env["DATABASE_URL"] = f"sqlite:///{db['NAME']}"
    env["CELERY_BROKER_URL"] = settings.CELERY_BROKER_URL
    # The portal starts with DEBUG off (and then needs https and a host list): a process a test
    # starts is a development one, sharing the test run's key.
    env["DEBUG"] = "true"
    env["SECRET_KEY"] = settings.SECRET_KEY
    env.update({key: str(value) for key, value in overrides.items()})
    return env


class WorkerProcess:
    """`celery worker` in its own process group, so it can be killed like a real crash."""

    def __init__(self, *, concurrency: int = 1, pool: str = "prefork", queues=None, **env):
        self.args = [
            sys.executable, "-m", "celery", "-A", "productivity", "worker",
            "--loglevel", "INFO", "--concurrency", str(concurrency), "--pool", pool,
            "--without-heartbeat", "--without-gossip", "--without-mingle",
        ]  # fmt: skip
        if queues:
            self.args += ["--queues", ",".join(queues)]
        self.env = worker_environment(**env)
        self.process = None
        self.log_path = None

    def start(self, log_path: Path | None = None) -> "WorkerProcess":
        self.log_path = log_path
        output = open(log_path, "ab") if log_path else subprocess.DEVNULL  # noqa: SIM115
        self.process = subprocess.Popen(
            self.args, cwd=ROOT, env=self.env, stdout=output, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        return self

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Kill the worker and its pool children at once (a crash, not a shutdown)."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, sig)
            self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


def wait_for(predicate, *, timeout: float = 60, interval: float = 0.2, message: str = ""):
    """Poll until predicate() is truthy; returns its value or fails with `message`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(message or f"Timed out after {timeout}s waiting for {predicate}")
