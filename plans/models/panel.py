"""The ministry panel: council deadline extensions, notes, read markers and exports."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse


class DeadlineExtension(models.Model):
    """A council's own deadline for a round, later than the round's (granted by the ministry).

    One per council and round; changing it keeps the earlier dates in the audit log.
    """

    council = models.ForeignKey(
        "councils.Council", on_delete=models.PROTECT, related_name="deadline_extensions"
    )
    round = models.ForeignKey(
        "plans.Round", on_delete=models.PROTECT, related_name="deadline_extensions"
    )
    deadline = models.DateTimeField("new deadline")
    reason = models.TextField(
        "reason", help_text="For example: the council's Executive meets on 23 July."
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField("granted", auto_now=True)

    class Meta:
        verbose_name = "deadline extension"
        ordering = ["round", "council__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "round"], name="extension_one_per_council_round"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="extension_has_a_reason"),
        ]

    def __str__(self):
        return f"{self.council} until {self.deadline:%Y-%m-%d %H:%M} ({self.round})"


class TrackerStatus(models.TextChoices):
    """Where a council stands in a round, as the panel's tracker shows it."""

    NOT_STARTED = "not_started", "Not started"
    DRAFTING = "drafting", "Drafting"
    AWAITING_SIGN_OFF = "awaiting_sign_off", "Awaiting sign-off"
    APPROVED = "approved", "Approved – being sent"
    EXTENSION = "extension", "Extension granted"
    SUBMITTED_ON_TIME = "submitted_on_time", "Submitted on time"
    SUBMITTED_LATE = "submitted_late", "Submitted late"


# The statuses of a council that has sent the ministry a plan in the round.
SUBMITTED_STATUSES = (TrackerStatus.SUBMITTED_ON_TIME, TrackerStatus.SUBMITTED_LATE)


class PanelNote(models.Model):
    """A panel member's note on a council's plan, seen by the panel only."""

    plan = models.ForeignKey("plans.Plan", on_delete=models.PROTECT, related_name="panel_notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="panel_notes"
    )
    text = models.TextField("note")
    created_at = models.DateTimeField("written", auto_now_add=True)
    updated_at = models.DateTimeField("last changed", auto_now=True)
    edits = models.PositiveIntegerField("edits", default=0)

    class Meta:
        verbose_name = "panel note"
        ordering = ["plan", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="panel_note_not_empty"),
        ]

    def __str__(self):
        return f"Note by {self.author.full_name} on {self.plan}"


class PanelNoteRevision(models.Model):
    """The text of a panel note before an edit replaced it."""

    note = models.ForeignKey(PanelNote, on_delete=models.CASCADE, related_name="revisions")
    text = models.TextField("earlier text")
    written_at = models.DateTimeField("written")
    replaced_at = models.DateTimeField("replaced", auto_now_add=True)

    class Meta:
        verbose_name = "panel note revision"
        ordering = ["note", "-written_at", "-pk"]

    def __str__(self):
        return f"Earlier text of {self.note}"


class PanelReadMarker(models.Model):
    """When a panel member last opened a council's plan (read if after its latest submission)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="panel_read_markers"
    )
    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField("opened")

    class Meta:
        verbose_name = "panel read marker"
        ordering = ["user", "-read_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "plan"], name="read_marker_one_per_user_plan"),
        ]

    def __str__(self):
        return f"{self.user.full_name} opened {self.plan} at {self.read_at:%Y-%m-%d %H:%M}"


class PanelExportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Being built"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


class PanelExport(models.Model):
    """The outbox row for a ZIP of the filtered councils' submitted PDFs, built by the worker."""

    Status = PanelExportStatus
    FINISHED = (PanelExportStatus.READY, PanelExportStatus.FAILED)

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="panel_exports"
    )
    round = models.ForeignKey("plans.Round", on_delete=models.PROTECT, related_name="+")
    filters = models.JSONField("tracker filters", default=dict, blank=True)
    status = models.CharField(
        "status", max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    done = models.PositiveIntegerField("PDFs added", default=0)
    total = models.PositiveIntegerField("PDFs to add", default=0)
    file_path = models.CharField("file on disk", max_length=500, blank=True)
    error = models.TextField("error", blank=True)
    created_at = models.DateTimeField("asked for", auto_now_add=True)
    last_enqueued_at = models.DateTimeField("last enqueued", null=True, blank=True)
    started_at = models.DateTimeField("started", null=True, blank=True)
    finished_at = models.DateTimeField("finished", null=True, blank=True)
    expires_at = models.DateTimeField("link expires", null=True, blank=True)

    class Meta:
        verbose_name = "panel export"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=PanelExportStatus.values), name="panel_export_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=PanelExportStatus.READY)
                | (~Q(file_path="") & Q(expires_at__isnull=False)),
                name="panel_export_ready_has_file",
            ),
        ]

    def __str__(self):
        return f"ZIP export {self.pk} for {self.requested_by.full_name}"

    def get_absolute_url(self):
        return reverse("plans:panel_export_detail", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED

    @property
    def percent(self) -> int:
        return 100 if not self.total else round(100 * self.done / self.total)
