"""A council's deadline for a round: the round's deadline, or the council's extension.

This is the one rule for "when is this council's plan due". `council_deadline` answers it for
one council in Python (the late flag on the receipt, the reminders, the council's pages);
`with_council_deadline` is the same rule as SQL for querysets of councils (the panel's
tracker and its counts), so a list of 317 councils needs no query per council.

Both kinds of change in 2024 are expressible: the round's deadline moved for everyone (edit the
round), and single councils could submit after their Executive met (a DeadlineExtension).
"""

from datetime import datetime

from django.db.models import DateTimeField, F, FilteredRelation, Q, QuerySet, Value
from django.db.models.functions import Coalesce

from plans.models import DeadlineExtension, Round


def council_deadline(*, council_id: int, round: Round) -> datetime:
    """When the council's plan for the round is due (its extension when it has one)."""
    extended = (
        DeadlineExtension.objects.filter(council_id=council_id, round_id=round.pk)
        .values_list("deadline", flat=True)
        .first()
    )
    return extended or round.deadline


def with_council_deadline(councils: QuerySet, *, round: Round) -> QuerySet:
    """`council_deadline` as SQL: annotates a queryset of councils with `extension_until` (the
    extended deadline or NULL), `extension_reason` and `deadline` (the council's deadline), by
    one LEFT JOIN on the council's extension in the round."""
    return councils.annotate(
        round_extension=FilteredRelation(
            "deadline_extensions", condition=Q(deadline_extensions__round_id=round.pk)
        )
    ).annotate(
        extension_until=F("round_extension__deadline"),
        extension_reason=F("round_extension__reason"),
        deadline=Coalesce(
            F("round_extension__deadline"), Value(round.deadline, output_field=DateTimeField())
        ),
    )
