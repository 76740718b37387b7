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


class AuditEvent(models.Model):
    """An append-only record of a state change: who, when, what, from where."""

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
    action = models.CharField("action", max_length=64)
    detail = models.JSONField("detail", default=dict, blank=True)
    ip_address = models.GenericIPAddressField("IP address", null=True, blank=True)
    created_at = models.DateTimeField("when", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "audit event"
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.action} at {self.created_at:%Y-%m-%d %H:%M:%S}"
