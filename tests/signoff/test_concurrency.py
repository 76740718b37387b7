"""Races on real PostgreSQL: each thread has its own database connection and transaction."""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connections

from plans.content import content_sha256, plan_content
from plans.models import AuditEvent, Plan, SignOffDecision, SignOffRequest, Submission
from plans.services.drafting import section_save
from plans.services.signoff import sign_off_record_decision
from tests.factories import CouncilFactory, PlanFactory, councillor_of, officer_of
from tests.support.signoff import fill, record_cabinet, send

pytestmark = pytest.mark.django_db(transaction=True)


def run_together(*calls):
    """Run each call in its own thread, released at the same moment; returns results/errors."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def worker(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except Exception as error:  # noqa: BLE001 (the test inspects what each call raised)
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def approver(sign_off, councillor, sha256):
    def call():
        return sign_off_record_decision(
            sign_off_id=sign_off.pk, user=councillor, outcome="approve",
            version_sha256=sha256, declaration=True,
        )  # fmt: skip

    return call


def setup_plan():
    council = CouncilFactory()
    plan = fill(PlanFactory(council=council))
    officer = officer_of(council)
    return plan, officer, councillor_of(council), councillor_of(council)


def test_two_named_councillors_approving_at_once_approve_the_version_exactly_once():
    plan, officer, first, second = setup_plan()
    sign_off = send(plan, officer, [first, second])
    record_cabinet(sign_off, officer)
    sha = sign_off.version.sha256
    results = run_together(approver(sign_off, first, sha), approver(sign_off, second, sha))
    assert all(isinstance(result, SignOffDecision) for result in results), results
    sign_off.refresh_from_db()
    plan.refresh_from_db()
    # The call-in period has passed, so the approved version went straight to the ministry.
    assert (sign_off.status, plan.status) == (
        SignOffRequest.Status.APPROVED,
        Plan.Status.SUBMITTED,
    )
    assert SignOffDecision.objects.filter(request=sign_off).count() == 2
    assert AuditEvent.objects.filter(plan=plan, action="plan_approved").count() == 1
    assert Submission.objects.filter(version=sign_off.version).count() == 1


def test_two_councillors_racing_for_one_needed_approval_record_exactly_one():
    plan, officer, first, second = setup_plan()
    sign_off = send(plan, officer, required_count=1)
    record_cabinet(sign_off, officer)
    sha = sign_off.version.sha256
    results = run_together(approver(sign_off, first, sha), approver(sign_off, second, sha))
    decisions = [result for result in results if isinstance(result, SignOffDecision)]
    refusals = [result for result in results if isinstance(result, ValidationError)]
    assert (len(decisions), len(refusals)) == (1, 1), results
    assert refusals[0].code == "invalid_transition"
    assert SignOffDecision.objects.filter(request=sign_off).count() == 1
    assert AuditEvent.objects.filter(plan=plan, action="plan_approved").count() == 1
    assert Submission.objects.filter(version=sign_off.version).count() == 1


@pytest.mark.parametrize("attempt", range(3))
def test_an_approval_racing_an_edit_only_ever_approves_the_hash_shown(attempt):
    plan, officer, councillor, _ = setup_plan()
    sign_off = send(plan, officer, [councillor])
    record_cabinet(sign_off, officer)
    shown = sign_off.version.sha256
    section = plan.sections.get(theme__number=1)

    def edit():
        return section_save(
            section_id=section.pk, narrative=f"1.1 Edited during sign-off ({attempt}).",
            is_complete=True, base_edit_count=section.edit_count, user=officer,
        )  # fmt: skip

    approval, edited = run_together(approver(sign_off, councillor, shown), edit)
    sign_off.refresh_from_db()
    plan.refresh_from_db()
    live = content_sha256(plan_content(Plan.objects.get(pk=plan.pk)))
    if isinstance(approval, SignOffDecision):
        # The approval won the lock: the plan is approved and the edit was refused.
        assert isinstance(edited, ValidationError), edited
        assert edited.code == "invalid_transition"
        assert (sign_off.status, plan.status) == (
            SignOffRequest.Status.APPROVED,
            Plan.Status.SUBMITTED,
        )
        assert approval.version_sha256 == shown == sign_off.version.sha256 == live
    else:
        # The edit won: the request went out of date and nothing was approved.
        assert isinstance(approval, ValidationError) and approval.code == "invalid_transition"
        assert (sign_off.status, plan.status) == (SignOffRequest.Status.STALE, Plan.Status.DRAFT)
        assert live != shown
        assert SignOffDecision.objects.filter(request=sign_off).count() == 0
    assert sign_off.version.sha256 == content_sha256(sign_off.version.content) == shown


def test_an_approval_waits_for_an_edit_holding_the_plan_and_is_then_refused():
    """The edit holds the plan row; the approval blocks on it, then finds the request stale."""
    plan, officer, councillor, _ = setup_plan()
    sign_off = send(plan, officer, [councillor])
    record_cabinet(sign_off, officer)
    section = plan.sections.get(theme__number=1)
    edit_holds_lock = threading.Event()
    release_edit = threading.Event()

    def slow_edit():
        from django.db import transaction

        with transaction.atomic():
            section_save(section_id=section.pk, narrative="1.1 Edited.", is_complete=True,
                         base_edit_count=section.edit_count, user=officer)  # fmt: skip
            edit_holds_lock.set()
            release_edit.wait(timeout=30)

    def approve_after_edit_starts():
        edit_holds_lock.wait(timeout=30)
        started = time.monotonic()
        try:
            return approver(sign_off, councillor, sign_off.version.sha256)()
        finally:
            approve_after_edit_starts.waited = time.monotonic() - started

    def release_later():
        edit_holds_lock.wait(timeout=30)
        time.sleep(0.5)
        release_edit.set()

    _, approval, _ = run_together(slow_edit, approve_after_edit_starts, release_later)
    assert isinstance(approval, ValidationError) and approval.code == "invalid_transition"
    assert approve_after_edit_starts.waited >= 0.4
    sign_off.refresh_from_db()
    assert sign_off.status == SignOffRequest.Status.STALE
    assert SignOffDecision.objects.count() == 0


def test_an_edit_waits_for_an_approval_holding_the_plan_and_is_then_refused():
    """The approval that completes sign-off holds the plan row; the edit then finds it approved."""
    plan, officer, councillor, _ = setup_plan()
    sign_off = send(plan, officer, [councillor])
    record_cabinet(sign_off, officer)
    section = plan.sections.get(theme__number=1)
    approval_holds_lock = threading.Event()

    def slow_approval():
        from django.db import transaction

        with transaction.atomic():
            decision = approver(sign_off, councillor, sign_off.version.sha256)()
            approval_holds_lock.set()
            time.sleep(0.5)
        return decision

    def edit_after_approval_starts():
        approval_holds_lock.wait(timeout=30)
        return section_save(section_id=section.pk, narrative="1.1 Too late.", is_complete=True,
                            base_edit_count=section.edit_count, user=officer)  # fmt: skip

    approval, edited = run_together(slow_approval, edit_after_approval_starts)
    assert isinstance(approval, SignOffDecision)
    assert isinstance(edited, ValidationError)
    assert edited.code == "invalid_transition"
    plan.refresh_from_db()
    assert plan.status == Plan.Status.SUBMITTED
    assert content_sha256(plan_content(plan)) == approval.version_sha256
