from django.db.models import QuerySet

from councils import permissions
from councils.models import Council, Membership


def councils_for_user(*, user) -> QuerySet[Council]:
    """The councils the user belongs to, in any role."""
    return Council.objects.filter(pk__in=permissions.council_ids_for(user)).order_by("name")


def council_members(*, council: Council, role: str) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(council=council, role=role)
        .select_related("user")
        .order_by("user__full_name")
    )
