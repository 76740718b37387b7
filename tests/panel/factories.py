"""Councils at every stage of a round, as the panel's tracker sees them."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from councils.models import Council
from plans.models import Plan, Submission
from plans.services.delivery import submission_schedule
from plans.services.search import search_index_version
from plans.services.signoff import plan_start_correction
from tests.factories import CouncilFactory, PlanFactory, RoundFactory, UserFactory, officer_of
from tests.submission.factories import approved_version, version_sent_for_sign_off

REGION = "Testland"
PDF = b"%PDF-1.7 panel test\n" + b"0" * 2000


def panel_member(**kwargs):
    return UserFactory(is_panel_member=True, **kwargs)


def test_round(**kwargs):
    # Eight days ahead at 23:59 London time, so "8 days to the deadline" holds at any hour.
    default = datetime.combine(
        timezone.localdate() + timedelta(days=8), time(23, 59), tzinfo=ZoneInfo("Europe/London")
    )
    deadline = kwargs.pop("deadline", default)
    return RoundFactory(deadline=deadline, **kwargs)


test_round.__test__ = False  # a factory, not a test


def council(name: str, *, tier=Council.Tier.DISTRICT, region=REGION) -> Council:
    return CouncilFactory(name=name, nice_name=name, tier=tier, region=region)


def drafting_plan(council, round_, status=Plan.Status.DRAFT) -> Plan:
    plan = PlanFactory(council=council, round=round_)
    Plan.objects.filter(pk=plan.pk).update(status=status)
    plan.status = status
    return plan


def awaiting_plan(council, round_) -> Plan:
    """A version sent for sign-off and not decided yet (its text must stay out of panel pages)."""
    plan = PlanFactory(council=council, round=round_)
    version_sent_for_sign_off(
        plan, narratives={1: "AWAITING-SIGN-OFF secret words", 2: "", 3: "", 4: ""}
    )
    plan.refresh_from_db()
    return plan


def approved_unsent_plan(council, round_) -> Plan:
    """Approved and queued for sending, but not sent yet."""
    plan = PlanFactory(council=council, round=round_)
    approved_version(
        plan,
        narratives={1: "APPROVED-NOT-SENT secret words", 2: "", 3: "", 4: ""},
        call_in_ends=timezone.localdate() + timedelta(days=3),
    )
    plan.refresh_from_db()
    return plan


def send(version, *, sent_at: datetime | None = None, pages: int = 5) -> Submission:
    """Record the version as sent to the ministry (without a worker or a mail server)."""
    submission = submission_schedule(version=version, not_before=None)
    Submission.objects.filter(pk=submission.pk).update(
        status=Submission.Status.SENT,
        sent_at=sent_at or timezone.now(),
        is_late=False,
        pdf=PDF + version.sha256.encode(),
        pdf_sha256="d" * 64,
        page_count=pages,
    )
    Plan.objects.filter(pk=version.plan_id).update(status=Plan.Status.SUBMITTED)
    search_index_version(version=version)  # as the delivery service does when it records a send
    return Submission.objects.get(pk=submission.pk)


def submitted_plan(
    council, round_, *, sent_at=None, text="Our plan", pages=5, paragraphs=3
) -> Plan:
    plan = PlanFactory(council=council, round=round_)
    version = approved_version(
        plan,
        narratives={1: f"1.1 {text}\n\n1.2 Second paragraph.", 2: "", 3: "", 4: ""},
        created_by=officer_of(council),
    )
    send(version, sent_at=sent_at, pages=pages)
    plan.refresh_from_db()
    return plan


def corrected_version(plan: Plan, *, narratives: dict[int, str] | None = None):
    """A correction of a sent plan, approved through the services (not sent yet)."""
    officer = plan.versions.order_by("-number").first().created_by
    plan_start_correction(plan=Plan.objects.get(pk=plan.pk), user=officer)
    return approved_version(plan, narratives=narratives, created_by=officer)
