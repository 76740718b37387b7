"""Demo data for the ministry panel: about twenty councils across tiers and regions that
submitted their 2024 plan (three late, one inside an extension), others still drafting or
awaiting sign-off, a second panel member and a few notes.

Plans are written, signed off and approved through the real services. Their delivery is history
(July 2024), so the seed renders each PDF itself and records the submission as sent on a date in
July 2024, as the worker would have. A second run changes nothing.
"""

import hashlib
import re
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction

from councils.models import Council, Membership, User
from councils.services import membership_grant
from plans.demo.narratives import NARRATIVES
from plans.models import (
    Code,
    CodedExtract,
    DecisionRecord,
    PanelNote,
    Plan,
    Round,
    SignOffDecision,
    Submission,
    ThemeSection,
)
from plans.selectors.coding import version_paragraphs
from plans.services.coding import code_memo_save, extract_code
from plans.services.delivery import submission_render
from plans.services.drafting import plan_start, section_save
from plans.services.panel import deadline_extension_grant
from plans.services.search import search_index_version
from plans.services.signoff import (
    decision_record_save,
    plan_send_for_sign_off,
    sign_off_record_decision,
)

LONDON = ZoneInfo("Europe/London")

# The demo plans' sources and the names in them that become the new council's name.
SOURCES = {
    "sevenoaks": "Sevenoaks",
    "dacorum": "Dacorum",
    "southderbyshire": "South Derbyshire",
    "durham": "Durham",
}
# (GSS code, what happens): "sent" on a July 2024 day, "late", "extension", "drafting",
# "awaiting". Chosen to cover every tier and region.
PANEL_COUNCILS = [
    ("E07000109", "sent", 10),  # Gravesham, district, South East
    ("E07000105", "sent", 12),  # Ashford, district, South East
    ("E07000064", "sent", 15),  # Rother, district, South East
    ("E06000036", "sent", 16),  # Bracknell Forest, unitary, South East
    ("E10000030", "sent", 18),  # Surrey, county, South East
    ("E08000003", "sent", 11),  # Manchester, metropolitan, North West
    ("E06000008", "sent", 17),  # Blackburn with Darwen, unitary, North West
    ("E06000009", "sent", 19),  # Blackpool, unitary, North West
    ("E08000021", "sent", 18),  # Newcastle upon Tyne, metropolitan, North East
    ("E06000047", None, 0),  # Durham: the main demo's approved plan (left alone)
    ("E09000007", "sent", 9),  # Camden, London borough
    ("E09000033", "sent", 19),  # Westminster, London borough
    ("E08000025", "sent", 16),  # Birmingham, metropolitan, West Midlands
    ("E07000237", "sent", 18),  # Worcester, district, West Midlands
    ("E06000018", "sent", 17),  # Nottingham, unitary, East Midlands
    ("E10000024", "sent", 15),  # Nottinghamshire, county, East Midlands
    ("E06000014", "sent", 12),  # York, unitary, Yorkshire and The Humber
    ("E06000023", "sent", 18),  # Bristol, unitary, South West
    ("E10000020", "late", 23),  # Norfolk, county, East of England
    ("E07000008", "late", 22),  # Cambridge, district, East of England
    ("E06000043", "late", 26),  # Brighton and Hove, unitary, South East
    ("E07000116", "extension", 30),  # Tunbridge Wells, district, South East
    ("E07000112", "drafting", 0),  # Folkestone and Hythe, district, South East
    ("E07000113", "drafting", 0),  # Swale, district, South East
    ("E08000012", "drafting", 0),  # Liverpool, metropolitan, North West
    ("E07000115", "awaiting", 0),  # Tonbridge and Malling, district, South East
    ("E09000022", "awaiting", 0),  # Lambeth, London borough
]
EXTENSION_UNTIL = datetime(2024, 7, 31, 23, 59, tzinfo=LONDON)
NOTES = [
    (
        "E07000109",
        "Clear on shared services with neighbouring districts; ask about the ICT merger.",
    ),
    ("E08000003", "Strong data section. Compare their barriers with other core cities."),
    ("E06000043", "Late because of the Cabinet date; plan itself is thorough."),
]


def _person(email: str, name: str, **extra) -> User:
    """A demo person who never signs in (no password): creating them stays fast."""
    user = User.objects.filter(email=email).first()
    return user or User.objects.create_user(email, None, full_name=name, **extra)


def _varied_narrative(source: str, text: str, council: Council, index: int) -> str:
    """The source plan's words with this council's name, some paragraphs left out."""
    text = text.replace(SOURCES[source], council.nice_name)
    paragraphs = text.split("\n\n")
    kept = [p for i, p in enumerate(paragraphs) if i < 2 or (i + index) % 4 != 0]
    return "\n\n".join(kept)


def _write(plan: Plan, officer: User, index: int) -> None:
    source = list(SOURCES)[index % len(SOURCES)]
    for number, text in NARRATIVES[source].items():
        section = ThemeSection.objects.get(plan=plan, theme__number=number)
        section_save(
            section_id=section.pk,
            narrative=_varied_narrative(source, text, plan.council, index),
            is_complete=True,
            base_edit_count=section.edit_count,
            user=officer,
        )


def _people(council: Council) -> tuple[User, User]:
    slug = re.sub(r"[^a-z0-9]", "", council.nice_name.lower())
    officer = _person(f"officer@{slug}.example.gov.uk", f"Olu Officer ({council.nice_name})")
    leader = _person(f"leader@{slug}.example.gov.uk", f"Cllr Lea Leader ({council.nice_name})")
    membership_grant(user=officer, council=council, role=Membership.Role.OFFICER,
                     title="Head of Strategy")  # fmt: skip
    membership_grant(user=leader, council=council, role=Membership.Role.COUNCILLOR,
                     title="Leader of the Council")  # fmt: skip
    return officer, leader


def _approve(plan: Plan, officer: User, leader: User, decided: date) -> Submission:
    sign_off = plan_send_for_sign_off(plan=plan, user=officer, councillors=[leader])
    sign_off_record_decision(
        sign_off_id=sign_off.pk,
        user=leader,
        outcome=SignOffDecision.Outcome.APPROVE,
        version_sha256=sign_off.version.sha256,
        declaration=True,
    )
    decision_record_save(
        sign_off_id=sign_off.pk,
        user=officer,
        route=DecisionRecord.Route.FULL_COUNCIL,
        decision_date=decided,
        decision_url=f"https://democracy.example.gov.uk/{plan.council.gss_code}/productivity-plan",
    )
    return Submission.objects.get(version=sign_off.version)


def _record_sent(submission: Submission, sent_at: datetime, deadline: datetime) -> None:
    """What the worker records after sending, dated in July 2024."""
    result = submission_render(version=submission.version)
    folder = Path(settings.SUBMISSION_PDF_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{submission.plan.council.gss_code}-demo-{submission.version.reference}.pdf"
    path.write_bytes(result.pdf)
    Submission.objects.filter(pk=submission.pk).update(
        status=Submission.Status.SENT,
        not_before=sent_at,
        sent_at=sent_at,
        is_late=sent_at > deadline,
        pdf=result.pdf,
        pdf_path=str(path),
        pdf_sha256=hashlib.sha256(result.pdf).hexdigest(),
        page_count=result.page_count,
        render_seconds=result.seconds,
        attempts=1,
        receipt_sent_at=sent_at,
    )
    Plan.objects.filter(pk=submission.plan_id).update(status=Plan.Status.SUBMITTED)
    search_index_version(version=submission.version)


# Words that make the demo panel give a paragraph a code (the panel reads; this only fakes it).
DEMO_CODING = [
    ("Funding certainty and multi-year settlements", ("multi-year", "one-year", "settlement")),
    ("Competitive bidding for funds", ("bidding", "competitive")),
    ("Reporting and data burdens", ("returns", "reporting")),
    ("Workforce and recruitment", ("recruit", "workforce", "vacanc")),
    ("Legacy IT and data sharing", ("legacy", "data sharing", "share data")),
    ("Housing", ("housing", "temporary accommodation", "homeless")),
    ("Regulation", ("regulat",)),
    ("Technology and data", ("digital", "automation", "artificial intelligence")),
]
DEMO_EXTRACTS_PER_PLAN = 6


def _demo_coding(round_2024: Round, panel: User) -> None:
    """Code a handful of paragraphs of every sent plan, so the matrix has something to show."""
    if CodedExtract.objects.filter(plan__round=round_2024).exists():
        return
    codes = {
        code.name: code for code in Code.objects.filter(round=round_2024, retired_at__isnull=True)
    }
    sent = (
        Submission.objects.filter(plan__round=round_2024, status=Submission.Status.SENT)
        .select_related("plan__council", "version")
        .order_by("plan__council__name")
    )
    for submission in sent:
        coded = 0
        for anchor, paragraph in version_paragraphs(submission.version).items():
            text = paragraph.text.lower()
            chosen = [
                codes[name]
                for name, words in DEMO_CODING
                if name in codes and any(word in text for word in words)
            ]
            if not chosen:
                continue
            extract_code(
                user=panel,
                plan=submission.plan,
                version=submission.version,
                anchor=anchor,
                codes=chosen,
            )
            coded += 1
            if coded == DEMO_EXTRACTS_PER_PLAN:
                break
    if "Housing" in codes:
        code_memo_save(
            user=panel,
            code=codes["Housing"],
            text="Temporary accommodation costs come up most in district councils' plans, "
            "usually as a barrier the government could help remove.",
        )


@transaction.atomic
def demo_panel_seed(*, round_2024: Round, admin: User) -> list[tuple[str, str]]:
    """Create (or leave as they are) the panel's demo councils, notes and second member."""
    from plans.demo import DEMO_PASSWORD  # the package imports this module

    oflog = User.objects.filter(email="oflog@example.gov.uk").first()
    if oflog is None:
        oflog = User.objects.create_user(
            "oflog@example.gov.uk", DEMO_PASSWORD, full_name="Omar Oflog", is_panel_member=True
        )
    for index, (gss_code, stage, day) in enumerate(PANEL_COUNCILS):
        council = Council.objects.filter(gss_code=gss_code).first()
        if stage is None or council is None:
            continue
        if Plan.objects.filter(council=council, round=round_2024).exists():
            continue
        officer, leader = _people(council)
        plan = plan_start(council=council, round=round_2024, user=officer)
        _write(plan, officer, index)
        if stage == "drafting":
            continue
        if stage == "awaiting":
            plan_send_for_sign_off(plan=plan, user=officer, councillors=[leader])
            continue
        deadline = round_2024.deadline
        if stage == "extension":
            deadline_extension_grant(
                council=council,
                round=round_2024,
                deadline=EXTENSION_UNTIL,
                reason="The council's Executive met on 25 July 2024, after the deadline.",
                user=admin,
            )
            deadline = EXTENSION_UNTIL
        sent_at = datetime(2024, 7, day, 10 + index % 6, 15, tzinfo=LONDON)
        submission = _approve(plan, officer, leader, (sent_at - timedelta(days=2)).date())
        _record_sent(submission, sent_at, deadline)
    panel = User.objects.get(email="panel@example.gov.uk")
    for gss_code, text in NOTES:
        plan = Plan.objects.filter(council__gss_code=gss_code, round=round_2024).first()
        if plan and not PanelNote.objects.filter(plan=plan, author=panel).exists():
            PanelNote.objects.create(plan=plan, author=panel, text=text)
    # The demo panel member also curates the codebook.
    User.objects.filter(pk=panel.pk).update(is_panel_lead=True)
    _demo_coding(round_2024, panel)
    return [("Ministry panel member (Oflog)", oflog.email)]
