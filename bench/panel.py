"""The ministry panel under load: 317 submitted plans, gunicorn with 2 workers, 20 clients.

Builds a round where every council has sent a plan of realistic size (the demo plans' words,
varied per council, and one of the demo councils' evidence), 30 panel notes and read markers for
5 panel members, then measures the tracker (unfiltered and filtered), a reading view and the CSV
export with 20 concurrent clients, each beside a minimal Django view under the same server as the
floor (see loadtest.py). Then it asks for a ZIP of all 317 PDFs and times the worker building it,
sampling the worker's resident memory.
"""

import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from loadtest import FLOOR, measure, serve, session_cookie
from setup import django_ready

COUNT = int(os.environ.get("BENCH_PLANS", "317"))
# Rounds built by this benchmark (with evidence in every plan and a search index).
SLUG_PREFIX = "panel-bench-evidence-"


def build(stamp: str):
    from django.conf import settings
    from django.utils import timezone

    from councils.models import Council
    from plans.demo.evidence import EVIDENCE, demo_evidence_seed
    from plans.demo.narratives import NARRATIVES
    from plans.models import PanelNote, PanelReadMarker, Plan, Submission
    from plans.services.delivery import submission_render, submission_schedule
    from plans.services.search import search_index_version
    from tests.factories import PlanFactory, RoundFactory, UserFactory, officer_of
    from tests.submission.factories import approved_version

    # Hundreds of made-up people: a fast hasher keeps preparing them quick.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    round_ = RoundFactory(name=f"Panel benchmark {stamp}", slug=f"{SLUG_PREFIX}{stamp}")
    sources = list(NARRATIVES)
    evidence = sorted(EVIDENCE)
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
        officer = officer_of(council, title="Head of Strategy")
        demo_evidence_seed(plan, officer, source=evidence[index % len(evidence)])
        version = approved_version(plan, narratives=narratives, created_by=officer)
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
        search_index_version(version=version)
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

    for round_ in Round.objects.filter(slug__startswith=SLUG_PREFIX).order_by("-pk"):
        plans = list(Plan.objects.filter(round=round_).select_related("council").order_by("pk"))
        note = PanelNote.objects.filter(plan__round=round_).order_by("pk").first()
        if len(plans) == COUNT and note:
            print(f"Using the {COUNT} submitted plans of {round_.name}", flush=True)
            return round_, note.author, plans
    return None


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

    from plans.models import OutboxMessage, PanelExport
    from plans.selectors.panel import TrackerFilters
    from plans.services.panel import panel_export_request
    from productivity.celery import app as celery_app
    from tests.support.worker import WorkerProcess

    stamp = timezone.now().strftime("%Y%m%d%H%M%S")
    round_, member, plans = existing() or build(stamp)
    cookie = session_cookie(member)
    connection.close()

    with serve() as base:
        gss = plans[len(plans) // 2].council.gss_code
        measure(base, cookie, [
            FLOOR,
            ("tracker, unfiltered (317 rows)", f"/panel/{round_.slug}/"),
            ("tracker, filtered", f"/panel/{round_.slug}/?tier=district&region=South+East"),
            ("reading view", f"/panel/{round_.slug}/councils/{gss}/?tier=district"),
            ("CSV export (317 rows)", f"/panel/{round_.slug}/tracker.csv"),
        ])  # fmt: skip

    # The ZIP of every submitted PDF, built by a real worker.
    from django.contrib.auth import get_user_model

    member = get_user_model().objects.get(pk=member.pk)
    export_dir = Path(tempfile.mkdtemp(prefix="bench-zip-"))
    # Building the plans recorded sign-off emails to made-up councillors: they are not part of
    # the measure, so the worker starts on an empty queue and an outbox with nothing due.
    OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING).update(
        status=OutboxMessage.Status.DONE, done_at=timezone.now()
    )
    celery_app.control.purge()
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


if __name__ == "__main__":
    main()
