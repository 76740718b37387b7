from datetime import date
from decimal import Decimal as D

from plans import kpi
from plans.kpi import TrafficLight, Trend


def light(value, target, tolerance="0", higher=True):
    return kpi.traffic_light(
        value=None if value is None else D(value),
        target=None if target is None else D(target),
        tolerance=D(tolerance),
        higher_is_better=higher,
    )


def test_traffic_light_is_good_when_the_target_is_met():
    assert light("82.61", "80") == TrafficLight.GOOD
    assert light("80", "80") == TrafficLight.GOOD


def test_traffic_light_is_caution_within_the_tolerance_and_attention_beyond_it():
    """LPI CS 3 at 63.73% against 65% with 2 points tolerance is Caution; LPI CS 1 at 64.56%
    against 80% is Requires attention."""
    assert light("63.73", "65", tolerance="2") == TrafficLight.CAUTION
    assert light("63", "65", tolerance="2") == TrafficLight.CAUTION
    assert light("62.99", "65", tolerance="2") == TrafficLight.REQUIRES_ATTENTION
    assert light("64.56", "80", tolerance="5") == TrafficLight.REQUIRES_ATTENTION


def test_traffic_light_lower_is_better():
    assert light("9", "10", higher=False) == TrafficLight.GOOD
    assert light("11", "10", tolerance="1", higher=False) == TrafficLight.CAUTION
    assert light("12", "10", tolerance="1", higher=False) == TrafficLight.REQUIRES_ATTENTION


def test_traffic_light_zero_target():
    """A lower-is-better KPI aiming for zero: zero is Good, anything above it is not."""
    assert light("0", "0", higher=False) == TrafficLight.GOOD
    assert light("1", "0", higher=False) == TrafficLight.REQUIRES_ATTENTION
    assert light("0", "0") == TrafficLight.GOOD


def test_traffic_light_without_data():
    assert light(None, "80") == TrafficLight.NO_DATA
    assert light("50", None) == TrafficLight.NO_DATA
    assert TrafficLight.NO_DATA.label == "No data"


def test_trend_takes_the_direction_into_account():
    up = {"current": D("64.56"), "earlier": D("62.93")}
    assert kpi.trend(**up, higher_is_better=True) == Trend.IMPROVING
    assert kpi.trend(**up, higher_is_better=False) == Trend.GETTING_WORSE
    assert kpi.trend(current=D(5), earlier=D(5), higher_is_better=True) == Trend.NO_CHANGE
    assert kpi.trend(current=D(5), earlier=None, higher_is_better=True) == Trend.NO_DATA


def test_trend_from_a_zero_baseline():
    assert kpi.trend(current=D(5), earlier=D(0), higher_is_better=True) == Trend.IMPROVING
    assert kpi.trend(current=D(0), earlier=D(0), higher_is_better=False) == Trend.NO_CHANGE
    assert kpi.percent_change(D(0), D(5)) is None
    assert kpi.percent_change(D("62.93"), D("64.56")) == D("2.6")


def test_values_trend_short_and_long_term_for_quarters():
    """The Sevenoaks LPI CS 1 figures: better than last quarter, worse than a year ago."""
    values = {
        date(2008, 10, 1): D("75.94"),  # Q3 2008-09
        date(2009, 7, 1): D("62.93"),  # Q2 2009-10
        date(2009, 10, 1): D("64.56"),  # Q3 2009-10
    }
    args = {"frequency": kpi.QUARTERLY, "higher_is_better": True}
    assert kpi.values_trend(values, long_term=False, **args) == Trend.IMPROVING
    assert kpi.values_trend(values, long_term=True, **args) == Trend.GETTING_WORSE


def test_values_trend_missing_periods_give_no_data_rather_than_an_older_value():
    values = {date(2024, 1, 1): D(50), date(2024, 3, 1): D(60)}  # February missing
    args = {"frequency": kpi.MONTHLY, "higher_is_better": True}
    assert kpi.values_trend(values, long_term=False, **args) == Trend.NO_DATA
    assert kpi.values_trend(values, long_term=True, **args) == Trend.NO_DATA
    assert kpi.values_trend({}, long_term=False, **args) == Trend.NO_DATA


def test_period_labels_follow_the_financial_year():
    assert kpi.period_label(kpi.QUARTERLY, date(2009, 10, 1)) == "Q3 2009-10"
    assert kpi.period_label(kpi.QUARTERLY, date(2010, 1, 1)) == "Q4 2009-10"
    assert kpi.period_label(kpi.QUARTERLY, date(2009, 4, 1)) == "Q1 2009-10"
    assert kpi.period_label(kpi.ANNUAL, date(2021, 4, 1)) == "2021-22"
    assert kpi.period_label(kpi.MONTHLY, date(2009, 12, 1)) == "December 2009"


def test_parse_period_accepts_the_usual_ways_of_writing_periods():
    assert kpi.parse_period(kpi.QUARTERLY, "Q3 2009-10") == date(2009, 10, 1)
    assert kpi.parse_period(kpi.QUARTERLY, "q4 2009/2010") == date(2010, 1, 1)
    assert kpi.parse_period(kpi.QUARTERLY, "2024-25 Q1") == date(2024, 4, 1)
    assert kpi.parse_period(kpi.MONTHLY, "2024-06") == date(2024, 6, 1)
    assert kpi.parse_period(kpi.MONTHLY, "June 2024") == date(2024, 6, 1)
    assert kpi.parse_period(kpi.ANNUAL, "2021/22") == date(2021, 4, 1)


def test_parse_period_refuses_periods_that_do_not_exist():
    assert kpi.parse_period(kpi.QUARTERLY, "Q5 2024-25") is None
    assert kpi.parse_period(kpi.QUARTERLY, "Q1 2024-26") is None
    assert kpi.parse_period(kpi.MONTHLY, "2024-13") is None
    assert kpi.parse_period(kpi.MONTHLY, "Smarch 2024") is None
    assert kpi.parse_period(kpi.ANNUAL, "Q1 2024-25") is None


def test_format_value_per_unit():
    assert kpi.format_value(D("64.56"), "percent") == "64.6%"
    assert kpi.format_value(D("80.00"), "percent") == "80%"
    assert kpi.format_value(D("4.96"), "percent", exact=True) == "4.96%"
    assert kpi.format_value(D("4.96"), "percent") == "5%"
    assert kpi.format_value(D("2500.00"), "pounds") == "£2,500"
    assert kpi.format_value(D("8800000"), "pounds") == "£8,800,000"
    assert kpi.format_value(D("1"), "days") == "1 day"
    assert kpi.format_value(None, "number") == "No data"


def test_summary_text_reads_as_a_sentence():
    summary = kpi.summary_text(
        values=[D("75.94"), D("62.93"), D("64.56")],
        target=D("80"),
        unit="percent",
        short_trend=Trend.IMPROVING,
    )
    assert summary == "Improving: 62.9% to 64.6%, target 80%"
    assert (
        kpi.summary_text(values=[], target=D("80"), unit="percent", short_trend=Trend.NO_DATA)
        == "No data yet, target 80%"
    )
    assert (
        kpi.summary_text(
            values=[D("64.56")], target=D("80"), unit="percent", short_trend=Trend.NO_DATA
        )
        == "Latest 64.6%, target 80%"
    )
