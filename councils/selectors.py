from django.db.models import QuerySet

from councils import permissions
from councils.models import Council, Membership, User


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
