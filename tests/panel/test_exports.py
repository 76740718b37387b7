"""ZIP exports: an outbox row per request, built member by member, for the asker only, a day."""

import zipfile
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from plans.models import PanelExport, Submission
from plans.selectors.panel import TrackerFilters
from plans.services import panel as services
from productivity.celery import app
from tests.panel.factories import REGION, council, panel_member, submitted_plan
from tests.support.broker import broker, queued_tasks
from tests.support.mfa import force_login_verified
from tests.support.worker import WorkerProcess, wait_for


def clean_broker_after_setup():
    """Building sent plans hands their emails to the broker; only what follows counts here."""
    broker().flushdb()


def _three_sent(round_):
    plans = [submitted_plan(council(f"{name} District Council"), round_)
             for name in ["Alpha", "Beta", "Gamma"]]  # fmt: skip
    return plans


@pytest.mark.django_db
def test_export_request_records_the_filter_and_enqueues_after_commit(
    panel_client, panel_user, round_, clean_broker, django_capture_on_commit_callbacks
):
    _three_sent(round_)
    clean_broker_after_setup()
    url = reverse("plans:panel_export_create", args=[round_.slug]) + f"?region={REGION}&q=beta"
    with django_capture_on_commit_callbacks(execute=True):
        response = panel_client.post(url)
    export = PanelExport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("plans:panel_export_detail", args=[export.pk])
    assert (export.requested_by, export.status, export.total) == (panel_user, "queued", 1)
    assert export.filters["regions"] == [REGION]
    assert export.filters["q"] == "beta"
    assert queued_tasks() == [("panel_export_build_task", (export.pk,))]
    assert export.last_enqueued_at is not None


@pytest.mark.django_db
def test_export_the_broker_never_took_is_handed_over_by_the_sweep(
    panel_client, round_, clean_broker, django_capture_on_commit_callbacks
):
    """The request commits its row; when the hand-over after commit never happens (the broker
    was down), the outbox sweep hands the export over once it is stale."""
    _three_sent(round_)
    with django_capture_on_commit_callbacks(execute=False):
        response = panel_client.post(reverse("plans:panel_export_create", args=[round_.slug]))
    assert response.status_code == 302
    export = PanelExport.objects.get()
    assert (export.status, export.last_enqueued_at) == ("queued", None)
    clean_broker_after_setup()
    assert services.panel_exports_sweep() == 0  # not stale yet
    later = timezone.now() + timedelta(minutes=6)
    assert services.panel_exports_sweep(now=later) == 1
    assert queued_tasks() == [("panel_export_build_task", (export.pk,))]


@pytest.mark.django_db
def test_export_build_writes_each_sent_pdf_named_by_gss_code_and_council(panel_user, round_):
    plans = _three_sent(round_)
    export = services.panel_export_request(
        user=panel_user, round=round_, filters=TrackerFilters(regions=(REGION,))
    )
    export = services.panel_export_build(export_id=export.pk)
    assert (export.status, export.done, export.total) == ("ready", 3, 3)
    assert timedelta(hours=23, minutes=59) < export.expires_at - timezone.now() <= timedelta(days=1)
    with zipfile.ZipFile(export.file_path) as archive:
        names = archive.namelist()
        assert names == [
            f"{plan.council.gss_code}-{plan.council.name.lower().replace(' ', '-')}.pdf"
            for plan in plans
        ]
        for plan, name in zip(plans, names, strict=True):
            assert archive.read(name) == bytes(Submission.objects.get(plan=plan).pdf)
    # Building again does nothing: the export is finished.
    assert services.panel_export_build(export_id=export.pk).file_path == export.file_path


@pytest.mark.django_db
def test_export_build_streams_a_pdf_copy_on_disk(panel_user, round_, tmp_path):
    plan = submitted_plan(council("Alpha District Council"), round_)
    copy = tmp_path / "copy.pdf"
    copy.write_bytes(b"%PDF-1.7 from disk")
    Submission.objects.filter(plan=plan).update(pdf_path=str(copy))
    export = services.panel_export_request(
        user=panel_user, round=round_, filters=TrackerFilters(q=plan.council.gss_code)
    )
    export = services.panel_export_build(export_id=export.pk)
    with zipfile.ZipFile(export.file_path) as archive:
        assert [archive.read(name) for name in archive.namelist()] == [b"%PDF-1.7 from disk"]


@pytest.mark.django_db
def test_export_download_is_for_the_asker_only_and_expires(client, panel_user, round_):
    _three_sent(round_)
    export = services.panel_export_request(user=panel_user, round=round_, filters=TrackerFilters())
    url = reverse("plans:panel_export_download", args=[export.pk])
    force_login_verified(client, panel_user)
    assert client.get(url).status_code == 404  # not built yet
    export = services.panel_export_build(export_id=export.pk)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert b"".join(response.streaming_content)[:2] == b"PK"
    force_login_verified(client, panel_member())
    assert client.get(url).status_code == 404
    assert client.get(reverse("plans:panel_export_detail", args=[export.pk])).status_code == 404
    force_login_verified(client, panel_user)
    PanelExport.objects.filter(pk=export.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert client.get(url).status_code == 404
    detail = client.get(reverse("plans:panel_export_detail", args=[export.pk]))
    assert "This ZIP file expired" in detail.content.decode()


@pytest.mark.django_db
def test_export_status_json_reports_progress(panel_client, panel_user, round_):
    _three_sent(round_)
    export = services.panel_export_request(user=panel_user, round=round_, filters=TrackerFilters())
    PanelExport.objects.filter(pk=export.pk).update(status="running", done=2)
    data = panel_client.get(reverse("plans:panel_export_status", args=[export.pk])).json()
    assert (data["status"], data["done"], data["total"], data["finished"]) == (
        "running",
        2,
        export.total,
        False,
    )
    assert f"2 of {export.total} PDFs added" in data["html"]


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_builds_the_zip_asked_for_over_http(client, round_, tmp_path):
    plans = _three_sent(round_)
    panel = panel_member()
    force_login_verified(client, panel)
    app.control.purge()
    worker = WorkerProcess(VAR_DIR=tmp_path / "var").start(log_path=tmp_path / "worker.log")
    try:
        url = reverse("plans:panel_export_create", args=[round_.slug]) + f"?region={REGION}"
        assert client.post(url).status_code == 302
        export = PanelExport.objects.get()
        wait_for(
            lambda: PanelExport.objects.get(pk=export.pk).status == "ready",
            timeout=60,
        )
    finally:
        worker.stop()
    export.refresh_from_db()
    assert (export.done, export.total) == (3, 3)
    assert export.file_path.startswith(str(tmp_path / "var"))
    response = client.get(reverse("plans:panel_export_download", args=[export.pk]))
    assert response.status_code == 200
    archive_path = tmp_path / "download.zip"
    archive_path.write_bytes(b"".join(response.streaming_content))
    with zipfile.ZipFile(archive_path) as archive:
        assert len(archive.namelist()) == len(plans)
