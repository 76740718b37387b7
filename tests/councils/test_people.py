"""The council's and the ministry's People pages: who may reach them, role changes, removals,
and the audit trail of people changes."""

import pytest
from django.core.exceptions import ValidationError

from councils.models import Invitation, Membership, PeopleEvent
from councils.services import membership_grant
from councils.services.people import invitation_create, membership_change
from tests.factories import CouncilFactory, MembershipFactory, UserFactory
from tests.support.mfa import force_login_verified

pytestmark = pytest.mark.django_db
Action = PeopleEvent.Action


@pytest.fixture
def people(council, manager, ministry_admin):
    """One user per role the access table covers, and a person and an invitation to act on."""
    elsewhere = CouncilFactory()
    person = MembershipFactory(council=council, role="councillor", user__full_name="Pip Person")
    users = {
        "officer": MembershipFactory(council=council, role="officer").user,
        "manager": manager,
        "councillor": person.user,
        "statutory_officer": MembershipFactory(council=council, role="statutory_officer").user,
        "other_council_manager": MembershipFactory(
            council=elsewhere, role="officer", manages_people=True
        ).user,
        "panel": UserFactory(is_panel_member=True),
        "ministry_admin": ministry_admin,
    }
    invitation = invitation_create(
        inviter=manager, council=council, email="ivy@example.gov.uk", role="officer"
    )
    return {"users": users, "membership": person, "invitation": invitation}


# Signed out goes to sign in; a member of the council without the permission gets 403; anyone
# outside the council 404; the ministry page is for administrators only.
ACCESS = {
    #                          people  change  remove  resend  withdraw  ministry
    None: (302, 302, 302, 302, 302, 302),
    "officer": (403, 403, 403, 404, 404, 403),
    "manager": (200, 200, 200, 302, 302, 403),
    "councillor": (403, 403, 403, 404, 404, 403),
    "statutory_officer": (403, 403, 403, 404, 404, 403),
    "other_council_manager": (404, 404, 404, 404, 404, 403),
    "panel": (404, 404, 404, 404, 404, 403),
    "ministry_admin": (404, 404, 404, 302, 302, 200),
}


@pytest.mark.parametrize("who", list(ACCESS))
def test_every_people_url_answers_each_role_exactly(client, council, people, who):
    if who:
        force_login_verified(client, people["users"][who])
    membership, invitation = people["membership"], people["invitation"]
    base = f"/councils/{council.gss_code}/people/"
    codes = (
        client.get(base).status_code,
        client.get(f"{base}{membership.pk}/change/").status_code,
        client.get(f"{base}{membership.pk}/remove/").status_code,
        client.post(f"/invitations/{invitation.pk}/resend/").status_code,
        client.post(f"/invitations/{invitation.pk}/withdraw/").status_code,
        client.get("/people/").status_code,
    )
    assert codes == ACCESS[who]
    invitation.refresh_from_db()
    if who in ("manager", "ministry_admin"):
        assert (invitation.status, invitation.generation) == ("revoked", 2)
    else:
        assert (invitation.status, invitation.generation) == ("pending", 1)


def test_the_people_page_lists_people_invitations_and_the_history(client, council, people):
    force_login_verified(client, people["users"]["manager"])
    response = client.get(f"/councils/{council.gss_code}/people/")
    assert response.status_code == 200
    assert [m.user.email for m in response.context["people"]] == [
        m.user.email
        for m in Membership.objects.filter(council=council).order_by(
            "role", "user__full_name", "user__email"
        )
    ]
    assert [i.email for i in response.context["invitations"]] == ["ivy@example.gov.uk"]
    assert [e.action for e in response.context["events"]] == [Action.INVITED]
    html = response.content.decode()
    assert html.count('data-testid="person"') == 4
    assert html.count('data-testid="people-event"') == 1


def test_the_council_page_links_to_people_for_people_managers_only(client, council, people):
    force_login_verified(client, people["users"]["manager"])
    assert (
        f"/councils/{council.gss_code}/people/"
        in client.get(f"/councils/{council.gss_code}/").content.decode()
    )
    force_login_verified(client, people["users"]["officer"])
    assert (
        f"/councils/{council.gss_code}/people/"
        not in client.get(f"/councils/{council.gss_code}/").content.decode()
    )


def test_changing_a_role_and_the_manages_people_permission_is_audited(client, council, people):
    force_login_verified(client, people["users"]["manager"])
    membership = people["membership"]
    url = f"/councils/{council.gss_code}/people/{membership.pk}/change/"
    refused = client.post(url, {"role": "statutory_officer", "manages_people": "on"})
    assert refused.status_code == 200
    assert refused.context["form"].errors == {
        "manages_people": ["Only an officer can manage people"]
    }
    response = client.post(url, {"role": "officer", "manages_people": "on"})
    assert (response.status_code, response["Location"]) == (
        302,
        f"/councils/{council.gss_code}/people/",
    )
    membership.refresh_from_db()
    assert (membership.role, membership.manages_people) == ("officer", True)
    events = list(PeopleEvent.objects.filter(council=council).order_by("pk"))
    assert [(e.action, e.detail.get("before"), e.detail.get("after")) for e in events[1:]] == [
        (Action.ROLE_CHANGED, "Councillor", "Officer"),
        (Action.MANAGES_PEOPLE_CHANGED, None, None),
    ]
    assert events[2].detail["manages_people"] is True


def test_removing_someone_is_confirmed_then_audited(client, council, people):
    force_login_verified(client, people["users"]["manager"])
    membership = people["membership"]
    url = f"/councils/{council.gss_code}/people/{membership.pk}/remove/"
    assert client.get(url).status_code == 200
    response = client.post(url)
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    event = PeopleEvent.objects.get(action=Action.MEMBERSHIP_REMOVED)
    assert (event.email, event.actor, event.detail["role"]) == (
        membership.user.email,
        people["users"]["manager"],
        "Councillor",
    )


def test_a_manager_cannot_remove_or_demote_themselves(client, council, manager):
    force_login_verified(client, manager)
    own = Membership.objects.get(user=manager)
    base = f"/councils/{council.gss_code}/people/{own.pk}"
    removed = client.post(f"{base}/remove/")
    assert removed.status_code == 409
    assert removed.context["error"] == (
        "You cannot remove yourself. Ask another officer who manages people"
    )
    changed = client.post(f"{base}/change/", {"role": "councillor"})
    assert changed.status_code == 409
    own.refresh_from_db()
    assert (own.role, own.manages_people) == ("officer", True)
    assert PeopleEvent.objects.count() == 0


def test_a_membership_of_another_council_is_404_through_this_councils_page(
    client, council, manager
):
    theirs = MembershipFactory(council=CouncilFactory(), role="councillor")
    force_login_verified(client, manager)
    base = f"/councils/{council.gss_code}/people/{theirs.pk}"
    assert client.post(f"{base}/remove/").status_code == 404
    assert client.post(f"{base}/change/", {"role": "officer"}).status_code == 404
    assert Membership.objects.filter(pk=theirs.pk, role="councillor").exists()


def test_a_role_change_replaces_the_role(council, manager):
    """A role change replaces the role: the person never holds two roles in one council."""
    person = MembershipFactory(council=council, role="officer")
    membership_change(membership_id=person.pk, user=manager, role="councillor")
    assert list(Membership.objects.filter(user=person.user).values_list("role", flat=True)) == [
        "councillor"
    ]


def test_granting_a_second_role_in_a_council_is_refused(council, manager):
    with pytest.raises(ValidationError) as refusal:
        membership_grant(user=manager, council=council, role="councillor")
    assert refusal.value.code == "one_role_per_council"
    assert refusal.value.messages == [
        f"Mina Manager is already an officer at {council.name}. One person cannot hold two "
        "roles in the same council: an officer who sends a plan must not also approve it as a "
        "councillor"
    ]
    assert list(Membership.objects.filter(user=manager).values_list("role", flat=True)) == [
        "officer"
    ]


def test_the_ministry_page_invites_first_officers_and_panel_members(
    client, council, ministry_admin
):
    force_login_verified(client, ministry_admin)
    officer = client.post(
        "/people/",
        {
            "officer-council": council.pk,
            "officer-email": "First@Council.example.gov.uk",
            "officer-title": "Head of Strategy",
            "invite_officer": "",
        },
    )
    assert (officer.status_code, officer["Location"]) == (302, "/people/")
    panel = client.post("/people/", {"panel-email": "pat@gov.example.uk", "invite_panel": ""})
    assert panel.status_code == 302
    invitations = Invitation.objects.order_by("email")
    assert [(i.email, i.council, i.role, i.manages_people) for i in invitations] == [
        ("first@council.example.gov.uk", council, "officer", True),
        ("pat@gov.example.uk", None, "", False),
    ]
    page = client.get("/people/")
    assert page.content.decode().count('data-testid="invitation"') == 2
    assert [e.action for e in page.context["events"]] == [Action.INVITED, Action.INVITED]
    missing = client.post("/people/", {"officer-email": "", "invite_officer": ""})
    assert missing.status_code == 200
    assert missing.context["officer_form"].errors == {
        "council": ["Select the council"],
        "email": ["Enter the person’s email address"],
    }
    assert Invitation.objects.count() == 2


def test_the_ministry_home_page_links_to_people(client, ministry_admin):
    force_login_verified(client, ministry_admin)
    assert "/people/" in client.get("/").content.decode()


def test_the_database_keeps_manages_people_to_officers(council):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        MembershipFactory(council=council, role="councillor", manages_people=True)
    assert Membership.objects.filter(council=council).count() == 0
