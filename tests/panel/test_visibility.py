"""Nothing but sent versions reaches the panel: not drafts, versions awaiting sign-off, approved
versions not yet sent, sign-off discussion, statutory comments or unsubmitted councils."""

import zipfile

import pytest
from django.urls import reverse

from councils.models import Membership
from plans.models import (
    PanelExport,
    SignOffDecision,
    ThemeSection,
)
from plans.selectors.panel import TrackerFilters
from plans.services.panel import panel_export_build, panel_export_request
from plans.services.signoff import (
    plan_start_correction,
    sign_off_record_decision,
    statutory_comment_add,
)
from tests.factories import MembershipFactory, PlanFactory, officer_of
from tests.panel.factories import (
    REGION,
    approved_unsent_plan,
    awaiting_plan,
    council,
    drafting_plan,
    send,
)
from tests.submission.factories import version_approve, version_sent_for_sign_off

pytestmark = pytest.mark.django_db

SECRETS = [
    "DRAFT-SECRET",
    "AWAITING-SIGN-OFF",
    "APPROVED-NOT-SENT",
    "OTHER-COUNCIL-DRAFT",
    "CORRECTION-DRAFT",
    "SIGN-OFF-DISCUSSION",
    "STATUTORY-COMMENT",
]


@pytest.fixture
def hidden(round_):
    """One submitted council surrounded by everything the panel must never see."""
    sent = council("Sent District Council")
    plan = PlanFactory(council=sent, round=round_)
    officer = officer_of(sent)
    # Before approval a councillor asked for changes on an earlier version: discussion only.
    first = version_sent_for_sign_off(
        plan, narratives={1: "x", 2: "", 3: "", 4: ""}, created_by=officer
    )
    sign_off_record_decision(
        sign_off_id=first.sign_off_request.pk,
        user=first.sign_off_request.required_councillors.get(),
        outcome=SignOffDecision.Outcome.REQUEST_CHANGES,
        version_sha256=first.sha256,
        comment="SIGN-OFF-DISCUSSION please fix",
    )
    version = version_sent_for_sign_off(
        plan, narratives={1: "1.1 Visible words\n\n1.2 Second paragraph.", 2: "", 3: "", 4: ""},
        created_by=officer,
    )  # fmt: skip
    monitoring = MembershipFactory(
        council=sent, role=Membership.Role.STATUTORY_OFFICER, title="Monitoring Officer"
    ).user
    statutory_comment_add(
        sign_off_id=version.sign_off_request.pk,
        user=monitoring,
        text="STATUTORY-COMMENT on the sent version",
    )
    send(version_approve(version))
    plan.refresh_from_db()
    plan_start_correction(plan=plan, user=officer)
    # A correction under way: the live draft changes, nothing new is sent.
    ThemeSection.objects.filter(plan=plan, theme__number=1).update(narrative="CORRECTION-DRAFT")
    drafting = drafting_plan(council("Drafting District Council"), round_)
    ThemeSection.objects.filter(plan=drafting, theme__number=1).update(narrative="DRAFT-SECRET")
    awaiting = awaiting_plan(council("Awaiting District Council"), round_)
    approved = approved_unsent_plan(council("Approved District Council"), round_)
    other = drafting_plan(council("Other District Council", region="Northland"), round_)
    ThemeSection.objects.filter(plan=other, theme__number=1).update(narrative="OTHER-COUNCIL-DRAFT")
    return {"sent": sent, "hidden": [drafting.council, awaiting.council, approved.council,
                                      other.council]}  # fmt: skip


def _assert_no_secrets(content: bytes | str):
    text = content.decode() if isinstance(content, bytes) else content
    found = [secret for secret in SECRETS if secret in text]
    assert found == []


def test_no_panel_page_or_csv_shows_anything_unsent(panel_client, round_, hidden):
    slug = round_.slug
    sent = hidden["sent"]
    pages = [
        reverse("plans:panel_tracker", args=[slug]),
        reverse("plans:panel_tracker_csv", args=[slug]),
        reverse("plans:panel_export", args=[slug]),
        reverse("plans:panel_plan", args=[slug, sent.gss_code]),
        reverse("plans:panel_plan_compare", args=[slug, sent.gss_code]) + "?from=2&to=2",
    ]
    for url in pages:
        response = panel_client.get(url)
        assert response.status_code == 200, url
        _assert_no_secrets(response.content)
    assert "Visible words" in panel_client.get(pages[3]).content.decode()


def test_no_unsent_plan_opens_for_the_panel(panel_client, round_, hidden):
    for council_ in hidden["hidden"]:
        for name in ["plans:panel_plan", "plans:panel_plan_pdf"]:
            url = reverse(name, args=[round_.slug, council_.gss_code])
            assert panel_client.get(url).status_code == 404, (council_, name)
        compare = reverse("plans:panel_plan_compare", args=[round_.slug, council_.gss_code])
        assert panel_client.get(compare + "?from=1&to=1").status_code == 404
        note = reverse("plans:panel_note_add", args=[round_.slug, council_.gss_code])
        assert panel_client.post(note, {"text": "x"}).status_code == 404


def test_the_tracker_links_only_sent_plans(panel_client, round_, hidden):
    response = panel_client.get(
        reverse("plans:panel_tracker", args=[round_.slug]), {"region": [REGION, "Northland"]}
    )
    html = response.content.decode()
    assert f"/councils/{hidden['sent'].gss_code}/" in html
    for council_ in hidden["hidden"]:
        assert f"/councils/{council_.gss_code}/" not in html


def test_the_zip_holds_only_sent_pdfs(panel_user, round_, hidden):
    export = panel_export_request(
        user=panel_user, round=round_, filters=TrackerFilters(regions=(REGION, "Northland"))
    )
    assert export.total == 1
    export = panel_export_build(export_id=export.pk)
    assert export.status == PanelExport.Status.READY
    with zipfile.ZipFile(export.file_path) as archive:
        assert archive.namelist() == [f"{hidden['sent'].gss_code}-sent-district-council.pdf"]
        for name in archive.namelist():
            _assert_no_secrets(archive.read(name).decode("latin-1"))
