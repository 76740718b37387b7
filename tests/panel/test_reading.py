"""The reading room: a submitted plan as sent, its record, versions, neighbours, notes."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from councils.models import Membership
from plans.models import (
    DecisionRecord,
    PanelNote,
    PanelNoteRevision,
    PanelReadMarker,
    Plan,
    SignOffDecision,
)
from plans.services.panel import deadline_extension_grant
from plans.services.signoff import (
    decision_record_save,
    sign_off_record_decision,
    statutory_comment_add,
)
from tests.factories import MembershipFactory, PlanFactory, UserFactory, councillor_of, officer_of
from tests.panel.factories import (
    REGION,
    corrected_version,
    council,
    panel_member,
    send,
    submitted_plan,
)
from tests.submission.factories import version_sent_for_sign_off
from tests.support.mfa import force_login_verified

pytestmark = pytest.mark.django_db


def _url(round_, council_, name="plans:panel_plan", *args):
    return reverse(name, args=[round_.slug, council_.gss_code, *args])


def _text(response) -> str:
    return " ".join(response.content.decode().replace("<", " <").split())


def _signed_off_and_sent(alpha, round_):
    """A plan signed off through the services, with a statutory officer's comment, then sent."""
    plan = PlanFactory(council=alpha, round=round_)
    officer = officer_of(alpha)
    leader = councillor_of(alpha, title="Leader", user__full_name="Cllr Ada Leader")
    monitoring = MembershipFactory(
        council=alpha, role=Membership.Role.STATUTORY_OFFICER, user__full_name="Sam Statutory"
    ).user
    version = version_sent_for_sign_off(
        plan,
        narratives={1: "1.1 We share services\n\n1.2 Second paragraph.", 2: "", 3: "", 4: ""},
        created_by=officer,
        councillor=leader,
    )
    sign_off = version.sign_off_request
    statutory_comment_add(
        sign_off_id=sign_off.pk, user=monitoring, text="STATUTORY-COMMENT not for the panel"
    )
    sign_off_record_decision(
        sign_off_id=sign_off.pk, user=leader, outcome=SignOffDecision.Outcome.APPROVE,
        version_sha256=version.sha256, declaration=True,
    )  # fmt: skip
    decision_record_save(
        sign_off_id=sign_off.pk, user=officer, route=DecisionRecord.Route.FULL_COUNCIL,
        decision_date=date(2024, 7, 16), decision_url="https://example.gov.uk/decision",
    )  # fmt: skip
    send(version, pages=4)
    return plan, version


def test_reading_view_shows_the_sent_version_with_anchors_record_and_receipt(panel_client, round_):
    alpha = council("Alpha District Council")
    plan, version = _signed_off_and_sent(alpha, round_)
    response = panel_client.get(_url(round_, alpha))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<p id="theme-1-p-1">1.1 We share services</p>' in html
    assert '<p id="theme-1-p-2">1.2 Second paragraph.</p>' in html
    text = _text(response)
    assert "Cllr Ada Leader, Leader" in text
    assert "Full council" in text
    assert "16 July 2024" in text
    assert "https://example.gov.uk/decision" in text
    assert version.sha256 in text
    assert response.context["submission"].reference in text
    assert "On time" in text
    assert f"/panel/{round_.slug}/councils/{alpha.gss_code}/plan.pdf?version=1" in html
    assert "STATUTORY-COMMENT" not in html
    assert "Sam Statutory" not in html


def test_reading_view_is_late_against_the_councils_own_deadline(panel_client, round_):
    early, extended = council("Early District Council"), council("Extended District Council")
    deadline_extension_grant(
        council=extended, round=round_, deadline=round_.deadline + timedelta(days=3),
        reason="Executive", user=UserFactory(is_staff=True),
    )  # fmt: skip
    after = round_.deadline + timedelta(days=1)
    submitted_plan(early, round_, sent_at=after)
    submitted_plan(extended, round_, sent_at=after)
    assert panel_client.get(_url(round_, early)).context["is_late"] is True
    assert panel_client.get(_url(round_, extended)).context["is_late"] is False


def test_reading_view_pdf_is_the_sent_pdf(panel_client, round_):
    alpha = council("Alpha District Council")
    plan = submitted_plan(alpha, round_)
    submission = plan.submissions.get()
    response = panel_client.get(_url(round_, alpha, "plans:panel_plan_pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content == bytes(submission.pdf)


def test_reading_view_lists_sent_versions_and_compares_them(panel_client, round_):
    alpha = council("Alpha District Council")
    plan = submitted_plan(alpha, round_, text="First wording")
    second = corrected_version(plan, narratives={1: "1.1 Second wording", 2: "", 3: "", 4: ""})
    send(second)
    # A third version approved but not sent: never offered to the panel.
    corrected_version(plan, narratives={1: "1.1 UNSENT wording", 2: "", 3: "", 4: ""})
    response = panel_client.get(_url(round_, alpha))
    assert [s.version.number for s in response.context["submissions"]] == [1, 2]
    assert response.context["version"].number == 2
    assert "Second wording" in response.content.decode()
    first = panel_client.get(_url(round_, alpha), {"version": 1})
    assert "First wording" in first.content.decode()
    assert panel_client.get(_url(round_, alpha), {"version": 3}).status_code == 404
    compare = panel_client.get(
        _url(round_, alpha, "plans:panel_plan_compare"), {"from": 1, "to": 2}
    )
    assert compare.status_code == 200
    lines = [
        (line.kind, line.text) for section in compare.context["diff"] for line in section.lines
    ]
    assert ("removed", "1.1 First wording") in lines
    assert ("added", "1.1 Second wording") in lines
    unsent = panel_client.get(_url(round_, alpha, "plans:panel_plan_compare"), {"from": 1, "to": 3})
    assert unsent.status_code == 404
    assert "UNSENT" not in compare.content.decode()


def test_reading_view_next_and_previous_follow_the_filtered_list(panel_client, round_):
    names = ["Alpha", "Beta", "Gamma", "Delta"]
    councils = {name: council(f"{name} District Council") for name in names}
    for name in ["Alpha", "Gamma", "Delta"]:
        submitted_plan(councils[name], round_)
    unitary = council("Omega Unitary Council", tier="unitary")
    submitted_plan(unitary, round_)
    params = {"region": REGION, "tier": "district"}
    response = panel_client.get(_url(round_, councils["Delta"]), params)
    # Alphabetical among submitted district councils: Alpha, Delta, Gamma (Beta has not sent).
    assert (response.context["previous"].name, response.context["following"].name) == (
        "Alpha District Council",
        "Gamma District Council",
    )
    assert (response.context["position"], response.context["list_total"]) == (2, 3)
    html = response.content.decode()
    query = f"tier=district&amp;region={REGION}"
    assert f'href="/panel/{round_.slug}/councils/{councils["Gamma"].gss_code}/?{query}"' in html
    last = panel_client.get(_url(round_, councils["Gamma"]), params)
    assert (last.context["previous"].name, last.context["following"]) == (
        "Delta District Council",
        None,
    )


def test_reading_view_query_count_does_not_grow_with_councils_or_versions(panel_client, round_):
    alpha = council("Alpha District Council")
    plan = submitted_plan(alpha, round_)
    PanelNote.objects.create(plan=plan, author=UserFactory(), text="A note")

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert panel_client.get(_url(round_, alpha), {"region": REGION}).status_code == 200
        return len(queries)

    few = count()
    for index in range(10):
        submitted_plan(council(f"Other {index}"), round_)
    for _ in range(3):
        send(corrected_version(plan))
    PanelNote.objects.create(plan=plan, author=UserFactory(), text="Another note")
    # 18 after a change (nothing kept applies): the fourteen of the reading room, one for the
    # version's coded extracts, one for the session's second factor (django-otp's middleware
    # reads the device), one for the panel data's generation and one asking whether the reader
    # opened the plan since its latest version was sent (no: the marker is written).
    assert count() == few == 18
    # Opened again, nothing changed: the session, the user, the second factor, the generation and
    # the read marker (already current: nothing written); everything else is kept.
    assert count() == 5


def test_opening_a_plan_marks_it_read_until_a_newer_version_is_sent(
    panel_client, panel_user, round_
):
    alpha = council("Alpha District Council")
    plan = submitted_plan(alpha, round_, sent_at=timezone.now() - timedelta(days=2))
    tracker = reverse("plans:panel_tracker", args=[round_.slug])

    def is_read():
        rows = panel_client.get(tracker, {"q": alpha.gss_code}).context["councils"]
        return [row.is_read for row in rows]

    assert is_read() == [False]
    panel_client.get(_url(round_, alpha))
    assert is_read() == [True]
    send(corrected_version(plan), sent_at=timezone.now() + timedelta(seconds=5))
    assert is_read() == [False]


def test_mark_as_unread_returns_to_the_filtered_list(panel_client, panel_user, round_):
    alpha = council("Alpha District Council")
    plan = submitted_plan(alpha, round_, sent_at=timezone.now() - timedelta(days=1))
    panel_client.get(_url(round_, alpha))
    assert PanelReadMarker.objects.filter(user=panel_user, plan=plan).count() == 1
    response = panel_client.post(_url(round_, alpha, "plans:panel_mark_unread") + "?tier=district")
    assert response.status_code == 302
    assert response["Location"] == f"/panel/{round_.slug}/?tier=district"
    assert PanelReadMarker.objects.filter(user=panel_user, plan=plan).count() == 0


def test_read_markers_are_per_panel_member(client, round_):
    alpha = council("Alpha District Council")
    plan = submitted_plan(alpha, round_, sent_at=timezone.now() - timedelta(days=1))
    first, second = panel_member(), panel_member()
    force_login_verified(client, first)
    client.get(_url(round_, alpha))
    assert list(PanelReadMarker.objects.filter(plan=plan).values_list("user", flat=True)) == [
        first.pk
    ]
    force_login_verified(client, second)
    tracker = reverse("plans:panel_tracker", args=[round_.slug])
    rows = client.get(tracker, {"q": alpha.gss_code}).context["councils"]
    assert [row.is_read for row in rows] == [False]


def test_panel_note_is_added_with_author_and_kept_on_the_plan(panel_client, panel_user, round_):
    alpha = council("Alpha District Council")
    plan = submitted_plan(alpha, round_)
    response = panel_client.post(
        _url(round_, alpha, "plans:panel_note_add") + f"?region={REGION}",
        {"text": "Strong on shared services"},
    )
    assert response.status_code == 302
    assert (
        response["Location"]
        == f"/panel/{round_.slug}/councils/{alpha.gss_code}/?region={REGION}#notes"
    )
    note = PanelNote.objects.get()
    assert (note.plan, note.author, note.text) == (plan, panel_user, "Strong on shared services")
    page = _text(panel_client.get(_url(round_, alpha)))
    assert "Pat Panel" in page
    assert "Strong on shared services" in page


def test_panel_note_empty_is_refused_with_an_error(panel_client, round_):
    alpha = council("Alpha District Council")
    submitted_plan(alpha, round_)
    response = panel_client.post(_url(round_, alpha, "plans:panel_note_add"), {"text": "  "})
    assert response.status_code == 400
    assert response.context["note_form"].errors == {"text": ["Enter your note"]}
    assert PanelNote.objects.count() == 0


def test_panel_note_edit_keeps_the_earlier_text(panel_client, panel_user, round_):
    alpha = council("Alpha District Council")
    plan = submitted_plan(alpha, round_)
    note = PanelNote.objects.create(plan=plan, author=panel_user, text="First thought")
    url = _url(round_, alpha, "plans:panel_note_edit", note.pk)
    assert panel_client.get(url).status_code == 200
    assert panel_client.post(url, {"text": "Second thought"}).status_code == 302
    note.refresh_from_db()
    assert (note.text, note.edits) == ("Second thought", 1)
    assert list(PanelNoteRevision.objects.values_list("text", flat=True)) == ["First thought"]
    page = _text(panel_client.get(_url(round_, alpha)))
    assert "Second thought" in page
    assert "First thought" in page


def test_panel_note_of_another_member_cannot_be_edited(client, round_):
    alpha = council("Alpha District Council")
    plan = submitted_plan(alpha, round_)
    author, other = panel_member(), panel_member()
    note = PanelNote.objects.create(plan=plan, author=author, text="Mine")
    force_login_verified(client, other)
    url = _url(round_, alpha, "plans:panel_note_edit", note.pk)
    assert client.get(url).status_code == 403
    assert client.post(url, {"text": "Yours now"}).status_code == 403
    note.refresh_from_db()
    assert note.text == "Mine"


def test_panel_note_on_a_plan_not_submitted_is_404(panel_client, round_):
    beta = council("Beta District Council")
    plan = Plan.objects.create(council=beta, round=round_, created_by=UserFactory())
    response = panel_client.post(_url(round_, beta, "plans:panel_note_add"), {"text": "Hi"})
    assert response.status_code == 404
    assert PanelNote.objects.filter(plan=plan).count() == 0
