import pytest

from councils.models import Membership
from tests.factories import MembershipFactory, UserFactory


@pytest.fixture
def fast_passwords(settings):
    """People tests make many accounts: hash their passwords quickly."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def manager(council, fast_passwords):
    """An officer of the council who manages its people."""
    return MembershipFactory(
        council=council,
        role=Membership.Role.OFFICER,
        manages_people=True,
        user__full_name="Mina Manager",
        user__email="mina@council.example.gov.uk",
    ).user


@pytest.fixture
def ministry_admin(db, fast_passwords):
    return UserFactory(email="admin@ministry.example.gov.uk", full_name="Ada Admin", is_staff=True)
