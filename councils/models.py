from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
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
    created_at = models.DateTimeField("created", auto_now_add=True)

    class Meta:
        verbose_name = "membership"
        ordering = ["council__name", "role", "user__full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "council", "role"], name="membership_unique_role"
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=MembershipRole.values),
                name="membership_role_valid",
            ),
        ]

    def __str__(self):
        return f"{self.user.full_name}, {self.get_role_display()} at {self.council}"


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
