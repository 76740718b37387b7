"""Demo data for `make run`: an open round, demo people and four councils' plans.

The plans show the whole flow at once: Sevenoaks and South Derbyshire are drafts, Dacorum's plan
awaits sign-off by its two demo councillors (sign in as leader@dacorum.example.gov.uk to approve
it), and Durham's plan is approved under the urgency procedure, so the worker submits it on its
first start (the PDF lands in var/submissions/, the ministry email in var/mail/). Every step goes
through the real services, and a second run changes nothing.

The plans' content is written for this portal from the facts in the councils' real 2024 plans
(their figures, lists and structure), in our own words.
"""

from base64 import b32decode
from datetime import date, datetime
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from councils.mfa.middleware import second_factor_needed
from councils.models import Council, Membership, User
from councils.services import membership_grant
from plans.codebook import codebook_seed
from plans.demo.evidence import demo_evidence_seed
from plans.demo.narratives import NARRATIVES
from plans.letter_2024 import THEMES_2024
from plans.models import (
    Code,
    DecisionRecord,
    GuidingQuestion,
    Plan,
    Round,
    SignOffDecision,
    Theme,
    ThemeSection,
)
from plans.rounds import round_seed_themes
from plans.services.drafting import plan_start, section_save
from plans.services.signoff import (
    decision_record_save,
    plan_send_for_sign_off,
    sign_off_record_decision,
)

DEMO_PASSWORD = "productivity-demo-2024"
# The one authenticator-app secret every demo account that needs a second factor shares, so a
# newcomer adds it to their app once. Only this demo seed uses it; real accounts get their own
# random secret when they set up their app.
DEMO_TOTP_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
LONDON = ZoneInfo("Europe/London")

DEMO_COUNCILS = {
    "E07000111": "sevenoaks",  # Sevenoaks District Council
    "E07000096": "dacorum",  # Dacorum Borough Council
    "E07000039": "southderbyshire",  # South Derbyshire District Council
    "E06000047": "durham",  # Durham County Council
}
# Where each demo plan stands after seeding (the others stay drafts).
AWAITING_SIGN_OFF = ("dacorum",)
APPROVED_UNDER_URGENCY = ("durham",)
DEMO_DECISION = {
    "route": DecisionRecord.Route.URGENCY,
    "decision_date": date(2024, 7, 12),
    "decision_url": "https://www.durham.example.gov.uk/decisions/productivity-plan-2024",
}

OPEN_ROUND = {
    "name": "Productivity plans: progress update 2027",
    "slug": "progress-update-2027",
    "opens_at": datetime(2026, 9, 1, 9, 0, tzinfo=LONDON),
    "deadline": datetime(2027, 7, 16, 23, 59, tzinfo=LONDON),
    "ministry_email": "productivityplans@levellingup.gov.uk",
    "expected_pages_min": 3,
    "expected_pages_max": 4,
}


def _user(email: str, full_name: str, **extra) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, DEMO_PASSWORD, full_name=full_name, **extra)
    return user


def demo_totp_uri() -> str:
    """The demo secret as an otpauth:// address, which authenticator apps read."""
    issuer = settings.OTP_TOTP_ISSUER
    query = urlencode({"secret": DEMO_TOTP_SECRET, "issuer": issuer, "digits": 6, "period": 30})
    return f"otpauth://totp/{quote(issuer)}:{quote('demo accounts')}?{query}"


@transaction.atomic
def demo_second_factors(emails: list[str]) -> None:
    """Give every demo account that needs a second factor the demo authenticator app."""
    key = b32decode(DEMO_TOTP_SECRET).hex()
    for user in User.objects.filter(email__in=emails).order_by("pk"):
        if second_factor_needed(user) and not TOTPDevice.objects.filter(user=user).exists():
            TOTPDevice.objects.create(user=user, name="Demo app", key=key, confirmed=True)


def _open_round() -> Round:
    values = dict(OPEN_ROUND)
    round_, _ = Round.objects.update_or_create(slug=values.pop("slug"), defaults=values)
    round_seed_themes(round_, THEMES_2024, Theme=Theme, GuidingQuestion=GuidingQuestion)
    codebook_seed(round_, Code=Code, Theme=Theme)
    return round_


@transaction.atomic
def demo_seed() -> list[tuple[str, str]]:
    """Create (or leave as they are) the demo round, people and plans; returns the accounts."""
    round_2024 = Round.objects.get(slug="productivity-plans-2024")
    _open_round()
    accounts = []
    admin = _user("admin@example.gov.uk", "Portal Administrator", is_staff=True, is_superuser=True)
    accounts.append(("Ministry administrator (People page, Django admin)", admin.email))
    panel = _user("panel@example.gov.uk", "Priya Panel", is_panel_member=True)
    accounts.append(("Ministry panel member", panel.email))
    for gss_code, slug in DEMO_COUNCILS.items():
        council = Council.objects.get(gss_code=gss_code)
        people = [
            (Membership.Role.OFFICER, "officer", "Olivia Officer", "Head of Strategy"),
            (Membership.Role.OFFICER, "officer2", "Oscar Officer", "Policy Officer"),
            (Membership.Role.COUNCILLOR, "leader", "Cllr Lee Leader", "Leader of the Council"),
            (Membership.Role.COUNCILLOR, "cabinet", "Cllr Cara Cabinet", "Cabinet Member"),
            (
                Membership.Role.STATUTORY_OFFICER,
                "monitoring",
                "Morgan Monitoring",
                "Monitoring Officer",
            ),
        ]
        users = {}
        for role, local, name, title in people:
            user = _user(f"{local}@{slug}.example.gov.uk", f"{name} ({council.nice_name})")
            # The first officer manages the council's people (the People page).
            manages_people = local == "officer"
            membership_grant(
                user=user, council=council, role=role, title=title, manages_people=manages_people
            )
            label = f"{title}, manages people" if manages_people else title
            accounts.append((f"{council.nice_name}: {label}", user.email))
            users[local] = user
        plan = _demo_plan(council=council, round_=round_2024, officer=users["officer"], slug=slug)
        if slug in AWAITING_SIGN_OFF + APPROVED_UNDER_URGENCY:
            _demo_sign_off(
                plan=plan,
                officer=users["officer"],
                councillors=[users["leader"], users["cabinet"]],
                approve=slug in APPROVED_UNDER_URGENCY,
            )
    return accounts


def _demo_sign_off(*, plan: Plan, officer: User, councillors: list[User], approve: bool) -> None:
    """Send a fresh demo plan for sign-off and, if asked, approve it under urgency (once only:
    a plan that already has a version is left as it is)."""
    if plan.versions.exists():
        return
    sign_off = plan_send_for_sign_off(
        plan=plan,
        user=officer,
        councillors=councillors,
        covering_note=(
            "This is the plan the Leader and Cabinet discussed last week. Please approve it so "
            "we can send it to the ministry before the deadline."
        ),
    )
    if not approve:
        return
    for councillor in councillors:
        sign_off_record_decision(
            sign_off_id=sign_off.pk,
            user=councillor,
            outcome=SignOffDecision.Outcome.APPROVE,
            version_sha256=sign_off.version.sha256,
            declaration=True,
        )
    decision_record_save(sign_off_id=sign_off.pk, user=officer, **DEMO_DECISION)


def _demo_plan(*, council: Council, round_: Round, officer: User, slug: str) -> Plan:
    if Plan.objects.filter(council=council, round=round_).exists():
        return Plan.objects.get(council=council, round=round_)
    plan = plan_start(council=council, round=round_, user=officer)
    for number, text in NARRATIVES.get(slug, {}).items():
        section = ThemeSection.objects.get(plan=plan, theme__number=number)
        section_save(
            section_id=section.pk,
            narrative=text,
            is_complete=True,
            base_edit_count=section.edit_count,
            user=officer,
        )
    demo_evidence_seed(plan, officer)
    return plan
