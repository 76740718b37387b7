import pytest

from tests.browser.conftest import check_page, sign_in  # noqa: F401 (fixtures)
from tests.panel.factories import panel_member, test_round
from tests.support.mfa import force_login_verified


@pytest.fixture(autouse=True)
def _export_directory(settings, tmp_path):
    settings.PANEL_EXPORT_DIR = tmp_path / "exports"
    # Many users per test: a fast hasher keeps building them cheap.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def round_(db):
    return test_round()


@pytest.fixture
def panel_user(db):
    return panel_member(email="panel@example.gov.uk", full_name="Pat Panel")


@pytest.fixture
def panel_client(client, panel_user):
    force_login_verified(client, panel_user)
    return client
