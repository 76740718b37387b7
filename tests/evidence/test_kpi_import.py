from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from plans.kpi_import import read_csv, template_csv
from plans.models import KpiValue, Revision
from plans.selectors.evidence import kpis_for_plan
from plans.services.kpis import kpi_values_import
from tests.support.evidence import make_kpi

pytestmark = pytest.mark.django_db

GOOD = (
    "kpi_code,period,value\r\n"
    "LPI CS 1,Q3 2008-09,75.94\r\n"
    "LPI CS 1,Q2 2009-10,62.93\r\n"
    "lpi cs 1,Q3 2009-10,64.56%\r\n"
    "NI 157a,Q3 2009-10,82.61\r\n"
)


def upload(text: str | bytes, name="values.csv"):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return SimpleUploadedFile(name, data, content_type="text/csv")


@pytest.fixture
def kpis(plan, officer):
    make_kpi(plan, officer)
    make_kpi(plan, officer, code="NI 157a", name="Major planning applications in 13 weeks")


def run_import(plan, officer, text):
    return kpi_values_import(plan_id=plan.pk, rows=read_csv(upload(text)), user=officer)


def test_import_saves_every_row_and_records_one_revision(plan, officer, kpis):
    result = run_import(plan, officer, GOOD)
    assert (result.added, result.changed, result.unchanged) == (4, 0, 0)
    assert list(
        KpiValue.objects.filter(kpi__code="LPI CS 1").values_list("period_start", "value")
    ) == [
        (date(2008, 10, 1), Decimal("75.94")),
        (date(2009, 7, 1), Decimal("62.93")),
        (date(2009, 10, 1), Decimal("64.56")),
    ]
    assert Revision.objects.filter(plan=plan).latest("number").summary == (
        "Imported KPI values (4 added, 0 changed)"
    )


def test_import_of_the_same_file_again_changes_nothing(plan, officer, kpis):
    run_import(plan, officer, GOOD)
    revisions = Revision.objects.filter(plan=plan).count()
    edit_counts = list(kpis_for_plan(plan=plan).values_list("edit_count", flat=True))
    result = run_import(plan, officer, GOOD)
    assert (result.added, result.changed, result.unchanged) == (0, 0, 4)
    assert Revision.objects.filter(plan=plan).count() == revisions
    assert list(kpis_for_plan(plan=plan).values_list("edit_count", flat=True)) == edit_counts


def test_import_changes_only_the_values_that_differ(plan, officer, kpis):
    run_import(plan, officer, GOOD)
    result = run_import(plan, officer, GOOD.replace("82.61", "85.71"))
    assert (result.added, result.changed, result.unchanged) == (0, 1, 3)
    assert KpiValue.objects.get(kpi__code="NI 157a").value == Decimal("85.71")


def test_import_with_bad_rows_saves_nothing_and_names_each_row(plan, officer, kpis):
    text = (
        "kpi_code,period,value\n"
        "LPI CS 1,Q3 2008-09,75.94\n"
        "LPI CS 1,Q2 2009-10,n/a\n"
        "LPI CS 9,Q2 2009-10,50\n"
        "LPI CS 1,Q5 2009-10,50\n"
        "LPI CS 1,Q1 2009-10,\n"
        "LPI CS 1,Q1 2009-10,120\n"
        "LPI CS 1,Q3 2008-09,70\n"
        "NI 157a,Q3 2009-10,82.61,extra\n"
    )
    with pytest.raises(ValidationError) as error:
        run_import(plan, officer, text)
    assert {e.code for e in error.value.error_list} == {"invalid_row"}
    assert error.value.messages == [
        "Row 3: the value 'n/a' is not a number",
        "Row 4: there is no KPI with the code 'LPI CS 9' in this plan",
        "Row 5: the period 'Q5 2009-10' is not a quarterly period like Q1 2024-25",
        "Row 6: enter a value",
        "Row 7: the value '120' is not right for LPI CS 1: enter a percentage between 0 and 100",
        "Row 8: LPI CS 1 already has a value for Q3 2008-09 in row 2",
        "Row 9: has more than 3 columns: keep only kpi_code, period and value",
    ]
    assert KpiValue.objects.count() == 0
    assert Revision.objects.filter(plan=plan).count() == 2


def test_read_csv_accepts_excel_utf8_with_a_byte_order_mark(plan):
    rows = read_csv(upload("\ufeff" + GOOD))
    assert [(r.line, r.code, r.period, r.value) for r in rows][0] == (
        2,
        "LPI CS 1",
        "Q3 2008-09",
        "75.94",
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            "kpi_code,period,value\nLPI CS 1,Q3 2008-09,75,94\n".encode("utf-16"),
            "The selected file must be a CSV saved as UTF-8. In Excel, choose Save as, then CSV "
            "UTF-8 (comma delimited)",
        ),
        (
            b"code;period;value\nLPI CS 1;Q3 2008-09;75\n",
            "The selected file must have the columns kpi_code, period and value, in that order, in "
            "its first row. Download the template to see the layout",
        ),
        (b"", "The selected file is empty"),
        (b"kpi_code,period,value\n", "The selected file has no rows of values"),
        (
            "kpi_code,period,value\nLPI CS 1,Q3 2008-09,£75\n".encode("cp1252"),
            "The selected file must be a CSV saved as UTF-8. In Excel, choose Save as, then CSV "
            "UTF-8 (comma delimited)",
        ),
    ],
)
def test_read_csv_refuses_files_it_cannot_read(data, message):
    with pytest.raises(ValidationError) as error:
        read_csv(upload(data))
    assert error.value.messages == [message]


def test_read_csv_refuses_a_file_over_2mb():
    data = b"kpi_code,period,value\n" + b"LPI CS 1,Q3 2008-09,75.94\n" * 90_000
    assert len(data) > 2 * 1024 * 1024
    with pytest.raises(ValidationError) as error:
        read_csv(upload(data))
    assert error.value.messages == ["The selected file must be smaller than 2MB"]


def test_read_csv_refuses_more_than_5000_rows():
    data = "kpi_code,period,value\n" + "LPI CS 1,Q3 2008-09,75.94\n" * 10_000
    with pytest.raises(ValidationError) as error:
        read_csv(upload(data))
    assert error.value.messages == [
        "The selected file must have 5,000 rows of values or fewer. Split it into smaller files"
    ]
    assert len(read_csv(upload("kpi_code,period,value\n" + "A,B,C\n" * 5_000))) == 5_000


def test_template_holds_the_current_values_so_uploading_it_changes_nothing(plan, officer, kpis):
    run_import(plan, officer, GOOD)
    make_kpi(plan, officer, code="RS 1", name="Satisfaction", frequency="annual")
    template = template_csv(kpis_for_plan(plan=plan))
    assert template.splitlines() == [
        "kpi_code,period,value",
        "LPI CS 1,Q3 2008-09,75.94",
        "LPI CS 1,Q2 2009-10,62.93",
        "LPI CS 1,Q3 2009-10,64.56",
        "NI 157a,Q3 2009-10,82.61",
        "RS 1,2024-25,",
    ]
    with pytest.raises(ValidationError) as error:  # the example row still needs its value
        run_import(plan, officer, template)
    assert error.value.messages == ["Row 6: enter a value"]
    result = run_import(plan, officer, "\n".join(template.splitlines()[:5]))
    assert (result.added, result.changed, result.unchanged) == (0, 0, 4)
