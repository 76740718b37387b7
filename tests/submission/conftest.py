import pytest


@pytest.fixture(autouse=True)
def _pdf_directory(settings, tmp_path):
    """Rendered PDFs go to a temporary folder, not the developer's var/."""
    settings.SUBMISSION_PDF_DIR = tmp_path / "submissions"
