import pytest
from django.core.exceptions import PermissionDenied

from plans.models import Revision
from plans.services.drafting import EditConflict, section_save
from tests.factories import CouncilFactory, officer_of

pytestmark = pytest.mark.django_db


def _section(plan, number=1):
    return plan.sections.get(theme__number=number)


def test_section_save_stores_text_and_records_a_revision(plan, officer):
    """Saving a theme stores the Markdown, its sanitised HTML and one new revision."""
    section = _section(plan)
    result = section_save(
        section_id=section.pk, narrative="1.1 We **merged** teams.", is_complete=False,
        base_version=0, user=officer,
    )  # fmt: skip
    section.refresh_from_db()
    assert result.changed is True
    assert section.narrative == "1.1 We **merged** teams."
    assert section.narrative_html == "<p>1.1 We <strong>merged</strong> teams.</p>"
    assert section.version == 1
    assert list(Revision.objects.filter(plan=plan).values_list("number", "summary")) == [
        (1, "Saved theme 1")
    ]


def test_section_save_refuses_a_stale_version_and_keeps_the_newer_text(plan, officer):
    """The second of two editors working from the same version is refused, not applied."""
    section = _section(plan)
    other = officer_of(plan.council)
    section_save(section_id=section.pk, narrative="First", is_complete=False, base_version=0,
                 user=officer)  # fmt: skip
    with pytest.raises(EditConflict) as conflict:
        section_save(section_id=section.pk, narrative="Second", is_complete=False,
                     base_version=0, user=other)  # fmt: skip
    section.refresh_from_db()
    assert section.narrative == "First"
    assert conflict.value.current.narrative == "First"
    assert conflict.value.code == "edit_conflict"
    assert Revision.objects.filter(plan=plan).count() == 1


def test_section_save_refuses_another_councils_officer(plan):
    section = _section(plan)
    outsider = officer_of(CouncilFactory())
    with pytest.raises(PermissionDenied):
        section_save(section_id=section.pk, narrative="x", is_complete=False, base_version=0,
                     user=outsider)  # fmt: skip
    section.refresh_from_db()
    assert section.narrative == ""
