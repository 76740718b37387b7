from django.conf import settings
from django.db import models


class Revision(models.Model):
    """A snapshot of a plan's whole content after one saved change (drafting history)."""

    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField("number")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("saved", auto_now_add=True)
    summary = models.CharField("what changed", max_length=300)
    content = models.JSONField("content")

    class Meta:
        verbose_name = "revision"
        ordering = ["plan", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="revision_unique_number"),
        ]

    def __str__(self):
        return f"Revision {self.number} of {self.plan}"


class PlanVersion(models.Model):
    """An immutable, hashed snapshot of a plan: what members sign off and the ministry receives."""

    plan = models.ForeignKey("plans.Plan", on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField("number")
    content = models.JSONField("content")
    sha256 = models.CharField("SHA-256 of the canonical content", max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("frozen", auto_now_add=True)

    class Meta:
        verbose_name = "plan version"
        ordering = ["plan", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="version_unique_number"),
        ]

    def __str__(self):
        return f"Version {self.number} of {self.plan} ({self.reference})"

    @property
    def reference(self) -> str:
        """The short reference shown to people: the first 12 hex digits of the hash."""
        return self.sha256[:12]


class AuditAction(models.TextChoices):
    """Every state change the audit log records; the labels title the plan's timeline.

    The stored values never change (existing rows must stay valid). Two of them read "withdrawn"
    for history's sake and mean different things, which the labels keep apart:
    `sign_off_withdrawn` is a sign-off request made out of date by an edit, and
    `submission_withdrawn` is an unsent submission cancelled by a correction.
    """

    PLAN_STARTED = "plan_started", "Plan started"
    VERSION_FROZEN = "version_frozen", "Version frozen"
    SIGN_OFF_REQUESTED = "sign_off_requested", "Sent for sign-off"
    SIGN_OFF_APPROVED = "sign_off_approved", "Councillor approved"
    SIGN_OFF_CHANGES_REQUESTED = "sign_off_changes_requested", "Councillor asked for changes"
    STATUTORY_COMMENT_ADDED = "statutory_comment_added", "Statutory comment added"
    SIGN_OFF_OUT_OF_DATE = (
        "sign_off_withdrawn",
        "Sign-off request out of date: the plan was edited after it was sent",
    )
    DECISION_RECORDED = "decision_recorded", "Council’s decision recorded"
    DECISION_CORRECTED = "decision_corrected", "Council’s decision corrected"
    PLAN_APPROVED = "plan_approved", "Version approved"
    SUBMISSION_QUEUED = "submission_queued", "Queued for submission to the ministry"
    SUBMISSION_SENT = "submission_sent", "Sent to the ministry"
    SUBMISSION_FAILED = "submission_failed", "Submission to the ministry failed"
    SUBMISSION_RETRIED = "submission_retried", "Submission to the ministry retried"
    SUBMISSION_WITHDRAWN = (
        "submission_withdrawn",
        "Unsent submission withdrawn: a correction was started",
    )
    CORRECTION_STARTED = "correction_started", "Correction started: the plan is a draft again"
    DEADLINE_EXTENSION_GRANTED = "deadline_extension_granted", "Deadline extended"
    DEADLINE_EXTENSION_REMOVED = (
        "deadline_extension_removed",
        "Deadline extension removed: the round's deadline applies",
    )
    # The panel's codebook and coding (recorded without a plan: councils never see them).
    CODE_ADDED = "code_added", "Code added to the codebook"
    CODE_CHANGED = "code_changed", "Code renamed or its definition changed"
    CODE_MERGED = "code_merged", "Code merged into another"
    CODE_RETIRED = "code_retired", "Code retired"
    CODE_MEMO_CHANGED = "code_memo_changed", "Code memo changed"
    EXTRACT_CODED = "extract_coded", "Passage coded"
    EXTRACT_CODE_REMOVED = "extract_code_removed", "Code removed from a passage"
    SECOND_FACTOR_ADDED = "second_factor_added", "Second factor set up"
    RECOVERY_CODES_REPLACED = "recovery_codes_replaced", "Recovery codes replaced"


class AuditEvent(models.Model):
    """An append-only record of a state change: who, when, what, from where."""

    Action = AuditAction

    plan = models.ForeignKey(
        "plans.Plan", on_delete=models.PROTECT, related_name="events", null=True, blank=True
    )
    version = models.ForeignKey(
        PlanVersion, on_delete=models.PROTECT, related_name="events", null=True, blank=True
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        help_text="Empty when the system acted (for example the worker).",
    )
    action = models.CharField("action", max_length=64, choices=Action.choices)
    detail = models.JSONField("detail", default=dict, blank=True)
    ip_address = models.GenericIPAddressField("IP address", null=True, blank=True)
    created_at = models.DateTimeField("when", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "audit event"
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.get_action_display()} at {self.created_at:%Y-%m-%d %H:%M:%S}"
