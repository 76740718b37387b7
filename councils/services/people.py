"""People: invitations by email link, removing people, changing roles, and password reset.

Every change writes a `PeopleEvent`; every email is an outbox message recorded in the same
transaction and sent by the worker (`invitation_email_send`, `password_reset_email_send`).
"""

import hashlib

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from councils import permissions
from councils.models import Council, Invitation, Membership, PeopleEvent, User
from councils.services import one_role_refusal
from plans.models import OutboxMessage
from plans.outbox import outbox_record
from plans.services.errors import field_error, invalid_transition
from productivity.mail import templated_email

Action = PeopleEvent.Action
Role = Membership.Role
Status = Invitation.Status
WRONG_ACCOUNT = "wrong_account"
NAME_MAX = 200
# One reset email per account in this many seconds, however often the form is sent.
PASSWORD_RESET_EMAIL_WINDOW = 300


# --- Tokens: only their hash is stored ---------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_token(invitation: Invitation) -> str:
    """The invitation link's token: derived from the row and the secret key, never stored.

    Each sending (a new `generation` and `sent_at`) gives a new token, so the earlier link stops
    working."""
    value = (
        f"{invitation.email}:{invitation.council_id}:{invitation.role}:"
        f"{invitation.generation}:{invitation.sent_at.isoformat()}"
    )
    return salted_hmac("councils.invitation", value, algorithm="sha256").hexdigest()


def invitation_for_token(token: str, *, lock: bool = False) -> Invitation | None:
    """The invitation a link's token belongs to, whatever its state (None for an unknown or
    superseded token)."""
    invitations = Invitation.objects.select_related("council", "invited_by")
    if lock:
        invitations = invitations.select_for_update(of=("self",))
    return invitations.filter(token_hash=_token_hash(token)).first()


def invitation_ensure_usable(invitation: Invitation) -> None:
    """Refuse (invalid_transition) a link that was used, withdrawn or has expired."""
    if invitation.status == Status.ACCEPTED:
        raise invalid_transition(
            "This invitation has already been used. Sign in, or reset your password if you "
            "have forgotten it"
        )
    if invitation.status == Status.REVOKED:
        raise invalid_transition(
            "This invitation was withdrawn. Ask the person who invited you if you need access"
        )
    if invitation.is_expired():
        raise invalid_transition(
            "This invitation has expired. Ask the person who invited you to send it again"
        )


def _event(
    *,
    action: str,
    email: str,
    actor: User | None,
    council: Council | None,
    ip_address: str | None,
    **detail,
) -> PeopleEvent:
    return PeopleEvent.objects.create(
        action=action,
        email=email,
        actor=actor,
        council=council,
        ip_address=ip_address,
        detail=detail,
    )


def _issue(invitation: Invitation) -> None:
    """Give the invitation a fresh token and expiry, and record its email."""
    now = timezone.now()
    invitation.sent_at = now
    invitation.expires_at = now + Invitation.VALID_FOR
    invitation.token_hash = _token_hash(invitation_token(invitation))


def _record_email(invitation: Invitation) -> None:
    outbox_record(
        kind=OutboxMessage.Kind.INVITATION_EMAIL,
        key=f"invitation:{invitation.pk}:{invitation.generation}",
        payload={"invitation_id": invitation.pk, "generation": invitation.generation},
    )


# --- Inviting ----------------------------------------------------------------------------------


def _invite(
    *,
    inviter: User,
    email: str,
    council: Council | None,
    role: str = "",
    title: str = "",
    manages_people: bool = False,
    ip_address: str | None = None,
) -> Invitation:
    email = email.strip().lower()
    title = " ".join(title.split())
    errors = {}
    if council is not None:
        if role not in Role.values:
            errors["role"] = ValidationError("Select the person’s role", code="invalid_choice")
        elif manages_people and role != Role.OFFICER:
            errors["manages_people"] = ValidationError(
                "Only an officer can manage people", code="officers_only"
            )
        existing = (
            Membership.objects.select_related("user", "council")
            .filter(user__email__iexact=email, council=council)
            .first()
        )
        if existing is not None:
            errors["email"] = one_role_refusal(existing)
        pending = Invitation.objects.filter(
            email=email, council=council, status=Status.PENDING
        ).exists()
    else:
        if User.objects.filter(email__iexact=email, is_panel_member=True).exists():
            errors["email"] = ValidationError(
                f"{email} is already a ministry panel member", code="already_panel"
            )
        pending = Invitation.objects.filter(
            email=email, council__isnull=True, status=Status.PENDING
        ).exists()
    if pending and "email" not in errors:
        errors["email"] = ValidationError(
            f"{email} has already been invited. Send the invitation again from the list of "
            "invitations instead",
            code="already_invited",
        )
    if len(title) > NAME_MAX:
        errors["title"] = ValidationError(
            f"The job title must be {NAME_MAX} characters or fewer", code="max_length"
        )
    if errors:
        raise ValidationError(errors)
    invitation = Invitation(
        email=email,
        council=council,
        role=role if council else "",
        title=title,
        manages_people=manages_people,
        invited_by=inviter,
    )
    _issue(invitation)
    invitation.save()
    _record_email(invitation)
    _event(
        action=Action.INVITED,
        email=email,
        actor=inviter,
        council=council,
        ip_address=ip_address,
        what=invitation.what,
        title=title,
    )
    return invitation


@transaction.atomic
def invitation_create(
    *,
    inviter: User,
    council: Council,
    email: str,
    role: str,
    title: str = "",
    manages_people: bool = False,
    ip_address: str | None = None,
) -> Invitation:
    """A council's people manager invites someone to one of the council's roles; emails them."""
    permissions.require(inviter, "people_manage", council)
    return _invite(
        inviter=inviter,
        email=email,
        council=council,
        role=role,
        title=title,
        manages_people=manages_people,
        ip_address=ip_address,
    )


@transaction.atomic
def invitation_create_first_officer(
    *, inviter: User, council: Council, email: str, title: str = "", ip_address: str | None = None
) -> Invitation:
    """A ministry administrator invites a council's officer who manages people; emails them."""
    permissions.require(inviter, "ministry_people_manage", None)
    return _invite(
        inviter=inviter,
        email=email,
        council=council,
        role=Role.OFFICER,
        title=title,
        manages_people=True,
        ip_address=ip_address,
    )


@transaction.atomic
def invitation_create_panel_member(
    *, inviter: User, email: str, ip_address: str | None = None
) -> Invitation:
    """A ministry administrator invites a member of the ministry panel; emails them."""
    permissions.require(inviter, "ministry_people_manage", None)
    return _invite(inviter=inviter, email=email, council=None, ip_address=ip_address)


def _lock_invitation(invitation_id: int) -> Invitation:
    return (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("council")
        .get(pk=invitation_id)
    )


@transaction.atomic
def invitation_resend(
    *, invitation_id: int, user: User, ip_address: str | None = None
) -> Invitation:
    """Send a pending invitation again with a new link, valid for 7 more days; the earlier link
    stops working. Emails the invitee."""
    invitation = _lock_invitation(invitation_id)
    permissions.require(user, "invitation_manage", invitation)
    if invitation.status != Status.PENDING:
        raise invalid_transition("Only an invitation that has not been accepted can be sent again")
    invitation.generation += 1
    _issue(invitation)
    invitation.save(update_fields=["generation", "sent_at", "expires_at", "token_hash"])
    _record_email(invitation)
    _event(
        action=Action.INVITATION_RESENT,
        email=invitation.email,
        actor=user,
        council=invitation.council,
        ip_address=ip_address,
        what=invitation.what,
    )
    return invitation


@transaction.atomic
def invitation_revoke(
    *, invitation_id: int, user: User, ip_address: str | None = None
) -> Invitation:
    """Withdraw a pending invitation: its link stops working."""
    invitation = _lock_invitation(invitation_id)
    permissions.require(user, "invitation_manage", invitation)
    if invitation.status != Status.PENDING:
        raise invalid_transition("Only an invitation that has not been accepted can be withdrawn")
    invitation.status = Status.REVOKED
    invitation.closed_at = timezone.now()
    invitation.save(update_fields=["status", "closed_at"])
    _event(
        action=Action.INVITATION_REVOKED,
        email=invitation.email,
        actor=user,
        council=invitation.council,
        ip_address=ip_address,
        what=invitation.what,
    )
    return invitation


# --- Accepting ---------------------------------------------------------------------------------


def invitation_account(invitation: Invitation) -> User | None:
    """The account that already uses the invitation's address and can sign in, if any."""
    user = User.objects.filter(email__iexact=invitation.email).first()
    if user is not None and user.is_active and user.has_usable_password():
        return user
    return None


def invitation_wrong_account(invitation: Invitation, user) -> str | None:
    """Why the signed-in user may not accept this invitation (None when they may)."""
    if user.is_authenticated and user.email.lower() != invitation.email:
        return (
            f"This invitation is for {invitation.email}, but you are signed in as {user.email}. "
            "Sign out, then open the link in the email again"
        )
    account = invitation_account(invitation)
    if account is not None and not user.is_authenticated:
        return (
            f"You already have an account with {invitation.email}. Sign in, then open the link "
            "in the email again"
        )
    return None


def _validate_new_account(*, invitation: Invitation, full_name: str, password: str) -> str:
    full_name = " ".join(full_name.split())
    errors = {}
    if not full_name:
        errors["full_name"] = ValidationError("Enter your full name", code="required")
    elif len(full_name) > NAME_MAX:
        errors["full_name"] = ValidationError(
            f"Your full name must be {NAME_MAX} characters or fewer", code="max_length"
        )
    try:
        validate_password(password, User(email=invitation.email, full_name=full_name))
    except ValidationError as error:
        errors["password1"] = error
    if errors:
        raise ValidationError(errors)
    return full_name


@transaction.atomic
def invitation_accept(
    *,
    token: str,
    user,
    full_name: str = "",
    password: str = "",
    ip_address: str | None = None,
) -> User:
    """Accept an invitation: create (or switch on) the account with the name and password given,
    or use the signed-in account that has the invitation's address; grant the role. Returns the
    user to sign in."""
    invitation = invitation_for_token(token, lock=True)
    if invitation is None:
        raise invalid_transition("This invitation link is not valid")
    invitation_ensure_usable(invitation)
    refusal = invitation_wrong_account(invitation, user)
    if refusal:
        raise ValidationError(refusal, code=WRONG_ACCOUNT)
    account = invitation_account(invitation)
    if account is None:
        full_name = _validate_new_account(
            invitation=invitation, full_name=full_name, password=password
        )
        account = User.objects.select_for_update().filter(email__iexact=invitation.email).first()
        if account is None:
            account = User.objects.create_user(invitation.email, password, full_name=full_name)
        else:  # an account that was switched off, or never had a password
            account.full_name = full_name
            account.is_active = True
            account.set_password(password)
            account.save(update_fields=["full_name", "is_active", "password"])
    if invitation.is_panel:
        account.is_panel_member = True
        account.save(update_fields=["is_panel_member"])
    else:
        existing = (
            Membership.objects.select_related("user", "council")
            .filter(user=account, council=invitation.council)
            .first()
        )
        if existing is not None:
            raise one_role_refusal(existing)
        Membership.objects.create(
            user=account,
            council=invitation.council,
            role=invitation.role,
            title=invitation.title,
            manages_people=invitation.manages_people,
        )
    invitation.status = Status.ACCEPTED
    invitation.accepted_by = account
    invitation.closed_at = timezone.now()
    invitation.save(update_fields=["status", "accepted_by", "closed_at"])
    _event(
        action=Action.INVITATION_ACCEPTED,
        email=invitation.email,
        actor=account,
        council=invitation.council,
        ip_address=ip_address,
        what=invitation.what,
    )
    return account


# --- Removing people and changing roles --------------------------------------------------------


def _lock_membership(membership_id: int) -> Membership:
    return (
        Membership.objects.select_for_update(of=("self",))
        .select_related("user", "council")
        .get(pk=membership_id)
    )


def _not_yourself(membership: Membership, user: User, what: str) -> None:
    if membership.user_id == user.pk:
        raise invalid_transition(
            f"You cannot {what} yourself. Ask another officer who manages people"
        )


@transaction.atomic
def membership_remove(*, membership_id: int, user: User, ip_address: str | None = None) -> None:
    """Remove someone's role in the council (their account stays, with any other roles)."""
    membership = _lock_membership(membership_id)
    permissions.require(user, "people_manage", membership)
    _not_yourself(membership, user, "remove")
    _event(
        action=Action.MEMBERSHIP_REMOVED,
        email=membership.user.email,
        actor=user,
        council=membership.council,
        ip_address=ip_address,
        role=membership.get_role_display(),
        name=membership.user.full_name,
    )
    membership.delete()


@transaction.atomic
def membership_change(
    *,
    membership_id: int,
    user: User,
    role: str,
    manages_people: bool = False,
    ip_address: str | None = None,
) -> Membership:
    """Change someone's role in the council, and whether they manage people (officers only)."""
    membership = _lock_membership(membership_id)
    permissions.require(user, "people_manage", membership)
    _not_yourself(membership, user, "change the role of")
    if role not in Role.values:
        raise field_error("role", "Select the person’s role", code="invalid_choice")
    if manages_people and role != Role.OFFICER:
        raise field_error(
            "manages_people", "Only an officer can manage people", code="officers_only"
        )
    common = {
        "email": membership.user.email,
        "actor": user,
        "council": membership.council,
        "ip_address": ip_address,
        "name": membership.user.full_name,
    }
    if role != membership.role:
        _event(
            action=Action.ROLE_CHANGED,
            **common,
            before=membership.get_role_display(),
            after=Role(role).label,
        )
    if manages_people != membership.manages_people:
        _event(action=Action.MANAGES_PEOPLE_CHANGED, **common, manages_people=manages_people)
    membership.role = role
    membership.manages_people = manages_people
    membership.save(update_fields=["role", "manages_people"])
    return membership


# --- Emails (sent by the worker through the outbox) -------------------------------------------


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


@transaction.atomic
def invitation_email_send(*, invitation_id: int, generation: int) -> bool:
    """Email the invitation link, unless the invitation was sent again since, accepted,
    withdrawn or has expired (then the link would not work)."""
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("council", "invited_by")
        .get(pk=invitation_id)
    )
    if invitation.generation != generation:
        return False
    try:
        invitation_ensure_usable(invitation)
    except ValidationError:
        return False
    link = _absolute(reverse("councils:invitation_accept", args=[invitation_token(invitation)]))
    where = invitation.council.name if invitation.council else "the ministry panel"
    message = templated_email(
        "councils/emails/invitation",
        {
            "invitation": invitation,
            "link": link,
            "where": where,
            "service_name": settings.SERVICE_NAME,
        },
        subject=f"You are invited to submit a productivity plan: {where}",
        to=[invitation.email],
    )
    message.send()
    return True


@transaction.atomic
def password_reset_request(*, user: User) -> None:
    """Record a password reset email for an account (at most one per account in five minutes).

    The link is made when the email is sent; it works once (it depends on the password) and for
    PASSWORD_RESET_TIMEOUT seconds."""
    window = int(timezone.now().timestamp()) // PASSWORD_RESET_EMAIL_WINDOW
    outbox_record(
        kind=OutboxMessage.Kind.PASSWORD_RESET_EMAIL,
        key=f"password_reset:{user.pk}:{window}",
        payload={"user_id": user.pk},
    )


def password_reset_email_send(*, user_id: int) -> bool:
    """Email a password reset link to an active account."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return False
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    link = _absolute(reverse("councils:password_reset_confirm", args=[uid, token]))
    message = templated_email(
        "councils/emails/password_reset",
        {
            "user": user,
            "link": link,
            "minutes": settings.PASSWORD_RESET_TIMEOUT // 60,
            "service_name": settings.SERVICE_NAME,
        },
        subject="Reset your password for Submit a productivity plan",
        to=[user.email],
    )
    message.send()
    return True
