"""The one place that decides who may see or do what.

`can(user, action, obj)` answers yes or no (for views and services); `require(...)` raises
PermissionDenied. Each rule that selectors also need as a query keeps its queryset filter next
to it (`plan_scope` beside `plan_view`, `sign_off_deciders` and `sign_offs_decidable_by` beside
`sign_off_decide`), so the two never drift apart.

Rules are about roles only. Whether the object's state allows the action (a plan that is
approved cannot be edited, a closed request cannot be decided) is checked by the service, which
refuses with `invalid_transition`; views answer that with 409.
"""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q

from councils.models import Council, Membership, User
from plans.models import SignOffRequest, Submission

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


# --- Second factor --------------------------------------------------------------------------

# Roles whose approval or reading reaches beyond their own drafting: a second factor is a must.
SECOND_FACTOR_ROLES = (Role.COUNCILLOR, Role.STATUTORY_OFFICER)


def second_factor_required(user) -> bool:
    """Councillors, statutory officers, panel members and administrators must give a second
    factor at every sign-in; officers may choose to set one up (and then must give it too)."""
    if not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser or user.is_panel_member:
        return True
    _roles(user, 0)
    return any(roles & set(SECOND_FACTOR_ROLES) for roles in user._council_roles.values())


# --- Seeing a plan: the rule and its filter ----------------------------------------------------


def _may_view_plan(user, plan) -> bool:
    """Anyone in the plan's council. The ministry panel reads sent versions through its own
    pages (`panel_plan_scope` below), never a council's working pages, which show the draft."""
    return bool(_roles(user, plan.council_id))


def plan_scope(user) -> Q:
    """Filter on Plan matching `plan_view`: the user's own councils' plans."""
    return Q(council_id__in=council_ids_for(user))


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


# --- Deciding a sign-off: the rule and its filters --------------------------------------------


def _may_decide_sign_off(user, sign_off) -> bool:
    """A councillor of the plan's council; when the request names councillors, one of them."""
    if Role.COUNCILLOR not in _roles(user, _council_of(sign_off)):
        return False
    named = {user.pk for user in sign_off.required_councillors.all()}
    return not named or user.pk in named


def sign_off_deciders(sign_off) -> Q:
    """Filter on User matching `sign_off_decide`: active councillors of the plan's council, and
    when the request names councillors, only those."""
    deciders = Q(
        is_active=True,
        memberships__council_id=sign_off.plan.council_id,
        memberships__role=Role.COUNCILLOR,
    )
    named = [user.pk for user in sign_off.required_councillors.all()]
    if named:
        deciders &= Q(pk__in=named)
    return deciders


def councillors_who_may_decide(sign_off):
    """The users `sign_off_decide` allows for this request, by name."""
    return User.objects.filter(sign_off_deciders(sign_off)).distinct().order_by("full_name")


def sign_offs_asking(user) -> Q:
    """Filter on SignOffRequest: requests that ask this user, by name or (naming nobody) any
    councillor. With the councillor role (`sign_offs_decidable_by`) this is `sign_off_decide`;
    alone it is "was this version sent to them"."""
    named = SignOffRequest.required_councillors.through.objects.filter(
        signoffrequest_id=OuterRef("pk")
    )
    return Q(Exists(named.filter(user_id=user.pk))) | ~Q(Exists(named))


def sign_offs_decidable_by(user) -> Q:
    """Filter on SignOffRequest matching `sign_off_decide` for this user."""
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    councils = [
        council_id
        for council_id in council_ids_for(user)
        if Role.COUNCILLOR in _roles(user, council_id)
    ]
    return Q(plan__council_id__in=councils) & sign_offs_asking(user)


# --- The ministry panel: every rule beside the queryset filter that scopes the same records ---
# The panel sees a council's plan only once a version has been sent to the ministry, and then
# only its sent versions: never a draft, an unapproved or unsent version, or sign-off discussion.


def panel_submission_scope(user) -> Q:
    """Filter on Submission: for the panel, submissions sent to the ministry; else nothing."""
    return Q(status=Submission.Status.SENT) if is_panel(user) else Q(pk__in=[])


def panel_plan_scope(user) -> Q:
    """Filter on Plan: for the panel, plans with at least one sent submission; else nothing."""
    if not is_panel(user):
        return Q(pk__in=[])
    sent = Submission.objects.filter(panel_submission_scope(user), plan_id=OuterRef("pk"))
    return Q(Exists(sent))


def _panel_may_read_plan(user, plan) -> bool:
    return is_panel(user) and plan.submissions.filter(panel_submission_scope(user)).exists()


def panel_export_scope(user) -> Q:
    """Filter on PanelExport: a panel member's own exports only."""
    return Q(requested_by_id=user.pk) if is_panel(user) else Q(pk__in=[])


def panel_note_scope(user) -> Q:
    """Filter on PanelNote: every note on a plan the panel may read, for the panel only."""
    if not is_panel(user):
        return Q(pk__in=[])
    from plans.models import Submission

    sent = Submission.objects.filter(panel_submission_scope(user), plan_id=OuterRef("plan_id"))
    return Q(Exists(sent))


# --- People: the council's people managers and the ministry's administrators ----------------
# An officer with "manages people" invites, removes and changes the roles of the council's
# people; a ministry administrator (is_staff) invites a council's first officer and the panel.


def managed_council_ids(user) -> set[int]:
    """Ids of the councils whose people the user manages, cached on the user for the request."""
    if not user.is_authenticated or not user.is_active:
        return set()
    cache = getattr(user, "_managed_council_ids", None)
    if cache is None:
        cache = set(
            Membership.objects.filter(
                user=user, role=Role.OFFICER, manages_people=True
            ).values_list("council_id", flat=True)
        )
        user._managed_council_ids = cache
    return cache


def is_ministry_admin(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_staff)


def _second_factor_given(user) -> bool:
    """Whether the user gave a second factor in this session (set by django-otp's middleware)."""
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified and is_verified())


def _may_manage_people(user, obj) -> bool:
    """An officer who manages people in the council (the object is the council, a membership
    or an invitation of it)."""
    return _council_of(obj) in managed_council_ids(user)


def people_council_scope(user) -> Q:
    """Filter on Council: the councils whose People page the user may reach at all (their own;
    `people_manage` then decides, so a member who does not manage people gets 403, anyone else
    404)."""
    return Q(pk__in=council_ids_for(user))


def _may_manage_invitation(user, invitation) -> bool:
    """The ministry's administrators manage every invitation; a council's people managers
    manage that council's invitations."""
    if is_ministry_admin(user):
        return True
    return invitation.council_id is not None and _may_manage_people(user, invitation)


def invitation_scope(user) -> Q:
    """Filter on Invitation matching `invitation_manage`."""
    if is_ministry_admin(user):
        return Q()
    return Q(council_id__in=managed_council_ids(user))


# --- The panel's codebook and coding ---------------------------------------------------------
# Every panel member codes passages, writes memos and reads the codebook, the matrix and the
# quotes. Only a panel lead curates the codebook (adds, changes, merges and retires codes). A
# ministry administrator who is also on the panel may curate it too (they run the panel); an
# administrator who is not on the panel has no part in the panel's analysis at all.


def is_panel_lead(user) -> bool:
    return is_panel(user) and bool(user.is_panel_lead or user.is_staff)


def code_scope(user) -> Q:
    """Filter on Code: every round's codebook, for the panel only."""
    return Q() if is_panel(user) else Q(pk__in=[])


def extract_scope(user) -> Q:
    """Filter on CodedExtract: for the panel, extracts of versions sent to the ministry."""
    if not is_panel(user):
        return Q(pk__in=[])
    sent = Submission.objects.filter(
        panel_submission_scope(user), version_id=OuterRef("version_id")
    )
    return Q(Exists(sent))


_ANY_ROLE = (Role.OFFICER, Role.COUNCILLOR, Role.STATUTORY_OFFICER)

RULES: dict[str, Callable] = {
    # Council pages
    "plan_start": _has_role(Role.OFFICER),
    # One plan
    "plan_view": _may_view_plan,
    # Drafting is an officer's job (whether the plan may still change is the service's check).
    "plan_edit": _has_role(Role.OFFICER),
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
    # The ministry panel (the object is None for panel-wide pages)
    "panel_view": lambda user, obj: is_panel(user),
    "panel_plan_view": _panel_may_read_plan,
    "panel_note_add": _panel_may_read_plan,
    "panel_note_edit": lambda user, note: is_panel(user) and note.author_id == user.pk,
    "panel_export_download": lambda user, export: (
        is_panel(user) and export.requested_by_id == user.pk
    ),
    # People (the object is the council, or a membership or invitation of it)
    "people_manage": _may_manage_people,
    "invitation_manage": _may_manage_invitation,
    # The ministry's People page: first officers and panel members (the object is None)
    "ministry_people_manage": lambda user, obj: is_ministry_admin(user),
    # The codebook (the object is the round, or a code); every panel member reads it.
    "codebook_manage": lambda user, obj: is_panel_lead(user),
    "code_memo_edit": lambda user, code: is_panel(user),
    # Coding a submitted plan's passage (the object is the plan)
    "extract_code": _panel_may_read_plan,
    # What each health check found (the object is None): a ministry administrator who has
    # given the second factor in this session. Anyone else learns "ok" or "unavailable" only.
    "health_details": lambda user, obj: is_ministry_admin(user) and _second_factor_given(user),
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
