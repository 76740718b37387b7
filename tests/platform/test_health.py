"""/health/ for load balancers: the real database, the real Redis broker and the worker's
heartbeat; details for ministry administrators only."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from councils.models import WorkerHeartbeat
from councils.services import worker_heartbeat_record
from productivity.celery import app
from tests.factories import UserFactory
from tests.support.mfa import force_login_verified
from tests.support.smtp import free_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def heartbeat():
    return worker_heartbeat_record(worker="worker@host")


@pytest.fixture
def broker_down(monkeypatch):
    url = f"redis://127.0.0.1:{free_port()}/0"
    monkeypatch.setitem(app.conf, "broker_url", url)
    monkeypatch.setitem(app.conf, "broker_write_url", url)
    return url


@pytest.fixture
def administrator_client(client):
    force_login_verified(client, UserFactory(is_staff=True))
    return client


def test_health_is_ok_for_anyone_when_everything_answers(client, heartbeat):
    assert app.conf.broker_url.startswith("redis://")
    response = client.get("/health/")
    assert (response.status_code, response.content) == (200, b"ok")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "no-cache" in response["Cache-Control"]
    assert "sessionid" not in response.cookies


def test_health_fails_without_details_when_the_broker_is_unreachable(
    client, heartbeat, broker_down
):
    response = client.get("/health/")
    assert (response.status_code, response.content) == (503, b"unavailable")


def test_health_fails_when_the_heartbeat_is_stale(client, heartbeat):
    WorkerHeartbeat.objects.update(last_seen=timezone.now() - timedelta(seconds=301))
    response = client.get("/health/")
    assert (response.status_code, response.content) == (503, b"unavailable")


def test_health_fails_before_any_heartbeat(client):
    response = client.get("/health/")
    assert (response.status_code, response.content) == (503, b"unavailable")


def test_health_shows_details_to_a_ministry_administrator(
    administrator_client, heartbeat, broker_down
):
    WorkerHeartbeat.objects.update(last_seen=timezone.now() - timedelta(seconds=400))
    response = administrator_client.get("/health/")
    assert response.status_code == 503
    lines = response.content.decode().splitlines()
    assert lines[:3] == [
        "unavailable",
        "database: ok (answered)",
        "broker: failing (OperationalError)",
    ]
    assert re.fullmatch(
        r"worker: failing \(last heartbeat 40[0-2] seconds ago from worker@host\)", lines[3]
    )
    assert len(lines) == 4
    assert broker_down not in response.content.decode()


def test_health_details_when_all_is_well(administrator_client, heartbeat):
    lines = administrator_client.get("/health/").content.decode().splitlines()
    assert lines[:3] == ["ok", "database: ok (answered)", "broker: ok (connected)"]
    assert re.fullmatch(
        r"worker: ok \(last heartbeat [0-2] seconds ago from worker@host\)", lines[3]
    )


def test_health_shows_no_details_to_someone_signed_in_who_is_not_an_administrator(
    officer_client, broker_down
):
    response = officer_client.get("/health/")
    assert (response.status_code, response.content) == (503, b"unavailable")


def test_health_shows_no_details_to_an_administrator_before_the_second_factor(
    client, heartbeat, broker_down
):
    client.force_login(UserFactory(is_staff=True))
    response = client.get("/health/")
    assert (response.status_code, response.content) == (503, b"unavailable")
