import csv
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from councils.models import Council, Membership, User, WorkerHeartbeat

COUNCILS_CSV = Path(__file__).resolve().parent.parent / "data" / "councils_england.csv"


@transaction.atomic
def councils_load(*, path: Path = COUNCILS_CSV) -> tuple[int, int]:
    """Create or update councils from the CSV, matched by GSS code; returns (created, updated)."""
    created = updated = 0
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            _, was_created = Council.objects.update_or_create(
                gss_code=row["code"],
                defaults={
                    "short_code": row["short_code"],
                    "name": row["name"],
                    "nice_name": row["nice_name"],
                    "tier": row["tier"],
                    "region": row["region"],
                },
            )
            created += was_created
            updated += not was_created
    return created, updated


ONE_ROLE_MESSAGE = (
    "{name} is already {role} at {council}. One person cannot hold two roles in the same "
    "council: an officer who sends a plan must not also approve it as a councillor"
)


def one_role_refusal(membership: Membership, *, field: str | None = None) -> ValidationError:
    """The refusal for a second role in one council (separation of duties)."""
    error = ValidationError(
        ONE_ROLE_MESSAGE.format(
            name=membership.user.full_name or membership.user.email,
            role=f"{'an' if membership.role == Membership.Role.OFFICER else 'a'} "
            f"{membership.get_role_display().lower()}",
            council=membership.council.name,
        ),
        code="one_role_per_council",
    )
    return ValidationError({field: error}) if field else error


@transaction.atomic
def membership_grant(
    *, user: User, council: Council, role: str, title: str = "", manages_people: bool = False
) -> Membership:
    """Give a user a role in a council (idempotent for the same role); a second, different role
    in the same council is refused (one role per person per council)."""
    existing = (
        Membership.objects.select_for_update()
        .select_related("user", "council")
        .filter(user=user, council=council)
        .first()
    )
    if existing is not None and existing.role != role:
        raise one_role_refusal(existing)
    membership, _ = Membership.objects.update_or_create(
        user=user,
        council=council,
        defaults={"role": role, "title": title, "manages_people": manages_people},
    )
    return membership


def worker_heartbeat_record(*, worker: str) -> WorkerHeartbeat:
    """Record that a worker is alive (upsert by worker name)."""
    with transaction.atomic():
        beat, _ = WorkerHeartbeat.objects.select_for_update().get_or_create(
            worker=worker, defaults={"last_seen": timezone.now()}
        )
        beat.last_seen = timezone.now()
        beat.beats += 1
        beat.save(update_fields=["last_seen", "beats"])
    return beat
