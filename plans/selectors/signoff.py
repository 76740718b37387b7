"""Reads about sign-off. The sign-off screens provide the real record; this gives its shape."""

from plans.models import PlanVersion


def sign_off_record_for_version(version: PlanVersion) -> dict:
    """Who approved `version`, by which route and when, and the statutory comments on it."""
    return {
        "approvals": [],
        "route": "",
        "decision_date": None,
        "decision_url": "",
        "call_in_ends": None,
        "statutory_comments": [],
    }


__all__ = ["sign_off_record_for_version"]
