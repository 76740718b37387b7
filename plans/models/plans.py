from django.conf import settings
from django.db import models
from django.urls import reverse

from plans.models.rounds import Round, Theme


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    AWAITING_SIGN_OFF = "awaiting_sign_off", "Awaiting sign-off"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"
    APPROVED = "approved", "Approved"
    SUBMITTED = "submitted", "Submitted"


class Plan(models.Model):
    """One council's productivity plan for one round.

    Its status sets are named here once; services check them and refuse a wrong state with
    `invalid_transition`, permissions never look at them.
    """

    Status = PlanStatus

    # Officers may change the content (editing one awaiting sign-off makes that request out of
    # date).
    EDITABLE_STATUSES = (
        PlanStatus.DRAFT,
        PlanStatus.CHANGES_REQUESTED,
        PlanStatus.AWAITING_SIGN_OFF,
    )
    # A new version may be sent for sign-off.
    SENDABLE_STATUSES = (PlanStatus.DRAFT, PlanStatus.CHANGES_REQUESTED)
    # Approved or sent: changing it takes a correction, which makes it a draft again.
    CORRECTABLE_STATUSES = (PlanStatus.APPROVED, PlanStatus.SUBMITTED)

    council = models.ForeignKey("councils.Council", on_delete=models.PROTECT, related_name="plans")
    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="plans")
    status = models.CharField("status", max_length=32, choices=Status.choices, default=Status.DRAFT)
    revision_count = models.PositiveIntegerField(
        "revisions", default=0, help_text="Goes up by one with every saved change."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("started", auto_now_add=True)
    updated_at = models.DateTimeField("last changed", auto_now=True)

    class Meta:
        verbose_name = "plan"
        ordering = ["council__name"]
        constraints = [
            models.UniqueConstraint(fields=["council", "round"], name="plan_one_per_council_round"),
            models.CheckConstraint(
                condition=models.Q(status__in=PlanStatus.values),
                name="plan_status_valid",
            ),
        ]

    def __str__(self):
        return f"{self.council} – {self.round}"

    def get_absolute_url(self):
        return reverse("plans:tasklist", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE_STATUSES

    @property
    def is_sendable(self) -> bool:
        return self.status in self.SENDABLE_STATUSES

    @property
    def is_correctable(self) -> bool:
        return self.status in self.CORRECTABLE_STATUSES


class ThemeSection(models.Model):
    """A plan's narrative for one theme, in Markdown, with its sanitised HTML."""

    class Progress(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETED = "completed", "Completed"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="sections")
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="sections")
    narrative = models.TextField("narrative (Markdown)", blank=True)
    narrative_html = models.TextField("narrative (sanitised HTML)", blank=True, editable=False)
    is_complete = models.BooleanField("marked as completed", default=False)
    edit_count = models.PositiveIntegerField(
        "edit count", default=0, help_text="Goes up with every save; guards against overwrites."
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    updated_at = models.DateTimeField("last saved", null=True, blank=True)

    class Meta:
        verbose_name = "theme section"
        ordering = ["plan", "theme__number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "theme"], name="section_one_per_theme"),
        ]

    def __str__(self):
        return f"{self.plan}: theme {self.theme.number}"

    def get_absolute_url(self):
        return reverse("plans:section_edit", args=[self.plan_id, self.theme.number])

    @property
    def progress(self) -> str:
        if self.is_complete:
            return self.Progress.COMPLETED
        if self.narrative.strip():
            return self.Progress.IN_PROGRESS
        return self.Progress.NOT_STARTED

    def get_progress_display(self) -> str:
        return self.Progress(self.progress).label
