"""Changes the ministry panel makes: deadline extensions, notes, read markers, ZIP exports.

A ZIP export is an outbox row (PanelExport) written in the request's transaction and handed to
the broker after commit; a broker that is down is logged and `panel_exports_sweep` enqueues the
row again, so asking for an export never fails because of the broker.
"""

import logging
import os
import secrets
import shutil
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from councils import permissions
from councils.models import Council
from plans.models import (
    DeadlineExtension,
    PanelExport,
    PanelNote,
    PanelNoteRevision,
    PanelReadMarker,
    Plan,
    Round,
    Submission,
)
from plans.outbox import publish
from plans.selectors.panel import TrackerFilters, tracker_councils
from plans.services.audit import audit_record

logger = logging.getLogger(__name__)

EXPORT_LIFETIME = timedelta(days=1)
# An export queued this long without starting, or running this long, lost its message or worker.
EXPORT_STALE = timedelta(minutes=5)


def _export_dir() -> Path:
    return Path(settings.PANEL_EXPORT_DIR)


# --- Deadline extensions ----------------------------------------------------------------------


def deadline_extension_check(*, round: Round, deadline: datetime, reason: str) -> None:
    """Raise ValidationError (keyed by field) unless the extension can be granted."""
    errors = {}
    if deadline <= round.deadline:
        errors["deadline"] = ValidationError(
            "The new deadline must be after the round’s deadline", code="not_after_deadline"
        )
    if not (reason or "").strip():
        errors["reason"] = ValidationError("Enter the reason for the extension", code="required")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def deadline_extension_grant(
    *, council: Council, round: Round, deadline: datetime, reason: str, user, ip_address=None
) -> DeadlineExtension:
    """Give the council its own deadline for the round (or change it); writes an audit event."""
    deadline_extension_check(round=round, deadline=deadline, reason=reason)
    reason = reason.strip()
    extension = (
        DeadlineExtension.objects.select_for_update().filter(council=council, round=round).first()
    )
    previous = extension.deadline.isoformat() if extension else None
    if extension is None:
        extension = DeadlineExtension(council=council, round=round)
    extension.deadline = deadline
    extension.reason = reason
    extension.granted_by = user
    extension.save()
    audit_record(
        action="deadline_extension_granted",
        plan=Plan.objects.filter(council=council, round=round).first(),
        actor=user,
        ip_address=ip_address,
        detail={
            "council": council.gss_code,
            "round": round.slug,
            "deadline": deadline.isoformat(),
            "previous_deadline": previous,
            "round_deadline": round.deadline.isoformat(),
            "reason": reason,
        },
    )
    return extension


@transaction.atomic
def deadline_extension_remove(*, extension: DeadlineExtension, user, ip_address=None) -> None:
    """Take the council back to the round's deadline; writes an audit event."""
    extension = DeadlineExtension.objects.select_for_update().get(pk=extension.pk)
    audit_record(
        action="deadline_extension_removed",
        plan=Plan.objects.filter(council_id=extension.council_id, round=extension.round).first(),
        actor=user,
        ip_address=ip_address,
        detail={
            "council": extension.council.gss_code,
            "round": extension.round.slug,
            "deadline": extension.deadline.isoformat(),
            "reason": extension.reason,
        },
    )
    extension.delete()


# --- Read markers -----------------------------------------------------------------------------


def panel_mark_read(*, user, plan: Plan, latest_sent_at=None) -> None:
    """Record that the panel member opened the plan now. Given when its latest version was sent,
    nothing is written if they have opened it since (it already shows as read)."""
    permissions.require(user, "panel_view", None)
    if (
        latest_sent_at is not None
        and PanelReadMarker.objects.filter(
            user=user, plan=plan, read_at__gte=latest_sent_at
        ).exists()
    ):
        return
    # One upsert: opening a plan is the panel's commonest request.
    PanelReadMarker.objects.bulk_create(
        [PanelReadMarker(user=user, plan=plan, read_at=timezone.now())],
        update_conflicts=True,
        unique_fields=["user", "plan"],
        update_fields=["read_at"],
    )


def panel_mark_unread(*, user, plan: Plan) -> None:
    """Forget that the panel member opened the plan (it shows as unread again)."""
    permissions.require(user, "panel_view", None)
    PanelReadMarker.objects.filter(user=user, plan=plan).delete()


# --- Notes ------------------------------------------------------------------------------------


def _note_text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": ValidationError("Enter your note", code="required")})
    return text


@transaction.atomic
def panel_note_add(*, user, plan: Plan, text: str) -> PanelNote:
    """Add a panel note to a plan the panel may read."""
    permissions.require(user, "panel_note_add", plan)
    return PanelNote.objects.create(plan=plan, author=user, text=_note_text(text))


@transaction.atomic
def panel_note_edit(*, user, note: PanelNote, text: str) -> PanelNote:
    """Change a note's text, keeping the earlier text as a revision. Only its author may."""
    note = PanelNote.objects.select_for_update().get(pk=note.pk)
    permissions.require(user, "panel_note_edit", note)
    text = _note_text(text)
    if text == note.text:
        return note
    PanelNoteRevision.objects.create(note=note, text=note.text, written_at=note.updated_at)
    note.text = text
    note.edits += 1
    note.save(update_fields=["text", "edits", "updated_at"])
    return note


# --- ZIP exports ------------------------------------------------------------------------------


def _enqueue_export(export_id: int) -> None:
    """Hand the build to the broker (plans.outbox); a broker that is down is logged, and the
    outbox sweep hands it over again."""
    if publish("panel_export_build_task", export_id):
        PanelExport.objects.filter(pk=export_id).update(last_enqueued_at=timezone.now())


@transaction.atomic
def panel_export_request(*, user, round: Round, filters: TrackerFilters) -> PanelExport:
    """Record a ZIP export of the filtered councils' sent PDFs and enqueue it after commit."""
    permissions.require(user, "panel_view", None)
    total = (
        tracker_councils(user=user, round=round, filters=filters)
        .filter(latest_submission_id__isnull=False)
        .count()
    )
    export = PanelExport.objects.create(
        requested_by=user, round=round, filters=filters.as_json(), total=total
    )
    transaction.on_commit(lambda: _enqueue_export(export.pk), robust=True)
    return export


def _member_name(council: Council, used: set[str]) -> str:
    name = f"{council.gss_code}-{slugify(council.name)}.pdf"
    return name if name not in used else f"{council.gss_code}-{len(used)}.pdf"


def _claim_export(export_id: int) -> PanelExport | None:
    with transaction.atomic():
        export = (
            PanelExport.objects.select_for_update()
            .select_related("requested_by", "round")
            .get(pk=export_id)
        )
        if export.status in PanelExport.FINISHED:
            return None
        now = timezone.now()
        if export.status == PanelExport.Status.RUNNING and export.started_at > now - EXPORT_STALE:
            return None  # another worker is on it
        export.status = PanelExport.Status.RUNNING
        export.started_at = now
        export.done = 0
        export.save(update_fields=["status", "started_at", "done"])
        return export


def panel_export_build(*, export_id: int) -> PanelExport:
    """Write the ZIP member by member on disk (one PDF in memory at a time), then mark it ready.

    Idempotent: a finished export is left alone; a rerun after a crash starts the file again.
    """
    import zipfile

    export = _claim_export(export_id)
    if export is None:
        return PanelExport.objects.get(pk=export_id)
    user = export.requested_by
    filters = TrackerFilters.from_json(export.filters)
    members = list(
        tracker_councils(user=user, round=export.round, filters=filters)
        .filter(latest_submission_id__isnull=False)
        .only("gss_code", "name")
    )
    folder = _export_dir()
    folder.mkdir(parents=True, exist_ok=True)
    final = folder / f"{export.pk}-{secrets.token_hex(8)}.zip"
    partial = final.with_suffix(".zip.part")
    PanelExport.objects.filter(pk=export.pk).update(total=len(members))
    try:
        used: set[str] = set()
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_STORED) as archive:
            for done, council in enumerate(members, start=1):
                name = _member_name(council, used)
                used.add(name)
                _write_member(archive, name, council.latest_submission_id, user)
                PanelExport.objects.filter(pk=export.pk).update(done=done)
        os.replace(partial, final)
    except Exception as error:
        partial.unlink(missing_ok=True)
        PanelExport.objects.filter(pk=export.pk).update(
            status=PanelExport.Status.FAILED,
            error=str(error)[:2000],
            finished_at=timezone.now(),
        )
        logger.exception("Panel export %s failed", export.pk)
        return PanelExport.objects.get(pk=export.pk)
    now = timezone.now()
    PanelExport.objects.filter(pk=export.pk).update(
        status=PanelExport.Status.READY,
        file_path=str(final),
        finished_at=now,
        expires_at=now + EXPORT_LIFETIME,
    )
    return PanelExport.objects.get(pk=export.pk)


def _write_member(archive, name: str, submission_id: int, user) -> None:
    """Copy one sent PDF into the archive, from its copy on disk when there is one."""
    row = (
        Submission.objects.filter(permissions.panel_submission_scope(user), pk=submission_id)
        .values("pdf_path")
        .get()
    )
    path = row["pdf_path"]
    with archive.open(name, "w") as member:
        if path and os.path.exists(path):
            with open(path, "rb") as source:
                shutil.copyfileobj(source, member, 1024 * 1024)
            return
        pdf = Submission.objects.filter(pk=submission_id).values_list("pdf", flat=True).get()
        member.write(bytes(pdf or b""))


def panel_exports_sweep(*, now: datetime | None = None) -> int:
    """Enqueue exports the broker never took or whose worker died; delete expired files.
    Returns how many exports were enqueued again."""
    now = now or timezone.now()
    stale = now - EXPORT_STALE
    lost = PanelExport.objects.filter(
        status=PanelExport.Status.QUEUED, created_at__lt=stale
    ).exclude(last_enqueued_at__gte=stale)
    abandoned = PanelExport.objects.filter(status=PanelExport.Status.RUNNING, started_at__lt=stale)
    ids = list(lost.values_list("pk", flat=True)) + list(abandoned.values_list("pk", flat=True))
    for export_id in ids:
        _enqueue_export(export_id)
    for export in PanelExport.objects.filter(
        status=PanelExport.Status.READY, expires_at__lt=now
    ).exclude(file_path=""):
        Path(export.file_path).unlink(missing_ok=True)
    return len(ids)
