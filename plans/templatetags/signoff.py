"""Sign-off panels shown on drafting pages (the task list and "Check your plan")."""

from django import template

from councils import permissions
from plans import selectors
from plans.services.signoff import CORRECTABLE_STATUSES, SENDABLE_STATUSES

register = template.Library()


@register.inclusion_tag("plans/signoff/_summary.html", takes_context=True)
def sign_off_summary(context, plan):
    """The latest sign-off request: its status, and the comments of councillors asking for
    changes, with what the signed-in user may do next."""
    user = context["request"].user
    latest = selectors.sign_off_latest(plan)
    return {
        "plan": plan,
        "latest": latest,
        "changes": [
            decision
            for decision in (selectors.sign_off_decisions(latest) if latest else [])
            if decision.outcome == decision.Outcome.REQUEST_CHANGES
        ]
        if latest and latest.status == latest.Status.CHANGES_REQUESTED
        else [],
        "can_send": plan.status in SENDABLE_STATUSES
        and permissions.can(user, "plan_send_for_sign_off", plan),
        "can_correct": plan.status in CORRECTABLE_STATUSES
        and permissions.can(user, "plan_start_correction", plan),
        "can_view_timeline": permissions.can(user, "plan_view_timeline", plan),
    }


@register.inclusion_tag("plans/signoff/_send_button.html", takes_context=True)
def sign_off_send_button(context, plan):
    user = context["request"].user
    return {
        "plan": plan,
        "can_send": plan.status in SENDABLE_STATUSES
        and permissions.can(user, "plan_send_for_sign_off", plan),
    }
