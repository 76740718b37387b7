import re
from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from plans.content import content_sha256, plan_content
from plans.models import (
    AuditEvent,
    DecisionRecord,
    Plan,
    PlanVersion,
    SignOffDecision,
    SignOffRequest,
    StatutoryComment,
    Submission,
)
from plans.selectors import (
    sign_off_record_for_version,
    sign_off_requests_awaiting,
    version_last_seen_before,
)
from plans.services.audit import audit_record
from plans.services.drafting import section_save
from plans.services.revisions import plan_record_change
from plans.services.signoff import (
    call_in_default_end,
    plan_start_correction,
    sign_off_mark_stale,
    sign_off_record_decision,
    statutory_comment_add,
)
from plans.services.versions import version_freeze
from tests.factories import CouncilFactory, councillor_of
from tests.support.signoff import (
    approve,
    field_codes,
    fill,
    record_cabinet,
    request_changes,
    send,
)

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


def state(plan):
    """Everything a refused action must leave untouched."""
    plan.refresh_from_db()
    return {
        "plan_status": plan.status,
        "requests": list(
            SignOffRequest.objects.filter(plan=plan).order_by("pk").values_list("pk", "status")
        ),
        "versions": PlanVersion.objects.filter(plan=plan).count(),
        "decisions": SignOffDecision.objects.filter(request__plan=plan).count(),
        "comments": StatutoryComment.objects.filter(version__plan=plan).count(),
        "records": list(
            DecisionRecord.objects.filter(version__plan=plan).values_list(
                "route", "decision_date", "call_in_ends"
            )
        ),
        "events": AuditEvent.objects.filter(plan=plan).count(),
    }


def actions(plan):
    return list(AuditEvent.objects.filter(plan=plan).values_list("action", flat=True))


# --- Versions ----------------------------------------------------------------------------------


def test_version_freeze_snapshots_content_with_its_hash_and_numbers_versions(ready_plan, officer):
    first = version_freeze(plan=ready_plan, user=officer)
    second = version_freeze(plan=ready_plan, user=officer)
    content = plan_content(ready_plan)
    assert (first.number, second.number) == (1, 2)
    assert first.content == content
    assert first.sha256 == content_sha256(content)
    assert first.reference == first.sha256[:12]
    assert actions(ready_plan) == ["version_frozen", "version_frozen"]


# --- Sending -----------------------------------------------------------------------------------


def test_send_freezes_a_version_and_opens_one_request(
    ready_plan, officer, leader, portfolio_holder
):
    sign_off = send(ready_plan, officer, [leader, portfolio_holder])
    ready_plan.refresh_from_db()
    assert ready_plan.status == Plan.Status.AWAITING_SIGN_OFF
    assert sign_off.status == SignOffRequest.Status.OPEN
    assert sign_off.version.number == 1
    assert sign_off.version.sha256 == content_sha256(plan_content(ready_plan))
    assert sign_off.required_count == 2
    assert set(sign_off.required_councillors.all()) == {leader, portfolio_holder}
    assert sign_off.covering_note == "Please approve by Friday."
    assert actions(ready_plan) == ["version_frozen", "sign_off_requested"]
    event = AuditEvent.objects.get(plan=ready_plan, action="sign_off_requested")
    assert event.actor == officer
    assert event.detail["councillors"] == ["Cllr Ada Leader", "Cllr Ben Portfolio"]


def test_send_with_a_count_needs_that_many_of_the_councils_councillors(
    ready_plan, officer, leader, portfolio_holder
):
    sign_off = send(ready_plan, officer, required_count=2)
    assert sign_off.required_count == 2
    assert sign_off.required_councillors.count() == 0


@pytest.mark.parametrize(
    ("kwargs", "codes"),
    [
        ({}, {"rule": ["rule_required"]}),
        ({"required_count": 3}, {"required_count": ["count_out_of_range"]}),
        ({"required_count": 0}, {"required_count": ["count_out_of_range"]}),
        (
            {"required_count": 3, "note": "x" * 2001},
            {"required_count": ["count_out_of_range"], "covering_note": ["max_length"]},
        ),
    ],
)
def test_send_refuses_a_bad_rule_and_changes_nothing(
    ready_plan, officer, leader, portfolio_holder, kwargs, codes
):
    before = state(ready_plan)
    with pytest.raises(ValidationError) as refused:
        send(ready_plan, officer, **kwargs)
    assert field_codes(refused.value) == codes
    assert state(ready_plan) == before


def test_send_refuses_someone_who_is_not_a_councillor_of_the_council(ready_plan, officer, leader):
    other = councillor_of(CouncilFactory())
    before = state(ready_plan)
    with pytest.raises(ValidationError) as refused:
        send(ready_plan, officer, [leader, officer])
    assert field_codes(refused.value) == {"councillors": ["not_a_councillor"]}
    assert refused.value.message_dict == {
        "councillors": ["Select councillors of this council only"]
    }
    with pytest.raises(ValidationError):
        send(ready_plan, officer, [other])
    assert state(ready_plan) == before


def test_send_refuses_a_plan_with_an_empty_theme(plan, officer, leader):
    fill(plan, {1: "Only the first theme"})
    with pytest.raises(ValidationError) as refused:
        send(plan, officer, [leader])
    assert refused.value.code == "incomplete"
    assert PlanVersion.objects.count() == 0


def test_send_refuses_when_the_plan_changed_since_the_officer_checked_it(
    ready_plan, officer, leader
):
    from plans.services.signoff import plan_send_for_sign_off

    before = state(ready_plan)
    with pytest.raises(ValidationError) as refused:
        plan_send_for_sign_off(
            plan=ready_plan, user=officer, councillors=[leader], expected_sha256="0" * 64
        )
    assert refused.value.code == "content_changed"
    assert state(ready_plan) == before


def test_send_refuses_a_plan_already_awaiting_sign_off(ready_plan, officer, leader):
    send(ready_plan, officer, [leader])
    before = state(ready_plan)
    with pytest.raises(ValidationError) as refused:
        send(ready_plan, officer, [leader])
    assert refused.value.code == "invalid_transition"
    assert refused.value.message == "This plan is already awaiting sign-off"
    assert state(ready_plan) == before


def test_send_refuses_to_resend_an_approved_plan(ready_plan, officer, leader):
    sign_off = send(ready_plan, officer, [leader])
    record_cabinet(sign_off, officer)
    approve(sign_off, leader)
    before = state(ready_plan)
    with pytest.raises(ValidationError) as refused:
        send(ready_plan, officer, [leader])
    assert refused.value.code == "invalid_transition"
    assert state(ready_plan) == before


def test_send_refuses_a_councillor(ready_plan, leader):
    with pytest.raises(PermissionDenied):
        send(ready_plan, leader, [leader])
    assert PlanVersion.objects.count() == 0


def test_only_one_open_request_per_plan_is_a_database_rule(ready_plan, officer, leader):
    sign_off = send(ready_plan, officer, [leader])
    version = version_freeze(plan=ready_plan, user=officer)
    with pytest.raises(IntegrityError), transaction.atomic():
        SignOffRequest.objects.create(
            plan=ready_plan, version=version, required_count=1, sent_by=officer
        )
    assert list(SignOffRequest.objects.values_list("pk", flat=True)) == [sign_off.pk]


# --- Decisions ---------------------------------------------------------------------------------


def test_approval_is_recorded_against_the_versions_hash(
    ready_plan, officer, leader, portfolio_holder
):
    sign_off = send(ready_plan, officer, [leader, portfolio_holder])
    decision = approve(sign_off, leader)
    assert decision.version_sha256 == sign_off.version.sha256
    assert (decision.councillor_name, decision.councillor_title) == (
        "Cllr Ada Leader",
        "Leader of the Council",
    )
    sign_off.refresh_from_db()
    ready_plan.refresh_from_db()
    assert sign_off.status == SignOffRequest.Status.OPEN
    assert ready_plan.status == Plan.Status.AWAITING_SIGN_OFF


def test_version_is_approved_when_every_named_councillor_approves_and_the_decision_is_recorded(
    ready_plan, officer, leader, portfolio_holder
):
    sign_off = send(ready_plan, officer, [leader, portfolio_holder])
    record_cabinet(sign_off, officer)
    approve(sign_off, leader)
    approve(sign_off, portfolio_holder)
    sign_off.refresh_from_db()
    ready_plan.refresh_from_db()
    assert sign_off.status == SignOffRequest.Status.APPROVED
    assert ready_plan.status == Plan.Status.APPROVED
    # One submission is queued for exactly this version, in the approval's transaction.
    submission = Submission.objects.get(version=sign_off.version)
    queued = AuditEvent.objects.get(plan=ready_plan, action="submission_queued")
    assert (queued.version, submission.status) == (sign_off.version, "queued")
    assert actions(ready_plan)[-4:] == [
        "sign_off_approved",
        "sign_off_approved",
        "plan_approved",
        "submission_queued",
    ]


def test_approvals_wait_for_the_councils_decision_then_recording_it_approves(
    ready_plan, officer, leader
):
    sign_off = send(ready_plan, officer, [leader])
    approve(sign_off, leader)
    sign_off.refresh_from_db()
    assert sign_off.status == SignOffRequest.Status.OPEN
    record_cabinet(sign_off, officer, route=DecisionRecord.Route.URGENCY)
    sign_off.refresh_from_db()
    assert sign_off.status == SignOffRequest.Status.APPROVED
    # Under the urgency procedure nothing holds the plan back.
    submission = Submission.objects.get(version=sign_off.version)
    assert submission.not_before <= submission.created_at + timedelta(seconds=1)


def test_count_rule_approves_after_that_many_councillors(
    ready_plan, officer, leader, portfolio_holder
):
    third = councillor_of(ready_plan.council)
    sign_off = send(ready_plan, officer, required_count=2)
    record_cabinet(sign_off, officer, route=DecisionRecord.Route.FULL_COUNCIL)
    approve(sign_off, third)
    sign_off.refresh_from_db()
    assert sign_off.status == SignOffRequest.Status.OPEN
    approve(sign_off, leader)
    sign_off.refresh_from_db()
    assert sign_off.status == SignOffRequest.Status.APPROVED
    with pytest.raises(ValidationError) as refused:
        approve(sign_off, portfolio_holder)
    assert refused.value.code == "invalid_transition"
    assert SignOffDecision.objects.count() == 2


def test_approval_against_another_hash_is_refused(ready_plan, officer, leader):
    sign_off = send(ready_plan, officer, [leader])
    record_cabinet(sign_off, officer)
    before = state(ready_plan)
    with pytest.raises(ValidationError) as refused:
        approve(sign_off, leader, sha256="f" * 64)
    assert refused.value.code == "invalid_transition"
    assert state(ready_plan) == before


@pytest.mark.parametrize("who", ["officer", "unnamed_councillor", "other_council", "statutory"])
def test_approval_by_someone_not_eligible_is_refused(
    ready_plan, officer, leader, statutory_officer, who
):
    sign_off = send(ready_plan, officer, [leader])
    user = {
        "officer": officer,
        "unnamed_councillor": councillor_of(ready_plan.council),
        "other_council": councillor_of(CouncilFactory()),
        "statutory": statutory_officer,
    }[who]
    before = state(ready_plan)
    with pytest.raises(PermissionDenied):
        approve(sign_off, user)
    assert state(ready_plan) == before


def test_approving_twice_is_refused(ready_plan, officer, leader, portfolio_holder):
    sign_off = send(ready_plan, officer, [leader, portfolio_holder])
    approve(sign_off, leader)
    before = state(ready_plan)
    with pytest.raises(ValidationError) as refused:
        approve(sign_off, leader)
    assert refused.value.code == "invalid_transition"
    assert state(ready_plan) == before


def test_approval_without_the_declaration_is_refused(ready_plan, officer, leader):
    sign_off = send(ready_plan, officer, [leader])
    before = state(ready_plan)
    with pytest.raises(ValidationError) as refused:
        sign_off_record_decision(
            sign_off_id=sign_off.pk, user=leader, outcome="approve",
            version_sha256=sign_off.version.sha256, declaration=False,
        )  # fmt: skip
    assert refused.value.message_dict == {
        "declaration": [
            "Confirm that you approve this plan for submission on behalf of "
            f"{ready_plan.council.name}"
        ]
    }
    assert field_codes(refused.value) == {"declaration": ["declaration_required"]}
    assert state(ready_plan) == before


def test_request_for_changes_without_a_comment_is_refused(ready_plan, officer, leader):
    sign_off = send(ready_plan, officer, [leader])
    before = state(ready_plan)
    with pytest.raises(ValidationError) as refused:
        request_changes(sign_off, leader, comment="   ")
    assert refused.value.message_dict == {"comment": ["Enter the changes you are asking for"]}
    assert field_codes(refused.value) == {"comment": ["comment_required"]}
    assert state(ready_plan) == before


def test_request_for_changes_returns_the_plan_to_the_officers(
    ready_plan, officer, leader, portfolio_holder
):
    sign_off = send(ready_plan, officer, [leader, portfolio_holder])
    decision = request_changes(sign_off, leader)
    sign_off.refresh_from_db()
    ready_plan.refresh_from_db()
    assert decision.comment == "Add the savings figures."
    assert sign_off.status == SignOffRequest.Status.CHANGES_REQUESTED
    assert ready_plan.status == Plan.Status.CHANGES_REQUESTED
    assert ready_plan.is_editable
    before = state(ready_plan)
    with pytest.raises(ValidationError) as refused:
        approve(sign_off, portfolio_holder)
    assert refused.value.code == "invalid_transition"
    assert state(ready_plan) == before
    resent = send(ready_plan, officer, [leader, portfolio_holder])
    assert resent.version.number == 2


# --- Staleness ---------------------------------------------------------------------------------


def test_editing_the_draft_withdraws_the_open_request(ready_plan, officer, leader):
    sign_off = send(ready_plan, officer, [leader])
    section = ready_plan.sections.get(theme__number=1)
    section_save(section_id=section.pk, narrative="1.1 Changed after sending.", is_complete=True,
                 base_edit_count=section.edit_count, user=officer)  # fmt: skip
    sign_off.refresh_from_db()
    ready_plan.refresh_from_db()
    assert sign_off.status == SignOffRequest.Status.STALE
    assert sign_off.closed_at is not None
    assert ready_plan.status == Plan.Status.DRAFT
    assert actions(ready_plan)[-1] == "sign_off_withdrawn"
    before = state(ready_plan)
    with pytest.raises(ValidationError) as refused:
        approve(sign_off, leader)
    assert refused.value.code == "invalid_transition"
    assert refused.value.message == (
        "This version is out of date: the plan was edited after it was sent. It can no longer "
        "be approved"
    )
    assert state(ready_plan) == before


def test_marking_stale_without_an_open_request_is_refused(ready_plan, officer):
    before = state(ready_plan)
    with pytest.raises(ValidationError) as refused:
        sign_off_mark_stale(plan=ready_plan, user=officer)
    assert refused.value.code == "invalid_transition"
    assert state(ready_plan) == before


def test_an_approved_plan_is_read_only(ready_plan, officer, leader):
    sign_off = send(ready_plan, officer, [leader])
    record_cabinet(sign_off, officer)
    approve(sign_off, leader)
    ready_plan.refresh_from_db()
    section = ready_plan.sections.get(theme__number=1)
    before = state(ready_plan)
    with pytest.raises(ValidationError) as edit_refused:
        section_save(section_id=section.pk, narrative="Late change", is_complete=True,
                     base_edit_count=section.edit_count, user=officer)  # fmt: skip
    assert edit_refused.value.code == "invalid_transition"
    with pytest.raises(ValidationError) as refused:
        plan_record_change(plan=ready_plan, user=officer, summary="Sneaky")
    assert refused.value.code == "invalid_transition"
    assert state(ready_plan) == before


# --- Statutory comments ------------------------------------------------------------------------


def test_statutory_officer_comments_on_a_version_awaiting_sign_off(
    ready_plan, officer, leader, statutory_officer
):
    sign_off = send(ready_plan, officer, [leader])
    comment = statutory_comment_add(
        sign_off_id=sign_off.pk, user=statutory_officer, text="Content for it to be sent."
    )
    assert (comment.version, comment.author_name, comment.author_title, comment.text) == (
        sign_off.version,
        "Mo Monitoring",
        "Monitoring Officer",
        "Content for it to be sent.",
    )
    assert actions(ready_plan)[-1] == "statutory_comment_added"


def test_statutory_comment_is_refused_to_others_and_after_sign_off(
    ready_plan, officer, leader, statutory_officer
):
    sign_off = send(ready_plan, officer, [leader])
    before = state(ready_plan)
    for user in (officer, leader):
        with pytest.raises(PermissionDenied):
            statutory_comment_add(sign_off_id=sign_off.pk, user=user, text="Hello")
    assert state(ready_plan) == before
    request_changes(sign_off, leader)
    before = state(ready_plan)
    with pytest.raises(ValidationError) as refused:
        statutory_comment_add(sign_off_id=sign_off.pk, user=statutory_officer, text="Late")
    assert refused.value.code == "invalid_transition"
    assert state(ready_plan) == before


# --- The council's decision --------------------------------------------------------------------


def test_call_in_defaults_to_five_working_days():
    assert call_in_default_end(date(2024, 7, 4)) == date(2024, 7, 11)  # Thursday
    assert call_in_default_end(date(2024, 7, 5)) == date(2024, 7, 12)  # Friday
    assert call_in_default_end(date(2024, 7, 6)) == date(2024, 7, 12)  # Saturday


def test_decision_record_fills_in_the_call_in_period_for_executive_routes(
    ready_plan, officer, leader
):
    sign_off = send(ready_plan, officer, [leader])
    record = record_cabinet(sign_off, officer, route=DecisionRecord.Route.LEADER)
    assert (record.route, record.decision_date, record.call_in_ends) == (
        "leader",
        date(2024, 7, 4),
        date(2024, 7, 11),
    )
    record = record_cabinet(sign_off, officer, call_in_ends=date(2024, 7, 20))
    assert DecisionRecord.objects.get().call_in_ends == date(2024, 7, 20)
    assert actions(ready_plan)[-2:] == ["decision_recorded", "decision_corrected"]


@pytest.mark.parametrize(
    ("overrides", "codes"),
    [
        (
            {"route": "full_council", "call_in_ends": date(2024, 7, 11)},
            {"call_in_ends": ["no_call_in"]},
        ),
        ({"route": "urgency", "call_in_ends": date(2024, 7, 11)}, {"call_in_ends": ["no_call_in"]}),
        ({"decision_date": date(2099, 1, 1)}, {"decision_date": ["date_in_future"]}),
        ({"call_in_ends": date(2024, 7, 1)}, {"call_in_ends": ["call_in_before_decision"]}),
        (
            {"route": "delegated_officer", "call_in_ends": date(2024, 7, 1)},
            {"call_in_ends": ["call_in_before_decision"]},
        ),
        ({"route": "mayor"}, {"route": ["invalid_choice"]}),
        (
            {"route": "mayor", "decision_date": date(2099, 1, 1)},
            {"route": ["invalid_choice"], "decision_date": ["date_in_future"]},
        ),
    ],
)
def test_decision_record_refuses_inconsistent_dates(ready_plan, officer, leader, overrides, codes):
    sign_off = send(ready_plan, officer, [leader])
    before = state(ready_plan)
    with pytest.raises(ValidationError) as refused:
        record_cabinet(sign_off, officer, **overrides)
    assert field_codes(refused.value) == codes
    assert state(ready_plan) == before


def test_decision_record_is_refused_once_the_request_is_closed(ready_plan, officer, leader):
    sign_off = send(ready_plan, officer, [leader])
    request_changes(sign_off, leader)
    before = state(ready_plan)
    with pytest.raises(ValidationError) as refused:
        record_cabinet(sign_off, officer)
    assert refused.value.code == "invalid_transition"
    with pytest.raises(PermissionDenied):
        record_cabinet(sign_off, leader)
    assert state(ready_plan) == before


# --- Corrections -------------------------------------------------------------------------------


def test_correction_reopens_an_approved_plan_and_keeps_the_approved_version(
    ready_plan, officer, leader
):
    sign_off = send(ready_plan, officer, [leader])
    record_cabinet(sign_off, officer)
    approve(sign_off, leader)
    plan_start_correction(plan=ready_plan, user=officer)
    ready_plan.refresh_from_db()
    sign_off.refresh_from_db()
    assert ready_plan.status == Plan.Status.DRAFT
    assert sign_off.status == SignOffRequest.Status.APPROVED
    assert sign_off_record_for_version(sign_off.version)["approvals"][0]["name"] == (
        "Cllr Ada Leader"
    )
    event = AuditEvent.objects.get(plan=ready_plan, action="correction_started")
    assert (event.version, event.detail) == (sign_off.version, {"previous_status": "approved"})
    section = ready_plan.sections.get(theme__number=2)
    section_save(section_id=section.pk, narrative="2.1 Corrected.", is_complete=True,
                 base_edit_count=section.edit_count, user=officer)  # fmt: skip
    assert send(ready_plan, officer, [leader]).version.number == 2


def test_correction_is_refused_for_a_draft_and_for_a_councillor(ready_plan, officer, leader):
    before = state(ready_plan)
    with pytest.raises(ValidationError) as refused:
        plan_start_correction(plan=ready_plan, user=officer)
    assert refused.value.code == "invalid_transition"
    with pytest.raises(PermissionDenied):
        plan_start_correction(plan=ready_plan, user=leader)
    assert state(ready_plan) == before


# --- Selectors ---------------------------------------------------------------------------------


def test_sign_off_record_for_version_has_the_shape_the_pdf_prints(
    ready_plan, officer, leader, statutory_officer
):
    sign_off = send(ready_plan, officer, [leader])
    statutory_comment_add(sign_off_id=sign_off.pk, user=statutory_officer, text="Content.")
    record_cabinet(sign_off, officer)
    decision = approve(sign_off, leader)
    comment = StatutoryComment.objects.get()
    assert sign_off_record_for_version(sign_off.version) == {
        "approvals": [
            {
                "name": "Cllr Ada Leader",
                "title": "Leader of the Council",
                "email": leader.email,
                "approved_at": decision.decided_at,
            }
        ],
        "route": "Cabinet",
        "decision_date": date(2024, 7, 4),
        "decision_url": "https://www.example.gov.uk/decisions/42",
        "call_in_ends": date(2024, 7, 11),
    }
    assert comment.text == "Content."  # kept on the sign-off screens, never printed


def test_requests_awaiting_a_councillor_follow_the_rule_and_drop_once_decided(
    ready_plan, officer, leader, portfolio_holder
):
    named = send(ready_plan, officer, [leader])
    assert list(sign_off_requests_awaiting(leader)) == [named]
    assert list(sign_off_requests_awaiting(portfolio_holder)) == []
    assert list(sign_off_requests_awaiting(officer)) == []
    request_changes(named, leader)
    assert list(sign_off_requests_awaiting(leader)) == []
    by_count = send(ready_plan, officer, required_count=1)
    assert list(sign_off_requests_awaiting(portfolio_holder)) == [by_count]
    assert list(sign_off_requests_awaiting(leader)) == [by_count]
    assert list(sign_off_requests_awaiting(councillor_of(CouncilFactory()))) == []


def test_last_version_seen_is_the_previous_one_sent_to_that_councillor(
    ready_plan, officer, leader, portfolio_holder
):
    first = send(ready_plan, officer, [leader])
    request_changes(first, leader)
    second = send(ready_plan, officer, [portfolio_holder])
    request_changes(second, portfolio_holder)
    third = send(ready_plan, officer, [leader, portfolio_holder])
    assert version_last_seen_before(sign_off=third, user=leader) == first.version
    assert version_last_seen_before(sign_off=third, user=portfolio_holder) == second.version
    assert version_last_seen_before(sign_off=first, user=leader) is None


def test_statutory_comment_too_long_is_refused_next_to_the_text(
    ready_plan, officer, leader, statutory_officer
):
    sign_off = send(ready_plan, officer, [leader])
    before = state(ready_plan)
    with pytest.raises(ValidationError) as refused:
        statutory_comment_add(sign_off_id=sign_off.pk, user=statutory_officer, text="x" * 5001)
    assert refused.value.message_dict == {
        "text": ["Your comment must be 5,000 characters or fewer"]
    }
    assert state(ready_plan) == before


# --- Vocabulary --------------------------------------------------------------------------------


def test_every_audit_action_written_in_the_code_base_is_in_the_vocabulary():
    root = Path(settings.BASE_DIR)
    written = {
        match
        for path in [
            *root.joinpath("plans").rglob("*.py"),
            *root.joinpath("councils").rglob("*.py"),
        ]
        if "migrations" not in path.parts
        for match in re.findall(r'\baction="([a-z_]+)"', path.read_text())
    }
    # The services write through the constants; the other modules' literals are found here.
    assert {"plan_started", "version_frozen", "submission_sent"} <= written
    assert written <= set(AuditEvent.Action.values), written - set(AuditEvent.Action.values)


def test_an_action_outside_the_vocabulary_is_refused(ready_plan):
    with pytest.raises(ValueError, match="'sign_off_vanished' is not a valid AuditAction"):
        audit_record(action="sign_off_vanished", plan=ready_plan)
    assert AuditEvent.objects.count() == 0


def test_withdrawn_means_only_an_unsent_submission_cancelled_by_a_correction():
    labels = [
        *AuditEvent.Action.labels,
        *SignOffRequest.Status.labels,
        *Submission.Status.labels,
    ]
    assert [label for label in labels if "withdrawn" in label.lower()] == [
        "Unsent submission withdrawn: a correction was started",
        "Withdrawn (a correction was started before it was sent)",
    ]
    assert SignOffRequest.Status.STALE.label == "Out of date"
