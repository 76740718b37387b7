import pytest


@pytest.fixture
def fault_settings(settings, tmp_path):
    """The test process (which runs the sweep) uses the same short limits as the worker."""
    settings.SUBMISSION_PDF_DIR = tmp_path / "submissions"
    settings.SUBMISSION_CLAIM_SECONDS = 4
    settings.SUBMISSION_RETRY_BASE_SECONDS = 1
    settings.SUBMISSION_RETRY_MAX_SECONDS = 3
    settings.SUBMISSION_MAX_ATTEMPTS = 20
    settings.PDF_RENDER_TIMEOUT = 3
    return settings


@pytest.fixture(autouse=True)
def _quiet_smtp_log():
    """aiosmtpd logs every SMTP command; the fault tests print their own summary instead."""
    import logging

    logger = logging.getLogger("mail.log")
    level = logger.level
    logger.setLevel(logging.WARNING)
    yield
    logger.setLevel(level)
