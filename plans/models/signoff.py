"""Member sign-off of one exact version, statutory officers' comments and the council's decision."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse


class SignOffStatus(models.TextChoices):
    """Where a sign-off request stands.

    "Out of date" (stored as "stale") is the only way a request ends without a decision: the
    plan was edited after the version was sent, so that version can no longer be approved.
    It is never called "withdrawn": that word belongs to a submission cancelled by a
    correction before it was sent (`Submission.Status.WITHDRAWN`).
    """

    OPEN = "open", "Awaiting sign-off"
    APPROVED = "approved", "Approved"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"
    STALE = "stale", "Out of date"


class SignOffRequest(models.Model):
    """A request for councillors to sign off one frozen version of a plan.

    Either named councillors must all approve, or any `required_count` of the council's
    councillors. With named councillors `required_count` is the number named, so the rule is
    always "at least `required_count` approvals from eligible councillors" (who that is:
    `councils.permissions.sign_off_deciders`). Editing the plan while the request is open makes
    it out of date (`Status.STALE`); see `SignOffStatus`.
    """

    Status = SignOffStatus

    plan = models.ForeignKey(
        "plans.Plan", on_delete=models.PROTECT, related_name="sign_off_requests"
    )
    version = models.OneToOneField(
        "plans.PlanVersion", on_delete=models.PROTECT, related_name="sign_off_request"
    )
    required_councillors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="+",
        blank=True,
        verbose_name="councillors who must approve",
        help_text="Empty when any councillors of the council may approve, up to the number.",
    )
    required_count = models.PositiveSmallIntegerField("approvals needed")
    covering_note = models.TextField("covering note", blank=True)
    status = models.CharField("status", max_length=32, choices=Status.choices, default=Status.OPEN)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField("sent", auto_now_add=True)
    closed_at = models.DateTimeField("closed", null=True, blank=True)

    class Meta:
        verbose_name = "sign-off request"
        ordering = ["plan", "-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan"],
                condition=Q(status=SignOffStatus.OPEN),
                name="signoff_one_open_request_per_plan",
            ),
            models.CheckConstraint(
                condition=Q(status__in=SignOffStatus.values), name="signoff_request_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(required_count__gte=1), name="signoff_request_needs_an_approval"
            ),
            models.CheckConstraint(
                condition=Q(status=SignOffStatus.OPEN, closed_at__isnull=True)
                | (~Q(status=SignOffStatus.OPEN) & Q(closed_at__isnull=False)),
                name="signoff_request_closed_when_not_open",
            ),
        ]

    def __str__(self):
        return f"Sign-off of {self.version}: {self.get_status_display()}"

    def get_absolute_url(self):
        return reverse("plans:sign_off", args=[self.plan_id, self.version.number])

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def is_out_of_date(self) -> bool:
        return self.status == self.Status.STALE


class DecisionOutcome(models.TextChoices):
    APPROVE = "approve", "Approved"
    REQUEST_CHANGES = "request_changes", "Requested changes"


class SignOffDecision(models.Model):
    """One councillor's decision on a request, made against the version's exact hash."""

    Outcome = DecisionOutcome

    request = models.ForeignKey(SignOffRequest, on_delete=models.PROTECT, related_name="decisions")
    councillor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # Name and office as they were when the councillor decided: the record must not change later.
    councillor_name = models.CharField("name", max_length=200)
    councillor_title = models.CharField("office", max_length=200, blank=True)
    outcome = models.CharField("decision", max_length=32, choices=Outcome.choices)
    comment = models.TextField("comment", blank=True)
    version_sha256 = models.CharField("SHA-256 of the version decided on", max_length=64)
    decided_at = models.DateTimeField("decided", auto_now_add=True)

    class Meta:
        verbose_name = "sign-off decision"
        ordering = ["request", "decided_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "councillor"], name="signoff_one_decision_per_councillor"
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=DecisionOutcome.values),
                name="signoff_decision_outcome_valid",
            ),
            models.CheckConstraint(
                condition=Q(outcome=DecisionOutcome.APPROVE) | ~Q(comment=""),
                name="signoff_decision_changes_need_a_comment",
            ),
        ]

    def __str__(self):
        return f"{self.councillor_name}: {self.get_outcome_display()}"


class StatutoryComment(models.Model):
    """A statutory officer's comment on a version, printed with the sign-off record."""

    version = models.ForeignKey(
        "plans.PlanVersion", on_delete=models.PROTECT, related_name="statutory_comments"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    author_name = models.CharField("name", max_length=200)
    author_title = models.CharField("office", max_length=200, blank=True)
    text = models.TextField("comment")
    created_at = models.DateTimeField("added", auto_now_add=True)

    class Meta:
        verbose_name = "statutory comment"
        ordering = ["version", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="statutory_comment_not_empty"),
        ]

    def __str__(self):
        return f"{self.author_name} on {self.version}"


class DecisionRoute(models.TextChoices):
    CABINET = "cabinet", "Cabinet"
    LEADER = "leader", "Leader of the council"
    PORTFOLIO_HOLDER = "portfolio_holder", "Portfolio holder"
    FULL_COUNCIL = "full_council", "Full council"
    DELEGATED_OFFICER = "delegated_officer", "Officer under delegated authority"
    URGENCY = "urgency", "Urgency procedure"


# Executive decisions can be called in by overview and scrutiny; full council and urgency
# decisions cannot.
CALL_IN_ROUTES = (DecisionRoute.CABINET, DecisionRoute.LEADER, DecisionRoute.PORTFOLIO_HOLDER)
NO_CALL_IN_ROUTES = (DecisionRoute.FULL_COUNCIL, DecisionRoute.URGENCY)


class DecisionRecord(models.Model):
    """How the council formally decided to approve a version (route, date, published decision)."""

    Route = DecisionRoute

    version = models.OneToOneField(
        "plans.PlanVersion", on_delete=models.PROTECT, related_name="decision_record"
    )
    route = models.CharField("how the council decided", max_length=32, choices=Route.choices)
    decision_date = models.DateField("date of the meeting or decision")
    decision_url = models.URLField("link to the published decision", max_length=500, blank=True)
    call_in_ends = models.DateField("call-in period ends", null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("recorded", auto_now=True)

    class Meta:
        verbose_name = "decision record"
        ordering = ["-decision_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(route__in=DecisionRoute.values), name="decision_route_valid"
            ),
            models.CheckConstraint(
                condition=Q(call_in_ends__isnull=True)
                | Q(call_in_ends__gte=models.F("decision_date")),
                name="decision_call_in_after_decision",
            ),
            models.CheckConstraint(
                condition=~Q(route__in=NO_CALL_IN_ROUTES) | Q(call_in_ends__isnull=True),
                name="decision_no_call_in_for_council_or_urgency",
            ),
            models.CheckConstraint(
                condition=~Q(route__in=CALL_IN_ROUTES) | Q(call_in_ends__isnull=False),
                name="decision_call_in_for_executive_routes",
            ),
        ]

    def __str__(self):
        return f"{self.get_route_display()} decision of {self.decision_date:%d %B %Y}"
