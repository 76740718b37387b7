"""Reads for sign-off: requests awaiting a councillor, the sign-off record, the timeline."""

from django.db.models import Exists, OuterRef, QuerySet
from django.shortcuts import get_object_or_404

from councils import permissions
from councils.models import Membership, User
from plans.models import (
    AuditEvent,
    DecisionRecord,
    Plan,
    PlanVersion,
    SignOffDecision,
    SignOffRequest,
    StatutoryComment,
)

Role = Membership.Role


def sign_off_eligible_councillors(sign_off: SignOffRequest) -> QuerySet[User]:
    """Who may decide: the named councillors, or else every councillor of the plan's council."""
    return permissions.councillors_who_may_decide(sign_off)


def sign_off_requests_awaiting(user) -> QuerySet[SignOffRequest]:
    """Open requests the councillor may decide on and has not decided on yet."""
    if not user.is_authenticated:
        return SignOffRequest.objects.none()
    decided = SignOffDecision.objects.filter(request_id=OuterRef("pk"), councillor_id=user.pk)
    return (
        SignOffRequest.objects.filter(status=SignOffRequest.Status.OPEN)
        .filter(permissions.sign_offs_decidable_by(user))
        .exclude(Exists(decided))
        .select_related("plan__council", "plan__round", "version", "sent_by")
        .order_by("sent_at")
    )


def sign_off_for_version(*, plan: Plan, number: int) -> SignOffRequest:
    """The sign-off request for one version of a visible plan (404 when there is none)."""
    queryset = SignOffRequest.objects.select_related(
        "plan__council", "plan__round", "version__created_by", "sent_by"
    ).prefetch_related("required_councillors")
    return get_object_or_404(queryset, plan=plan, version__number=number)


def sign_off_latest(plan: Plan) -> SignOffRequest | None:
    return (
        SignOffRequest.objects.filter(plan=plan)
        .select_related("version")
        .order_by("-version__number")
        .first()
    )


def sign_off_decisions(sign_off: SignOffRequest) -> QuerySet[SignOffDecision]:
    return sign_off.decisions.select_related("councillor").order_by("decided_at", "pk")


def sign_off_has_decided(*, sign_off: SignOffRequest, user) -> SignOffDecision | None:
    return SignOffDecision.objects.filter(request=sign_off, councillor_id=user.pk).first()


def statutory_comments_for_version(version: PlanVersion) -> QuerySet[StatutoryComment]:
    return version.statutory_comments.order_by("created_at", "pk")


def decision_record_for_version(version: PlanVersion) -> DecisionRecord | None:
    return DecisionRecord.objects.filter(version=version).first()


def version_last_seen_before(*, sign_off: SignOffRequest, user) -> PlanVersion | None:
    """The latest earlier version of the plan that was sent to this councillor for sign-off."""
    earlier = SignOffRequest.objects.filter(
        plan_id=sign_off.plan_id, version__number__lt=sign_off.version.number
    )
    seen = earlier.filter(permissions.sign_offs_asking(user))
    last = seen.select_related("version").order_by("-version__number").first()
    return last.version if last else None


def sign_off_record_for_version(version: PlanVersion) -> dict:
    """What prints with the plan: who approved and how the council decided. Statutory officers'
    comments stay on the council's sign-off screens: they are advice to members, not part of
    what the ministry, its panel or residents read."""
    approvals = (
        SignOffDecision.objects.filter(
            request__version=version, outcome=SignOffDecision.Outcome.APPROVE
        )
        .select_related("councillor")
        .order_by("decided_at", "pk")
    )
    record = DecisionRecord.objects.filter(version=version).first()
    return {
        "approvals": [
            {
                "name": decision.councillor_name,
                "title": decision.councillor_title,
                "approved_at": decision.decided_at,
                "email": decision.councillor.email,
            }
            for decision in approvals
        ],
        "route": record.get_route_display() if record else "",
        "decision_date": record.decision_date if record else None,
        "decision_url": record.decision_url if record else "",
        "call_in_ends": record.call_in_ends if record else None,
    }


def plan_timeline(plan: Plan) -> QuerySet[AuditEvent]:
    """The plan's audit events, oldest first."""
    return (
        AuditEvent.objects.filter(plan=plan)
        .select_related("actor", "version")
        .order_by("created_at", "pk")
    )


def plan_councillors(plan: Plan) -> QuerySet[Membership]:
    """The council's councillors, who may be asked to sign off."""
    return (
        Membership.objects.filter(
            council_id=plan.council_id, role=Role.COUNCILLOR, user__is_active=True
        )
        .select_related("user")
        .order_by("user__full_name")
    )


__all__ = [
    "decision_record_for_version",
    "plan_councillors",
    "plan_timeline",
    "sign_off_decisions",
    "sign_off_eligible_councillors",
    "sign_off_for_version",
    "sign_off_has_decided",
    "sign_off_latest",
    "sign_off_record_for_version",
    "sign_off_requests_awaiting",
    "statutory_comments_for_version",
    "version_last_seen_before",
]
