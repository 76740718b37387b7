import re

import pytest
from django.urls import reverse
from django.utils import timezone

from plans.models import AuditEvent, PlanVersion, SignOffDecision, SignOffRequest, Submission
from plans.services.drafting import section_save
from plans.templatetags.govuk import govuk_datetime
from tests.factories import CouncilFactory, PlanFactory, officer_of
from tests.support.mfa import force_login_verified
from tests.support.signoff import fill, record_cabinet, request_changes, send

pytestmark = pytest.mark.django_db


def test_send_shows_a_confirm_page_with_the_reference_then_sends(
    client, ready_plan, officer, leader, portfolio_holder
):
    force_login_verified(client, officer)
    url = reverse("plans:sign_off_send", args=[ready_plan.pk])
    data = {"rule": "named", "councillors": [leader.pk, portfolio_holder.pk],
            "covering_note": "Ready for Cabinet."}  # fmt: skip
    confirm = client.post(url, data)
    assert confirm.status_code == 200
    assert PlanVersion.objects.count() == 0
    reference = confirm.context["sha256"]
    assert f'data-testid="reference">{reference[:12]}</code>' in confirm.content.decode()
    sent = client.post(url, {**data, "confirm": "yes", "sha256": reference})
    sign_off = SignOffRequest.objects.get()
    assert sent.status_code == 302
    assert sent["Location"] == sign_off.get_absolute_url()
    assert sign_off.version.sha256 == reference
    assert sign_off.covering_note == "Ready for Cabinet."


def test_send_keeps_what_was_typed_when_a_field_is_missing(client, ready_plan, officer, leader):
    force_login_verified(client, officer)
    url = reverse("plans:sign_off_send", args=[ready_plan.pk])
    response = client.post(url, {"rule": "named", "covering_note": "Keep me"})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "councillors": ["Select the councillors who must approve"]
    }
    assert "Keep me</textarea>" in response.content.decode()


def test_send_refuses_when_the_plan_changed_after_the_confirm_page(
    client, ready_plan, officer, leader
):
    force_login_verified(client, officer)
    url = reverse("plans:sign_off_send", args=[ready_plan.pk])
    data = {"rule": "count", "required_count": "1"}
    reference = client.post(url, data).context["sha256"]
    fill(ready_plan, {2: "2.1 Changed by a colleague meanwhile."})
    response = client.post(url, {**data, "confirm": "yes", "sha256": reference})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "The plan has changed since you checked it. Check the new version before you send it"
    ]
    assert PlanVersion.objects.count() == 0


def test_check_page_offers_send_for_sign_off_to_officers_only(client, ready_plan, officer, leader):
    url = reverse("plans:check", args=[ready_plan.pk])
    send_url = reverse("plans:sign_off_send", args=[ready_plan.pk])
    force_login_verified(client, officer)
    assert send_url in client.get(url).content.decode()
    force_login_verified(client, leader)
    assert send_url not in client.get(url).content.decode()


def test_sign_off_screen_shows_the_frozen_version_not_the_live_draft(
    client, ready_plan, officer, leader
):
    sign_off = send(ready_plan, officer, [leader])
    section = ready_plan.sections.get(theme__number=1)
    section_save(section_id=section.pk, narrative="1.1 Live draft text.", is_complete=True,
                 base_edit_count=section.edit_count, user=officer)  # fmt: skip
    force_login_verified(client, leader)
    response = client.get(sign_off.get_absolute_url())
    page = response.content.decode()
    assert response.status_code == 200
    assert "We merged our customer teams." in page
    assert "Live draft text" not in page
    assert 'data-testid="out-of-date"' in page
    assert response.context["form"] is None


def test_sign_off_screen_shows_what_changed_since_the_councillors_last_version(
    client, ready_plan, officer, leader
):
    first = send(ready_plan, officer, [leader])
    request_changes(first, leader, comment="Say which offices closed.")
    section = ready_plan.sections.get(theme__number=1)
    section_save(section_id=section.pk, narrative="1.1 We merged our customer teams.\n"
                 "1.2 We closed the Kings Road and Mill Lane offices.", is_complete=True,
                 base_edit_count=section.edit_count, user=officer)  # fmt: skip
    second = send(ready_plan, officer, [leader])
    force_login_verified(client, leader)
    response = client.get(second.get_absolute_url())
    assert response.context["previous"] == first.version
    changed = [section for section in response.context["diff"] if section.changed]
    assert [(s.label, s.added, s.removed) for s in changed] == [
        ("Theme 1: Transforming services", 1, 1)
    ]


def test_approving_on_the_screen_records_the_decision(client, ready_plan, officer, leader):
    sign_off = send(ready_plan, officer, [leader])
    record_cabinet(sign_off, officer)
    force_login_verified(client, leader)
    response = client.post(
        sign_off.get_absolute_url(),
        {"outcome": "approve", "declaration": "on", "version_sha256": sign_off.version.sha256},
    )
    assert response.status_code == 302
    sign_off.refresh_from_db()
    assert sign_off.status == "approved"
    assert SignOffDecision.objects.get().version_sha256 == sign_off.version.sha256


def test_approving_without_the_declaration_shows_the_error_and_records_nothing(
    client, ready_plan, officer, leader
):
    sign_off = send(ready_plan, officer, [leader])
    force_login_verified(client, leader)
    response = client.post(
        sign_off.get_absolute_url(),
        {"outcome": "approve", "version_sha256": sign_off.version.sha256},
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "declaration": [
            f"Confirm that you approve this plan for submission on behalf of "
            f"{ready_plan.council.name}"
        ]
    }
    assert SignOffDecision.objects.count() == 0


def test_approving_an_out_of_date_version_on_the_screen_is_refused(
    client, ready_plan, officer, leader
):
    sign_off = send(ready_plan, officer, [leader])
    force_login_verified(client, leader)
    fresh = client.get(sign_off.get_absolute_url()).context["form"]["version_sha256"].value()
    section = ready_plan.sections.get(theme__number=3)
    section_save(section_id=section.pk, narrative="3.1 Edited.", is_complete=True,
                 base_edit_count=section.edit_count, user=officer)  # fmt: skip
    events = AuditEvent.objects.count()
    response = client.post(
        sign_off.get_absolute_url(),
        {"outcome": "approve", "declaration": "on", "version_sha256": fresh},
    )
    assert response.status_code == 409
    assert [t.name for t in response.templates][0] == "plans/wrong_state.html"
    assert response.context["message"] == (
        "This version is out of date: the plan was edited after it was sent. It can no "
        "longer be approved"
    )
    assert SignOffDecision.objects.count() == 0
    assert AuditEvent.objects.count() == events


def test_tasklist_shows_the_comments_of_councillors_asking_for_changes(
    client, ready_plan, officer, leader
):
    sign_off = send(ready_plan, officer, [leader])
    request_changes(sign_off, leader, comment="Add the savings figures.")
    force_login_verified(client, officer)
    page = client.get(ready_plan.get_absolute_url()).content.decode()
    assert 'data-testid="changes-requested"' in page
    assert "Add the savings figures." in page
    assert 'data-testid="plan-status">Changes requested<' in page


def _timeline(page: str) -> list[tuple[str, str, str]]:
    """The timeline's rows as (version, title, detail), read from the page."""
    rows = re.findall(
        r'<tr class="govuk-table__row" data-testid="timeline-event">(.*?)</tr>', page, re.S
    )
    found = []
    for row in rows:
        version = re.search(r'data-testid="timeline-version">(.*?)</td>', row, re.S).group(1)
        title = re.search(r'data-testid="timeline-title">(.*?)</span>', row).group(1)
        detail = re.search(r'data-testid="timeline-detail">(.*?)</span>', row, re.S)
        found.append((re.sub(r"<[^>]+>", "", version), title, detail.group(1) if detail else ""))
    return found


def test_timeline_lists_every_event_by_its_label(client, ready_plan, officer, leader):
    sign_off = send(ready_plan, officer, [leader])
    record_cabinet(sign_off, officer)
    force_login_verified(client, leader)
    client.post(
        sign_off.get_absolute_url(),
        {"outcome": "approve", "declaration": "on", "version_sha256": sign_off.version.sha256},
    )
    response = client.get(reverse("plans:timeline", args=[ready_plan.pk]))
    version = f"Version 1 {sign_off.version.reference}"
    # The call-in period ended in 2024, so nothing holds the submission back.
    assert _timeline(response.content.decode()) == [
        (version, "Version frozen", ""),
        (version, "Sent for sign-off", "All of: Cllr Ada Leader"),
        (version, "Council’s decision recorded", "Cabinet, 4 July 2024; call-in ends 11 July 2024"),
        (version, "Councillor approved", ""),
        (version, "Version approved", ""),
        (
            version,
            "Queued for submission to the ministry",
            "Being sent to the ministry now: there is no call-in period to wait for",
        ),
    ]
    assert [event.get_action_display() for event in response.context["events"]] == [
        AuditEvent.Action(event.action).label for event in AuditEvent.objects.order_by("pk")
    ]


def test_timeline_shows_a_submission_held_for_the_call_in_period(
    client, ready_plan, officer, leader
):
    sign_off = send(ready_plan, officer, [leader])
    record_cabinet(sign_off, officer, decision_date=timezone.localdate())
    force_login_verified(client, leader)
    client.post(
        sign_off.get_absolute_url(),
        {"outcome": "approve", "declaration": "on", "version_sha256": sign_off.version.sha256},
    )
    submission = Submission.objects.get(version=sign_off.version)
    assert submission.not_before > submission.created_at
    rows = _timeline(client.get(reverse("plans:timeline", args=[ready_plan.pk])).content.decode())
    assert rows[-1][1:] == (
        "Queued for submission to the ministry",
        f"Held until the call-in period ends: not sent before "
        f"{govuk_datetime(submission.not_before)}",
    )


def test_timeline_says_a_sign_off_request_went_out_of_date_not_withdrawn(
    client, ready_plan, officer, leader
):
    send(ready_plan, officer, [leader])
    section = ready_plan.sections.get(theme__number=1)
    section_save(section_id=section.pk, narrative="1.1 Edited.", is_complete=True,
                 base_edit_count=section.edit_count, user=officer)  # fmt: skip
    force_login_verified(client, officer)
    page = client.get(reverse("plans:timeline", args=[ready_plan.pk])).content.decode()
    assert _timeline(page)[-1][1:] == (
        "Sign-off request out of date: the plan was edited after it was sent",
        "The plan was edited after it was sent",
    )
    assert "ithdr" not in page


def test_home_lists_plans_awaiting_the_councillor(client, ready_plan, officer, leader):
    force_login_verified(client, leader)
    assert client.get(reverse("home")).status_code == 302
    sign_off = send(ready_plan, officer, [leader])
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert list(response.context["sign_offs"]) == [sign_off]
    assert sign_off.get_absolute_url() in response.content.decode()


def test_another_councils_officer_gets_404_on_every_sign_off_page(
    client, ready_plan, officer, leader
):
    sign_off = send(ready_plan, officer, [leader])
    other_plan = PlanFactory(council=CouncilFactory())
    force_login_verified(client, officer_of(other_plan.council))
    urls = [
        reverse("plans:sign_off_send", args=[ready_plan.pk]),
        sign_off.get_absolute_url(),
        reverse("plans:statutory_comment", args=[ready_plan.pk, 1]),
        reverse("plans:decision_record", args=[ready_plan.pk, 1]),
        reverse("plans:timeline", args=[ready_plan.pk]),
        reverse("plans:correction", args=[ready_plan.pk]),
    ]
    assert [client.get(url).status_code for url in urls] == [404] * 6


def test_decision_record_form_needs_only_the_route_and_date(client, ready_plan, officer, leader):
    sign_off = send(ready_plan, officer, [leader])
    force_login_verified(client, officer)
    url = reverse("plans:decision_record", args=[ready_plan.pk, 1])
    missing = client.post(url, {})
    assert missing.status_code == 200
    assert missing.context["form"].errors == {
        "route": ["Select how the council decided"],
        "decision_date": ["Enter the date of the meeting or decision"],
    }
    response = client.post(url, {"route": "portfolio_holder", "decision_date_0": "4",
                                 "decision_date_1": "7", "decision_date_2": "2024"})  # fmt: skip
    assert response.status_code == 302
    record = sign_off.version.decision_record
    assert (record.route, str(record.decision_date), str(record.call_in_ends)) == (
        "portfolio_holder", "2024-07-04", "2024-07-11",
    )  # fmt: skip


# --- Service errors next to their fields --------------------------------------------------------


def test_send_shows_the_services_errors_next_to_their_fields_before_the_confirm_page(
    client, ready_plan, officer, leader, portfolio_holder
):
    force_login_verified(client, officer)
    url = reverse("plans:sign_off_send", args=[ready_plan.pk])
    response = client.post(
        url, {"rule": "count", "required_count": "3", "covering_note": "x" * 2001}
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "required_count": [
            "The number of approvals must be between 1 and 2, the number of councillors who "
            "can sign off"
        ],
        "covering_note": ["The covering note must be 2,000 characters or fewer"],
    }
    assert [t.name for t in response.templates][0] == "plans/signoff/send.html"
    assert PlanVersion.objects.count() == 0


def test_asking_for_changes_without_a_comment_shows_the_error_next_to_the_comment(
    client, ready_plan, officer, leader
):
    sign_off = send(ready_plan, officer, [leader])
    force_login_verified(client, leader)
    response = client.post(
        sign_off.get_absolute_url(),
        {"outcome": "request_changes", "comment": "  ", "version_sha256": sign_off.version.sha256},
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"comment": ["Enter the changes you are asking for"]}
    assert SignOffDecision.objects.count() == 0


def test_an_empty_statutory_comment_is_refused_next_to_the_field(
    client, ready_plan, officer, leader, statutory_officer
):
    send(ready_plan, officer, [leader])
    force_login_verified(client, statutory_officer)
    response = client.post(
        reverse("plans:statutory_comment", args=[ready_plan.pk, 1]), {"text": " \n "}
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"text": ["Enter your comment"]}


def test_decision_record_shows_the_date_rules_next_to_their_fields(
    client, ready_plan, officer, leader
):
    send(ready_plan, officer, [leader])
    force_login_verified(client, officer)
    url = reverse("plans:decision_record", args=[ready_plan.pk, 1])
    response = client.post(url, {
        "route": "full_council", "decision_date_0": "1", "decision_date_1": "1",
        "decision_date_2": "2099", "call_in_ends_0": "8", "call_in_ends_1": "1",
        "call_in_ends_2": "2099",
    })  # fmt: skip
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "decision_date": ["The date of the decision must be today or in the past"],
        "call_in_ends": [
            "Leave the call-in date empty: a decision by full council cannot be called in"
        ],
    }


# --- Finding "Send for sign-off" ----------------------------------------------------------------


def test_tasklist_leads_an_officer_to_check_the_plan_and_send_it(
    client, ready_plan, officer, leader
):
    check = reverse("plans:check", args=[ready_plan.pk])
    link = f'<a class="govuk-link" href="{check}" data-testid="check-and-send">'
    force_login_verified(client, officer)
    page = client.get(ready_plan.get_absolute_url()).content.decode()
    assert f"{link}Check your plan and send it for sign-off</a>" in page
    assert 'data-testid="not-sent">Not sent for sign-off yet.</p>' in page
    assert (
        "Read the whole plan as it will be sent and see which themes are still empty, then send "
        "it for sign-off" in page
    )
    force_login_verified(client, leader)
    assert link not in client.get(ready_plan.get_absolute_url()).content.decode()


def test_tasklist_offers_sending_again_only_when_the_plan_can_be_sent(
    client, ready_plan, officer, leader
):
    sign_off = send(ready_plan, officer, [leader])
    force_login_verified(client, officer)
    assert (
        'data-testid="check-and-send"'
        not in client.get(ready_plan.get_absolute_url()).content.decode()
    )
    request_changes(sign_off, leader)
    assert (
        'data-testid="check-and-send"' in client.get(ready_plan.get_absolute_url()).content.decode()
    )


def _summary_links(html: str) -> list[str]:
    summary = html.split("govuk-error-summary__list")[1].split("</ul>")[0]
    return re.findall(r'<a href="#([^"]+)"', summary)


def test_the_error_summary_links_radios_and_checkboxes_to_the_first_of_them(
    client, ready_plan, officer, leader
):
    """Each link names an element on the page, so following it moves focus to the answer."""
    force_login_verified(client, officer)
    url = reverse("plans:sign_off_send", args=[ready_plan.pk])
    no_rule = client.post(url, {}).content.decode()
    no_councillors = client.post(url, {"rule": "named"}).content.decode()
    no_count = client.post(url, {"rule": "count"}).content.decode()
    assert _summary_links(no_rule) == ["id_rule_1"]
    assert _summary_links(no_councillors) == ["id_councillors_1"]
    assert _summary_links(no_count) == ["id_required_count"]
    assert 'id="id_rule_1"' in no_rule
    assert 'id="id_councillors_1"' in no_councillors
    assert 'id="id_required_count"' in no_count
