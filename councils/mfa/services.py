"""Second-factor devices: set up an authenticator app, check codes, replace recovery codes.

Every wrong code counts towards django-otp's throttling (each failure doubles the wait before
the next try, OTP_TOTP_THROTTLE_FACTOR), so it is written even when the check fails; the
services therefore never wrap a failed check in a transaction that would roll the count back.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_otp import user_has_device
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from plans.models import AuditEvent
from plans.services.audit import audit_record

RECOVERY_CODE_COUNT = 10
APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"


def second_factor_may_add(*, user, verified: bool) -> bool:
    """Whether the user may set up a new second factor now: only when they have none yet, or
    have already given one in this session (a stolen password must not add the thief's app)."""
    return verified or not user_has_device(user)


def totp_device_start(*, user) -> TOTPDevice:
    """The authenticator app the user is setting up: an unconfirmed TOTP device with a fresh
    random secret, created on first call and kept until confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    return device


def _throttle_error(device: Device, field: str) -> ValidationError | None:
    allowed, details = device.verify_is_allowed()
    if allowed:
        return None
    locked_until = (details or {}).get("locked_until")
    seconds = 1
    if locked_until:
        seconds = max(1, int((locked_until - timezone.now()).total_seconds()) + 1)
    return ValidationError(
        {
            field: ValidationError(
                "You have entered too many wrong codes. Wait %(wait)s, then try again",
                code="throttled",
                params={"wait": "1 second" if seconds == 1 else f"{seconds} seconds"},
            )
        }
    )


def _check_code(device: Device, token: str, *, field: str, wrong: str) -> None:
    """Check one code against one device, counting a wrong one; raise keyed by `field`."""
    error = _throttle_error(device, field)
    if error:
        raise error
    # verify_token refuses a TOTP code from the same or an earlier time step than the last one
    # accepted (last_t), so a code seen over someone's shoulder cannot be used again.
    if not device.verify_token(token):
        raise ValidationError({field: ValidationError(wrong, code="invalid")})


def totp_device_confirm(
    *, user, token: str, ip_address: str | None = None
) -> tuple[TOTPDevice, list[str]]:
    """Confirm the app being set up with a code from it; replaces the recovery codes, writes
    the audit event and returns the device and the new codes (shown to the user once)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        raise ValidationError(
            {"token": ValidationError("Start setting up your app again", code="no_device")}
        )
    _check_code(
        device,
        token,
        field="token",
        wrong="The code is not right. Check the app shows this service, then enter the "
        "current code",
    )
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        codes = _recovery_codes_new(user)
        audit_record(
            action=AuditEvent.Action.SECOND_FACTOR_ADDED,
            actor=user,
            detail={"kind": "authenticator_app"},
            ip_address=ip_address,
        )
    return device, codes


def totp_verify(*, user, token: str) -> TOTPDevice:
    """The user's confirmed app that accepts this code; raises ValidationError keyed `token`."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    if device is None:
        raise ValidationError(
            {"token": ValidationError("You have not set up an authenticator app", code="none")}
        )
    _check_code(
        device,
        token,
        field="token",
        wrong="The code is not right. Enter the current code from your authenticator app",
    )
    return device


def recovery_code_use(*, user, code: str) -> StaticDevice:
    """Use up one recovery code (each works once); raises ValidationError keyed `code`."""
    device = StaticDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        raise ValidationError({"code": ValidationError("You have no recovery codes", code="none")})
    _check_code(
        device,
        code,
        field="code",
        wrong="The recovery code is not right, or it has been used already",
    )
    return device


def _recovery_codes_new(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def recovery_codes_replace(*, user, ip_address: str | None = None) -> list[str]:
    """Replace the user's recovery codes with RECOVERY_CODE_COUNT new ones, write the audit
    event and return the codes."""
    codes = _recovery_codes_new(user)
    audit_record(
        action=AuditEvent.Action.RECOVERY_CODES_REPLACED, actor=user, ip_address=ip_address
    )
    return codes


@transaction.atomic
def passkey_added(*, user, ip_address: str | None = None) -> list[str]:
    """After the browser saved a passkey (django-otp-webauthn stored it): write the audit
    event and return new recovery codes if the user had none, else []."""
    audit_record(
        action=AuditEvent.Action.SECOND_FACTOR_ADDED,
        actor=user,
        detail={"kind": "passkey"},
        ip_address=ip_address,
    )
    if StaticDevice.objects.filter(user=user, confirmed=True).exists():
        return []
    return _recovery_codes_new(user)
