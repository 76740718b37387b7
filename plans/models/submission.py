from django.db import models
from django.urls import reverse


class SubmissionStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RENDERING = "rendering", "Rendering the PDF"
    SENDING = "sending", "Sending to the ministry"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    WITHDRAWN = "withdrawn", "Withdrawn (a correction was started before it was sent)"


class Submission(models.Model):
    """The outbox row for one approved version: render, email to the ministry, record, publish.

    Created in the approval's transaction, so a dead broker or worker delays it but never
    loses it: the periodic sweep re-enqueues every due submission that is not sent.
    """

    Status = SubmissionStatus
    IN_PROGRESS = (SubmissionStatus.RENDERING, SubmissionStatus.SENDING)
    # Not sent and no email in flight: a correction withdraws these so they are never sent.
    WITHDRAWABLE = (SubmissionStatus.QUEUED, SubmissionStatus.RENDERING, SubmissionStatus.FAILED)
    # Nothing more will happen to these without someone acting: the status page stops polling.
    FINISHED = (SubmissionStatus.SENT, SubmissionStatus.FAILED, SubmissionStatus.WITHDRAWN)

    version = models.OneToOneField(
        "plans.PlanVersion", on_delete=models.PROTECT, related_name="submission"
    )
    plan = models.ForeignKey("plans.Plan", on_delete=models.PROTECT, related_name="submissions")
    status = models.CharField(
        "status", max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    not_before = models.DateTimeField(
        "not before", help_text="When the call-in period ends; nothing is sent before this."
    )
    attempts = models.PositiveSmallIntegerField(
        "attempts", default=0, help_text="Counted before each try, so a crash still counts."
    )
    message_id = models.CharField("email Message-ID", max_length=255, unique=True)
    claimed_until = models.DateTimeField(
        "claimed until",
        null=True,
        blank=True,
        help_text="A worker is on it until then; after that the sweep takes it over.",
    )
    last_enqueued_at = models.DateTimeField("last enqueued", null=True, blank=True)
    next_retry_at = models.DateTimeField("next retry", null=True, blank=True)
    failure_reason = models.TextField("failure reason", blank=True)
    pdf = models.BinaryField("PDF", null=True, blank=True, editable=False)
    pdf_path = models.CharField("PDF copy on disk", max_length=500, blank=True)
    pdf_sha256 = models.CharField("PDF SHA-256", max_length=64, blank=True)
    page_count = models.PositiveSmallIntegerField("pages", null=True, blank=True)
    render_seconds = models.FloatField("render time (seconds)", null=True, blank=True)
    sent_at = models.DateTimeField("sent", null=True, blank=True)
    is_late = models.BooleanField("sent after the deadline", null=True, blank=True)
    receipt_sent_at = models.DateTimeField("receipt sent", null=True, blank=True)
    failure_notified_at = models.DateTimeField("failure notified", null=True, blank=True)
    created_at = models.DateTimeField("created", auto_now_add=True)
    updated_at = models.DateTimeField("last changed", auto_now=True)

    class Meta:
        verbose_name = "submission"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=SubmissionStatus.values),
                name="submission_status_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=SubmissionStatus.SENT)
                | (models.Q(sent_at__isnull=False) & ~models.Q(pdf_sha256="")),
                name="submission_sent_has_receipt_facts",
            ),
        ]
        indexes = [models.Index(fields=["status", "not_before"], name="submission_due_idx")]

    def __str__(self):
        return f"Submission of {self.version}"

    def get_absolute_url(self):
        return reverse("plans:tasklist", args=[self.plan_id])

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED

    @property
    def reference(self) -> str:
        """The submission reference people quote: round-council-version."""
        return f"PP-{self.pk:05d}-{self.version.reference}"


class AttemptOutcome(models.TextChoices):
    STARTED = "started", "Started (outcome unknown: the worker stopped)"
    SENT = "sent", "Sent"
    DUPLICATE = "duplicate", "Sent again (already recorded as sent)"
    RETRY = "retry", "Failed, will retry"
    FAILED = "failed", "Failed"
    SKIPPED = "skipped", "Skipped (another worker had it)"


class SubmissionAttempt(models.Model):
    """One try at delivering a submission, whatever its outcome."""

    Outcome = AttemptOutcome

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="tries")
    number = models.PositiveSmallIntegerField("attempt")
    worker = models.CharField("worker", max_length=200, blank=True)
    outcome = models.CharField(
        "outcome", max_length=16, choices=AttemptOutcome.choices, default=AttemptOutcome.STARTED
    )
    stage = models.CharField("last stage reached", max_length=16, blank=True)
    error = models.TextField("error", blank=True)
    started_at = models.DateTimeField("started", auto_now_add=True)
    finished_at = models.DateTimeField("finished", null=True, blank=True)

    class Meta:
        verbose_name = "submission attempt"
        ordering = ["submission", "number", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(outcome__in=AttemptOutcome.values), name="attempt_outcome_valid"
            ),
            # Our record of the ministry email: exactly one successful send per submission.
            models.UniqueConstraint(
                fields=["submission"],
                condition=models.Q(outcome="sent"),
                name="attempt_one_success_per_submission",
            ),
        ]

    def __str__(self):
        return f"Attempt {self.number} of {self.submission}: {self.outcome}"


class ReminderSent(models.Model):
    """A deadline reminder claimed for a council in a round (claimed once, whatever beat does)."""

    council = models.ForeignKey("councils.Council", on_delete=models.PROTECT, related_name="+")
    round = models.ForeignKey("plans.Round", on_delete=models.PROTECT, related_name="reminders")
    days_before = models.PositiveSmallIntegerField("days before the deadline")
    recipients = models.PositiveSmallIntegerField("recipients", default=0)
    created_at = models.DateTimeField("claimed", auto_now_add=True)
    sent_at = models.DateTimeField("sent", null=True, blank=True)

    class Meta:
        verbose_name = "deadline reminder"
        ordering = ["round", "council", "-days_before"]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "round", "days_before"], name="reminder_once_per_council_round"
            ),
        ]

    def __str__(self):
        return f"{self.days_before}-day reminder to {self.council} for {self.round}"


class PageCountStatus(models.TextChoices):
    IDLE = "idle", "Up to date"
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Counting"


class PageCountEstimate(models.Model):
    """How many pages the live draft would print to (the length meter), counted in the background.

    At most one count per plan is queued or running: a save while one is under way only raises
    `wanted_revision`, and the running count queues one more when it finishes.
    """

    Status = PageCountStatus

    plan = models.OneToOneField(
        "plans.Plan", on_delete=models.CASCADE, related_name="page_count_estimate"
    )
    status = models.CharField("status", max_length=16, choices=Status.choices, default=Status.IDLE)
    pages = models.PositiveSmallIntegerField("pages", null=True, blank=True)
    counted_revision = models.PositiveIntegerField("revision counted", default=0)
    wanted_revision = models.PositiveIntegerField("revision wanted", default=0)
    error = models.CharField("error", max_length=300, blank=True)
    updated_at = models.DateTimeField("last changed", auto_now=True)

    class Meta:
        verbose_name = "page count estimate"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=PageCountStatus.values),
                name="page_count_status_valid",
            ),
        ]

    def __str__(self):
        return f"{self.pages} pages for {self.plan}"
