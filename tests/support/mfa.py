"""Signing in, in tests, as someone who must give a second factor.

Councillors, statutory officers, panel members and administrators cannot open a page until
they have given a second factor in the session. `force_login_verified` does for the test client
what signing in with the password and an authenticator app does; `pass_second_factor` completes
the second step in the browser with a known authenticator app.
"""

import time

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from councils.mfa.middleware import second_factor_needed

# RFC 6238's test secret ("12345678901234567890"), hex as django-otp stores it.
TEST_TOTP_KEY = "3132333435363738393031323334353637383930"
CODE_LABEL = "Code from your authenticator app"


def totp_device_for(user) -> TOTPDevice:
    """The user's confirmed authenticator app, set up with the test secret if they have none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(
            user=user, name="Test app", key=TEST_TOTP_KEY, confirmed=True
        )
    return device


def totp_code(device: TOTPDevice, *, at: float | None = None) -> str:
    """A code the device accepts now: this time step's, or the next step's when this one's
    has been used already (the device allows one step either side)."""
    device.refresh_from_db()
    now = time.time() if at is None else at
    for offset in (0, 1):
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        totp.time = now + offset * device.step
        if totp.t() > device.last_t:
            return str(totp.token()).zfill(device.digits)
    raise AssertionError("Both usable time steps of this device were used already")


def force_login_verified(client, user) -> None:
    """client.force_login, plus a second factor given when the user needs one."""
    client.force_login(user)
    if not second_factor_needed(user):
        return
    device = totp_device_for(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def pass_second_factor(page, user) -> None:
    """After the password step in the browser: enter the app's code if the portal asks."""
    page.wait_for_load_state()
    if "/sign-in/set-up/" in page.url:
        totp_device_for(user)
        page.goto(page.url.replace("/sign-in/set-up/", "/sign-in/second-factor/"))
    if "/sign-in/second-factor/" not in page.url:
        return
    device = totp_device_for(user)
    # Journeys sign the same person in several times within a minute; the app's codes for those
    # time steps are used up (replays are refused, tests/councils/test_mfa.py checks that), so
    # the journey's app starts afresh each time.
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    page.get_by_label(CODE_LABEL).fill(totp_code(device))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()
