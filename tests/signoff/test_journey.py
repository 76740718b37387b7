"""The whole sign-off in a real browser, checking every page with axe."""

import re

import pytest
from playwright.sync_api import expect

from plans.models import Plan, SignOffRequest
from tests.factories import PASSWORD, CouncilFactory, PlanFactory, officer_of
from tests.support.mfa import pass_second_factor
from tests.support.signoff import fill

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, user):
    page.context.clear_cookies()
    page.goto("/sign-in/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    pass_second_factor(page, user)
    expect(page.get_by_role("button", name=re.compile("Sign out"))).to_be_visible()


def test_officer_sends_councillors_ask_for_changes_then_approve(page, assert_accessible):
    from tests.factories import MembershipFactory, councillor_of

    council = CouncilFactory(name="Dacorum Borough Council")
    plan = fill(PlanFactory(council=council))
    officer = officer_of(council, user__full_name="Olu Officer")
    leader = councillor_of(council, title="Leader", user__full_name="Cllr Ada Leader")
    holder = councillor_of(council, title="Portfolio Holder", user__full_name="Cllr Ben Holder")
    statutory = MembershipFactory(
        council=council, role="statutory_officer", title="Monitoring Officer",
        user__full_name="Mo Monitoring",
    ).user  # fmt: skip

    # The task list leads the officer to check the plan and send it to two named councillors.
    sign_in(page, officer)
    page.goto(f"/plans/{plan.pk}/")
    expect(page.get_by_test_id("not-sent")).to_have_text("Not sent for sign-off yet.")
    page.get_by_role("link", name="Check your plan and send it for sign-off").click()
    assert_accessible(page)
    page.get_by_role("button", name="Send for sign-off").click()
    expect(page.get_by_role("heading", name="Send for sign-off")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Named councillors must all approve").check()
    page.get_by_label("Cllr Ada Leader, Leader").check()
    page.get_by_label("Cllr Ben Holder, Portfolio Holder").check()
    page.get_by_label("Covering note (optional)").fill("For Cabinet on 4 July.")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Check before you send for sign-off")).to_be_visible()
    assert_accessible(page)
    reference = page.get_by_test_id("reference").inner_text()
    page.get_by_role("button", name="Send for sign-off").click()
    expect(page.get_by_test_id("reference")).to_have_text(reference)
    assert_accessible(page)

    # The statutory officer comments.
    sign_in(page, statutory)
    page.goto(f"/plans/{plan.pk}/versions/1/sign-off/")
    page.get_by_role("link", name="Add a statutory comment").click()
    assert_accessible(page)
    page.get_by_label("Your comment").fill("The Monitoring Officer is content.")
    page.get_by_role("button", name="Add comment").click()
    expect(page.get_by_test_id("statutory-comment")).to_contain_text("Mo Monitoring")

    # The leader sees the plan awaiting them and asks for changes.
    sign_in(page, leader)
    page.goto("/")
    assert_accessible(page)
    page.get_by_test_id("awaiting").get_by_role("link").click()
    expect(page.get_by_test_id("covering-note")).to_have_text("For Cabinet on 4 July.")
    assert_accessible(page)
    page.get_by_label("No, I’m asking for changes").check()
    page.get_by_label("If you are asking for changes: what needs to change?").fill(
        "Name the offices you closed."
    )
    page.get_by_role("button", name="Send your decision").click()
    expect(page.get_by_test_id("your-decision")).to_contain_text("requested changes")

    # The officer sees the comment, edits the theme and resends.
    sign_in(page, officer)
    page.goto(f"/plans/{plan.pk}/")
    expect(page.get_by_test_id("changes-requested")).to_contain_text("Name the offices you closed.")
    assert_accessible(page)
    page.goto(f"/plans/{plan.pk}/themes/1/")
    page.locator("textarea").fill(
        "1.1 We merged our customer teams.\n1.2 We closed the Mill Lane and Kings Road offices."
    )
    page.get_by_label("Yes, I’ve completed this theme").check()
    page.get_by_role("button", name="Save and return to your plan").click()
    page.goto(f"/plans/{plan.pk}/sign-off/send/")
    page.get_by_label("Named councillors must all approve").check()
    page.get_by_label("Cllr Ada Leader, Leader").check()
    page.get_by_label("Cllr Ben Holder, Portfolio Holder").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Send for sign-off").click()
    expect(page.get_by_text("Version 2 sent for sign-off")).to_be_visible()

    # The officer records the Cabinet decision.
    page.get_by_role("link", name="Record the council’s decision").click()
    assert_accessible(page)
    page.get_by_label("Cabinet").check()
    page.get_by_label("Day").first.fill("4")
    page.get_by_label("Month").first.fill("7")
    page.get_by_label("Year").first.fill("2024")
    page.get_by_role("button", name="Save the decision").click()
    expect(page.get_by_test_id("decision-record")).to_contain_text("Cabinet, 4 July 2024")

    # Both councillors approve version 2; the leader sees what changed since version 1.
    for councillor in (leader, holder):
        sign_in(page, councillor)
        page.goto("/sign-off/")
        assert_accessible(page)
        page.get_by_role("link", name=re.compile("version 2")).click()
        if councillor == leader:
            expect(page.get_by_test_id("diff")).to_contain_text("Mill Lane")
        page.get_by_label("Yes, I approve it").check()
        page.get_by_label(
            "I approve this plan for submission on behalf of Dacorum Borough Council"
        ).check()
        page.get_by_role("button", name="Send your decision").click()
        expect(page.get_by_test_id("your-decision")).to_contain_text("approved")
        assert_accessible(page)
    expect(page.get_by_test_id("approved")).to_be_visible()

    plan.refresh_from_db()
    # The decision's call-in period has ended, so the approved version is submitted at once
    # (tasks run in-process here).
    assert plan.status == Plan.Status.SUBMITTED
    assert list(SignOffRequest.objects.order_by("pk").values_list("status", flat=True)) == [
        "changes_requested",
        "approved",
    ]

    # The timeline shows it all.
    sign_in(page, officer)
    page.goto(f"/plans/{plan.pk}/timeline/")
    assert_accessible(page)
    timeline = page.get_by_test_id("timeline")
    titles = timeline.get_by_test_id("timeline-title")
    expect(titles).to_have_text(
        [
            "Version frozen",
            "Sent for sign-off",
            "Statutory comment added",
            "Councillor asked for changes",
            "Version frozen",
            "Sent for sign-off",
            "Council’s decision recorded",
            "Councillor approved",
            "Councillor approved",
            "Version approved",
            "Queued for submission to the ministry",
            "Sent to the ministry",
        ]
    )
    expect(timeline).to_contain_text("Name the offices you closed.")
    approved = timeline.get_by_test_id("timeline-event").filter(has_text="Version approved")
    expect(approved.get_by_test_id("timeline-version")).to_have_text(
        re.compile(r"^Version 2 \w{12}$")
    )

    # A correction is offered on the submitted plan.
    page.goto(f"/plans/{plan.pk}/correction/")
    assert_accessible(page)
    expect(page.get_by_role("button", name="Start a correction")).to_be_visible()
