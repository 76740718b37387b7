"""A council's deadline: the round's, or its own extension, the same in Python and in SQL."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from councils.models import Council
from plans.deadlines import council_deadline, with_council_deadline
from plans.models import AuditEvent, DeadlineExtension, Round
from plans.services.panel import deadline_extension_grant, deadline_extension_remove
from tests.factories import UserFactory
from tests.panel.factories import council, drafting_plan
from tests.support.mfa import force_login_verified

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


def _admin():
    return UserFactory(is_staff=True, is_superuser=True, email="admin@example.gov.uk")


def test_council_deadline_is_the_rounds_without_an_extension(round_):
    alpha = council("Alpha District Council")
    assert council_deadline(council_id=alpha.pk, round=round_) == round_.deadline


def test_council_deadline_is_the_extension_when_granted(round_):
    alpha, beta = council("Alpha District Council"), council("Beta District Council")
    later = round_.deadline + timedelta(days=4)
    deadline_extension_grant(
        council=alpha, round=round_, deadline=later, reason="Executive meets late", user=_admin()
    )
    assert council_deadline(council_id=alpha.pk, round=round_) == later
    assert council_deadline(council_id=beta.pk, round=round_) == round_.deadline


def test_council_deadline_expression_agrees_with_the_function(round_):
    alpha, beta = council("Alpha District Council"), council("Beta District Council")
    later = round_.deadline + timedelta(days=10)
    deadline_extension_grant(
        council=alpha, round=round_, deadline=later, reason="Executive meets late", user=_admin()
    )
    councils = Council.objects.filter(pk__in=[alpha.pk, beta.pk])
    rows = dict(with_council_deadline(councils, round=round_).values_list("pk", "deadline"))
    assert rows == {alpha.pk: later, beta.pk: round_.deadline}


def test_council_deadline_follows_a_moved_round_deadline(round_):
    """2024: the deadline moved from 19 to 29 July for everyone."""
    alpha = council("Alpha District Council")
    moved = round_.deadline + timedelta(days=10)
    Round.objects.filter(pk=round_.pk).update(deadline=moved)
    round_.refresh_from_db()
    assert council_deadline(council_id=alpha.pk, round=round_) == moved


def test_deadline_extension_grant_writes_an_audit_event(round_):
    alpha = council("Alpha District Council")
    plan = drafting_plan(alpha, round_)
    admin = _admin()
    first = round_.deadline + timedelta(days=3)
    second = round_.deadline + timedelta(days=5)
    deadline_extension_grant(council=alpha, round=round_, deadline=first, reason="A", user=admin)
    deadline_extension_grant(council=alpha, round=round_, deadline=second, reason="B", user=admin)
    assert DeadlineExtension.objects.filter(council=alpha).count() == 1
    events = list(AuditEvent.objects.filter(action="deadline_extension_granted").order_by("pk"))
    assert [(e.plan_id, e.actor_id) for e in events] == [(plan.pk, admin.pk)] * 2
    assert events[1].detail["previous_deadline"] == first.isoformat()
    assert events[1].detail["deadline"] == second.isoformat()
    assert events[1].detail["reason"] == "B"


def test_deadline_extension_grant_refuses_a_date_not_after_the_round_and_no_reason(round_):
    alpha = council("Alpha District Council")
    with pytest.raises(ValidationError) as error:
        deadline_extension_grant(
            council=alpha, round=round_, deadline=round_.deadline, reason=" ", user=_admin()
        )
    assert {k: [e.code for e in v] for k, v in error.value.error_dict.items()} == {
        "deadline": ["not_after_deadline"],
        "reason": ["required"],
    }
    assert DeadlineExtension.objects.count() == 0
    assert AuditEvent.objects.filter(action="deadline_extension_granted").count() == 0


def test_deadline_extension_remove_is_audited(round_):
    alpha = council("Alpha District Council")
    admin = _admin()
    extension = deadline_extension_grant(
        council=alpha, round=round_, deadline=round_.deadline + timedelta(days=1), reason="R",
        user=admin,
    )  # fmt: skip
    deadline_extension_remove(extension=extension, user=admin)
    assert DeadlineExtension.objects.count() == 0
    assert AuditEvent.objects.filter(action="deadline_extension_removed").count() == 1
    assert council_deadline(council_id=alpha.pk, round=round_) == round_.deadline


def test_admin_grants_an_extension_through_the_service(client, round_):
    alpha = council("Alpha District Council")
    admin = _admin()
    force_login_verified(client, admin)
    later = round_.deadline + timedelta(days=7)
    local = later.astimezone(LONDON)
    response = client.post(
        reverse("admin:plans_deadlineextension_add"),
        {
            "council": alpha.pk,
            "round": round_.pk,
            "deadline_0": local.strftime("%Y-%m-%d"),
            "deadline_1": local.strftime("%H:%M:%S"),
            "reason": "The Executive meets on 23 July",
        },
    )
    assert response.status_code == 302
    extension = DeadlineExtension.objects.get()
    assert (extension.council, extension.granted_by) == (alpha, admin)
    assert extension.deadline == later.replace(microsecond=0)
    event = AuditEvent.objects.get(action="deadline_extension_granted")
    assert (event.actor, event.detail["reason"]) == (admin, "The Executive meets on 23 July")


def test_admin_extension_before_the_round_deadline_shows_the_error(client, round_):
    alpha = council("Alpha District Council")
    force_login_verified(client, _admin())
    local = (round_.deadline - timedelta(days=1)).astimezone(LONDON)
    response = client.post(
        reverse("admin:plans_deadlineextension_add"),
        {
            "council": alpha.pk,
            "round": round_.pk,
            "deadline_0": local.strftime("%Y-%m-%d"),
            "deadline_1": local.strftime("%H:%M:%S"),
            "reason": "Too early",
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "deadline": ["The new deadline must be after the round’s deadline"]
    }
    assert DeadlineExtension.objects.count() == 0
