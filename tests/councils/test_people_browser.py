"""The people journey in a real browser, axe-checked on every page: a ministry administrator
invites Adur's first officer, who accepts, sets a password, and invites a councillor and a
monitoring officer; the councillor accepts. The links come from the emails the outbox sent
through a real SMTP server."""

import re
from base64 import b32decode

import pytest
from django_otp.oath import totp
from playwright.sync_api import expect

from councils.models import Council, Invitation, Membership, PeopleEvent
from plans.models import OutboxMessage
from tests.browser.conftest import check_page, sign_in  # noqa: F401 (fixtures)
from tests.factories import UserFactory
from tests.support.browser import new_context
from tests.support.mfa import CODE_LABEL
from tests.support.people import deliver

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LINK = re.compile(r"https?://[^/\s]+(/invitations/accept/[0-9a-f]{64}/)")
PASSWORD = "plover-quarry-lantern-91"


def _link_for(smtp_server, email: str) -> str:
    """Send the waiting invitation emails through SMTP and read this person's link."""
    deliver(OutboxMessage.Kind.INVITATION_EMAIL)
    [message] = [m.message for m in smtp_server.messages if m.envelope_to == [email]]
    return LINK.search(message.get_body(("plain",)).get_content()).group(1)


def _accept(page, check_page, link: str, name: str):  # noqa: F811
    page.goto(link)
    expect(page.locator("h1")).to_have_text("Accept your invitation")
    check_page(page, f"accept-{name}")
    page.get_by_label("Full name").fill(name)
    page.get_by_label("Create a password").fill(PASSWORD)
    page.get_by_label("Confirm your password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.wait_for_load_state()


def test_the_ministry_invites_adurs_first_officer_who_invites_the_councils_people(
    chromium,
    live_server,
    page,
    check_page,  # noqa: F811
    sign_in,  # noqa: F811
    smtp_server,
    clean_broker,
    settings,
):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    adur, _ = Council.objects.get_or_create(
        gss_code="E07000223",
        defaults={
            "short_code": "ADU",
            "name": "Adur District Council",
            "nice_name": "Adur",
            "tier": "district",
            "region": "South East",
        },
    )
    admin = UserFactory(email="admin@ministry.example.gov.uk", full_name="Ada Admin", is_staff=True)

    # The ministry administrator invites Adur's first officer.
    sign_in(page, admin)
    page.get_by_role("link", name=re.compile("^People")).click()
    expect(page.locator("h1")).to_have_text("People")
    check_page(page, "ministry-people")
    officer_form = page.locator("form", has=page.get_by_label("Council"))
    officer_form.get_by_role("button", name="Send invitation").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select the council")
    check_page(page, "ministry-people-errors")
    page.get_by_label("Council").select_option(label="Adur District Council")
    officer_form.get_by_label("Email address").fill("olu@adur.example.gov.uk")
    officer_form.get_by_label("Job title or office (optional)").fill("Head of Strategy")
    officer_form.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_test_id("invitation")).to_contain_text("olu@adur.example.gov.uk")
    check_page(page, "ministry-people-invited")

    # The officer accepts in their own browser and lands on Adur's page.
    officer_context = new_context(chromium, base_url=live_server.url)
    officer_page = officer_context.new_page()
    officer_page.set_default_timeout(15_000)
    _accept(officer_page, check_page, _link_for(smtp_server, "olu@adur.example.gov.uk"), "Olu")
    expect(officer_page.locator("h1")).to_have_text("Adur District Council")
    officer_page.get_by_role("link", name=re.compile("^People")).click()
    expect(officer_page.locator("h1")).to_have_text("People")
    check_page(officer_page, "council-people")

    # An empty invitation names both missing answers; then a councillor and a monitoring officer.
    officer_page.get_by_role("button", name="Send invitation").click()
    summary = officer_page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter the person’s email address")
    expect(summary).to_contain_text("Select the person’s role")
    check_page(officer_page, "council-people-errors")
    for email, role, title in [
        ("cllr.cara@adur.example.gov.uk", "Councillor", "Leader of the Council"),
        ("mo@adur.example.gov.uk", "Statutory officer", "Monitoring Officer"),
    ]:
        officer_page.get_by_label("Email address").fill(email)
        officer_page.get_by_label(role, exact=True).check()
        officer_page.get_by_label("Job title or office (optional)").fill(title)
        officer_page.get_by_role("button", name="Send invitation").click()
        expect(officer_page.locator(".govuk-notification-banner")).to_contain_text(email)
    expect(officer_page.get_by_test_id("invitation")).to_have_count(2)
    check_page(officer_page, "council-people-invited")

    # The councillor accepts and lands on Adur's page.
    councillor_context = new_context(chromium, base_url=live_server.url)
    councillor_page = councillor_context.new_page()
    councillor_page.set_default_timeout(15_000)
    link = _link_for(smtp_server, "cllr.cara@adur.example.gov.uk")
    _accept(councillor_page, check_page, link, "Cara Councillor")
    # A councillor must give a second factor: the new account sets up an authenticator app
    # before anything else, from the secret shown as text, then lands on Adur's page.
    expect(councillor_page.locator("h1")).to_have_text("Set up a second way to confirm it is you")
    check_page(councillor_page, "councillor-second-factor")
    councillor_page.get_by_role("link", name="Set up an authenticator app").click()
    secret = councillor_page.get_by_test_id("secret").inner_text()
    code = str(totp(b32decode(secret.replace(" ", "")))).zfill(6)
    councillor_page.get_by_label(CODE_LABEL).fill(code)
    councillor_page.get_by_role("button", name="Continue").click()
    expect(councillor_page.locator("h1")).to_have_text("Your second factor is set up")
    councillor_page.get_by_role("link", name="I have saved my codes, continue").click()
    expect(councillor_page.locator("h1")).to_have_text("Adur District Council")
    check_page(councillor_page, "councillor-lands")
    # The link worked once.
    councillor_page.goto(link)
    expect(councillor_page.get_by_test_id("refusal")).to_contain_text("already been used")
    check_page(councillor_page, "invitation-used")
    councillor_page.get_by_role("link", name="Change password").click()
    expect(councillor_page.locator("h1")).to_have_text("Change your password")
    check_page(councillor_page, "password-change")

    officer_page.reload()
    expect(officer_page.get_by_test_id("person")).to_have_count(2)
    expect(officer_page.get_by_test_id("invitation")).to_have_count(1)
    expect(officer_page.get_by_test_id("people-event")).to_have_count(5)
    officer_context.close()
    councillor_context.close()

    assert sorted(
        Membership.objects.filter(council=adur).values_list(
            "user__email", "role", "manages_people", "title"
        )
    ) == [
        ("cllr.cara@adur.example.gov.uk", "councillor", False, "Leader of the Council"),
        ("olu@adur.example.gov.uk", "officer", True, "Head of Strategy"),
    ]
    assert Invitation.objects.filter(status="pending").get().email == "mo@adur.example.gov.uk"
    assert len(smtp_server.messages) == 3
    assert PeopleEvent.objects.filter(council=adur).count() == 5


def test_forgotten_password_pages_are_accessible(page, check_page, smtp_server):  # noqa: F811
    page.goto("/sign-in/")
    page.get_by_role("link", name="Forgotten your password?").click()
    expect(page.locator("h1")).to_have_text("Reset your password")
    check_page(page, "password-reset")
    page.get_by_label("Email address").fill("nobody@example.gov.uk")
    page.get_by_role("button", name="Send reset link").click()
    expect(page.locator("h1")).to_have_text("Check your email")
    check_page(page, "password-reset-sent")
    page.goto("/password-reset/MQ/not-a-token/")
    expect(page.get_by_test_id("reset-invalid")).to_be_visible()
    check_page(page, "password-reset-invalid")
