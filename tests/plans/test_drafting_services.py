import threading
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from plans.models import AuditEvent, Plan, Revision
from plans.services.drafting import EditConflict, plan_start, section_save
from tests.factories import CouncilFactory, RoundFactory, councillor_of, officer_of

pytestmark = pytest.mark.django_db


def _section(plan, number=1):
    return plan.sections.get(theme__number=number)


def test_section_save_stores_text_and_records_a_revision(plan, officer):
    """Saving a theme stores the Markdown, its sanitised HTML and one new revision."""
    section = _section(plan)
    result = section_save(
        section_id=section.pk, narrative="1.1 We **merged** teams.", is_complete=False,
        base_edit_count=0, user=officer,
    )  # fmt: skip
    section.refresh_from_db()
    assert result.changed is True
    assert section.narrative == "1.1 We **merged** teams."
    assert section.narrative_html == "<p>1.1 We <strong>merged</strong> teams.</p>"
    assert section.edit_count == 1
    assert list(Revision.objects.filter(plan=plan).values_list("number", "summary")) == [
        (1, "Saved theme 1")
    ]


def test_section_save_refuses_a_stale_edit_count_and_keeps_the_newer_text(plan, officer):
    """The second of two editors working from the same saved text is refused, not applied."""
    section = _section(plan)
    other = officer_of(plan.council)
    section_save(section_id=section.pk, narrative="First", is_complete=False, base_edit_count=0,
                 user=officer)  # fmt: skip
    with pytest.raises(EditConflict) as conflict:
        section_save(section_id=section.pk, narrative="Second", is_complete=False,
                     base_edit_count=0, user=other)  # fmt: skip
    section.refresh_from_db()
    assert section.narrative == "First"
    assert conflict.value.current.narrative == "First"
    assert conflict.value.code == "edit_conflict"
    assert Revision.objects.filter(plan=plan).count() == 1


def test_section_save_refuses_another_councils_officer(plan):
    section = _section(plan)
    outsider = officer_of(CouncilFactory())
    with pytest.raises(PermissionDenied):
        section_save(section_id=section.pk, narrative="x", is_complete=False, base_edit_count=0,
                     user=outsider)  # fmt: skip
    section.refresh_from_db()
    assert section.narrative == ""


# --- plan_start --------------------------------------------------------------------------------


def test_plan_start_creates_the_plan_its_sections_an_audit_event_and_a_revision(council):
    officer = officer_of(council)
    round_ = RoundFactory()
    plan = plan_start(council=council, round=round_, user=officer, ip_address="192.0.2.1")
    assert plan.status == Plan.Status.DRAFT
    numbers = plan.sections.order_by("theme__number").values_list("theme__number", flat=True)
    assert list(numbers) == [1, 2, 3, 4]
    assert list(AuditEvent.objects.values_list("action", "plan", "actor", "ip_address")) == [
        ("plan_started", plan.pk, officer.pk, "192.0.2.1")
    ]
    assert list(plan.revisions.values_list("number", "summary")) == [(1, "Started the plan")]


def test_plan_start_is_idempotent(council):
    """Starting a started plan returns it and records nothing new."""
    officer = officer_of(council)
    round_ = RoundFactory()
    first = plan_start(council=council, round=round_, user=officer)
    second = plan_start(council=council, round=round_, user=officer_of(council))
    assert second.pk == first.pk
    assert Plan.objects.count() == 1
    assert AuditEvent.objects.count() == 1
    assert Revision.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_plan_start_from_two_threads_at_once_makes_one_plan():
    council = CouncilFactory()
    round_ = RoundFactory()
    officers = [officer_of(council), officer_of(council)]
    barrier = threading.Barrier(2)
    results, errors = [], []

    def start(user):
        try:
            barrier.wait(timeout=10)
            results.append(plan_start(council=council, round=round_, user=user).pk)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=start, args=(user,)) for user in officers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert len(set(results)) == 1 and len(results) == 2
    assert Plan.objects.count() == 1
    assert AuditEvent.objects.filter(action="plan_started").count() == 1


def test_plan_start_refuses_a_councillor(council):
    with pytest.raises(PermissionDenied):
        plan_start(council=council, round=RoundFactory(), user=councillor_of(council))
    assert Plan.objects.count() == 0


def test_plan_start_refuses_another_councils_officer(council):
    with pytest.raises(PermissionDenied):
        plan_start(council=council, round=RoundFactory(), user=officer_of(CouncilFactory()))
    assert Plan.objects.count() == 0


def test_plan_start_refuses_a_round_that_has_not_opened(council):
    future = RoundFactory(
        opens_at=timezone.now() + timedelta(days=1), deadline=timezone.now() + timedelta(days=9)
    )
    with pytest.raises(ValidationError) as refused:
        plan_start(council=council, round=future, user=officer_of(council))
    assert refused.value.code == "round_not_open"
    assert Plan.objects.count() == 0


# --- section_save ------------------------------------------------------------------------------


def test_section_save_numbers_revisions_without_gaps(plan, officer):
    section = _section(plan)
    edit_count = 0
    for text in ("One", "Two", "Three"):
        result = section_save(section_id=section.pk, narrative=text, is_complete=False,
                              base_edit_count=edit_count, user=officer)  # fmt: skip
        edit_count = result.section.edit_count
    section_save(section_id=_section(plan, 2).pk, narrative="Other theme", is_complete=True,
                 base_edit_count=0, user=officer, autosave=True)  # fmt: skip
    plan.refresh_from_db()
    assert plan.revision_count == 4
    assert list(plan.revisions.order_by("number").values_list("number", "summary", "author")) == [
        (1, "Saved theme 1", officer.pk),
        (2, "Saved theme 1", officer.pk),
        (3, "Saved theme 1", officer.pk),
        (4, "Autosaved theme 2", officer.pk),
    ]
    latest = plan.revisions.get(number=4).content
    assert [theme["narrative"] for theme in latest["themes"]] == ["Three", "Other theme", "", ""]


def test_section_save_without_a_change_records_nothing(plan, officer):
    section = _section(plan)
    section_save(section_id=section.pk, narrative="Same", is_complete=False, base_edit_count=0,
                 user=officer)  # fmt: skip
    result = section_save(section_id=section.pk, narrative="Same  \r\n", is_complete=False,
                          base_edit_count=1, user=officer)  # fmt: skip
    assert result.changed is False
    assert result.section.edit_count == 1
    assert Revision.objects.count() == 1


def test_section_save_marks_the_theme_completed(plan, officer):
    section = _section(plan)
    section_save(section_id=section.pk, narrative="Done", is_complete=True, base_edit_count=0,
                 user=officer)  # fmt: skip
    section.refresh_from_db()
    assert (section.is_complete, section.progress, section.updated_by) == (
        True, "completed", officer,
    )  # fmt: skip


def test_section_save_refuses_a_councillor_of_the_same_council(plan):
    section = _section(plan)
    with pytest.raises(PermissionDenied):
        section_save(section_id=section.pk, narrative="x", is_complete=False, base_edit_count=0,
                     user=councillor_of(plan.council))  # fmt: skip
    assert Revision.objects.count() == 0


@pytest.mark.parametrize(
    "status, word", [(Plan.Status.APPROVED, "approved"), (Plan.Status.SUBMITTED, "submitted")]
)
def test_section_save_refuses_a_plan_whose_state_does_not_allow_changes(
    plan, officer, status, word
):
    """An approved or submitted plan is what members signed: its text cannot change."""
    Plan.objects.filter(pk=plan.pk).update(status=status)
    section = _section(plan)
    with pytest.raises(ValidationError) as refused:
        section_save(section_id=section.pk, narrative="Late edit", is_complete=False,
                     base_edit_count=0, user=officer)  # fmt: skip
    assert refused.value.code == "invalid_transition"
    assert refused.value.messages == [
        f"This plan is {word}, so it can no longer be changed. To change it, start a correction "
        "from the plan's page"
    ]
    section.refresh_from_db()
    assert (section.narrative, section.edit_count) == ("", 0)
    assert Revision.objects.count() == 0


@pytest.mark.parametrize("status", [Plan.Status.DRAFT, Plan.Status.CHANGES_REQUESTED])
def test_section_save_accepts_every_editable_state(plan, officer, status):
    """Drafts are editable; editing a plan awaiting sign-off (which withdraws the request) is
    covered by the sign-off tests, since it needs a real open request."""
    Plan.objects.filter(pk=plan.pk).update(status=status)
    result = section_save(section_id=_section(plan).pk, narrative="Edit", is_complete=False,
                          base_edit_count=0, user=officer)  # fmt: skip
    assert result.changed is True
