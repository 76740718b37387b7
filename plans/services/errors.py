"""How services refuse: one vocabulary for every service.

A refusal because of the plan's state (it was approved, sent, or someone else moved it on) is an
`invalid_transition`; views answer it with 409 on every page. A refusal of what the user typed
is keyed by the form field it belongs to, so views place it next to that field.
"""

from django.core.exceptions import ValidationError

INVALID_TRANSITION = "invalid_transition"


def invalid_transition(message: str) -> ValidationError:
    """The object's state does not allow this change (answered with 409)."""
    return ValidationError(message, code=INVALID_TRANSITION)


def field_error(field: str, message: str, *, code: str) -> ValidationError:
    """An input error that belongs next to `field` on the form."""
    return ValidationError({field: ValidationError(message, code=code)})


def is_invalid_transition(error: ValidationError) -> bool:
    return any(
        getattr(item, "code", None) == INVALID_TRANSITION
        for item in (error.error_list if hasattr(error, "error_list") else [])
    )
