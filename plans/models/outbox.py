from django.db import models


class OutboxKind(models.TextChoices):
    SIGN_OFF_EMAIL = "sign_off_email", "Sign-off email"
    SUBMISSION_RECEIPT = "submission_receipt", "Receipt to the council"
    SUBMISSION_FAILURE_NOTICE = "submission_failure_notice", "Failure notice to the council"
    DEADLINE_REMINDER = "deadline_reminder", "Deadline reminder"
    INVITATION_EMAIL = "invitation_email", "Invitation"
    PASSWORD_RESET_EMAIL = "password_reset_email", "Password reset link"


class OutboxStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class OutboxMessage(models.Model):
    """A side effect (an email, usually) recorded in the transaction that caused it.

    After commit it is handed to the broker; the periodic sweep hands it over again while it is
    pending, so a broker that was down or a worker that died delays it but never loses it. The
    key makes recording idempotent: the same event records one message however often it is
    recorded.
    """

    Kind = OutboxKind
    Status = OutboxStatus

    kind = models.CharField("kind", max_length=40, choices=Kind.choices)
    key = models.CharField("key", max_length=100, help_text="What the message is about, once.")
    payload = models.JSONField("payload", default=dict)
    status = models.CharField(
        "status", max_length=16, choices=Status.choices, default=Status.PENDING
    )
    due_at = models.DateTimeField("due")
    attempts = models.PositiveSmallIntegerField("attempts", default=0)
    claimed_until = models.DateTimeField("claimed until", null=True, blank=True)
    published_at = models.DateTimeField("last handed to the broker", null=True, blank=True)
    last_error = models.TextField("last error", blank=True)
    created_at = models.DateTimeField("recorded", auto_now_add=True)
    done_at = models.DateTimeField("done", null=True, blank=True)

    class Meta:
        verbose_name = "outbox message"
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "key"], name="outbox_once_per_kind_key"),
            models.CheckConstraint(
                condition=models.Q(status__in=OutboxStatus.values), name="outbox_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=OutboxKind.values), name="outbox_kind_valid"
            ),
        ]
        indexes = [models.Index(fields=["status", "due_at"], name="outbox_pending_due")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.key} ({self.get_status_display()})"
