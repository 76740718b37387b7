from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from councils import permissions
from councils.models import Council, Invitation, Membership, PeopleEvent, User


def councils_for_user(*, user) -> QuerySet[Council]:
    """The councils the user belongs to, in any role."""
    return Council.objects.filter(pk__in=permissions.council_ids_for(user)).order_by("name")


def council_users(*, council_id: int, role: str) -> QuerySet[User]:
    """Active people with this role in the council (for example the officers to email)."""
    return (
        User.objects.filter(
            is_active=True, memberships__council_id=council_id, memberships__role=role
        )
        .distinct()
        .order_by("full_name", "email")
    )


def membership_title(*, user, council_id: int, role: str | None = None) -> str:
    """The user's job title or office in the council ("" when none is recorded)."""
    memberships = Membership.objects.filter(user=user, council_id=council_id)
    if role:
        memberships = memberships.filter(role=role)
    membership = memberships.order_by("role").first()
    return membership.title if membership else ""


# --- People ------------------------------------------------------------------------------------


def council_people(*, council: Council) -> QuerySet[Membership]:
    """The council's people, by role then name."""
    return (
        Membership.objects.filter(council=council)
        .select_related("user")
        .order_by("role", "user__full_name", "user__email")
    )


def invitations_pending(*, council: Council | None) -> QuerySet[Invitation]:
    """Invitations not yet accepted or withdrawn (expired ones too: they can be sent again), to
    the council or, with no council, to the ministry panel."""
    invitations = Invitation.objects.filter(status=Invitation.Status.PENDING)
    if council is None:
        return invitations.filter(council__isnull=True).order_by("email")
    return invitations.filter(council=council).order_by("email")


def first_officer_invitations_pending() -> QuerySet[Invitation]:
    """Pending invitations of councils' officers who manage people, for the ministry's page."""
    return (
        Invitation.objects.filter(status=Invitation.Status.PENDING, manages_people=True)
        .select_related("council")
        .order_by("council__name", "email")
    )


def people_events(*, council: Council | None, limit: int = 100) -> QuerySet[PeopleEvent]:
    """The latest changes to people: the council's, or with no council the ministry's (the
    panel's, and what the ministry's administrators did)."""
    events = PeopleEvent.objects.select_related("actor", "council")
    if council is None:
        events = events.filter(Q(council__isnull=True) | Q(actor__is_staff=True))
    else:
        events = events.filter(council=council)
    return events.order_by("-created_at", "-pk")[:limit]


def panel_members() -> QuerySet[User]:
    return User.objects.filter(is_panel_member=True).order_by("full_name", "email")


def invitation_visible(*, user, pk: int) -> Invitation:
    """An invitation the user may manage, or 404 (another council's invitation is a 404)."""
    return get_object_or_404(
        Invitation.objects.filter(permissions.invitation_scope(user)).select_related("council"),
        pk=pk,
    )
