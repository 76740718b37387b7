"""The one place that decides who may see or do what.

`can(user, action, obj)` answers yes or no (for templates and services); `require(...)` raises
PermissionDenied. Scoping helpers (`council_ids_for`, `plan_scope`) give selectors the filter
that limits a queryset to what the user may see, so another council's records are a 404.
"""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from councils.models import Council, Membership

Role = Membership.Role


def _roles(user, council_id: int) -> set[str]:
    """The user's roles in one council, cached on the user object for the request."""
    if not user.is_authenticated:
        return set()
    cache = getattr(user, "_council_roles", None)
    if cache is None:
        cache = {}
        for membership_council_id, role in Membership.objects.filter(user=user).values_list(
            "council_id", "role"
        ):
            cache.setdefault(membership_council_id, set()).add(role)
        user._council_roles = cache
    return cache.get(council_id, set())


def council_ids_for(user) -> set[int]:
    """Ids of the councils the user belongs to, in any role."""
    if not user.is_authenticated:
        return set()
    _roles(user, 0)
    return set(user._council_roles)


def is_panel(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_panel_member)


def plan_scope(user) -> Q:
    """Filter on Plan: the user's own councils' plans, and for the panel every submitted plan."""
    scope = Q(council_id__in=council_ids_for(user))
    if is_panel(user):
        scope |= Q(status="submitted")
    return scope


def _council_of(obj) -> int:
    if isinstance(obj, Council):
        return obj.pk
    if hasattr(obj, "council_id"):
        return obj.council_id
    # Records that belong to a plan, such as a sign-off request.
    return obj.plan.council_id


def _has_role(*roles: str) -> Callable:
    def rule(user, obj) -> bool:
        return bool(_roles(user, _council_of(obj)) & set(roles))

    return rule


def _plan_is_editable(user, plan) -> bool:
    return plan.is_editable and Role.OFFICER in _roles(user, plan.council_id)


def _may_decide_sign_off(user, sign_off) -> bool:
    """A councillor of the plan's council; when the request names councillors, one of them."""
    if Role.COUNCILLOR not in _roles(user, _council_of(sign_off)):
        return False
    named = {user.pk for user in sign_off.required_councillors.all()}
    return not named or user.pk in named


_ANY_ROLE = (Role.OFFICER, Role.COUNCILLOR, Role.STATUTORY_OFFICER)

RULES: dict[str, Callable] = {
    # Council pages
    "council_view": _has_role(*_ANY_ROLE),
    "plan_start": _has_role(Role.OFFICER),
    # One plan
    "plan_view": lambda user, plan: (
        bool(_roles(user, plan.council_id)) or (is_panel(user) and plan.status == "submitted")
    ),
    # Drafting is an officer's job; plan_edit adds "and the plan's state still allows it".
    "plan_draft": _has_role(Role.OFFICER),
    "plan_edit": _plan_is_editable,
    "plan_view_history": _has_role(*_ANY_ROLE),
    "plan_view_timeline": _has_role(*_ANY_ROLE),
    # Sign-off (the object is the plan, or the sign-off request for sign_off_decide)
    "plan_send_for_sign_off": _has_role(Role.OFFICER),
    "plan_record_decision": _has_role(Role.OFFICER),
    "plan_start_correction": _has_role(Role.OFFICER),
    "sign_off_view": _has_role(*_ANY_ROLE),
    "sign_off_decide": _may_decide_sign_off,
    "statutory_comment": _has_role(Role.STATUTORY_OFFICER),
    # Submission progress and receipt on the plan page
    "submission_view": _has_role(*_ANY_ROLE),
}


def can(user, action: str, obj) -> bool:
    """Whether `user` may do `action` to `obj`."""
    if not user.is_authenticated or not user.is_active:
        return False
    try:
        rule = RULES[action]
    except KeyError:
        raise ValueError(f"Unknown permission {action!r}") from None
    return bool(rule(user, obj))


def require(user, action: str, obj) -> None:
    """Raise PermissionDenied unless `user` may do `action` to `obj`."""
    if not can(user, action, obj):
        raise PermissionDenied(action)
