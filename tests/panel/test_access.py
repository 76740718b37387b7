"""Who may open each panel page: exact status codes for every URL and every kind of user."""

import pytest
from django.urls import reverse
from django.utils import timezone

from councils.models import Membership
from plans.models import PanelExport, PanelNote
from tests.factories import MembershipFactory, UserFactory
from tests.panel.factories import council, panel_member, submitted_plan
from tests.support.mfa import force_login_verified

pytestmark = pytest.mark.django_db

ROLES = ["panel", "officer", "councillor", "statutory_officer", "administrator", "signed_out"]


@pytest.fixture
def world(round_, tmp_path):
    alpha = council("Alpha District Council")
    plan = submitted_plan(alpha, round_)
    panel = panel_member(email="panel@example.gov.uk")
    users = {
        "panel": panel,
        "administrator": UserFactory(is_staff=True, is_superuser=True),
        "signed_out": None,
    }
    for role in (Membership.Role.OFFICER, Membership.Role.COUNCILLOR,
                 Membership.Role.STATUTORY_OFFICER):  # fmt: skip
        users[role.value] = MembershipFactory(council=alpha, role=role).user
    note = PanelNote.objects.create(plan=plan, author=panel, text="A note")
    zip_path = tmp_path / "ready.zip"
    zip_path.write_bytes(b"PK\x05\x06" + b"\0" * 18)
    export = PanelExport.objects.create(
        requested_by=panel, round=round_, status="ready", done=1, total=1,
        file_path=str(zip_path), expires_at=timezone.now() + timezone.timedelta(hours=23),
    )  # fmt: skip
    slug, gss = round_.slug, alpha.gss_code
    urls = {
        "home": ("get", reverse("plans:panel_home")),
        "tracker": ("get", reverse("plans:panel_tracker", args=[slug])),
        "tracker_csv": ("get", reverse("plans:panel_tracker_csv", args=[slug])),
        "export": ("get", reverse("plans:panel_export", args=[slug])),
        "export_create": ("post", reverse("plans:panel_export_create", args=[slug])),
        "export_detail": ("get", reverse("plans:panel_export_detail", args=[export.pk])),
        "export_status": ("get", reverse("plans:panel_export_status", args=[export.pk])),
        "export_download": ("get", reverse("plans:panel_export_download", args=[export.pk])),
        "plan": ("get", reverse("plans:panel_plan", args=[slug, gss])),
        "plan_pdf": ("get", reverse("plans:panel_plan_pdf", args=[slug, gss])),
        "compare": ("get", reverse("plans:panel_plan_compare", args=[slug, gss]) + "?from=1&to=1"),
        "mark_unread": ("post", reverse("plans:panel_mark_unread", args=[slug, gss])),
        "note_add": ("post", reverse("plans:panel_note_add", args=[slug, gss])),
        "note_edit": ("get", reverse("plans:panel_note_edit", args=[slug, gss, note.pk])),
    }
    return users, urls


# Panel members: the page or a redirect after a POST; everyone else signed in: 403.
PANEL_CODES = {
    "home": 302,
    "tracker": 200,
    "tracker_csv": 200,
    "export": 200,
    "export_create": 302,
    "export_detail": 200,
    "export_status": 200,
    "export_download": 200,
    "plan": 200,
    "plan_pdf": 200,
    "compare": 200,
    "mark_unread": 302,
    "note_add": 400,  # posted without text: the form comes back with its error
    "note_edit": 200,
}
URL_NAMES = list(PANEL_CODES)


def _expected(role: str, name: str) -> int:
    if role == "panel":
        return PANEL_CODES[name]
    if role == "signed_out":
        return 302
    return 403


@pytest.mark.parametrize("role", ROLES)
def test_every_panel_url_gives_each_role_its_exact_status(client, world, role):
    users, urls = world
    if users[role] is not None:
        force_login_verified(client, users[role])
    results = {}
    for name in URL_NAMES:
        method, url = urls[name]
        response = getattr(client, method)(url)
        results[name] = response.status_code
        if role == "signed_out":
            assert response["Location"].startswith("/sign-in/?next=")
    assert results == {name: _expected(role, name) for name in URL_NAMES}


def test_signing_in_as_a_panel_member_lands_on_the_tracker(client, world, round_):
    users, _ = world
    force_login_verified(client, users["panel"])
    response = client.get(reverse("home"), follow=True)
    assert response.redirect_chain == [
        (reverse("plans:panel_home"), 302),
        (reverse("plans:panel_tracker", args=[round_.slug]), 302),
    ]
    assert 'data-testid="tracker"' in response.content.decode()
    assert f"{round_.name}: who has submitted" in response.content.decode()


def test_an_inactive_panel_member_is_refused(client, world):
    users, urls = world
    panel = users["panel"]
    panel.is_active = False
    panel.save(update_fields=["is_active"])
    force_login_verified(client, panel)
    # Django signs an inactive user out: every panel page sends them to sign in.
    assert client.get(urls["tracker"][1]).status_code == 302


def test_panel_home_lands_on_the_latest_round_with_a_sent_plan(client, round_):
    from tests.panel.factories import test_round

    later = test_round(deadline=round_.deadline + timezone.timedelta(days=300))
    panel = panel_member()
    force_login_verified(client, panel)
    # Nothing sent anywhere: the latest round that has opened.
    response = client.get(reverse("plans:panel_home"))
    assert response["Location"] == reverse("plans:panel_tracker", args=[later.slug])
    submitted_plan(council("Alpha District Council"), round_)
    response = client.get(reverse("plans:panel_home"))
    assert response["Location"] == reverse("plans:panel_tracker", args=[round_.slug])
