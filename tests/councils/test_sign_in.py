"""Signing in with an email address and password."""

import pytest
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory, officer_of

pytestmark = pytest.mark.django_db


def test_sign_in_with_any_capitalisation_of_the_email_lands_on_the_council(client, council):
    officer = officer_of(council, user__email="jo.bloggs@sevenoaks.gov.uk")
    response = client.post(
        reverse("login"), {"username": "  Jo.Bloggs@SEVENOAKS.gov.uk ", "password": PASSWORD}
    )
    assert (response.status_code, response["Location"]) == (302, "/")
    assert int(client.session["_auth_user_id"]) == officer.pk
    home = client.get("/")
    assert (home.status_code, home["Location"]) == (302, f"/councils/{council.gss_code}/")


def test_sign_in_with_a_wrong_password_says_so_and_keeps_the_email(client):
    UserFactory(email="jo@example.gov.uk")
    response = client.post(
        reverse("login"), {"username": "jo@example.gov.uk", "password": "not-the-password"}
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Enter a correct email address and password"
    ]
    assert 'value="jo@example.gov.uk"' in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_sign_in_with_an_unknown_email_gives_the_same_message(client):
    response = client.post(
        reverse("login"), {"username": "nobody@example.gov.uk", "password": PASSWORD}
    )
    assert response.context["form"].non_field_errors() == [
        "Enter a correct email address and password"
    ]


def test_sign_in_with_empty_fields_names_each_one(client):
    response = client.post(reverse("login"), {"username": "", "password": ""})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "username": ["Enter your email address"],
        "password": ["Enter your password"],
    }


def test_sign_in_page_is_open_to_signed_out_users(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert response.templates[0].name == "registration/sign_in.html"


def test_sign_in_refuses_a_switched_off_account(client):
    UserFactory(email="gone@example.gov.uk", is_active=False)
    response = client.post(
        reverse("login"), {"username": "gone@example.gov.uk", "password": PASSWORD}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
