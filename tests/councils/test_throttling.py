"""Throttling wrong passwords: locked per account and address together, never by address alone."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from councils.models import User
from plans.models import AuditEvent, Plan
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

ATTACKER = "203.0.113.7"
COLLEAGUE = "203.0.113.8"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _post(client, email: str, password: str, ip: str, **extra):
    return client.post(
        reverse("login"), {"username": email, "password": password}, REMOTE_ADDR=ip, **extra
    )


def _database() -> tuple:
    return (
        list(User.objects.order_by("pk").values_list("pk", "last_login", "password")),
        Plan.objects.count(),
        AuditEvent.objects.count(),
    )


def test_fifty_wrong_passwords_lock_the_account_from_that_address_only(client):
    target = UserFactory(email="leader@example.gov.uk")
    other = UserFactory(email="officer@example.gov.uk")
    before = _database()

    statuses = [
        _post(client, "leader@example.gov.uk", f"guess-{n}", ATTACKER).status_code
        for n in range(50)
    ]
    assert statuses == [200] * 4 + [429] * 46
    assert _database() == before
    assert list(
        AccessAttempt.objects.values_list("username", "ip_address", "failures_since_start")
    ) == [("leader@example.gov.uk", ATTACKER, 50)]

    # The right password from the locked address is refused too, and says why.
    locked = _post(client, "leader@example.gov.uk", PASSWORD, ATTACKER)
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    html = locked.content.decode()
    assert "You cannot sign in for 15 minutes" in html
    assert f'href="{reverse("login")}"' in html
    assert "registration/locked_out.html" in [template.name for template in locked.templates]

    # The same account from a colleague's address, and another account from the attacker's
    # address, still sign in.
    from_colleague = client.__class__()
    response = _post(from_colleague, "leader@example.gov.uk", PASSWORD, COLLEAGUE)
    assert (response.status_code, int(from_colleague.session["_auth_user_id"])) == (
        302,
        target.pk,
    )
    same_address = client.__class__()
    response = _post(same_address, "officer@example.gov.uk", PASSWORD, ATTACKER)
    assert (response.status_code, int(same_address.session["_auth_user_id"])) == (302, other.pk)


def test_the_email_is_counted_however_it_is_written(client):
    UserFactory(email="leader@example.gov.uk")
    for spelling in (
        "Leader@example.gov.uk",
        " LEADER@EXAMPLE.GOV.UK",
        "leader@Example.gov.uk",
        "leader@example.GOV.uk",
    ):
        assert _post(client, spelling, "wrong", ATTACKER).status_code == 200
    assert _post(client, "leader@example.gov.uk ", "wrong", ATTACKER).status_code == 429


def test_a_forged_forwarded_for_header_does_not_escape_the_lock(client, settings):
    """Without trusted proxies the address is the connection's: X-Forwarded-For is ignored."""
    settings.TRUSTED_PROXY_HOPS = 0
    UserFactory(email="leader@example.gov.uk")
    statuses = [
        _post(
            client, "leader@example.gov.uk", "wrong", ATTACKER, HTTP_X_FORWARDED_FOR=f"10.0.0.{n}"
        ).status_code
        for n in range(6)
    ]
    assert statuses == [200] * 4 + [429] * 2


def test_behind_a_trusted_proxy_the_forwarded_address_is_locked(client, settings):
    settings.TRUSTED_PROXY_HOPS = 1
    UserFactory(email="leader@example.gov.uk")
    proxy = "10.0.0.1"
    for _ in range(5):
        _post(client, "leader@example.gov.uk", "wrong", proxy, HTTP_X_FORWARDED_FOR=ATTACKER)
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == [ATTACKER]
    response = _post(
        client.__class__(), "leader@example.gov.uk", PASSWORD, proxy, HTTP_X_FORWARDED_FOR=COLLEAGUE
    )
    assert response.status_code == 302


def test_the_lock_ends_after_the_cool_off(client):
    user = UserFactory(email="leader@example.gov.uk")
    for _ in range(5):
        _post(client, "leader@example.gov.uk", "wrong", ATTACKER)
    assert _post(client, "leader@example.gov.uk", PASSWORD, ATTACKER).status_code == 429
    attempt = AccessAttempt.objects.get()
    AccessAttempt.objects.filter(pk=attempt.pk).update(
        attempt_time=attempt.attempt_time - timedelta(minutes=16)
    )
    response = _post(client, "leader@example.gov.uk", PASSWORD, ATTACKER)
    assert (response.status_code, int(client.session["_auth_user_id"])) == (302, user.pk)
    assert AccessAttempt.objects.count() == 0


def test_a_right_password_resets_the_count(client):
    UserFactory(email="leader@example.gov.uk")
    for _ in range(4):
        _post(client, "leader@example.gov.uk", "wrong", ATTACKER)
    assert _post(client, "leader@example.gov.uk", PASSWORD, ATTACKER).status_code == 302
    client.logout()
    statuses = [
        _post(client, "leader@example.gov.uk", "wrong", ATTACKER).status_code for _ in range(5)
    ]
    assert statuses == [200] * 4 + [429]
