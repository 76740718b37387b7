"""Password reset by email link: one answer whether or not the address has an account, a link
that works once and for an hour, sent through the outbox, and every other session ended."""

from datetime import timedelta

import pytest
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import mail

from plans.models import OutboxMessage
from tests.factories import PASSWORD, UserFactory
from tests.support.mfa import force_login_verified
from tests.support.people import reset_links

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "plover-quarry-lantern-91"


@pytest.fixture
def person(fast_passwords):
    return UserFactory(email="jo@council.example.gov.uk", full_name="Jo Bloggs")


def _ask(client, email):
    return client.post("/password-reset/", {"email": email}, follow=True)


def _choose(client, link, password=NEW_PASSWORD):
    """Open the emailed link and choose a new password; returns the final response."""
    opened = client.get(link, follow=True)
    if not opened.context.get("validlink"):
        return opened
    return client.post(
        opened.redirect_chain[-1][0],
        {"new_password1": password, "new_password2": password},
        follow=True,
    )


def test_the_sign_in_page_links_to_password_reset(client, db):
    html = client.get("/sign-in/").content.decode()
    assert '<a class="govuk-link" href="/password-reset/">Forgotten your password?</a>' in html


def test_a_known_and_an_unknown_address_get_the_same_answer(client, person):
    known = _ask(client, "JO@council.example.gov.uk")
    unknown = _ask(client, "nobody@council.example.gov.uk")
    assert known.redirect_chain == unknown.redirect_chain == [("/password-reset/sent/", 302)]
    assert known.status_code == unknown.status_code == 200
    assert known.content == unknown.content
    # Only the known address gets an email, through the outbox.
    messages = OutboxMessage.objects.filter(kind=OutboxMessage.Kind.PASSWORD_RESET_EMAIL)
    assert list(messages.values_list("payload", flat=True)) == [{"user_id": person.pk}]
    assert len(reset_links()) == 1
    assert mail.outbox[0].to == ["jo@council.example.gov.uk"]
    assert mail.outbox[0].subject == "Reset your password for Submit a productivity plan"
    assert "The link works once, for 60 minutes" in mail.outbox[0].body


def test_asking_twice_in_five_minutes_sends_one_email(client, person):
    _ask(client, person.email)
    _ask(client, person.email)
    assert len(reset_links()) == 1


def test_a_reset_link_sets_the_password_once_and_signs_out_every_other_session(client, person):
    elsewhere = type(client)()
    force_login_verified(elsewhere, person)
    assert elsewhere.get("/").status_code == 200  # signed in
    _ask(client, person.email)
    [link] = reset_links()
    done = _choose(client, link)
    assert done.redirect_chain[-1] == ("/password-reset/complete/", 302)
    person.refresh_from_db()
    assert person.check_password(NEW_PASSWORD)
    # The other session is over: every page sends it to sign in.
    response = elsewhere.get("/")
    assert (response.status_code, response["Location"]) == (302, "/sign-in/?next=/")
    # The link worked once.
    reused = _choose(type(client)(), link, password="another-new-password-42")
    assert reused.status_code == 200
    assert reused.context["validlink"] is False
    assert "The link has already been used or has expired" in reused.content.decode()
    person.refresh_from_db()
    assert person.check_password(NEW_PASSWORD)


def test_an_expired_reset_link_is_refused_and_changes_nothing(client, person, monkeypatch):
    _ask(client, person.email)
    [link] = reset_links()
    later = PasswordResetTokenGenerator()._now() + timedelta(hours=1, seconds=1)
    monkeypatch.setattr(PasswordResetTokenGenerator, "_now", lambda self: later)
    response = _choose(client, link)
    assert response.status_code == 200
    assert response.context["validlink"] is False
    person.refresh_from_db()
    assert person.check_password(PASSWORD)


def test_a_weak_new_password_is_refused_next_to_the_field(client, person):
    _ask(client, person.email)
    [link] = reset_links()
    response = _choose(client, link, password="password")
    assert response.status_code == 200
    assert response.context["form"].errors == {"new_password2": ["This password is too common."]}
    person.refresh_from_db()
    assert person.check_password(PASSWORD)


def test_a_switched_off_account_gets_no_email(client, person):
    person.is_active = False
    person.save(update_fields=["is_active"])
    _ask(client, person.email)
    assert OutboxMessage.objects.count() == 0


def test_an_unknown_address_changes_nothing(client, person, django_user_model):
    response = _ask(client, "nobody@council.example.gov.uk")
    assert response.redirect_chain == [("/password-reset/sent/", 302)]
    assert OutboxMessage.objects.count() == 0
    assert list(django_user_model.objects.values_list("email", flat=True)) == [person.email]


def test_changing_the_password_keeps_this_session_and_ends_the_others(client, person):
    elsewhere = type(client)()
    force_login_verified(elsewhere, person)
    force_login_verified(client, person)
    page = client.get("/account/password/")
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('autocomplete="new-password"') == 2
    assert 'autocomplete="current-password"' in html
    wrong = client.post(
        "/account/password/",
        {"old_password": "nope", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert wrong.status_code == 200
    assert wrong.context["form"].errors == {
        "old_password": ["Your current password is not correct"]
    }
    response = client.post(
        "/account/password/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert (response.status_code, response["Location"]) == (302, "/account/password/changed/")
    person.refresh_from_db()
    assert person.check_password(NEW_PASSWORD)
    assert client.get("/").status_code == 200
    assert elsewhere.get("/")["Location"] == "/sign-in/?next=/"


def test_the_password_change_page_needs_a_signed_in_user(client, db):
    response = client.get("/account/password/")
    assert (response.status_code, response["Location"]) == (
        302,
        "/sign-in/?next=/account/password/",
    )
