"""The submission status block and the length meter, shown on the plan's pages."""

from django import template

from councils import permissions
from plans import selectors

register = template.Library()


@register.inclusion_tag("plans/includes/submission_status.html", takes_context=True)
def submission_status(context, plan):
    user = context["request"].user
    submission = None
    if permissions.can(user, "submission_view", plan):
        submission = selectors.submission_latest_for_plan(plan=plan)
    return {"plan": plan, "submission": submission}


@register.inclusion_tag("plans/includes/length_meter.html")
def length_meter(plan):
    return {"plan": plan, "estimate": selectors.page_count_for_plan(plan=plan)}
