"""The health endpoint for load balancers: the database, the broker and the worker's heartbeat.

Anyone gets "ok" (200) or "unavailable" (503) and nothing more; a ministry administrator
signed in with the second factor (the `health_details` rule in councils/permissions.py) also
gets one line per check saying what failed and how old the heartbeat is.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from councils import permissions
from councils.models import WorkerHeartbeat
from productivity.celery import app

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str

    def __str__(self):
        return f"{self.name}: {'ok' if self.ok else 'failing'} ({self.detail})"


def health_database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as error:  # noqa: BLE001 (any failure means unhealthy)
        return Check("database", False, type(error).__name__)
    return Check("database", True, "answered")


def health_broker() -> Check:
    try:
        with app.connection_for_write() as broker:
            broker.ensure_connection(max_retries=1, interval_start=0, timeout=2)
    except Exception as error:  # noqa: BLE001
        return Check("broker", False, type(error).__name__)
    return Check("broker", True, "connected")


def health_worker() -> Check:
    try:
        beat = WorkerHeartbeat.objects.order_by("-last_seen").first()
    except Exception as error:  # noqa: BLE001
        return Check("worker", False, type(error).__name__)
    if beat is None:
        return Check("worker", False, "no heartbeat yet")
    age = int((timezone.now() - beat.last_seen).total_seconds())
    fresh = age <= settings.HEALTH_HEARTBEAT_MAX_AGE_SECONDS
    return Check("worker", fresh, f"last heartbeat {age} seconds ago from {beat.worker}")


@login_not_required
@never_cache
def health(request):
    checks = [health_database(), health_broker(), health_worker()]
    healthy = all(check.ok for check in checks)
    if not healthy:
        logger.warning("Health check failing: %s", "; ".join(map(str, checks)))
    lines = ["ok" if healthy else "unavailable"]
    if permissions.can(request.user, "health_details", None):
        lines += [str(check) for check in checks]
    return HttpResponse(
        "\n".join(lines),
        status=200 if healthy else 503,
        content_type="text/plain; charset=utf-8",
    )
