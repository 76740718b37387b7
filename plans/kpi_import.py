"""KPI values from a spreadsheet: the CSV template, and reading and checking an upload.

`read_csv` checks the file as a whole (size, encoding, columns, number of rows) and returns its
rows; `validate_rows` checks every row against the plan's KPIs and returns either the values to
save or one plain message per bad row, numbered as the spreadsheet numbers them (the header is
row 1). The import service saves all rows or none.
"""

import csv
import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from plans import kpi as kpi_rules

COLUMNS = ["kpi_code", "period", "value"]
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5_000
MAX_ERRORS_SHOWN = 100


@dataclass(frozen=True)
class ImportRow:
    line: int
    code: str
    period: str
    value: str
    extra_cells: bool = False


def template_csv(kpis) -> str:
    """A CSV with the right columns and every value the plan holds, ready to extend and upload.

    Uploading it unchanged changes nothing. Each KPI without values gets one example row.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for kpi in kpis:
        series = kpi.series
        if not series:
            writer.writerow([kpi.code, kpi_rules.PERIOD_EXAMPLES[kpi.frequency], ""])
        for value in series:
            writer.writerow([kpi.code, value.period_label, _plain(value.value)])
    return out.getvalue()


def _plain(value: Decimal) -> str:
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _file_error(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def read_csv(upload) -> list[ImportRow]:
    """The data rows of an uploaded CSV file, or a ValidationError saying what to fix."""
    if upload.size == 0:
        raise _file_error("The selected file is empty", "empty")
    if upload.size > MAX_BYTES:
        raise _file_error("The selected file must be smaller than 2MB", "too_big")
    raw = upload.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise _file_error("The selected file must be smaller than 2MB", "too_big")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _file_error(
            "The selected file must be a CSV saved as UTF-8. In Excel, choose Save as, then "
            "CSV UTF-8 (comma delimited)",
            "not_utf8",
        ) from None
    if "\x00" in text:
        raise _file_error("The selected file must be a CSV", "not_csv")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        header = [column.strip().lower() for column in header] if header else []
        if header != COLUMNS:
            raise _file_error(
                "The selected file must have the columns kpi_code, period and value, in that "
                "order, in its first row. Download the template to see the layout",
                "wrong_columns",
            )
        rows = []
        for number, record in enumerate(reader, start=2):
            if not any(cell.strip() for cell in record):
                continue
            if len(rows) >= MAX_ROWS:
                raise _file_error(
                    f"The selected file must have {MAX_ROWS:,} rows of values or fewer. Split it "
                    "into smaller files",
                    "too_many_rows",
                )
            extra = any(cell.strip() for cell in record[3:])
            cells = [cell.strip() for cell in record[:3]] + [""] * (3 - len(record[:3]))
            rows.append(ImportRow(number, *cells, extra_cells=extra))
    except csv.Error:
        raise _file_error("The selected file must be a CSV", "not_csv") from None
    if not rows:
        raise _file_error("The selected file has no rows of values", "no_rows")
    return rows


def _number(text: str) -> Decimal | None:
    cleaned = text.replace(",", "").replace("£", "").removesuffix("%").strip()
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        return None
    if not number.is_finite() or abs(number) >= Decimal("1e12"):
        return None
    return number.quantize(Decimal("0.01"))


def _row_problem(row: ImportRow, kpis: dict, seen: dict) -> tuple[str | None, tuple | None]:
    if row.extra_cells:
        return "has more than 3 columns: keep only kpi_code, period and value", None
    if not row.code:
        return "enter a KPI code", None
    kpi = kpis.get(row.code.casefold())
    if kpi is None:
        return f"there is no KPI with the code '{row.code}' in this plan", None
    if not row.period:
        return "enter a period", None
    period_start = kpi_rules.parse_period(kpi.frequency, row.period)
    if period_start is None:
        example = kpi_rules.PERIOD_EXAMPLES[kpi.frequency]
        return (
            f"the period '{row.period}' is not a {kpi.get_frequency_display().lower()} period "
            f"like {example}"
        ), None
    if not row.value:
        return "enter a value", None
    number = _number(row.value)
    if number is None:
        return f"the value '{row.value}' is not a number", None
    problem = kpi_rules.value_problem(number, kpi.unit)
    if problem:
        return f"the value '{row.value}' is not right for {kpi.code}: {problem[0].lower()}" + (
            problem[1:]
        ), None
    key = (kpi.pk, period_start)
    if key in seen:
        return (
            f"{kpi.code} already has a value for {kpi.period_label(period_start)} in row "
            f"{seen[key]}"
        ), None
    seen[key] = row.line
    return None, (kpi, period_start, number)


def validate_rows(
    rows: list[ImportRow], kpis: dict
) -> tuple[list[tuple[object, date, Decimal]], list[ValidationError]]:
    """Check every row against the KPIs (keyed by case-folded code).

    Returns the values to save and an empty list, or no values and one error per bad row
    ("Row 7: the value 'n/a' is not a number"), at most MAX_ERRORS_SHOWN and then a count.
    """
    values, errors, seen = [], [], {}
    for row in rows:
        problem, value = _row_problem(row, kpis, seen)
        if problem:
            errors.append(ValidationError(f"Row {row.line}: {problem}", code="invalid_row"))
        else:
            values.append(value)
    if len(errors) > MAX_ERRORS_SHOWN:
        hidden = len(errors) - MAX_ERRORS_SHOWN
        errors = errors[:MAX_ERRORS_SHOWN] + [
            ValidationError(f"And {hidden:,} more rows with problems", code="invalid_row")
        ]
    return ([], errors) if errors else (values, [])
