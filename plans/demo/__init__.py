"""Demo data for `make run`: an open round, demo people and four councils' plans.

The plans' content is written for this portal from the facts in the councils' real 2024 plans
(their figures, lists and structure), in our own words.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.db import transaction

from councils.models import Council, Membership, User
from councils.services import membership_grant
from plans.demo.evidence import demo_evidence_seed
from plans.demo.narratives import NARRATIVES
from plans.letter_2024 import THEMES_2024
from plans.models import GuidingQuestion, Plan, Round, Theme, ThemeSection
from plans.services.drafting import plan_start, section_save

DEMO_PASSWORD = "productivity-demo-2024"
LONDON = ZoneInfo("Europe/London")

DEMO_COUNCILS = {
    "E07000111": "sevenoaks",  # Sevenoaks District Council
    "E07000096": "dacorum",  # Dacorum Borough Council
    "E07000039": "southderbyshire",  # South Derbyshire District Council
    "E06000047": "durham",  # Durham County Council
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


def _open_round() -> Round:
    values = dict(OPEN_ROUND)
    round_, _ = Round.objects.update_or_create(slug=values.pop("slug"), defaults=values)
    for definition in THEMES_2024:
        theme, _ = Theme.objects.update_or_create(
            round=round_,
            number=definition["number"],
            defaults={
                "title": definition["title"],
                "short_title": definition["short_title"],
                "introduction": definition["introduction"],
            },
        )
        for number, text in enumerate(definition["questions"], start=1):
            GuidingQuestion.objects.update_or_create(
                theme=theme, number=number, defaults={"text": text}
            )
    return round_


@transaction.atomic
def demo_seed() -> list[tuple[str, str]]:
    """Create (or leave as they are) the demo round, people and plans; returns the accounts."""
    round_2024 = Round.objects.get(slug="productivity-plans-2024")
    _open_round()
    accounts = []
    admin = _user("admin@example.gov.uk", "Portal Administrator", is_staff=True, is_superuser=True)
    accounts.append(("Portal administrator (Django admin)", admin.email))
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
        officer = None
        for role, local, name, title in people:
            user = _user(f"{local}@{slug}.example.gov.uk", f"{name} ({council.nice_name})")
            membership_grant(user=user, council=council, role=role, title=title)
            accounts.append((f"{council.nice_name}: {title}", user.email))
            if officer is None:
                officer = user
        _demo_plan(council=council, round_=round_2024, officer=officer, slug=slug)
    return accounts


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
            base_version=section.version,
            user=officer,
        )
    demo_evidence_seed(plan, officer)
    return plan
