"""The one way views show a service's refusal, so every page answers a wrong state alike."""

from django.core.exceptions import ValidationError
from django.shortcuts import render

from councils import permissions
from plans.services.errors import is_invalid_transition

WRONG_STATE = 409


def add_service_errors(form, error: ValidationError) -> int:
    """Place a service's errors next to the fields they name (or above the form) and return the
    status code for the page: 409 when the plan's state refused the change, else 200."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)
    return WRONG_STATE if is_invalid_transition(error) else 200


def wrong_state(request, *, plan, message: str):
    """The page for a request the plan's state no longer allows (for example editing a plan
    that has been approved): 409, with the reason and a way back to the plan."""
    return render(
        request, "plans/wrong_state.html", {"plan": plan, "message": message}, status=WRONG_STATE
    )


def can_change_draft(user, plan) -> bool:
    """Whether a page offers "Change" links: the user's role allows editing (the permission)
    and the plan's state still does."""
    return plan.is_editable and permissions.can(user, "plan_edit", plan)
