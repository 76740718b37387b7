"""Every sign-off page × every role × GET and POST: the exact status, and refusals change nothing.

The plan awaits sign-off of version 1, which names the councillor. Permissions are about roles
only: a user whose role allows the page but whose plan's state does not gets 409 (see the
wrong-state tests at the end).
"""

import pytest
from django.urls import reverse

from plans.models import (
    AuditEvent,
    DecisionRecord,
    PlanVersion,
    SignOffDecision,
    SignOffRequest,
    StatutoryComment,
)
from tests.factories import CouncilFactory, UserFactory, councillor_of
from tests.support.mfa import force_login_verified
from tests.support.signoff import approve, record_cabinet, request_changes, send

pytestmark = pytest.mark.django_db

ROLES = ["officer", "councillor", "statutory_officer", "other_councillor", "panel", "signed_out"]


def _row(*statuses):
    return dict(zip(ROLES, statuses, strict=True))


# (url name, method) -> status per role. 302 for signed_out is the redirect to sign in.
TABLE = {
    ("sign_off_send", "get"): _row(409, 403, 403, 404, 404, 302),
    ("sign_off_send", "post"): _row(409, 403, 403, 404, 404, 302),
    ("sign_off_awaiting", "get"): _row(200, 200, 200, 200, 200, 302),
    ("sign_off_awaiting", "post"): _row(405, 405, 405, 405, 405, 302),
    ("sign_off", "get"): _row(200, 200, 200, 404, 404, 302),
    ("sign_off", "post"): _row(403, 302, 403, 404, 404, 302),
    ("statutory_comment", "get"): _row(403, 403, 200, 404, 404, 302),
    ("statutory_comment", "post"): _row(403, 403, 302, 404, 404, 302),
    ("decision_record", "get"): _row(200, 403, 403, 404, 404, 302),
    ("decision_record", "post"): _row(302, 403, 403, 404, 404, 302),
    ("timeline", "get"): _row(200, 200, 200, 404, 404, 302),
    ("timeline", "post"): _row(405, 405, 405, 405, 405, 302),
    ("correction", "get"): _row(409, 403, 403, 404, 404, 302),
    ("correction", "post"): _row(409, 403, 403, 404, 404, 302),
}
# Which successful POSTs change something (everything else must change nothing).
CHANGES = {
    ("sign_off", "councillor"),
    ("statutory_comment", "statutory_officer"),
    ("decision_record", "officer"),
}

CASES = [
    (name, method, role, statuses[role])
    for (name, method), statuses in TABLE.items()
    for role in ROLES
]


def _snapshot(plan):
    plan.refresh_from_db()
    return (
        plan.status,
        list(SignOffRequest.objects.values_list("pk", "status")),
        PlanVersion.objects.count(),
        SignOffDecision.objects.count(),
        StatutoryComment.objects.count(),
        DecisionRecord.objects.count(),
        AuditEvent.objects.count(),
    )


@pytest.fixture
def setup(ready_plan, officer, leader, statutory_officer):
    sign_off = send(ready_plan, officer, [leader])
    panel = UserFactory(is_panel_member=True)
    other = councillor_of(CouncilFactory())
    return {
        "plan": ready_plan,
        "sign_off": sign_off,
        "users": {
            "officer": officer,
            "councillor": leader,
            "statutory_officer": statutory_officer,
            "other_councillor": other,
            "panel": panel,
            "signed_out": None,
        },
    }


def _url(name, plan, sign_off):
    if name == "sign_off_awaiting":
        return reverse("plans:sign_off_awaiting")
    if name in ("sign_off", "statutory_comment", "decision_record"):
        return reverse(f"plans:{name}", args=[plan.pk, sign_off.version.number])
    return reverse(f"plans:{name}", args=[plan.pk])


def _post_data(name, sign_off, leader_id):
    return {
        "sign_off_send": {
            "rule": "named", "councillors": [leader_id], "covering_note": "Again",
            "confirm": "yes", "sha256": sign_off.version.sha256,
        },
        "sign_off": {
            "outcome": "approve", "declaration": "on", "version_sha256": sign_off.version.sha256,
        },
        "statutory_comment": {"text": "The Monitoring Officer is content."},
        "decision_record": {
            "route": "cabinet", "decision_date_0": "4", "decision_date_1": "7",
            "decision_date_2": "2024", "decision_url": "https://www.example.gov.uk/d/1",
        },
    }.get(name, {})  # fmt: skip


@pytest.mark.parametrize(("name", "method", "role", "expected"), CASES)
def test_sign_off_pages_answer_each_role_exactly(client, setup, name, method, role, expected):
    plan, sign_off, user = setup["plan"], setup["sign_off"], setup["users"][role]
    if user is not None:
        force_login_verified(client, user)
    url = _url(name, plan, sign_off)
    before = _snapshot(plan)
    if method == "get":
        response = client.get(url)
    else:
        data = _post_data(name, sign_off, setup["users"]["councillor"].pk)
        response = client.post(url, data)
    assert response.status_code == expected
    if role == "signed_out":
        assert response["Location"].startswith(reverse("login") + "?next=")
    if method == "post" and (name, role) in CHANGES:
        assert _snapshot(plan) != before
    else:
        assert _snapshot(plan) == before


def test_access_table_covers_every_sign_off_url():
    from plans.urls import urlpatterns

    sign_off_views = {
        pattern.name
        for pattern in urlpatterns
        if pattern.callback.__module__ == "plans.views.signoff"
    }
    assert sign_off_views == {name for name, _ in TABLE}


# --- A wrong state is 409 on every sign-off page ------------------------------------------------

CLOSED = "Comments can only be added while the version is awaiting sign-off"
NOT_RECORDABLE = "The council’s decision can only be recorded while the version awaits sign-off"
WRONG_STATE = [
    # (page, method, who, state the plan is in, the reason shown)
    ("sign_off_send", "get", "officer", "approved",
     "This plan is approved. Start a correction to change it and send a new version for sign-off"),
    ("sign_off_send", "post", "officer", "approved",
     "This plan is approved. Start a correction to change it and send a new version for sign-off"),
    ("sign_off_send", "get", "officer", "awaiting", "This plan is already awaiting sign-off"),
    ("sign_off", "post", "councillor", "changes_requested",
     "Changes have already been requested on this version. It can no longer be approved"),
    ("sign_off", "post", "councillor", "approved", "This version has already been approved"),
    ("statutory_comment", "get", "statutory_officer", "changes_requested", CLOSED),
    ("statutory_comment", "post", "statutory_officer", "approved", CLOSED),
    ("decision_record", "get", "officer", "changes_requested", NOT_RECORDABLE),
    ("decision_record", "post", "officer", "approved", NOT_RECORDABLE),
    ("correction", "get", "officer", "changes_requested",
     "Only an approved or submitted plan can be corrected"),
    ("correction", "post", "officer", "awaiting",
     "Only an approved or submitted plan can be corrected"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "method", "role", "plan_state", "message"), WRONG_STATE)
def test_sign_off_pages_answer_a_wrong_state_with_409(
    client, setup, name, method, role, plan_state, message
):
    plan, sign_off, users = setup["plan"], setup["sign_off"], setup["users"]
    if plan_state == "approved":
        record_cabinet(sign_off, users["officer"])
        approve(sign_off, users["councillor"])
    elif plan_state == "changes_requested":
        request_changes(sign_off, users["councillor"])
    force_login_verified(client, users[role])
    url = _url(name, plan, sign_off)
    before = _snapshot(plan)
    if method == "get":
        response = client.get(url)
    else:
        response = client.post(url, _post_data(name, sign_off, users["councillor"].pk))
    assert response.status_code == 409
    assert response.templates[0].name == "plans/wrong_state.html"
    assert response.context["message"] == message
    assert _snapshot(plan) == before


def test_every_sign_off_page_with_a_state_has_a_wrong_state_case():
    stateless = {"sign_off_awaiting", "timeline"}
    assert {name for name, *_ in WRONG_STATE} == {name for name, _ in TABLE} - stateless
