"""Formatting for sign-off pages. Nothing here queries: views put the data in the context."""

from datetime import date, datetime

from django import template

from plans.models import AuditEvent
from plans.templatetags.govuk import govuk_date, govuk_datetime

register = template.Library()

Action = AuditEvent.Action


@register.filter
def audit_detail(event: AuditEvent) -> str:
    """What the timeline prints under an event's title (its label): names, comments, dates."""
    detail = event.detail
    if event.action == Action.SIGN_OFF_REQUESTED:
        names = detail.get("councillors") or []
        if names:
            return "All of: " + ", ".join(names)
        return f"Any {detail.get('required_count')} of the council’s councillors"
    if event.action == Action.SIGN_OFF_CHANGES_REQUESTED:
        return detail.get("comment", "")
    if event.action == Action.STATUTORY_COMMENT_ADDED:
        return detail.get("text", "")
    if event.action == Action.SIGN_OFF_OUT_OF_DATE:
        return detail.get("reason", "")
    if event.action in (Action.DECISION_RECORDED, Action.DECISION_CORRECTED):
        text = f"{detail.get('route_label', '')}, {govuk_date(_date(detail['decision_date']))}"
        if detail.get("call_in_ends"):
            text += f"; call-in ends {govuk_date(_date(detail['call_in_ends']))}"
        return text
    if event.action == Action.SUBMISSION_QUEUED:
        return _queued(event)
    return ""


def _queued(event: AuditEvent) -> str:
    # Without a call-in period still to run, not_before is the moment it was queued: saying
    # "not before" that time would read like a hold.
    not_before = event.detail.get("not_before")
    if not_before and datetime.fromisoformat(not_before) > event.created_at:
        return (
            "Held until the call-in period ends: not sent before "
            f"{govuk_datetime(datetime.fromisoformat(not_before))}"
        )
    return "Being sent to the ministry now: there is no call-in period to wait for"


def _date(value: str) -> date:
    return date.fromisoformat(value)
