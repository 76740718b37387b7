from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **extra_fields):
        if not email:
            raise ValueError("Users need an email address")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """Someone who signs in with their email address."""

    email = models.EmailField("email address", unique=True)
    full_name = models.CharField("full name", max_length=200)
    is_panel_member = models.BooleanField(
        "ministry panel member",
        default=False,
        help_text="Panel members read every submitted plan; they belong to no council.",
    )
    is_panel_lead = models.BooleanField(
        "panel lead",
        default=False,
        help_text="A panel member who maintains the codebook: adds, renames, merges and retires "
        "codes. Has effect only for panel members.",
    )
    is_staff = models.BooleanField("administrator", default=False)
    is_active = models.BooleanField("active", default=True)
    date_joined = models.DateTimeField("date joined", default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = "user"
        ordering = ["full_name"]

    def __str__(self):
        return f"{self.full_name} <{self.email}>"

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name


class CouncilTier(models.TextChoices):
    COUNTY = "county", "County council"
    DISTRICT = "district", "District council"
    UNITARY = "unitary", "Unitary authority"
    METROPOLITAN_BOROUGH = "metropolitan_borough", "Metropolitan borough"
    LONDON_BOROUGH = "london_borough", "London borough"
    OTHER = "other", "Other"


class MembershipRole(models.TextChoices):
    OFFICER = "officer", "Officer"
    COUNCILLOR = "councillor", "Councillor"
    STATUTORY_OFFICER = "statutory_officer", "Statutory officer"


class Council(models.Model):
    """An English principal council, identified by its GSS code."""

    Tier = CouncilTier

    gss_code = models.CharField("GSS code", max_length=9, unique=True)
    short_code = models.CharField("short code", max_length=3, unique=True)
    name = models.CharField("official name", max_length=200)
    nice_name = models.CharField("short name", max_length=200)
    tier = models.CharField("tier", max_length=32, choices=Tier.choices)
    region = models.CharField("region", max_length=64)

    class Meta:
        verbose_name = "council"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(tier__in=CouncilTier.values),
                name="council_tier_valid",
            ),
        ]

    def __str__(self):
        return self.name


class Membership(models.Model):
    """A user's role in a council."""

    Role = MembershipRole

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField("role", max_length=32, choices=Role.choices)
    title = models.CharField(
        "job title or office",
        max_length=200,
        blank=True,
        help_text="For example Leader of the Council, Monitoring Officer, Head of Strategy.",
    )
    manages_people = models.BooleanField(
        "manages people",
        default=False,
        help_text="Officers only: may invite and remove the council's people and change roles.",
    )
    created_at = models.DateTimeField("created", auto_now_add=True)

    class Meta:
        verbose_name = "membership"
        ordering = ["council__name", "role", "user__full_name"]
        constraints = [
            # Separation of duties: one role per person per council, so nobody is both the
            # officer who sends a plan and a councillor who approves it.
            models.UniqueConstraint(
                fields=["user", "council"], name="membership_one_role_per_council"
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=MembershipRole.values),
                name="membership_role_valid",
            ),
            models.CheckConstraint(
                condition=Q(manages_people=False) | Q(role=MembershipRole.OFFICER),
                name="membership_manages_people_officers_only",
            ),
        ]

    def __str__(self):
        return f"{self.user.full_name}, {self.get_role_display()} at {self.council}"


class InvitationStatus(models.TextChoices):
    PENDING = "pending", "Invited"
    ACCEPTED = "accepted", "Accepted"
    REVOKED = "revoked", "Withdrawn"


class Invitation(models.Model):
    """An invitation by email link to a role in a council, or to the ministry panel.

    Only the SHA-256 of the link's token is stored; the token itself is derived from the row and
    the secret key when the email is sent (`councils.services.invitation_token`), so a copy of
    the database cannot accept an invitation. Sending it again moves `generation` on, which
    changes the token: the earlier link stops working.
    """

    Status = InvitationStatus
    VALID_FOR = timedelta(days=7)

    email = models.EmailField("email address")
    council = models.ForeignKey(
        Council,
        on_delete=models.PROTECT,
        related_name="invitations",
        null=True,
        blank=True,
        help_text="Empty for an invitation to the ministry panel.",
    )
    role = models.CharField("role", max_length=32, choices=MembershipRole.choices, blank=True)
    title = models.CharField("job title or office", max_length=200, blank=True)
    manages_people = models.BooleanField("manages people", default=False)
    token_hash = models.CharField("SHA-256 of the link's token", max_length=64, unique=True)
    generation = models.PositiveIntegerField("times sent", default=1)
    status = models.CharField(
        "status", max_length=16, choices=Status.choices, default=Status.PENDING
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("invited", auto_now_add=True)
    sent_at = models.DateTimeField("last sent")
    expires_at = models.DateTimeField("expires")
    closed_at = models.DateTimeField("accepted or withdrawn", null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = "invitation"
        ordering = ["email", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=InvitationStatus.values), name="invitation_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(council__isnull=True, role="", manages_people=False)
                | Q(council__isnull=False, role__in=MembershipRole.values),
                name="invitation_council_role_or_panel",
            ),
            models.CheckConstraint(
                condition=Q(manages_people=False) | Q(role=MembershipRole.OFFICER),
                name="invitation_manages_people_officers_only",
            ),
            models.UniqueConstraint(
                fields=["email", "council"],
                condition=Q(status=InvitationStatus.PENDING, council__isnull=False),
                name="invitation_one_pending_per_council",
            ),
            models.UniqueConstraint(
                fields=["email"],
                condition=Q(status=InvitationStatus.PENDING, council__isnull=True),
                name="invitation_one_pending_to_panel",
            ),
        ]

    def __str__(self):
        return f"Invitation of {self.email} to {self.council or 'the ministry panel'}"

    @property
    def is_panel(self) -> bool:
        return self.council_id is None

    @property
    def what(self) -> str:
        """What the invitation grants, in words."""
        if self.is_panel:
            return "Ministry panel member"
        role = MembershipRole(self.role).label
        return f"{role} who manages people" if self.manages_people else role

    def is_expired(self, now=None) -> bool:
        return (now or timezone.now()) >= self.expires_at


class PeopleAction(models.TextChoices):
    """Every change to who may do what; the labels title the People page's history."""

    INVITED = "invited", "Invited"
    INVITATION_RESENT = "invitation_resent", "Invitation sent again"
    INVITATION_REVOKED = "invitation_revoked", "Invitation withdrawn"
    INVITATION_ACCEPTED = "invitation_accepted", "Invitation accepted"
    MEMBERSHIP_REMOVED = "membership_removed", "Removed from the council"
    ROLE_CHANGED = "role_changed", "Role changed"
    MANAGES_PEOPLE_CHANGED = "manages_people_changed", "Permission to manage people changed"


class PeopleEvent(models.Model):
    """An append-only record of a change to people and roles: who, to whom, what, from where.

    A council's events show on its People page; events with no council are the ministry's
    (panel invitations).
    """

    Action = PeopleAction

    council = models.ForeignKey(
        Council, on_delete=models.PROTECT, related_name="people_events", null=True, blank=True
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    action = models.CharField("action", max_length=40, choices=Action.choices)
    email = models.EmailField("whose access changed")
    detail = models.JSONField("detail", default=dict, blank=True)
    ip_address = models.GenericIPAddressField("IP address", null=True, blank=True)
    created_at = models.DateTimeField("when", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "people event"
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=PeopleAction.values), name="people_event_action_valid"
            ),
        ]

    def __str__(self):
        return f"{self.get_action_display()}: {self.email} at {self.created_at:%Y-%m-%d %H:%M}"


class WorkerHeartbeat(models.Model):
    """When a Celery worker last ran the periodic heartbeat; shown to administrators."""

    worker = models.CharField("worker", max_length=200, unique=True)
    last_seen = models.DateTimeField("last seen")
    beats = models.PositiveIntegerField("heartbeats", default=0)

    class Meta:
        verbose_name = "worker heartbeat"
        ordering = ["-last_seen"]

    def __str__(self):
        return f"{self.worker} (last seen {self.last_seen:%Y-%m-%d %H:%M})"
