"""What second factors a user has (reads only)."""

from dataclasses import dataclass

from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential


@dataclass(frozen=True)
class SecondFactors:
    app: bool
    passkeys: int
    recovery_codes_left: int

    @property
    def any(self) -> bool:
        return self.app or bool(self.passkeys)


def second_factors_of(user) -> SecondFactors:
    return SecondFactors(
        app=TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
        passkeys=WebAuthnCredential.objects.filter(user=user, confirmed=True).count(),
        recovery_codes_left=StaticToken.objects.filter(
            device__user=user, device__confirmed=True
        ).count(),
    )
