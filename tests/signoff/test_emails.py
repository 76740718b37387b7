"""Sign-off emails, delivered to a real SMTP server on 127.0.0.1 once the transaction commits."""

import pytest
from django.test import override_settings

from plans.services.drafting import section_save
from tests.factories import officer_of
from tests.support.signoff import approve, record_cabinet, request_changes, send

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("smtp_server")]

SITE = "https://plans.example.gov.uk"


def _parts(message):
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    return text, html


@override_settings(SITE_URL=SITE)
def test_each_named_councillor_is_emailed_a_link_to_sign_off(
    smtp_server, django_capture_on_commit_callbacks, ready_plan, officer, leader, portfolio_holder
):
    with django_capture_on_commit_callbacks(execute=True):
        sign_off = send(ready_plan, officer, [leader, portfolio_holder], note="Cabinet on 4 July.")
    received = smtp_server.messages
    assert sorted(r.envelope_to[0] for r in received) == sorted(
        [leader.email, portfolio_holder.email]
    )
    message = next(r.message for r in received if r.envelope_to == [leader.email])
    assert message["Subject"] == (
        f"Sign-off needed: {ready_plan.council.name} productivity plan, version 1"
    )
    assert message["To"] == leader.email
    text, html = _parts(message)
    link = f"{SITE}/plans/{ready_plan.pk}/versions/1/sign-off/"
    assert "Dear Cllr Ada Leader," in text
    assert f"Version reference: {sign_off.version.reference}" in text
    assert "Every named councillor must approve it." in text
    assert "Cabinet on 4 July." in text
    assert link in text
    assert f'<a href="{link}">' in html
    assert f"<strong>{sign_off.version.reference}</strong>" in html


def test_officers_are_emailed_when_a_councillor_asks_for_changes(
    smtp_server, django_capture_on_commit_callbacks, ready_plan, officer, leader
):
    second_officer = officer_of(ready_plan.council)
    sign_off = send(ready_plan, officer, [leader])
    with django_capture_on_commit_callbacks(execute=True):
        request_changes(sign_off, leader, comment="Add the <b>savings</b> figures.")
    received = smtp_server.messages
    assert sorted(r.envelope_to[0] for r in received) == sorted(
        [officer.email, second_officer.email]
    )
    message = received[0].message
    assert message["Subject"] == "Cllr Ada Leader asked for changes to version 1 of your plan"
    text, html = _parts(message)
    assert "Cllr Ada Leader, Leader of the Council, asked for changes to version 1" in text
    assert "Add the <b>savings</b> figures." in text
    assert "Add the &lt;b&gt;savings&lt;/b&gt; figures." in html
    assert "Make the changes, then send a new version for sign-off." in text


def test_officers_are_emailed_the_approval_and_when_it_will_be_submitted(
    smtp_server, django_capture_on_commit_callbacks, ready_plan, officer, leader
):
    sign_off = send(ready_plan, officer, [leader])
    record_cabinet(sign_off, officer)
    with django_capture_on_commit_callbacks(execute=True):
        approve(sign_off, leader)
    # The call-in period in this test ended in 2024, so the version is submitted at once:
    # the ministry's email comes after the two sign-off emails.
    ministry = ready_plan.round.ministry_email
    sign_off_mail = [r for r in smtp_server.messages if r.envelope_to != [ministry]]
    subjects = sorted(r.message["Subject"] for r in sign_off_mail)
    assert subjects[:2] == [
        f"Approved: {ready_plan.council.name} productivity plan, version 1",
        "Cllr Ada Leader approved version 1 of your plan",
    ]
    assert [r.envelope_to for r in smtp_server.messages].count([ministry]) == 1
    approved = next(r.message for r in sign_off_mail if r.message["Subject"] == subjects[0])
    text, _ = _parts(approved)
    assert "(Cabinet, 4 July 2024)" in text
    assert (
        "It will be submitted to the ministry after the call-in period ends on 11 July 2024."
        in text
    )


def test_councillors_who_had_not_decided_are_told_the_request_is_out_of_date(
    smtp_server, django_capture_on_commit_callbacks, ready_plan, officer, leader, portfolio_holder
):
    sign_off = send(ready_plan, officer, [leader, portfolio_holder])
    approve(sign_off, leader)
    section = ready_plan.sections.get(theme__number=1)
    with django_capture_on_commit_callbacks(execute=True):
        section_save(section_id=section.pk, narrative="1.1 Edited.", is_complete=True,
                     base_edit_count=section.edit_count, user=officer)  # fmt: skip
    received = smtp_server.messages
    assert [r.envelope_to for r in received] == [[portfolio_holder.email]]
    assert received[0].message["Subject"] == (
        f"Out of date: sign-off of {ready_plan.council.name} productivity plan, version 1"
    )
    text, _ = _parts(received[0].message)
    assert "is out of date: officers edited the plan after sending it." in text
