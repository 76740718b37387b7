"""Start the web app and a Celery worker (with beat) together; one Ctrl-C stops both."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
VAR = ROOT / "var"


def main() -> int:
    VAR.mkdir(exist_ok=True)
    commands = {
        "web": [PYTHON, "manage.py", "runserver", "127.0.0.1:8000"],
        "worker": [
            PYTHON, "-m", "celery", "-A", "productivity", "worker", "--beat",
            "--schedule", str(VAR / "celerybeat-schedule"), "--loglevel", "INFO",
            "--concurrency", "2",
        ],
    }  # fmt: skip
    processes = {
        name: subprocess.Popen(command, cwd=ROOT, start_new_session=True)
        for name, command in commands.items()
    }
    print("\nThe portal is at http://127.0.0.1:8000/ (Ctrl-C stops the web app and the worker)\n")

    def stop(*_):
        for process in processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        # When either stops, stop the other too.
        while all(process.poll() is None for process in processes.values()):
            time.sleep(0.5)
    finally:
        stop()
        for process in processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
    return 0


if __name__ == "__main__":
    sys.exit(main())
