"""The second factor: who must give it, setting up an app, codes, recovery codes, the admin."""

import re
import time
from base64 import b32decode

import pytest
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from councils.mfa.views import NEW_CODES_SESSION_KEY
from councils.models import Membership
from plans.demo import DEMO_TOTP_SECRET, demo_second_factors, demo_totp_uri
from plans.models import AuditEvent
from tests.factories import (
    PASSWORD,
    CouncilFactory,
    MembershipFactory,
    UserFactory,
    councillor_of,
    officer_of,
)
from tests.support.mfa import force_login_verified, totp_code, totp_device_for

pytestmark = pytest.mark.django_db

VERIFY = "/sign-in/second-factor/"
SET_UP = "/sign-in/set-up/"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def councillor(council):
    return councillor_of(council, user__email="leader@example.gov.uk")


def _sign_in(client, user, next_url: str | None = None):
    data = {"username": user.email, "password": PASSWORD}
    if next_url is not None:
        data["next"] = next_url
    return client.post(reverse("login"), data)


def _verified(client) -> bool:
    return DEVICE_ID_SESSION_KEY in client.session


def _device_state(device) -> tuple:
    device.refresh_from_db()
    return (device.confirmed, device.last_t, device.throttling_failure_count)


# --- Who is asked -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make_user",
    [
        lambda council: councillor_of(council),
        lambda council: (
            MembershipFactory(council=council, role=Membership.Role.STATUTORY_OFFICER).user
        ),
        lambda council: UserFactory(is_panel_member=True),
        lambda council: UserFactory(is_staff=True),
    ],
    ids=["councillor", "statutory_officer", "panel", "administrator"],
)
def test_roles_that_need_a_second_factor_are_sent_to_set_one_up(client, council, make_user):
    user = make_user(council)
    response = _sign_in(client, user)
    assert (response.status_code, response["Location"]) == (302, "/")
    home = client.get("/")
    assert (home.status_code, home["Location"]) == (302, f"{SET_UP}?next=%2F")


def test_someone_with_a_second_factor_is_sent_to_give_it_with_the_page_they_asked_for(
    client, councillor
):
    totp_device_for(councillor)
    _sign_in(client, councillor)
    response = client.get(f"/councils/{councillor.memberships.get().council.gss_code}/?x=1")
    gss = councillor.memberships.get().council.gss_code
    assert (response.status_code, response["Location"]) == (
        302,
        f"{VERIFY}?next=%2Fcouncils%2F{gss}%2F%3Fx%3D1",
    )


def test_an_officer_is_not_asked_unless_they_chose_to_set_one_up(client, council):
    officer = officer_of(council)
    _sign_in(client, officer)
    assert client.get(f"/councils/{council.gss_code}/").status_code == 200
    client.logout()
    totp_device_for(officer)
    _sign_in(client, officer)
    response = client.get(f"/councils/{council.gss_code}/")
    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY)


def test_before_the_second_factor_only_sign_in_pages_open(client, councillor, council):
    totp_device_for(councillor)
    _sign_in(client, councillor)
    for url in (
        "/",
        f"/councils/{council.gss_code}/",
        "/panel/",
        "/admin/",
        "/accessibility/",
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(VERIFY), url
    for url in (VERIFY, "/sign-in/recovery-code/", reverse("mfa:account")):
        assert client.get(url).status_code == 200, url
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session


# --- Setting up an authenticator app ----------------------------------------------------------


def test_app_set_up_shows_a_qr_code_and_the_secret_then_ten_recovery_codes_once(client, councillor):
    _sign_in(client, councillor)
    page = client.get(reverse("mfa:totp_setup"), {"next": "/"})
    html = page.content.decode()
    device = TOTPDevice.objects.get(user=councillor)
    assert device.confirmed is False
    assert "<svg" in html and "style=" not in html.split("<svg", 1)[1].split("</svg>")[0]
    secret = re.search(r'data-testid="secret"[^>]*>([A-Z2-7 ]+)<', html).group(1)
    assert re.fullmatch(r"([A-Z2-7]{4} )+[A-Z2-7]{1,4}", secret)
    assert b32decode(secret.replace(" ", "")).hex() == device.key
    assert 'autocomplete="one-time-code"' in html and 'inputmode="numeric"' in html

    code = totp_code(device)
    response = client.post(reverse("mfa:totp_setup"), {"token": f"{code[:3]} {code[3:]}"})
    assert (response.status_code, response["Location"]) == (
        302,
        f"{reverse('mfa:recovery_codes')}?next=%2F",
    )
    assert _device_state(device)[0] is True
    assert _verified(client)
    assert list(AuditEvent.objects.values_list("action", "actor", "detail", "ip_address")) == [
        ("second_factor_added", councillor.pk, {"kind": "authenticator_app"}, "127.0.0.1")
    ]
    codes_page = client.get(response["Location"])
    codes = re.findall(r"<li><code>([a-z2-7]+)</code></li>", codes_page.content.decode())
    assert len(codes) == 10
    assert sorted(codes) == sorted(
        StaticToken.objects.filter(device__user=councillor).values_list("token", flat=True)
    )
    again = client.get(response["Location"])
    assert (again.status_code, again["Location"]) == (302, "/")
    assert NEW_CODES_SESSION_KEY not in client.session


def test_app_set_up_with_a_wrong_code_says_so_and_keeps_the_app_unconfirmed(client, councillor):
    _sign_in(client, councillor)
    client.get(reverse("mfa:totp_setup"))
    device = TOTPDevice.objects.get(user=councillor)
    wrong = "000000" if totp_code(device) != "000000" else "111111"
    response = client.post(reverse("mfa:totp_setup"), {"token": wrong})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "token": [
            "The code is not right. Check the app shows this service, then enter the current code"
        ]
    }
    assert _device_state(device) == (False, -1, 1)
    assert not _verified(client)
    assert StaticDevice.objects.filter(user=councillor).count() == 0
    assert AuditEvent.objects.count() == 0


def test_a_stolen_password_cannot_add_another_app(client, councillor):
    """Someone with the password but not the second factor cannot set up their own app."""
    totp_device_for(councillor)
    _sign_in(client, councillor)
    for url in (reverse("mfa:totp_setup"), reverse("mfa:setup")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(VERIFY)
    assert client.post(reverse("mfa:totp_setup"), {"token": "123456"}).status_code == 302
    assert TOTPDevice.objects.filter(user=councillor).count() == 1
    begin = client.post(reverse("otp_webauthn:credential-registration-begin"))
    assert begin.status_code == 403


# --- Giving the second factor -----------------------------------------------------------------


def test_a_code_from_the_app_completes_sign_in_and_lands_on_next(client, councillor, council):
    device = totp_device_for(councillor)
    _sign_in(client, councillor)
    next_url = f"/councils/{council.gss_code}/"
    response = client.post(VERIFY, {"token": totp_code(device), "next": next_url})
    assert (response.status_code, response["Location"]) == (302, next_url)
    assert client.get(next_url).status_code == 200


def test_a_code_in_the_wrong_format_is_refused_by_the_form(client, councillor):
    device = totp_device_for(councillor)
    _sign_in(client, councillor)
    response = client.post(VERIFY, {"token": "12a456"})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "token": ["Enter the 6-digit code from your authenticator app"]
    }
    assert _device_state(device) == (True, -1, 0)
    assert not _verified(client)


def test_a_wrong_code_is_refused_and_the_next_try_must_wait(client, councillor):
    device = totp_device_for(councillor)
    _sign_in(client, councillor)
    right = totp_code(device)
    wrong = "000000" if right != "000000" else "111111"
    response = client.post(VERIFY, {"token": wrong})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "token": ["The code is not right. Enter the current code from your authenticator app"]
    }
    assert _device_state(device) == (True, -1, 1)
    # Straight after a wrong code even the right one waits (django-otp's throttling).
    response = client.post(VERIFY, {"token": right})
    # The wait doubles with each wrong code: 1 second after the first (2 when a second ticks).
    (message,) = response.context["form"].errors["token"]
    assert re.fullmatch(
        r"You have entered too many wrong codes\. Wait (1 second|2 seconds), then try again",
        message,
    )
    assert _device_state(device) == (True, -1, 1)
    assert not _verified(client)


def test_a_replayed_code_is_refused(client, councillor, django_user_model):
    """A code that signed someone in cannot sign in again within its time step."""
    device = totp_device_for(councillor)
    code = totp_code(device, at=time.time())
    _sign_in(client, councillor)
    assert client.post(VERIFY, {"token": code}).status_code == 302
    state = _device_state(device)
    client.logout()

    _sign_in(client, councillor)
    response = client.post(VERIFY, {"token": code})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "token": ["The code is not right. Enter the current code from your authenticator app"]
    }
    assert not _verified(client)
    assert _device_state(device)[:2] == state[:2]


def test_a_recovery_code_works_once(client, councillor, settings):
    totp_device_for(councillor)
    force_login_verified(client, councillor)
    client.post(reverse("mfa:recovery_codes_renew"))
    code = client.session[NEW_CODES_SESSION_KEY][0]
    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["recovery_codes_replaced"]
    client.logout()

    _sign_in(client, councillor)
    response = client.post("/sign-in/recovery-code/", {"code": code.upper(), "next": "/panel/"})
    assert (response.status_code, response["Location"]) == (302, "/panel/")
    assert StaticToken.objects.filter(device__user=councillor).count() == 9
    client.logout()

    _sign_in(client, councillor)
    response = client.post("/sign-in/recovery-code/", {"code": code})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "code": ["The recovery code is not right, or it has been used already"]
    }
    assert not _verified(client)


@pytest.mark.parametrize(
    "forged", ["https://evil.example/", "//evil.example/", "javascript:alert(1)", "http:/x"]
)
def test_a_forged_next_lands_on_the_start_page(client, councillor, forged):
    device = totp_device_for(councillor)
    response = _sign_in(client, councillor, next_url=forged)
    assert (response.status_code, response["Location"]) == (302, "/")
    response = client.post(VERIFY, {"token": totp_code(device), "next": forged})
    assert (response.status_code, response["Location"]) == (302, "/")
    assert _verified(client)


def test_the_admin_needs_the_second_factor(client):
    admin = UserFactory(is_staff=True, is_superuser=True)
    device = totp_device_for(admin)
    client.force_login(admin)
    response = client.get("/admin/")
    assert (response.status_code, response["Location"]) == (302, f"{VERIFY}?next=%2Fadmin%2F")
    client.post(VERIFY, {"token": totp_code(device)})
    assert client.get("/admin/").status_code == 200


def test_the_admin_sends_anyone_signed_out_to_the_portal_sign_in(client):
    response = client.get("/admin/login/?next=/admin/")
    assert (response.status_code, response["Location"]) == (302, "/sign-in/?next=/admin/")


# --- Remember me ------------------------------------------------------------------------------


def test_remember_me_keeps_the_session_for_12_hours(client, council):
    officer = officer_of(council)
    client.post(
        reverse("login"), {"username": officer.email, "password": PASSWORD, "remember": "on"}
    )
    # Up to the absolute limit: 12 hours from sign-in (a second or two have passed since).
    assert 12 * 3600 - 5 <= client.session.get_expiry_age() <= 12 * 3600
    assert client.session.get_expire_at_browser_close() is False


def test_without_remember_me_the_session_ends_with_the_browser(client, council):
    officer = officer_of(council)
    _sign_in(client, officer)
    assert client.session.get_expire_at_browser_close() is True


def test_the_sign_in_page_offers_remember_me(client):
    html = client.get(reverse("login")).content.decode()
    assert 'class="govuk-checkboxes__input"' in html
    assert "Remember me on this device for 12 hours" in html


# --- The demo -------------------------------------------------------------------------------


def test_demo_accounts_needing_a_second_factor_share_the_demo_app():
    council = CouncilFactory()
    leader = councillor_of(council)
    officer = officer_of(council)
    panel = UserFactory(is_panel_member=True)
    demo_second_factors([leader.email, officer.email, panel.email])
    demo_second_factors([leader.email, officer.email, panel.email])
    key = b32decode(DEMO_TOTP_SECRET).hex()
    assert sorted(TOTPDevice.objects.values_list("user__email", "key", "confirmed")) == sorted(
        [(leader.email, key, True), (panel.email, key, True)]
    )
    assert demo_totp_uri() == (
        "otpauth://totp/Submit%20a%20productivity%20plan:demo%20accounts?"
        f"secret={DEMO_TOTP_SECRET}&issuer=Submit+a+productivity+plan&digits=6&period=30"
    )
