"""Pages under load: gunicorn with 2 workers serving the portal, wrk as 20 concurrent clients.

Each page is measured beside a minimal Django view served by the same gunicorn (same middleware,
session and sign-in) as the floor. wrk is a load generator written in C, so the clients leave
the CPU to the server; `scripts/test-services.sh` installs it.
"""

import contextlib
import http.client
import os
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from setup import ROOT

CLIENTS = int(os.environ.get("BENCH_CLIENTS", "20"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
PAUSE = 2
FLOOR = ("minimal view (floor)", "/bench/floor/")

# The portal's settings with one extra URL answering "ok" to a signed-in user.
FLOOR_SETTINGS = """
from productivity.settings import *  # noqa: F403
ROOT_URLCONF = "bench_floor_urls"
DEBUG = False
ALLOWED_HOSTS = ["*"]
"""
FLOOR_URLS = """
from django.http import HttpResponse
from django.urls import include, path


def floor(request):
    return HttpResponse("ok" if request.user.is_authenticated else "no")


urlpatterns = [path("bench/floor/", floor), path("", include("productivity.urls"))]
"""
# wrk reports its latency percentiles and errors (any failed or non-2xx/3xx answer).
WRK_REPORT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d\\n", latency:percentile(50), latency:percentile(95),
    summary.requests, e.connect + e.read + e.write + e.status + e.timeout))
end
"""


def session_cookie(user) -> str:
    from django.test import Client

    from tests.support.mfa import force_login_verified

    client = Client()
    force_login_verified(client, user)
    return client.cookies["sessionid"].value


@contextlib.contextmanager
def serve():
    """gunicorn with 2 workers on a free port; yields its base URL."""
    from django.conf import settings

    from tests.support.smtp import free_port
    from tests.support.worker import wait_for

    extra = Path(tempfile.mkdtemp(prefix="bench-load-"))
    (extra / "bench_floor_settings.py").write_text(FLOOR_SETTINGS)
    (extra / "bench_floor_urls.py").write_text(FLOOR_URLS)
    port = free_port()
    env = dict(os.environ)
    env["PYTHONPATH"] = f"{extra}:{ROOT}"
    env["DJANGO_SETTINGS_MODULE"] = "bench_floor_settings"
    # The same key as this process, which signed the session cookie the clients send.
    env["SECRET_KEY"] = settings.SECRET_KEY
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "productivity.wsgi:application", "--workers", "2",
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=ROOT, env=env, start_new_session=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: _up(base + FLOOR[1]), timeout=30, message="gunicorn did not start")
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


def load(url: str, cookie: str) -> tuple[float, float, int, int]:
    """SECONDS of load from CLIENTS connections; returns p50 and p95 in ms, requests, errors."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        script.write(WRK_REPORT)
        script.flush()
        result = subprocess.run(
            ["wrk", f"-t{min(2, CLIENTS)}", f"-c{CLIENTS}", f"-d{SECONDS}s", "--timeout", "30s",
             "-s", script.name, "-H", f"Cookie: sessionid={cookie}", url],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
    line = next(line for line in result.stdout.splitlines() if line.startswith("RESULT "))
    p50, p95, requests, errors = (int(part) for part in line.split()[1:])
    return p50 / 1000, p95 / 1000, requests, errors


def measure(base: str, cookie: str, targets: list[tuple[str, str]]) -> None:
    """Each target after a warm-up, beside the floor measured just before it; prints a table."""
    rows = []
    for name, path in targets:
        status = _status(base + path, cookie)
        if status != 200:
            raise SystemExit(f"{name}: {path} answers {status}, not 200: nothing to measure")
        load(base + path, cookie)  # warm up
        # A pause before each measure, so the requests wrk left in flight are answered first.
        time.sleep(PAUSE)
        floor = load(base + FLOOR[1], cookie)
        time.sleep(PAUSE)
        rows.append((name, load(base + path, cookie), floor))
    print(f"\n{CLIENTS} concurrent clients (wrk), {SECONDS} s per target, gunicorn 2 workers")
    print(f"{'target':<38} {'p50 ms':>8} {'p95 ms':>8} {'floor p50':>10} {'floor p95':>10} "
          f"{'p95/floor':>10} {'requests':>9} {'errors':>7}")  # fmt: skip
    for name, (p50, p95, requests, errors), (f50, f95, _, floor_errors) in rows:
        print(f"{name:<38} {p50:>8.1f} {p95:>8.1f} {f50:>10.1f} {f95:>10.1f} "
              f"{p95 / f95:>10.2f} {requests:>9} {errors + floor_errors:>7}")  # fmt: skip


def _status(url: str, cookie: str) -> int:
    """The status of one signed-in GET, without following a redirect (to the sign-in page)."""
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        connection.request("GET", path, headers={"Cookie": f"sessionid={cookie}"})
        return connection.getresponse().status
    finally:
        connection.close()


def _up(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except Exception:
        return False
