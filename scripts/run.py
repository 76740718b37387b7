"""Start the web app and a Celery worker (with beat) together; one Ctrl-C stops both.

PORT (default 8000) chooses the web app's port. Everything else comes from the same
environment variables as productivity/settings.py: by default SQLite, the filesystem broker
and email written to var/mail/.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def main() -> int:
    port = os.environ.get("PORT", "8000")
    var = Path(os.environ.get("VAR_DIR", ROOT / "var"))
    var.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.setdefault("SITE_URL", f"http://127.0.0.1:{port}")
    # The embedded demo is a development server; production starts gunicorn with DEBUG off.
    env.setdefault("DEBUG", "true")
    # Passkeys are bound to a host name, never an IP address: they work at localhost.
    env.setdefault("WEBAUTHN_ORIGINS", f"http://localhost:{port}")
    commands = {
        "web": [PYTHON, "manage.py", "runserver", f"127.0.0.1:{port}"],
        "worker": [
            PYTHON, "-m", "celery", "-A", "productivity", "worker", "--beat",
            "--schedule", str(var / "celerybeat-schedule"), "--loglevel", "INFO",
            "--concurrency", "2",
        ],
    }  # fmt: skip
    # Each child leads its own process group (runserver's reloader and celery's pool children
    # go with it), so stopping a group leaves nothing behind.
    processes = {
        name: subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
        for name, command in commands.items()
    }
    print(
        f"\nThe portal is at http://127.0.0.1:{port}/ (Ctrl-C stops the web app and the worker)"
        f"\nFor passkeys, open it at http://localhost:{port}/\n",
        flush=True,
    )

    def stop(*_):
        # runserver's reloader would leave its server child running: stop the whole group.
        # Celery stops its own pool and beat when its main process gets SIGTERM.
        for name, process in processes.items():
            if process.poll() is None:
                try:
                    if name == "web":
                        os.killpg(process.pid, signal.SIGTERM)
                    else:
                        process.send_signal(signal.SIGTERM)
                except ProcessLookupError:
                    pass

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
                pass
            # Whatever of the group outlived its leader (or would not stop) goes now.
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            process.wait()
    print("Stopped the web app and the worker.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
