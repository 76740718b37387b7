"""Invitations by email link: single use, 7 days, sent again or withdrawn, only a hash stored.

The hostile part: expired, reused, withdrawn and superseded links, the wrong account signed in,
and an officer reaching for another council; each with its exact answer and nothing changed.
"""

import hashlib

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from councils.models import Invitation, Membership, PeopleEvent, User
from councils.services.people import (
    invitation_accept,
    invitation_create,
    invitation_create_first_officer,
    invitation_create_panel_member,
    invitation_resend,
    invitation_revoke,
    invitation_token,
)
from plans.models import OutboxMessage
from tests.factories import PASSWORD, CouncilFactory, MembershipFactory, UserFactory
from tests.support.mfa import force_login_verified
from tests.support.people import invitation_links

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "plover-quarry-lantern-91"
Action = PeopleEvent.Action


def _invite(manager, council, email="cara@council.example.gov.uk", role="councillor", **extra):
    return invitation_create(inviter=manager, council=council, email=email, role=role, **extra)


def _accept_form(client, link, name="Cara Councillor", password=NEW_PASSWORD, again=None):
    return client.post(
        link, {"full_name": name, "password1": password, "password2": again or password}
    )


def _snapshot():
    """What an accepted invitation changes: accounts, memberships, invitations' states, events."""
    return (
        sorted(User.objects.values_list("email", "is_active", "is_panel_member")),
        sorted(Membership.objects.values_list("user__email", "council_id", "role")),
        sorted(Invitation.objects.values_list("pk", "status", "token_hash")),
        PeopleEvent.objects.count(),
    )


def test_invitation_stores_only_the_hash_of_its_token_and_emails_the_link_once(manager, council):
    invitation = _invite(manager, council, title="Leader of the Council")
    token = invitation_token(invitation)
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    message = OutboxMessage.objects.get(kind=OutboxMessage.Kind.INVITATION_EMAIL)
    assert message.payload == {"invitation_id": invitation.pk, "generation": 1}
    assert token not in str(Invitation.objects.filter(pk=invitation.pk).values().get())
    assert invitation_links() == [f"/invitations/accept/{token}/"]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["cara@council.example.gov.uk"]
    assert mail.outbox[0].subject == f"You are invited to submit a productivity plan: {council}"
    assert "Mina Manager has invited you" in mail.outbox[0].body
    assert invitation.expires_at - invitation.sent_at == timezone.timedelta(days=7)
    event = PeopleEvent.objects.get()
    assert (event.action, event.email, event.actor, event.council) == (
        Action.INVITED,
        "cara@council.example.gov.uk",
        manager,
        council,
    )


def test_accepting_creates_the_account_and_role_signs_in_and_lands_on_the_start_page(
    client, manager, council
):
    _invite(manager, council, title="Leader of the Council")
    [link] = invitation_links()
    page = client.get(link)
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('autocomplete="new-password"') == 2
    assert 'autocomplete="name"' in html
    response = _accept_form(client, link)
    assert (response.status_code, response["Location"]) == (302, "/")
    user = User.objects.get(email="cara@council.example.gov.uk")
    assert user.full_name == "Cara Councillor"
    assert user.check_password(NEW_PASSWORD)
    assert int(client.session["_auth_user_id"]) == user.pk
    membership = Membership.objects.get(user=user)
    assert (membership.council, membership.role, membership.title) == (
        council,
        "councillor",
        "Leader of the Council",
    )
    invitation = Invitation.objects.get()
    assert (invitation.status, invitation.accepted_by) == ("accepted", user)
    assert list(PeopleEvent.objects.values_list("action", flat=True)) == [
        Action.INVITED,
        Action.INVITATION_ACCEPTED,
    ]


def test_accepting_with_mismatched_or_weak_passwords_says_so_and_keeps_the_name(
    client, manager, council
):
    _invite(manager, council)
    [link] = invitation_links()
    before = _snapshot()
    mismatched = _accept_form(client, link, again="something-else-entirely-7")
    assert mismatched.status_code == 200
    assert mismatched.context["form"].errors == {"password2": ["The passwords do not match"]}
    weak = _accept_form(client, link, password="password")
    assert weak.status_code == 200
    assert weak.context["form"].errors == {"password1": ["This password is too common."]}
    assert 'value="Cara Councillor"' in weak.content.decode()
    assert _snapshot() == before
    assert "_auth_user_id" not in client.session


def test_an_expired_link_is_refused_with_410_and_changes_nothing(client, manager, council):
    invitation = _invite(manager, council)
    [link] = invitation_links()
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())
    before = _snapshot()
    for response in (client.get(link), _accept_form(client, link)):
        assert response.status_code == 410
        assert response.context["message"] == (
            "This invitation has expired. Ask the person who invited you to send it again"
        )
    assert _snapshot() == before


def test_a_used_link_is_refused_with_410_and_changes_nothing(client, manager, council):
    _invite(manager, council)
    [link] = invitation_links()
    assert _accept_form(client, link).status_code == 302
    client.logout()
    before = _snapshot()
    for response in (client.get(link), _accept_form(client, link, name="Someone Else")):
        assert response.status_code == 410
        assert response.context["message"].startswith("This invitation has already been used")
    assert _snapshot() == before
    assert User.objects.get(email="cara@council.example.gov.uk").full_name == "Cara Councillor"


def test_a_withdrawn_link_is_refused_with_410_and_changes_nothing(client, manager, council):
    invitation = _invite(manager, council)
    [link] = invitation_links()
    invitation_revoke(invitation_id=invitation.pk, user=manager)
    before = _snapshot()
    for response in (client.get(link), _accept_form(client, link)):
        assert response.status_code == 410
        assert response.context["message"] == (
            "This invitation was withdrawn. Ask the person who invited you if you need access"
        )
    assert _snapshot() == before
    assert PeopleEvent.objects.filter(action=Action.INVITATION_REVOKED).count() == 1


def test_sending_again_makes_the_earlier_link_stop_working(client, manager, council):
    invitation = _invite(manager, council)
    first_token = invitation_token(invitation)
    invitation = invitation_resend(invitation_id=invitation.pk, user=manager)
    # The first email, still waiting, is not sent: its link would not work.
    [link] = invitation_links()
    assert link == f"/invitations/accept/{invitation_token(invitation)}/"
    assert invitation.generation == 2
    before = _snapshot()
    old = f"/invitations/accept/{first_token}/"
    for response in (client.get(old), _accept_form(client, old)):
        assert response.status_code == 404
        assert response.context["message"] == "This invitation link is not valid"
    assert _snapshot() == before
    assert _accept_form(client, link).status_code == 302


def test_an_unknown_token_is_404(client, db):
    response = client.get(f"/invitations/accept/{'0' * 64}/")
    assert response.status_code == 404
    assert response.context["message"] == "This invitation link is not valid"


def test_an_existing_account_signs_in_first_then_accepts_without_a_new_password(
    client, manager, council
):
    other = CouncilFactory()
    person = MembershipFactory(
        council=other, role="officer", user__email="sam@shared.example.gov.uk"
    ).user
    _invite(manager, council, email="sam@shared.example.gov.uk", role="statutory_officer")
    [link] = invitation_links()
    signed_out = client.get(link)
    assert signed_out.status_code == 200
    assert signed_out.context["sign_in_first"].startswith("You already have an account")
    assert signed_out.context["form"] is None
    before = _snapshot()
    assert client.post(link, {}).status_code == 200
    assert _snapshot() == before
    force_login_verified(client, person)
    response = client.post(link, {})
    assert (response.status_code, response["Location"]) == (302, "/")
    assert sorted(person.memberships.values_list("council_id", "role")) == sorted(
        [(other.pk, "officer"), (council.pk, "statutory_officer")]
    )
    person.refresh_from_db()
    assert person.check_password(PASSWORD)


def test_a_different_signed_in_account_is_refused_with_403_and_changes_nothing(
    client, manager, council
):
    _invite(manager, council)
    [link] = invitation_links()
    force_login_verified(client, UserFactory(email="intruder@example.gov.uk"))
    before = _snapshot()
    for response in (client.get(link), _accept_form(client, link)):
        assert response.status_code == 403
        assert response.context["message"] == (
            "This invitation is for cara@council.example.gov.uk, but you are signed in as "
            "intruder@example.gov.uk. Sign out, then open the link in the email again"
        )
    assert _snapshot() == before


def test_a_switched_off_account_is_switched_on_with_the_new_name_and_password(
    client, manager, council
):
    UserFactory(email="cara@council.example.gov.uk", full_name="Old Name", is_active=False)
    _invite(manager, council)
    [link] = invitation_links()
    assert _accept_form(client, link).status_code == 302
    user = User.objects.get(email="cara@council.example.gov.uk")
    assert (user.is_active, user.full_name, user.check_password(NEW_PASSWORD)) == (
        True,
        "Cara Councillor",
        True,
    )


def test_accepting_refuses_a_second_role_in_the_same_council(client, manager, council):
    invitation = _invite(manager, council, role="officer")
    [link] = invitation_links()
    # Meanwhile the person was given another role in the council by someone else.
    MembershipFactory(council=council, role="councillor", user__email=invitation.email)
    assert User.objects.filter(email=invitation.email).update(is_active=False) == 1
    before = _snapshot()
    response = _accept_form(client, link)
    assert response.status_code == 409
    assert "One person cannot hold two roles in the same council" in response.context["message"]
    assert _snapshot() == before


# --- Who may invite whom ------------------------------------------------------------------------


def test_an_officer_cannot_invite_into_another_council(manager, council):
    elsewhere = CouncilFactory()
    with pytest.raises(PermissionDenied):
        _invite(manager, elsewhere)
    assert Invitation.objects.count() == 0


def test_an_officer_reaching_for_another_councils_people_gets_404_and_nothing_changes(
    client, manager, council
):
    elsewhere = CouncilFactory()
    their_manager = MembershipFactory(council=elsewhere, role="officer", manages_people=True).user
    theirs = _invite(their_manager, elsewhere, email="theirs@elsewhere.example.gov.uk")
    token_hash = theirs.token_hash
    force_login_verified(client, manager)
    invite = client.post(
        f"/councils/{elsewhere.gss_code}/people/",
        {"email": "mole@example.gov.uk", "role": "officer", "manages_people": "on"},
    )
    withdraw = client.post(f"/invitations/{theirs.pk}/withdraw/")
    resend = client.post(f"/invitations/{theirs.pk}/resend/")
    assert (invite.status_code, withdraw.status_code, resend.status_code) == (404, 404, 404)
    theirs.refresh_from_db()
    assert (theirs.status, theirs.generation, theirs.token_hash) == ("pending", 1, token_hash)
    assert Invitation.objects.count() == 1
    assert PeopleEvent.objects.count() == 1


def test_an_officer_can_grant_only_the_councils_roles(client, manager, council):
    force_login_verified(client, manager)
    for role in ("panel", "administrator", ""):
        response = client.post(
            f"/councils/{council.gss_code}/people/",
            {"email": "someone@example.gov.uk", "role": role},
        )
        assert response.status_code == 200
        assert response.context["form"].errors == {"role": ["Select the person’s role"]}
    assert client.post("/people/", {"panel-email": "someone@example.gov.uk"}).status_code == 403
    with pytest.raises(PermissionDenied):
        invitation_create_panel_member(inviter=manager, email="someone@example.gov.uk")
    with pytest.raises(PermissionDenied):
        invitation_create_first_officer(
            inviter=manager, council=council, email="someone@example.gov.uk"
        )
    assert Invitation.objects.count() == 0


def test_only_an_officer_can_be_invited_to_manage_people(manager, council):
    with pytest.raises(ValidationError) as refusal:
        _invite(manager, council, role="councillor", manages_people=True)
    assert refusal.value.message_dict == {"manages_people": ["Only an officer can manage people"]}
    assert Invitation.objects.count() == 0


def test_inviting_someone_who_already_has_a_role_or_an_invitation_is_refused(manager, council):
    MembershipFactory(council=council, role="officer", user__email="olu@example.gov.uk")
    with pytest.raises(ValidationError) as has_role:
        _invite(manager, council, email="OLU@example.gov.uk", role="councillor")
    assert [error.code for error in has_role.value.error_dict["email"]] == ["one_role_per_council"]
    _invite(manager, council)
    with pytest.raises(ValidationError) as invited:
        _invite(manager, council)
    assert [error.code for error in invited.value.error_dict["email"]] == ["already_invited"]
    assert Invitation.objects.count() == 1


def test_the_ministry_invites_a_first_officer_who_manages_people_and_a_panel_member(
    client, ministry_admin, council
):
    first = invitation_create_first_officer(
        inviter=ministry_admin, council=council, email="first@council.example.gov.uk"
    )
    panel = invitation_create_panel_member(inviter=ministry_admin, email="pat@gov.example.uk")
    assert (first.role, first.manages_people, first.council) == ("officer", True, council)
    officer_link, panel_link = invitation_links()
    assert _accept_form(client, officer_link, name="Fi First").status_code == 302
    officer = Membership.objects.get(user__email="first@council.example.gov.uk")
    assert (officer.role, officer.manages_people) == ("officer", True)
    client.logout()
    response = _accept_form(client, panel_link, name="Pat Panel")
    assert (response.status_code, response["Location"]) == (302, "/")
    # A panel member must give a second factor: the new account is sent to set one up first.
    assert client.get("/")["Location"] == reverse("mfa:setup") + "?next=%2F"
    assert User.objects.get(email="pat@gov.example.uk").is_panel_member is True
    panel.refresh_from_db()
    assert panel.status == "accepted"


def test_accept_service_refuses_an_unknown_token(db):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(ValidationError) as refusal:
        invitation_accept(token="nope", user=AnonymousUser(), full_name="X", password="y")
    assert refusal.value.messages == ["This invitation link is not valid"]
