"""The rules for KPIs, as pure functions: periods, traffic lights, trends and how values read.

Periods are stored as the date they start: the first of the month, the first day of a financial
quarter (1 April, 1 July, 1 October, 1 January) or 1 April for a financial year. Labels follow
council reports: "December 2009", "Q3 2009-10", "2009-10".
"""

import re
from datetime import date
from decimal import Decimal
from enum import StrEnum

MONTHLY = "monthly"
QUARTERLY = "quarterly"
ANNUAL = "annual"

_MONTHS = {
    name: number
    for number, name in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        start=1,
    )
}


class TrafficLight(StrEnum):
    GOOD = "good"
    CAUTION = "caution"
    REQUIRES_ATTENTION = "requires_attention"
    NO_DATA = "no_data"

    @property
    def label(self) -> str:
        return {
            "good": "Good",
            "caution": "Caution",
            "requires_attention": "Requires attention",
            "no_data": "No data",
        }[self.value]

    @property
    def tag_colour(self) -> str:
        return {
            "good": "green",
            "caution": "yellow",
            "requires_attention": "red",
            "no_data": "grey",
        }[self.value]


class Trend(StrEnum):
    IMPROVING = "improving"
    NO_CHANGE = "no_change"
    GETTING_WORSE = "getting_worse"
    NO_DATA = "no_data"

    @property
    def label(self) -> str:
        return {
            "improving": "Improving",
            "no_change": "No change",
            "getting_worse": "Getting worse",
            "no_data": "No data",
        }[self.value]


def traffic_light(
    *, value: Decimal | None, target: Decimal | None, tolerance: Decimal, higher_is_better: bool
) -> TrafficLight:
    """Good when the target is met, Caution when short of it by no more than the tolerance."""
    if value is None or target is None:
        return TrafficLight.NO_DATA
    shortfall = (target - value) if higher_is_better else (value - target)
    if shortfall <= 0:
        return TrafficLight.GOOD
    if shortfall <= tolerance:
        return TrafficLight.CAUTION
    return TrafficLight.REQUIRES_ATTENTION


def trend(*, current: Decimal | None, earlier: Decimal | None, higher_is_better: bool) -> Trend:
    """Whether the value moved the right way since an earlier period; No data without both."""
    if current is None or earlier is None:
        return Trend.NO_DATA
    if current == earlier:
        return Trend.NO_CHANGE
    went_up = current > earlier
    return Trend.IMPROVING if went_up == higher_is_better else Trend.GETTING_WORSE


def values_trend(
    values: dict[date, Decimal], *, frequency: str, higher_is_better: bool, long_term: bool
) -> Trend:
    """The latest value's trend against the previous period (or the same period a year ago).

    A missing comparison period gives No data: a gap is never bridged by an older value.
    """
    if not values:
        return Trend.NO_DATA
    latest = max(values)
    earlier = year_earlier(frequency, latest) if long_term else previous_period(frequency, latest)
    return trend(
        current=values[latest], earlier=values.get(earlier), higher_is_better=higher_is_better
    )


def value_problem(value: Decimal | None, unit: str) -> str | None:
    """Why a figure cannot be right for its unit, or None when it can."""
    if value is None:
        return None
    if unit == "percent" and not 0 <= value <= 100:
        return "Enter a percentage between 0 and 100"
    if unit in ("pounds", "days", "hours") and value < 0:
        return "Enter a figure of 0 or more"
    return None


def percent_change(earlier: Decimal | None, current: Decimal | None) -> Decimal | None:
    """Change as a percentage of the earlier value; None when that is missing or zero."""
    if earlier is None or current is None or earlier == 0:
        return None
    return ((current - earlier) / abs(earlier) * 100).quantize(Decimal("0.1"))


# --- Periods -----------------------------------------------------------------------------------


def _months_back(start: date, months: int) -> date:
    index = start.year * 12 + start.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def _step_months(frequency: str) -> int:
    return {MONTHLY: 1, QUARTERLY: 3, ANNUAL: 12}[frequency]


def previous_period(frequency: str, start: date) -> date:
    return _months_back(start, _step_months(frequency))


def year_earlier(frequency: str, start: date) -> date:
    return _months_back(start, 12)


def is_period_start(frequency: str, start: date) -> bool:
    if start.day != 1:
        return False
    if frequency == QUARTERLY:
        return start.month in (1, 4, 7, 10)
    if frequency == ANNUAL:
        return start.month == 4
    return True


def _financial_year(start: date) -> int:
    return start.year if start.month >= 4 else start.year - 1


def _year_label(first_year: int) -> str:
    return f"{first_year}-{(first_year + 1) % 100:02d}"


def period_label(frequency: str, start: date) -> str:
    if frequency == MONTHLY:
        return f"{start:%B %Y}"
    year = _financial_year(start)
    if frequency == QUARTERLY:
        quarter = ((start.month - 4) % 12) // 3 + 1
        return f"Q{quarter} {_year_label(year)}"
    return _year_label(year)


PERIOD_EXAMPLES = {MONTHLY: "2024-06", QUARTERLY: "Q1 2024-25", ANNUAL: "2024-25"}

_YEAR = r"(\d{4})\s*[-/]\s*(\d{2}|\d{4})"
_QUARTER_FIRST = re.compile(rf"^q([1-4])\s+{_YEAR}$")
_QUARTER_LAST = re.compile(rf"^{_YEAR}\s+q([1-4])$")
_FINANCIAL_YEAR = re.compile(rf"^{_YEAR}$")
_ISO_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_NAMED_MONTH = re.compile(r"^([a-z]+)\s+(\d{4})$")


def _first_year(first: str, second: str) -> int | None:
    year = int(first)
    following = int(second)
    expected = year + 1 if len(second) == 4 else (year + 1) % 100
    return year if following == expected else None


def parse_period(frequency: str, text: str) -> date | None:
    """The start of the period written as in PERIOD_EXAMPLES (or "June 2024"), else None."""
    text = " ".join(text.strip().lower().split())
    if frequency == MONTHLY:
        if match := _ISO_MONTH.match(text):
            year, month = int(match[1]), int(match[2])
        elif (match := _NAMED_MONTH.match(text)) and match[1] in _MONTHS:
            year, month = int(match[2]), _MONTHS[match[1]]
        else:
            return None
        return date(year, month, 1) if 1 <= month <= 12 and year >= 1900 else None
    if frequency == QUARTERLY:
        if match := _QUARTER_FIRST.match(text):
            quarter, first, second = int(match[1]), match[2], match[3]
        elif match := _QUARTER_LAST.match(text):
            first, second, quarter = match[1], match[2], int(match[3])
        else:
            return None
        year = _first_year(first, second)
        if year is None:
            return None
        month = 4 + (quarter - 1) * 3
        return date(year + 1, month - 12, 1) if month > 12 else date(year, month, 1)
    if match := _FINANCIAL_YEAR.match(text):
        year = _first_year(match[1], match[2])
        return date(year, 4, 1) if year is not None else None
    return None


# --- How values read ---------------------------------------------------------------------------


def _plain(value: Decimal, places: int) -> str:
    """At most `places` decimal places, without trailing zeros, with thousands separators."""
    rounded = round(Decimal(value), places)
    text = f"{rounded:,.{places}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def format_value(value: Decimal | None, unit: str, *, exact: bool = False) -> str:
    """A figure as people read it: "64.6%", "£2,500", "12 days". `exact` keeps two decimal
    places where a summary would round to one (tables and spend figures show what was given)."""
    if value is None:
        return "No data"
    places = 2 if exact else 1
    if unit == "percent":
        return f"{_plain(value, places)}%"
    if unit == "pounds":
        sign = "-" if value < 0 else ""
        return f"{sign}£{_plain(abs(value), 2)}"
    if unit == "days":
        return f"{_plain(value, places)} day" + ("" if value == 1 else "s")
    if unit == "hours":
        return f"{_plain(value, places)} hour" + ("" if value == 1 else "s")
    return _plain(value, 2)


def summary_text(
    *,
    values: list[Decimal],
    target: Decimal | None,
    unit: str,
    short_trend: Trend,
) -> str:
    """One line a screen reader or a printed page can stand on, such as
    "Improving: 62.9% to 64.6%, target 80%"."""
    target_text = f"target {format_value(target, unit)}" if target is not None else "no target"
    if not values:
        return f"No data yet, {target_text}"
    latest = format_value(values[-1], unit)
    if len(values) == 1 or short_trend == Trend.NO_DATA:
        return f"Latest {latest}, {target_text}"
    return f"{short_trend.label}: {format_value(values[-2], unit)} to {latest}, {target_text}"
