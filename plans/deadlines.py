"""A council's deadline for a round: the round's deadline, or the council's extension.

This is the one rule for "when is this council's plan due". `council_deadline` answers it for
one council in Python (the late flag on the receipt, the reminders, the council's pages);
`council_deadline_expression` is the same rule as SQL for querysets of councils (the panel's
tracker and its counts), so a list of 317 councils needs no query per council.

Both kinds of change in 2024 are expressible: the round's deadline moved for everyone (edit the
round), and single councils could submit after their Executive met (a DeadlineExtension).
"""

from datetime import datetime

from django.db.models import DateTimeField, OuterRef, Subquery, Value
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


def extension_expression(*, round: Round, council_ref: str = "pk") -> Subquery:
    """The council's extended deadline in the round, or NULL (for a queryset of councils)."""
    return Subquery(
        DeadlineExtension.objects.filter(
            council_id=OuterRef(council_ref), round_id=round.pk
        ).values("deadline")[:1],
        output_field=DateTimeField(),
    )


def council_deadline_expression(*, round: Round, council_ref: str = "pk") -> Coalesce:
    """`council_deadline` as SQL, for a queryset of councils (or rows naming a council)."""
    return Coalesce(
        extension_expression(round=round, council_ref=council_ref),
        Value(round.deadline, output_field=DateTimeField()),
    )
