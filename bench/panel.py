"""The ministry panel under load: 317 submitted plans, gunicorn with 2 workers, 20 clients.

Builds a round where every council has sent a plan of realistic size (the demo plans' words,
varied per council), 30 panel notes and read markers for 5 panel members, then measures the
tracker (unfiltered and filtered), a reading view and the CSV export with 20 concurrent clients,
each beside a minimal Django view served by the same gunicorn (same middleware, session and
sign-in) as the floor. Then it asks for a ZIP of all 317 PDFs and times the worker building it,
sampling the worker's resident memory.
"""

import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from setup import ROOT, django_ready, median, percentile

CLIENTS = int(os.environ.get("BENCH_CLIENTS", "20"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "400"))
COUNT = int(os.environ.get("BENCH_PLANS", "317"))

# The floor: the portal's settings with one extra URL answering "ok" to a signed-in user.
FLOOR_SETTINGS = """
from productivity.settings import *  # noqa: F403
ROOT_URLCONF = "bench_panel_urls"
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


def build(stamp: str):
    from django.conf import settings
    from django.utils import timezone

    from councils.models import Council
    from plans.demo.narratives import NARRATIVES
    from plans.models import PanelNote, PanelReadMarker, Plan, Submission
    from plans.services.delivery import submission_render, submission_schedule
    from tests.factories import PlanFactory, RoundFactory, UserFactory
    from tests.submission.factories import approved_version

    # Hundreds of made-up people: a fast hasher keeps preparing them quick.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    round_ = RoundFactory(name=f"Panel benchmark {stamp}", slug=f"panel-bench-{stamp}")
    sources = list(NARRATIVES)
    councils = list(Council.objects.order_by("gss_code")[:COUNT])
    print(f"Preparing {len(councils)} submitted plans …", flush=True)
    pdf = None
    plans = []
    for index, council in enumerate(councils):
        source = NARRATIVES[sources[index % len(sources)]]
        narratives = {
            number: "\n\n".join(
                p for i, p in enumerate(text.split("\n\n")) if i < 3 or (i + index) % 5
            )
            for number, text in source.items()
        }
        plan = PlanFactory(council=council, round=round_)
        version = approved_version(plan, narratives=narratives)
        submission = submission_schedule(version=version, not_before=None)
        if pdf is None:
            pdf = submission_render(version=version)
        Submission.objects.filter(pk=submission.pk).update(
            status="sent",
            sent_at=timezone.now() - timezone.timedelta(hours=index % 48),
            is_late=False,
            pdf=pdf.pdf,
            pdf_sha256="b" * 64,
            page_count=pdf.page_count,
        )
        plans.append(plan)
    Plan.objects.filter(round=round_).update(status="submitted")
    members = [
        UserFactory(email=f"bench-panel-{stamp}-{n}@example.gov.uk", is_panel_member=True)
        for n in range(5)
    ]
    for n in range(30):
        PanelNote.objects.create(
            plan=plans[n * 7 % len(plans)],
            author=members[n % 5],
            text=f"Benchmark note {n}: worth comparing with its region.",
        )
    PanelReadMarker.objects.bulk_create(
        PanelReadMarker(user=member, plan=plan, read_at=timezone.now())
        for m, member in enumerate(members)
        for plan in plans[m::3]
    )
    return round_, members[0], plans


def existing():
    """A benchmark round built by an earlier run (building one takes minutes)."""
    from plans.models import PanelNote, Plan, Round

    for round_ in Round.objects.filter(slug__startswith="panel-bench-").order_by("-pk"):
        plans = list(Plan.objects.filter(round=round_).select_related("council").order_by("pk"))
        note = PanelNote.objects.filter(plan__round=round_).order_by("pk").first()
        if len(plans) == COUNT and note:
            print(f"Using the {COUNT} submitted plans of {round_.name}", flush=True)
            return round_, note.author, plans
    return None


def session_cookie(user) -> str:
    from django.test import Client

    from tests.support.mfa import force_login_verified

    client = Client()
    force_login_verified(client, user)
    return client.cookies["sessionid"].value


def load(url: str, cookie: str) -> tuple[list[float], int]:
    """REQUESTS requests from CLIENTS threads; returns the latencies and the errors."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    per_client = REQUESTS // CLIENTS

    def client():
        nonlocal errors
        for _ in range(per_client):
            request = urllib.request.Request(url, headers={"Cookie": f"sessionid={cookie}"})
            started = time.perf_counter()
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    response.read()
                    ok = response.status == 200
            except Exception:
                ok = False
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                errors += 0 if ok else 1

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors


def rss_kb(pid: int) -> int:
    """Resident memory of a process and its children (the worker's pool), in KB."""
    total = 0
    pids = [str(pid)]
    try:
        pids += subprocess.run(
            ["pgrep", "-P", str(pid)], capture_output=True, text=True
        ).stdout.split()
    except FileNotFoundError:
        pass
    for one in pids:
        try:
            for line in Path(f"/proc/{one}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total


def main() -> None:
    django_ready()
    from django.db import connection
    from django.utils import timezone

    from plans.models import PanelExport
    from plans.selectors.panel import TrackerFilters
    from plans.services.panel import panel_export_request
    from tests.support.smtp import free_port
    from tests.support.worker import WorkerProcess, wait_for

    stamp = timezone.now().strftime("%Y%m%d%H%M%S")
    round_, member, plans = existing() or build(stamp)
    cookie = session_cookie(member)
    connection.close()

    extra = Path(tempfile.mkdtemp(prefix="bench-panel-"))
    (extra / "bench_panel_settings.py").write_text(FLOOR_SETTINGS)
    (extra / "bench_panel_urls.py").write_text(FLOOR_URLS)
    port = free_port()
    env = dict(os.environ)
    env["PYTHONPATH"] = f"{extra}:{ROOT}"
    env["DJANGO_SETTINGS_MODULE"] = "bench_panel_settings"
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "productivity.wsgi:application", "--workers", "2",
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=ROOT, env=env, start_new_session=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: _up(f"{base}/bench/floor/"), timeout=30, message="gunicorn did not start")
        gss = plans[len(plans) // 2].council.gss_code
        targets = [
            ("minimal view (floor)", "/bench/floor/"),
            ("tracker, unfiltered (317 rows)", f"/panel/{round_.slug}/"),
            ("tracker, filtered", f"/panel/{round_.slug}/?tier=district&region=South+East"),
            ("reading view", f"/panel/{round_.slug}/councils/{gss}/?tier=district"),
            ("CSV export (317 rows)", f"/panel/{round_.slug}/tracker.csv"),
        ]
        rows = []
        for name, path in targets:
            load(base + path, cookie)  # warm up
            floor, floor_errors = load(base + targets[0][1], cookie)
            latencies, errors = load(base + path, cookie)
            rows.append((name, latencies, errors, floor))
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"\n{CLIENTS} concurrent clients, {REQUESTS} requests per target, gunicorn 2 workers")
    print(f"{'target':<34} {'p50 ms':>8} {'p95 ms':>8} {'floor p50':>10} {'floor p95':>10} "
          f"{'p95/floor':>10} {'errors':>7}")  # fmt: skip
    for name, latencies, errors, floor in rows:
        p50, p95 = median(latencies) * 1000, percentile(latencies, 0.95) * 1000
        f50, f95 = median(floor) * 1000, percentile(floor, 0.95) * 1000
        print(f"{name:<34} {p50:>8.1f} {p95:>8.1f} {f50:>10.1f} {f95:>10.1f} "
              f"{p95 / f95:>10.2f} {errors:>7}")  # fmt: skip

    # The ZIP of every submitted PDF, built by a real worker.
    from django.contrib.auth import get_user_model

    member = get_user_model().objects.get(pk=member.pk)
    export_dir = Path(tempfile.mkdtemp(prefix="bench-zip-"))
    worker = WorkerProcess(concurrency=1, VAR_DIR=export_dir, LOG_LEVEL="WARNING").start()
    samples: list[int] = []
    try:
        time.sleep(3)
        started = time.perf_counter()
        from django.db import transaction

        with transaction.atomic():
            export = panel_export_request(user=member, round=round_, filters=TrackerFilters())
        while PanelExport.objects.get(pk=export.pk).status not in ("ready", "failed"):
            samples.append(rss_kb(worker.process.pid))
            time.sleep(0.2)
            if time.perf_counter() - started > 300:
                break
        elapsed = time.perf_counter() - started
    finally:
        worker.stop()
    export.refresh_from_db()
    size = Path(export.file_path).stat().st_size if export.file_path else 0
    print(
        f"\nZIP of {export.done} PDFs: {export.status} in {elapsed:.1f}s, {size / 1e6:.1f} MB; "
        f"worker memory (all processes) min {min(samples) / 1024:.0f} MB, median "
        f"{statistics.median(samples) / 1024:.0f} MB, max {max(samples) / 1024:.0f} MB"
    )


def _up(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except Exception:
        return False


if __name__ == "__main__":
    main()
