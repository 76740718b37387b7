"""Journeys through the evidence pages in headless Chromium, each page checked by axe."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from plans.models import KpiValue
from plans.services import evidence as services
from plans.services import kpis as kpi_services
from tests.factories import PASSWORD
from tests.support.evidence import ITEM_KINDS, make_kpi, one_of_each
from tests.support.mfa import pass_second_factor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, user):
    page.goto(reverse("login"))
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    pass_second_factor(page, user)
    expect(page.get_by_role("button", name=re.compile("^Sign out"))).to_be_visible()


def test_officer_adds_a_kpi_with_three_quarterly_values_and_sees_its_chart(
    page, plan, officer, assert_accessible
):
    sign_in(page, officer)
    page.goto(reverse("plans:tasklist", args=[plan.pk]))
    assert_accessible(page)
    page.get_by_role("link", name="Theme 1: KPIs, actions and savings").click()
    assert_accessible(page)
    page.get_by_role("link", name="Add a KPI to theme 1").click()
    page.get_by_role("button", name="Save KPI").click()  # nothing filled in: errors first
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the KPI code")
    assert_accessible(page)
    page.get_by_label("Code").fill("LPI CS 1")
    page.get_by_label("Short name").fill("Phone calls answered within 20 seconds")
    page.get_by_label("Percentage (%)").check()
    page.get_by_label("Quarterly").check()
    page.get_by_label("Yes, higher is better").check()
    page.get_by_label("Target", exact=True).fill("80")
    page.get_by_label("Tolerance").fill("5")
    page.get_by_role("button", name="Save KPI").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "LPI CS 1 Phone calls answered within 20 seconds"
    )
    for period, value in (
        ("Q3 2008-09", "75.94"),
        ("Q2 2009-10", "62.93"),
        ("Q3 2009-10", "64.56"),
    ):
        page.get_by_label("Period").fill(period)
        page.get_by_label("Value", exact=True).fill(value)
        page.get_by_role("button", name="Save value").click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text(f"Value for {period}")
    chart = page.locator("main svg[role=img]")
    expect(chart).to_have_count(1)
    expect(chart.locator("title")).to_have_text("LPI CS 1 Phone calls answered within 20 seconds")
    expect(chart.locator("polyline")).to_have_count(1)
    expect(page.get_by_test_id("traffic-light")).to_have_text("Requires attention")
    expect(page.get_by_test_id("short-trend")).to_contain_text("Improving")
    expect(page.get_by_test_id("kpi-summary")).to_have_text("Improving: 62.9% to 64.6%, target 80%")
    assert_accessible(page)
    page.get_by_role("link", name="Back to KPIs").click()
    expect(page.get_by_test_id("traffic-light")).to_have_text("Requires attention")
    assert_accessible(page)


def test_csv_with_one_bad_row_saves_nothing_and_names_the_row(
    page, plan, officer, assert_accessible
):
    make_kpi(plan, officer)
    sign_in(page, officer)
    page.goto(reverse("plans:kpi_import", args=[plan.pk]))
    assert_accessible(page)
    page.get_by_label("Upload a CSV file").set_input_files(
        files=[
            {
                "name": "values.csv",
                "mimeType": "text/csv",
                "buffer": b"kpi_code,period,value\nLPI CS 1,Q2 2009-10,62.93\n"
                b"LPI CS 1,Q3 2009-10,n/a\nLPI CS 1,Q4 2009-10,70\n",
            }
        ]
    )
    page.get_by_role("button", name="Upload and check").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Row 3: the value 'n/a' is not a number"
    )
    expect(page.locator(".govuk-error-message")).to_contain_text("Row 3")
    assert_accessible(page)
    assert KpiValue.objects.count() == 0


def test_every_evidence_page_has_no_accessibility_violations(
    page, plan, officer, assert_accessible
):
    items = one_of_each(plan, officer)
    kpi = items["kpi"]
    kpi_services.kpi_value_set(
        plan_id=plan.pk,
        kpi_id=kpi.pk,
        base_edit_count=2,
        period_start=date(2009, 7, 1),
        value=Decimal("62.93"),
        user=officer,
    )
    services.spend_figures_save(
        plan_id=plan.pk,
        base_edit_count=0,
        user=officer,
        fields={"consultancy_percent": Decimal("4.96")},
    )
    urls = [
        reverse("plans:check", args=[plan.pk]),
        reverse("plans:kpis", args=[plan.pk]),
        reverse("plans:kpi_add", args=[plan.pk]),
        reverse("plans:kpi_detail", args=[plan.pk, kpi.pk]),
        reverse("plans:kpi_edit", args=[plan.pk, kpi.pk]),
        reverse("plans:kpi_delete", args=[plan.pk, kpi.pk]),
        reverse("plans:theme_evidence", args=[plan.pk, 4]),
        reverse("plans:coverage", args=[plan.pk, 3]),
        reverse("plans:spend_figures", args=[plan.pk]),
        reverse("plans:plan_cost", args=[plan.pk]),
        reverse("plans:context", args=[plan.pk]),
    ]
    for kind in ITEM_KINDS:
        urls += [
            reverse(f"plans:{kind}_add", args=[plan.pk]),
            reverse(f"plans:{kind}_edit", args=[plan.pk, items[kind].pk]),
            reverse(f"plans:{kind}_delete", args=[plan.pk, items[kind].pk]),
        ]
    sign_in(page, officer)
    for url in urls:
        page.goto(url)
        expect(page.locator("h1")).to_be_visible()
        assert_accessible(page)
    # Error states: an impossible milestone date and out-of-range figures.
    page.goto(reverse("plans:actions_add", args=[plan.pk]))
    page.get_by_label("Day").fill("31")
    page.get_by_label("Month").fill("2")
    page.get_by_label("Year").fill("2025")
    page.get_by_role("button", name="Save action").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "The milestone date must be a real date"
    )
    expect(page.get_by_label("Day")).to_have_value("31")
    assert_accessible(page)
    page.goto(reverse("plans:spend_figures", args=[plan.pk]))
    page.get_by_label("Agency spend as a percentage of total staff budget").fill("150")
    page.get_by_role("button", name="Save figures").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Agency spend must be between 0 and 100"
    )
    assert_accessible(page)
