"""Setting up and giving a second factor in Chromium: an authenticator app, and a passkey with
Chromium's virtual authenticator (DevTools protocol). Every page is checked with axe."""

import re
from base64 import b32decode

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential
from playwright.sync_api import expect

from tests.factories import PASSWORD, CouncilFactory, councillor_of
from tests.support.mfa import CODE_LABEL, totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _passkeys_at_the_live_server(settings, live_server):
    # WebAuthn needs a secure context and a host name: http://localhost counts as both.
    assert live_server.url.startswith("http://localhost:")
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url]


def _password_step(page, user, path: str = "/sign-in/") -> None:
    page.goto(path)
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def _sign_out(page) -> None:
    page.get_by_role("button", name=re.compile(r"^Sign out")).first.click()
    page.wait_for_url(re.compile(r"/sign-in/$"))


def _save_recovery_codes(page, assert_accessible) -> list[str]:
    expect(page.locator("h1")).to_have_text("Your second factor is set up")
    assert_accessible(page)
    codes = page.get_by_test_id("recovery-codes").locator("code").all_inner_texts()
    page.get_by_role("link", name="I have saved my codes, continue").click()
    page.wait_for_load_state()
    return codes


def test_councillor_sets_up_an_authenticator_app_and_signs_in_with_it(page, assert_accessible):
    council = CouncilFactory(name="Adur District Council")
    leader = councillor_of(council, user__email="leader@adur.example.gov.uk")
    council_page = f"/councils/{council.gss_code}/"

    _password_step(page, leader, f"/sign-in/?next={council_page}")
    expect(page.locator("h1")).to_have_text("Set up a second way to confirm it is you")
    assert_accessible(page)
    page.get_by_role("link", name="Set up an authenticator app").click()
    expect(page.locator("h1")).to_have_text("Set up an authenticator app")
    assert_accessible(page)
    assert page.locator(".app-qr-code svg").count() == 1
    secret = page.get_by_test_id("secret").inner_text()
    assert re.fullmatch(r"([A-Z2-7]{4} )+[A-Z2-7]{1,4}", secret)

    # The code an app computes from the secret as shown (spaces and all), pasted in.
    key = b32decode(secret.replace(" ", ""))
    code = str(totp(key)).zfill(6)
    field = page.get_by_label(CODE_LABEL)
    assert (field.get_attribute("autocomplete"), field.get_attribute("inputmode")) == (
        "one-time-code",
        "numeric",
    )
    field.fill(f"{code[:3]} {code[3:]}")
    page.get_by_role("button", name="Continue").click()
    codes = _save_recovery_codes(page, assert_accessible)
    assert len(codes) == 10
    assert page.url.endswith(council_page)
    expect(page.locator("h1")).to_contain_text("Adur")

    # Signing in again asks for the app's code, then lands where the user was going.
    _sign_out(page)
    _password_step(page, leader, f"/sign-in/?next={council_page}")
    expect(page.locator("h1")).to_have_text("Confirm it is you")
    assert_accessible(page)
    device = TOTPDevice.objects.get(user=leader, confirmed=True)
    page.get_by_label(CODE_LABEL).fill(totp_code(device))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(re.compile(re.escape(council_page) + "$"))

    # A recovery code works instead of the app, once.
    _sign_out(page)
    _password_step(page, leader)
    page.get_by_role("link", name="Use a recovery code").click()
    expect(page.locator("h1")).to_have_text("Use a recovery code")
    assert_accessible(page)
    page.get_by_label("Recovery code").fill(codes[0])
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(re.compile(re.escape(council_page) + "$"))
    assert StaticToken.objects.filter(device__user=leader).count() == 9

    # Five wrong passwords lock the account from this address, with a page that says so.
    _sign_out(page)
    for _ in range(5):
        page.goto("/sign-in/")
        page.get_by_label("Email address").fill(leader.email)
        page.get_by_label("Password").fill("not-the-password")
        with page.expect_response(lambda response: response.request.method == "POST") as posted:
            page.get_by_role("button", name="Sign in").click()
    assert posted.value.status == 429
    expect(page.locator("h1")).to_have_text("You cannot sign in for 15 minutes")
    assert_accessible(page)


def _virtual_authenticator(page) -> None:
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )


def test_councillor_creates_a_passkey_and_signs_in_with_it(page, assert_accessible):
    _virtual_authenticator(page)
    council = CouncilFactory(name="Adur District Council")
    leader = councillor_of(council, user__email="leader@adur.example.gov.uk")
    council_page = f"/councils/{council.gss_code}/"

    _password_step(page, leader, f"/sign-in/?next={council_page}")
    expect(page.locator("h1")).to_have_text("Set up a second way to confirm it is you")
    page.get_by_role("button", name="Create a passkey").click()
    codes = _save_recovery_codes(page, assert_accessible)
    assert len(codes) == 10
    assert page.url.endswith(council_page)
    assert WebAuthnCredential.objects.filter(user=leader, confirmed=True).count() == 1

    _sign_out(page)
    _password_step(page, leader, f"/sign-in/?next={council_page}")
    expect(page.locator("h1")).to_have_text("Confirm it is you")
    assert_accessible(page)
    page.get_by_role("button", name="Sign in with a passkey").click()
    page.wait_for_url(re.compile(re.escape(council_page) + "$"))
    expect(page.locator("h1")).to_contain_text("Adur")
