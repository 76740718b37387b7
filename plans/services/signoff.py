"""Member sign-off of one exact version: one function per transition.

Every transition locks the plan row first (then the sign-off request), so edits, decisions and
decision records on one plan happen one at a time; checks the state; writes an audit event; and
sends its emails through a task once the transaction has committed.

This module is the one home of sign-off's rules. A wrong state is refused with
`invalid_transition` (the `*_ensure_*` checks, which views also call to answer a page that the
state no longer allows); bad input is refused with errors keyed by the form field they belong
to, in the words the user sees. Forms only parse.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from councils import permissions
from councils.models import Membership, User
from councils.selectors import council_users, membership_title
from plans import selectors
from plans.content import content_sha256, plan_content
from plans.markdown import normalise_text
from plans.models import (
    AuditEvent,
    DecisionRecord,
    OutboxMessage,
    Plan,
    SignOffDecision,
    SignOffRequest,
    StatutoryComment,
)
from plans.models.signoff import CALL_IN_ROUTES, NO_CALL_IN_ROUTES, DecisionRoute
from plans.outbox import outbox_record
from plans.services.audit import audit_record
from plans.services.delivery import submission_schedule, submission_withdraw_pending
from plans.services.errors import field_error, invalid_transition
from plans.services.versions import version_freeze
from productivity.mail import templated_email

LONDON = ZoneInfo("Europe/London")
Action = AuditEvent.Action
CALL_IN_WORKING_DAYS = 5
MAX_NOTE_CHARACTERS = 2000
MAX_COMMENT_CHARACTERS = 5000


def _raise_if_any(errors: dict[str, ValidationError]) -> None:
    """Refuse with every input error at once, each keyed by its field."""
    if errors:
        raise ValidationError(errors)


def _too_long(what: str, limit: int) -> ValidationError:
    return ValidationError(f"{what} must be {limit:,} characters or fewer", code="max_length")


def _lock_plan(plan_id: int) -> Plan:
    return (
        Plan.objects.select_for_update(of=("self",))
        .select_related("council", "round")
        .get(pk=plan_id)
    )


def _lock_sign_off(sign_off_id: int) -> tuple[Plan, SignOffRequest]:
    """Lock the plan, then its sign-off request (always in that order, to avoid deadlocks)."""
    plan_id = SignOffRequest.objects.values_list("plan_id", flat=True).get(pk=sign_off_id)
    plan = _lock_plan(plan_id)
    sign_off = (
        SignOffRequest.objects.select_for_update(of=("self",))
        .select_related("version")
        .get(pk=sign_off_id)
    )
    sign_off.plan = plan
    return plan, sign_off


def _close(sign_off: SignOffRequest, status: str) -> None:
    sign_off.status = status
    sign_off.closed_at = timezone.now()
    sign_off.save(update_fields=["status", "closed_at"])


def _set_plan_status(plan: Plan, status: str) -> None:
    plan.status = status
    plan.save(update_fields=["status", "updated_at"])


def _title(user: User, council_id: int, role: str) -> str:
    return membership_title(user=user, council_id=council_id, role=role)


def _closed_message(sign_off: SignOffRequest) -> str:
    return {
        SignOffRequest.Status.STALE: "This version is out of date: the plan was edited after "
        "it was sent. It can no longer be approved",
        SignOffRequest.Status.APPROVED: "This version has already been approved",
        SignOffRequest.Status.CHANGES_REQUESTED: "Changes have already been requested on "
        "this version. It can no longer be approved",
    }.get(sign_off.status, "This version is not awaiting sign-off")


# --- State checks (views call them too, to answer a page the state no longer allows) ------------

_NOT_OPEN = {
    "comment": "Comments can only be added while the version is awaiting sign-off",
    "record_decision": "The council’s decision can only be recorded while the version awaits "
    "sign-off",
}


def plan_ensure_sendable(plan: Plan) -> None:
    """Refuse unless a new version of the plan may be sent for sign-off."""
    if plan.is_sendable:
        return
    if plan.status == Plan.Status.AWAITING_SIGN_OFF:
        raise invalid_transition("This plan is already awaiting sign-off")
    raise invalid_transition(
        f"This plan is {plan.get_status_display().lower()}. Start a correction to change it "
        "and send a new version for sign-off"
    )


def plan_ensure_correctable(plan: Plan) -> None:
    """Refuse unless the plan is approved or submitted."""
    if not plan.is_correctable:
        raise invalid_transition("Only an approved or submitted plan can be corrected")


def sign_off_ensure_open(sign_off: SignOffRequest, *, to: str) -> None:
    """Refuse unless the request still awaits sign-off; `to` is "decide", "comment" or
    "record_decision" and chooses the words."""
    if sign_off.is_open:
        return
    raise invalid_transition(_closed_message(sign_off) if to == "decide" else _NOT_OPEN[to])


def _notify(kind: str, object_id: int) -> None:
    """Record the event's emails in the outbox, in the transition's transaction."""
    outbox_record(
        kind=OutboxMessage.Kind.SIGN_OFF_EMAIL,
        key=f"{kind}:{object_id}",
        payload={"kind": kind, "object_id": object_id},
    )


# --- Sending for sign-off ----------------------------------------------------------------------


@transaction.atomic
def plan_send_for_sign_off(
    *,
    plan: Plan,
    user: User,
    councillors: Sequence[User] = (),
    required_count: int | None = None,
    covering_note: str = "",
    expected_sha256: str | None = None,
    ip_address: str | None = None,
) -> SignOffRequest:
    """Freeze a version and ask councillors to sign it off; emails each of them.

    Give either `councillors` (all must approve) or `required_count` (that many of the council's
    councillors). With `expected_sha256` (the reference the officer confirmed) the request is
    refused if the plan changed since.
    """
    plan = _lock_plan(plan.pk)
    permissions.require(user, "plan_send_for_sign_off", plan)
    plan_ensure_sendable(plan)
    request = sign_off_request_validate(
        plan=plan,
        councillors=councillors,
        required_count=required_count,
        covering_note=covering_note,
    )
    chosen_ids = request.councillor_ids
    required_count, covering_note = request.required_count, request.covering_note
    content = plan_content(plan)
    if any(not theme["narrative"].strip() for theme in content["themes"]):
        raise ValidationError(
            "Answer every theme before you send the plan for sign-off", code="incomplete"
        )
    if expected_sha256 is not None and content_sha256(content) != expected_sha256:
        raise ValidationError(
            "The plan has changed since you checked it. Check the new version before you send it",
            code="content_changed",
        )
    version = version_freeze(plan=plan, user=user)
    sign_off = SignOffRequest.objects.create(
        plan=plan,
        version=version,
        required_count=required_count,
        covering_note=covering_note,
        sent_by=user,
    )
    if chosen_ids:
        sign_off.required_councillors.set(chosen_ids)
    _set_plan_status(plan, Plan.Status.AWAITING_SIGN_OFF)
    audit_record(
        action=Action.SIGN_OFF_REQUESTED,
        plan=plan,
        version=version,
        actor=user,
        ip_address=ip_address,
        detail={
            "reference": version.reference,
            "required_count": required_count,
            "councillors": sorted(
                User.objects.filter(pk__in=chosen_ids).values_list("full_name", flat=True)
            ),
        },
    )
    _notify("requested", sign_off.pk)
    return sign_off


@dataclass(frozen=True)
class SignOffRule:
    """Who must approve, checked: the named councillors' ids (or none) and the count needed."""

    councillor_ids: frozenset[int]
    required_count: int
    covering_note: str


def sign_off_request_validate(
    *,
    plan: Plan,
    councillors: Sequence[User] = (),
    required_count: int | None = None,
    covering_note: str = "",
) -> SignOffRule:
    """Check who must approve and the covering note, without changing anything.

    The officer's confirm page calls it before showing the version's reference; sending calls
    it again. Errors are keyed by the send form's fields.
    """
    errors = {}
    eligible = selectors.plan_councillors(plan)
    chosen_ids = frozenset(councillor.pk for councillor in councillors)
    if bool(chosen_ids) == (required_count is not None):
        errors["rule"] = ValidationError(
            "Select the councillors who must approve, or enter how many approvals are needed",
            code="rule_required",
        )
    elif chosen_ids:
        found = set(eligible.filter(user_id__in=chosen_ids).values_list("user_id", flat=True))
        if found != chosen_ids:
            errors["councillors"] = ValidationError(
                "Select councillors of this council only", code="not_a_councillor"
            )
        required_count = len(chosen_ids)
    elif not 1 <= required_count <= eligible.count():
        errors["required_count"] = ValidationError(
            f"The number of approvals must be between 1 and {eligible.count()}, the number of "
            "councillors who can sign off",
            code="count_out_of_range",
        )
    covering_note = normalise_text(covering_note)
    if len(covering_note) > MAX_NOTE_CHARACTERS:
        errors["covering_note"] = _too_long("The covering note", MAX_NOTE_CHARACTERS)
    _raise_if_any(errors)
    return SignOffRule(
        councillor_ids=chosen_ids, required_count=required_count, covering_note=covering_note
    )


# --- Councillors' decisions --------------------------------------------------------------------

SEPARATION_OF_DUTIES = "separation_of_duties"


def sign_off_duty_conflict(*, sign_off: SignOffRequest, user: User) -> str | None:
    """Why this person may not decide on this version (separation of duties), or None: nobody
    decides on a version they sent for sign-off or whose council decision they recorded."""
    if sign_off.sent_by_id == user.pk:
        return (
            "You sent this version for sign-off, so you cannot decide on it. Another "
            "councillor must approve it"
        )
    if DecisionRecord.objects.filter(version_id=sign_off.version_id, recorded_by=user).exists():
        return (
            "You recorded the council’s decision on this version, so you cannot decide on it. "
            "Another councillor must approve it"
        )
    return None


@transaction.atomic
def sign_off_record_decision(
    *,
    sign_off_id: int,
    user: User,
    outcome: str,
    version_sha256: str,
    comment: str = "",
    declaration: bool = False,
    ip_address: str | None = None,
) -> SignOffDecision:
    """Record a councillor's approval or request for changes against the version's hash.

    A request for changes closes the request and returns the plan to the officers; the approval
    that meets the rule (with the council's decision recorded) approves the version and
    schedules its submission. Emails the council's officers.
    """
    plan, sign_off = _lock_sign_off(sign_off_id)
    permissions.require(user, "sign_off_decide", sign_off)
    sign_off_ensure_open(sign_off, to="decide")
    if version_sha256 != sign_off.version.sha256:
        raise invalid_transition(
            "The version you were shown is not the version awaiting sign-off. Read the "
            "current version before you decide"
        )
    if SignOffDecision.objects.filter(request=sign_off, councillor=user).exists():
        raise invalid_transition("You have already made your decision on this version")
    conflict = sign_off_duty_conflict(sign_off=sign_off, user=user)
    if conflict:
        raise ValidationError(conflict, code=SEPARATION_OF_DUTIES)
    comment = normalise_text(comment)
    errors = {}
    if outcome == SignOffDecision.Outcome.APPROVE:
        if not declaration:
            errors["declaration"] = ValidationError(
                f"Confirm that you approve this plan for submission on behalf of "
                f"{plan.council.name}",
                code="declaration_required",
            )
    elif outcome == SignOffDecision.Outcome.REQUEST_CHANGES:
        if not comment:
            errors["comment"] = ValidationError(
                "Enter the changes you are asking for", code="comment_required"
            )
    else:
        errors["outcome"] = ValidationError(
            "Select whether you approve this version of the plan", code="invalid_choice"
        )
    if len(comment) > MAX_COMMENT_CHARACTERS:
        errors["comment"] = _too_long("Your comment", MAX_COMMENT_CHARACTERS)
    _raise_if_any(errors)
    decision = SignOffDecision.objects.create(
        request=sign_off,
        councillor=user,
        councillor_name=user.full_name,
        councillor_title=_title(user, plan.council_id, Membership.Role.COUNCILLOR),
        outcome=outcome,
        comment=comment,
        version_sha256=sign_off.version.sha256,
    )
    audit_record(
        action=Action.SIGN_OFF_APPROVED
        if outcome == SignOffDecision.Outcome.APPROVE
        else Action.SIGN_OFF_CHANGES_REQUESTED,
        plan=plan,
        version=sign_off.version,
        actor=user,
        ip_address=ip_address,
        detail={"sha256": sign_off.version.sha256, "comment": comment},
    )
    _notify("decided", decision.pk)
    if outcome == SignOffDecision.Outcome.REQUEST_CHANGES:
        _close(sign_off, SignOffRequest.Status.CHANGES_REQUESTED)
        _set_plan_status(plan, Plan.Status.CHANGES_REQUESTED)
    else:
        _approve_if_complete(plan=plan, sign_off=sign_off)
    return decision


def _approve_if_complete(*, plan: Plan, sign_off: SignOffRequest) -> bool:
    """Approve the version once the rule is met and the council's decision is recorded."""
    approvals = sign_off.decisions.filter(outcome=SignOffDecision.Outcome.APPROVE).count()
    record = DecisionRecord.objects.filter(version=sign_off.version).first()
    if approvals < sign_off.required_count or record is None:
        return False
    _close(sign_off, SignOffRequest.Status.APPROVED)
    _set_plan_status(plan, Plan.Status.APPROVED)
    not_before = submission_not_before(record)
    audit_record(
        action=Action.PLAN_APPROVED,
        plan=plan,
        version=sign_off.version,
        detail={
            "sha256": sign_off.version.sha256,
            "approvals": approvals,
            "route": record.route,
            "not_before": not_before.isoformat() if not_before else None,
        },
    )
    submission_schedule(version=sign_off.version, not_before=not_before)
    _notify("approved", sign_off.pk)
    return True


def submission_not_before(record: DecisionRecord) -> datetime | None:
    """The end of the call-in period (end of that day in Europe/London); None under urgency."""
    if record.route == DecisionRoute.URGENCY or record.call_in_ends is None:
        return None
    return datetime.combine(record.call_in_ends, time.max, tzinfo=LONDON)


# --- Statutory officers ------------------------------------------------------------------------


@transaction.atomic
def statutory_comment_add(
    *, sign_off_id: int, user: User, text: str, ip_address: str | None = None
) -> StatutoryComment:
    """Add a statutory officer's comment to a version awaiting sign-off."""
    plan, sign_off = _lock_sign_off(sign_off_id)
    permissions.require(user, "statutory_comment", plan)
    sign_off_ensure_open(sign_off, to="comment")
    text = normalise_text(text)
    if not text:
        raise field_error("text", "Enter your comment", code="required")
    if len(text) > MAX_COMMENT_CHARACTERS:
        raise ValidationError({"text": _too_long("Your comment", MAX_COMMENT_CHARACTERS)})
    comment = StatutoryComment.objects.create(
        version=sign_off.version,
        author=user,
        author_name=user.full_name,
        author_title=_title(user, plan.council_id, Membership.Role.STATUTORY_OFFICER),
        text=text,
    )
    audit_record(
        action=Action.STATUTORY_COMMENT_ADDED,
        plan=plan,
        version=sign_off.version,
        actor=user,
        ip_address=ip_address,
        detail={"title": comment.author_title, "text": text},
    )
    return comment


# --- Out-of-date requests ---------------------------------------------------------------------


@transaction.atomic
def sign_off_mark_stale(
    *, plan: Plan, user: User, reason: str = "The plan was edited after it was sent"
) -> SignOffRequest:
    """Make the plan's open request out of date (its version can no longer be approved) and
    return the plan to draft. Emails the councillors who were asked and had not decided.
    """
    locked = _lock_plan(plan.pk)
    sign_off = (
        SignOffRequest.objects.select_for_update(of=("self",))
        .select_related("version")
        .filter(plan=locked, status=SignOffRequest.Status.OPEN)
        .first()
    )
    if sign_off is None:
        raise invalid_transition("This plan has no request for sign-off awaiting a decision")
    _close(sign_off, SignOffRequest.Status.STALE)
    _set_plan_status(locked, Plan.Status.DRAFT)
    plan.status = locked.status
    audit_record(
        action=Action.SIGN_OFF_OUT_OF_DATE,
        plan=locked,
        version=sign_off.version,
        actor=user,
        detail={"reason": reason},
    )
    # The email kind keeps its first name; what the email says is "out of date".
    _notify("withdrawn", sign_off.pk)
    return sign_off


# --- The council's decision --------------------------------------------------------------------


def call_in_default_end(decision_date: date) -> date:
    """Five working days (Monday to Friday) after the decision, the usual call-in period."""
    day, counted = decision_date, 0
    while counted < CALL_IN_WORKING_DAYS:
        day += timedelta(days=1)
        if day.weekday() < 5:
            counted += 1
    return day


@transaction.atomic
def decision_record_save(
    *,
    sign_off_id: int,
    user: User,
    route: str,
    decision_date: date,
    decision_url: str = "",
    call_in_ends: date | None = None,
    ip_address: str | None = None,
) -> DecisionRecord:
    """Record (or correct) how the council decided, while the version awaits sign-off.

    Executive routes get the usual call-in period when none is given. If every approval is
    already in, this approves the version and schedules its submission.
    """
    plan, sign_off = _lock_sign_off(sign_off_id)
    permissions.require(user, "plan_record_decision", plan)
    sign_off_ensure_open(sign_off, to="record_decision")
    if sign_off.decisions.filter(councillor=user).exists():
        raise ValidationError(
            "You decided on this version as a councillor, so you cannot record the council’s "
            "decision on it. Another officer must",
            code=SEPARATION_OF_DUTIES,
        )
    errors = {}
    if route not in DecisionRoute.values:
        errors["route"] = ValidationError("Select how the council decided", code="invalid_choice")
    if decision_date > timezone.localdate():
        errors["decision_date"] = ValidationError(
            "The date of the decision must be today or in the past", code="date_in_future"
        )
    if route in NO_CALL_IN_ROUTES and call_in_ends is not None:
        errors["call_in_ends"] = ValidationError(
            f"Leave the call-in date empty: a decision by {DecisionRoute(route).label.lower()} "
            "cannot be called in",
            code="no_call_in",
        )
    elif route in CALL_IN_ROUTES and call_in_ends is None:
        call_in_ends = call_in_default_end(decision_date)
    elif call_in_ends is not None and call_in_ends < decision_date:
        errors["call_in_ends"] = ValidationError(
            "The call-in period must end on or after the date of the decision",
            code="call_in_before_decision",
        )
    _raise_if_any(errors)
    record, created = DecisionRecord.objects.update_or_create(
        version=sign_off.version,
        defaults={
            "route": route,
            "decision_date": decision_date,
            "decision_url": decision_url,
            "call_in_ends": call_in_ends,
            "recorded_by": user,
        },
    )
    audit_record(
        action=Action.DECISION_RECORDED if created else Action.DECISION_CORRECTED,
        plan=plan,
        version=sign_off.version,
        actor=user,
        ip_address=ip_address,
        detail={
            "route": route,
            "route_label": record.get_route_display(),
            "decision_date": decision_date.isoformat(),
            "decision_url": decision_url,
            "call_in_ends": call_in_ends.isoformat() if call_in_ends else None,
        },
    )
    _approve_if_complete(plan=plan, sign_off=sign_off)
    return record


# --- Corrections -------------------------------------------------------------------------------


@transaction.atomic
def plan_start_correction(*, plan: Plan, user: User, ip_address: str | None = None) -> Plan:
    """Reopen an approved or submitted plan as a draft; its approved versions stay on record.

    A submission not yet sent (for example held until the call-in period ends) is withdrawn, so
    the superseded version never reaches the ministry; one already sending or sent stays on
    record, and the correction goes as a new version.
    """
    plan = _lock_plan(plan.pk)
    permissions.require(user, "plan_start_correction", plan)
    plan_ensure_correctable(plan)
    previous = plan.status
    _set_plan_status(plan, Plan.Status.DRAFT)
    approved = (
        SignOffRequest.objects.filter(plan=plan, status=SignOffRequest.Status.APPROVED)
        .select_related("version")
        .order_by("-version__number")
        .first()
    )
    audit_record(
        action=Action.CORRECTION_STARTED,
        plan=plan,
        version=approved.version if approved else None,
        actor=user,
        ip_address=ip_address,
        detail={"previous_status": previous},
    )
    submission_withdraw_pending(plan=plan, user=user)
    return plan


# --- Emails ------------------------------------------------------------------------------------


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _officers(plan: Plan) -> list[User]:
    return list(council_users(council_id=plan.council_id, role=Membership.Role.OFFICER))


def _message(template: str, context: dict, recipient: User) -> EmailMultiAlternatives:
    context = {**context, "recipient": recipient, "service_name": settings.SERVICE_NAME}
    subject = render_to_string(f"plans/emails/{template}_subject.txt", context).strip()
    return templated_email(
        f"plans/emails/{template}", context, subject=" ".join(subject.split()), to=[recipient.email]
    )


def sign_off_email_send(*, kind: str, object_id: int) -> int:
    """Send the emails for one sign-off event; returns how many were sent.

    kind: "requested" and "withdrawn" (to councillors; object is the request), "decided" (to
    officers; object is the decision), "approved" (to officers; object is the request).
    """
    if kind == "decided":
        decision = SignOffDecision.objects.select_related(
            "request__plan__council", "request__plan__round", "request__version"
        ).get(pk=object_id)
        sign_off = decision.request
    else:
        decision = None
        sign_off = SignOffRequest.objects.select_related(
            "plan__council", "plan__round", "version", "sent_by"
        ).get(pk=object_id)
    plan = sign_off.plan
    context = {
        "plan": plan,
        "council": plan.council,
        "sign_off": sign_off,
        "version": sign_off.version,
        "decision": decision,
        "sign_off_url": _absolute(sign_off.get_absolute_url()),
        "plan_url": _absolute(plan.get_absolute_url()),
    }
    if kind == "requested":
        recipients = list(selectors.sign_off_eligible_councillors(sign_off))
    elif kind == "withdrawn":
        decided = sign_off.decisions.values("councillor_id")
        recipients = list(selectors.sign_off_eligible_councillors(sign_off).exclude(pk__in=decided))
    elif kind in ("decided", "approved"):
        recipients = _officers(plan)
    else:
        raise ValueError(f"Unknown sign-off email {kind!r}")
    messages = [_message(f"sign_off_{kind}", context, recipient) for recipient in recipients]
    if not messages:
        return 0
    with get_connection() as connection:
        return connection.send_messages(messages)
