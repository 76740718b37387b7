"""Dates and times the GOV.UK way, in Europe/London: 19 July 2024 at 11:59pm."""

from django import template
from django.utils import timezone

register = template.Library()


def _time(value) -> str:
    hour = value.hour % 12 or 12
    suffix = "am" if value.hour < 12 else "pm"
    if value.hour == 12 and value.minute == 0:
        return "midday"
    if value.hour == 0 and value.minute == 0:
        return "midnight"
    return f"{hour}:{value.minute:02d}{suffix}"


@register.filter
def govuk_date(value) -> str:
    if not value:
        return ""
    if hasattr(value, "tzinfo") and hasattr(value, "hour"):
        value = timezone.localtime(value)
    return f"{value.day} {value:%B %Y}"


@register.filter
def govuk_datetime(value) -> str:
    if not value:
        return ""
    value = timezone.localtime(value)
    return f"{value.day} {value:%B %Y} at {_time(value)}"


@register.filter
def govuk_time(value) -> str:
    if not value:
        return ""
    return _time(timezone.localtime(value))
