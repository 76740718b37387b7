"""The panel's codebook, coding of passages and memos: who may do what, and what each change
does to the codes, the coded passages and the audit log."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from councils.models import Membership
from plans.models import AuditEvent, Code, CodedExtract, CodeMemo, ExtractCode
from plans.services.coding import (
    code_add,
    code_edit,
    code_merge,
    code_retire,
    extract_code,
)
from tests.factories import MembershipFactory, UserFactory
from tests.panel.factories import (
    approved_unsent_plan,
    corrected_version,
    council,
    drafting_plan,
    panel_member,
    send,
    submitted_plan,
)
from tests.support.mfa import force_login_verified

pytestmark = pytest.mark.django_db

ROLES = [
    "panel",
    "lead",
    "officer",
    "councillor",
    "statutory_officer",
    "administrator",
    "signed_out",
]
FIRST = "theme-1-p-1"  # "1.1 Our plan"
SECOND = "theme-1-p-2"  # "1.2 Second paragraph."


def lead(**kwargs):
    return UserFactory(is_panel_member=True, is_panel_lead=True, **kwargs)


def named(round_, name):
    return Code.objects.get(round=round_, name=name, retired_at__isnull=True)


def latest_version(plan):
    return plan.versions.order_by("-number").first()


def code_paragraph(user, plan, anchor, *codes, **span):
    return extract_code(
        user=user,
        plan=plan,
        version=latest_version(plan),
        anchor=anchor,
        codes=list(codes),
        **span,
    )


@pytest.fixture
def world(round_):
    alpha = council("Alpha District Council")
    plan = submitted_plan(alpha, round_)
    panel = panel_member(email="panel@example.gov.uk")
    users = {
        "panel": panel,
        "lead": lead(email="lead@example.gov.uk"),
        "administrator": UserFactory(is_staff=True, is_superuser=True),
        "signed_out": None,
    }
    for role in (Membership.Role.OFFICER, Membership.Role.COUNCILLOR,
                 Membership.Role.STATUTORY_OFFICER):  # fmt: skip
        users[role.value] = MembershipFactory(council=alpha, role=role).user
    housing = named(round_, "Housing")
    extract = code_paragraph(panel, plan, FIRST, housing)
    slug, gss = round_.slug, alpha.gss_code
    code_url = reverse("plans:panel_code_passage", args=[slug, gss])
    urls = {
        "codebook": ("get", reverse("plans:panel_codebook", args=[slug]), {}),
        "code": ("get", reverse("plans:panel_code", args=[slug, housing.pk]), {}),
        "code_add": ("get", reverse("plans:panel_code_add", args=[slug]), {}),
        "code_edit": ("get", reverse("plans:panel_code_edit", args=[slug, housing.pk]), {}),
        "code_merge": ("get", reverse("plans:panel_code_merge", args=[slug, housing.pk]), {}),
        "code_retire": ("get", reverse("plans:panel_code_retire", args=[slug, housing.pk]), {}),
        "code_memo": ("get", reverse("plans:panel_code_memo", args=[slug, housing.pk]), {}),
        "code_passage": ("get", code_url, {"version": 1, "anchor": SECOND}),
        "matrix": ("get", reverse("plans:panel_matrix", args=[slug]), {}),
        "quotes": ("get", reverse("plans:panel_quotes", args=[slug]), {}),
        "quotes_csv": ("get", reverse("plans:panel_quotes_csv", args=[slug]), {}),
        # Last: it takes the code off the passage.
        "extract_remove": (
            "post",
            reverse("plans:panel_extract_code_remove", args=[slug, gss, extract.pk, housing.pk]),
            {"version": 1},
        ),
    }
    return users, urls, plan


# Panel members: the page, or a redirect after the POST. Codebook changes: panel leads only.
PANEL_CODES = {
    "codebook": 200,
    "code": 200,
    "code_add": 403,
    "code_edit": 403,
    "code_merge": 403,
    "code_retire": 403,
    "code_memo": 200,
    "code_passage": 200,
    "matrix": 200,
    "quotes": 200,
    "quotes_csv": 200,
    "extract_remove": 302,
}
LEAD_ONLY = {"code_add", "code_edit", "code_merge", "code_retire"}


def _expected(role: str, name: str) -> int:
    if role == "lead":
        return 200 if name in LEAD_ONLY else PANEL_CODES[name]
    if role == "panel":
        return PANEL_CODES[name]
    if role == "signed_out":
        return 302
    return 403


@pytest.mark.parametrize("role", ROLES)
def test_every_coding_url_gives_each_role_its_exact_status(client, world, role):
    users, urls, _ = world
    if users[role] is not None:
        force_login_verified(client, users[role])
    results = {}
    for name, (method, url, data) in urls.items():
        response = getattr(client, method)(url, data)
        results[name] = response.status_code
        if role == "signed_out":
            assert response["Location"].startswith("/sign-in/?next=")
    assert results == {name: _expected(role, name) for name in urls}
    # Only a panel member's POST took the code off the passage.
    assert ExtractCode.objects.count() == (0 if role in ("panel", "lead") else 1)


def _state():
    return (
        list(Code.objects.order_by("pk").values_list("name", "retired_at", "parent_id")),
        list(ExtractCode.objects.order_by("pk").values_list("extract_id", "code_id")),
        list(CodedExtract.objects.order_by("pk").values_list("pk", "anchor")),
        list(CodeMemo.objects.values_list("text", flat=True)),
        AuditEvent.objects.count(),
    )


@pytest.mark.parametrize(
    "role",
    ["panel", "officer", "councillor", "statutory_officer", "administrator", "signed_out"],
)
def test_a_refused_post_changes_nothing(client, world, round_, role):
    users, urls, plan = world
    if users[role] is not None:
        force_login_verified(client, users[role])
    housing = named(round_, "Housing")
    other = named(round_, "Regulation")
    slug = round_.slug
    posts = [
        (reverse("plans:panel_code_add", args=[slug]), {"name": "New", "definition": "D"}),
        (
            reverse("plans:panel_code_edit", args=[slug, housing.pk]),
            {"name": "Renamed", "definition": "D"},
        ),
        (reverse("plans:panel_code_merge", args=[slug, housing.pk]), {"into": other.pk}),
        (reverse("plans:panel_code_retire", args=[slug, housing.pk]), {}),
    ]
    if role != "panel":
        posts += [
            (
                urls["code_passage"][1],
                {"version": 1, "anchor": SECOND, "codes": [housing.pk]},
            ),
            (reverse("plans:panel_code_memo", args=[slug, housing.pk]), {"text": "A memo"}),
            (urls["extract_remove"][1], {"version": 1}),
        ]
    before = _state()
    for url, data in posts:
        response = client.post(url, data)
        assert response.status_code == (302 if role == "signed_out" else 403), url
    assert _state() == before


def test_the_access_table_covers_every_coding_url():
    from plans.urls import urlpatterns

    coding_views = {
        pattern.name
        for pattern in urlpatterns
        if pattern.callback.__module__ == "plans.views.coding"
    }
    names = {
        "codebook": "panel_codebook",
        "code": "panel_code",
        "code_add": "panel_code_add",
        "code_edit": "panel_code_edit",
        "code_merge": "panel_code_merge",
        "code_retire": "panel_code_retire",
        "code_memo": "panel_code_memo",
        "code_passage": "panel_code_passage",
        "matrix": "panel_matrix",
        "quotes": "panel_quotes",
        "quotes_csv": "panel_quotes_csv",
        "extract_remove": "panel_extract_code_remove",
    }
    assert set(names) == set(PANEL_CODES)
    assert coding_views == set(names.values())


def test_an_administrator_manages_the_codebook_only_as_a_panel_member(client, round_):
    administrator = UserFactory(is_staff=True)
    force_login_verified(client, administrator)
    url = reverse("plans:panel_code_add", args=[round_.slug])
    assert client.get(url).status_code == 403
    administrator.is_panel_member = True
    administrator.save(update_fields=["is_panel_member"])
    assert client.get(url).status_code == 200
    response = client.post(url, {"name": "Shared services", "definition": "Sharing."})
    code = Code.objects.get(name="Shared services")
    assert response.status_code == 302
    assert response["Location"] == reverse("plans:panel_code", args=[round_.slug, code.pk])


def test_a_panel_lead_flag_alone_is_not_panel_membership(client, round_):
    force_login_verified(client, UserFactory(is_panel_lead=True))
    assert client.get(reverse("plans:panel_codebook", args=[round_.slug])).status_code == 403


# --- The codebook -------------------------------------------------------------------------------


def test_every_round_starts_with_the_seeded_codebook(round_):
    names = set(Code.objects.filter(round=round_).values_list("name", flat=True))
    assert {
        "Transforming services",
        "Technology and data",
        "Reducing wasteful spend",
        "Barriers to progress",
        "Barriers to productivity",
        "Multi-year settlements",
        "Housing",
        "Issues raised in 2024",
        "Funding certainty and multi-year settlements",
        "Competitive bidding for funds",
        "Freedom-of-information burden",
        "New duties without consultation",
        "Legacy IT and data sharing",
        "Regulation",
    } <= names
    # "Competitive bidding for funds" is both a barrier category and a 2024 issue: once.
    assert Code.objects.filter(round=round_, name="Competitive bidding for funds").count() == 1
    assert named(round_, "Housing").parent == named(round_, "Barriers to productivity")
    assert named(round_, "Regulation").parent == named(round_, "Issues raised in 2024")
    assert all(Code.objects.filter(round=round_).values_list("definition", flat=True))


def test_a_lead_adds_and_renames_a_code_and_both_are_audited(round_):
    user = lead()
    parent = named(round_, "Issues raised in 2024")
    code = code_add(
        user=user, round=round_, name=" Shared services ", definition="Sharing.", parent=parent
    )
    assert (code.name, code.parent) == ("Shared services", parent)
    code_edit(user=user, code=code, name="Shared back offices", definition="Sharing.", parent=None)
    code.refresh_from_db()
    assert (code.name, code.parent_id) == ("Shared back offices", None)
    events = list(AuditEvent.objects.filter(action__startswith="code_").order_by("pk"))
    assert [event.action for event in events] == ["code_added", "code_changed"]
    assert events[1].detail["before"]["name"] == "Shared services"
    assert events[1].detail["after"] == {
        "name": "Shared back offices",
        "definition": "Sharing.",
        "parent": None,
    }
    assert all(event.plan_id is None and event.actor == user for event in events)


def test_a_name_already_in_the_codebook_is_refused_whatever_its_case(round_):
    with pytest.raises(ValidationError) as error:
        code_add(user=lead(), round=round_, name="housing", definition="Again.")
    assert error.value.error_dict["name"][0].code == "duplicate"


def test_codes_have_two_levels_only(round_):
    user = lead()
    housing = named(round_, "Housing")  # a child of "Barriers to productivity"
    with pytest.raises(ValidationError) as error:
        code_add(user=user, round=round_, name="Temporary", definition="D.", parent=housing)
    assert error.value.error_dict["parent"][0].code == "too_deep"
    # A parent with children cannot become a child itself.
    barriers = named(round_, "Barriers to productivity")
    issues = named(round_, "Issues raised in 2024")
    with pytest.raises(ValidationError) as error:
        code_edit(
            user=user,
            code=barriers,
            name=barriers.name,
            definition=barriers.definition,
            parent=issues,
        )
    assert error.value.error_dict["parent"][0].code == "too_deep"
    assert Code.objects.get(pk=barriers.pk).parent_id is None


def test_the_add_form_offers_only_top_level_codes_as_parents(client, round_):
    force_login_verified(client, lead())
    housing = named(round_, "Housing")
    response = client.post(
        reverse("plans:panel_code_add", args=[round_.slug]),
        {"name": "Temporary accommodation", "definition": "D.", "parent": housing.pk},
    )
    # A child is not offered as a parent at all: the choice is refused by the form, next to
    # the field, and what was typed stays.
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("Choose a top-level code from the list, or none") == 2  # summary + field
    assert 'value="Temporary accommodation"' in page
    assert not Code.objects.filter(name="Temporary accommodation").exists()


def test_merge_moves_every_extract_once_and_is_audited(round_):
    user = lead()
    panel = panel_member()
    plan_a = submitted_plan(council("Alpha District Council"), round_)
    plan_b = submitted_plan(council("Beta District Council"), round_)
    bidding = named(round_, "Competitive bidding for funds")
    funding = named(round_, "Funding certainty and multi-year settlements")
    both = code_paragraph(panel, plan_a, FIRST, bidding, funding)
    only_bidding = code_paragraph(panel, plan_a, SECOND, bidding)
    other_plan = code_paragraph(panel, plan_b, FIRST, bidding)
    code_merge(user=user, code=bidding, into=funding)
    assert set(ExtractCode.objects.values_list("extract_id", "code_id")) == {
        (both.pk, funding.pk),
        (only_bidding.pk, funding.pk),
        (other_plan.pk, funding.pk),
    }
    bidding.refresh_from_db()
    assert bidding.retired_at is not None
    assert bidding.merged_into == funding
    event = AuditEvent.objects.get(action="code_merged")
    assert event.actor == user
    assert event.plan_id is None
    assert event.detail["extracts_moved"] == 2
    assert event.detail["extracts_already_coded"] == 1
    assert event.detail["into"] == funding.pk


def test_merging_a_parent_moves_its_children_under_the_target(round_):
    user = lead()
    barriers = named(round_, "Barriers to productivity")
    issues = named(round_, "Issues raised in 2024")
    children = set(barriers.children.values_list("pk", flat=True))
    code_merge(user=user, code=barriers, into=issues)
    assert set(issues.children.values_list("pk", flat=True)) >= children
    # A parent cannot be merged into a child: that would make three levels.
    with pytest.raises(ValidationError) as error:
        code_merge(user=user, code=issues, into=named(round_, "Regulation"))
    assert error.value.error_dict["into"][0].code in ("too_deep", "invalid")


def test_retire_hides_a_code_from_coding_but_keeps_its_extracts(client, round_):
    panel = panel_member()
    plan = submitted_plan(council("Alpha District Council"), round_)
    housing = named(round_, "Housing")
    code_paragraph(panel, plan, FIRST, housing)
    code_retire(user=lead(), code=housing)
    assert ExtractCode.objects.filter(code=housing).count() == 1
    assert AuditEvent.objects.filter(action="code_retired", detail__code=housing.pk).count() == 1
    force_login_verified(client, panel)
    form = client.get(
        reverse("plans:panel_code_passage", args=[round_.slug, plan.council.gss_code]),
        {"version": 1, "anchor": SECOND},
    )
    assert form.status_code == 200
    assert f'value="{housing.pk}"' not in form.content.decode()
    assert f'value="{named(round_, "Regulation").pk}"' in form.content.decode()
    with pytest.raises(ValidationError):
        code_paragraph(panel, plan, SECOND, Code.objects.get(pk=housing.pk))
    # Its page still lists the passage.
    page = client.get(reverse("plans:panel_code", args=[round_.slug, housing.pk]))
    assert page.content.decode().count('data-testid="code-extract"') == 1
    # Retiring it again is a wrong state.
    response = client.post(reverse("plans:panel_code_retire", args=[round_.slug, housing.pk]))
    assert response.status_code == 403  # a panel member, not a lead
    force_login_verified(client, lead())
    response = client.post(reverse("plans:panel_code_retire", args=[round_.slug, housing.pk]))
    assert response.status_code == 409


def test_a_code_with_children_cannot_be_retired(round_):
    with pytest.raises(ValidationError) as error:
        code_retire(user=lead(), code=named(round_, "Barriers to productivity"))
    assert error.value.code == "has_children"


def test_a_panel_member_without_the_lead_flag_cannot_change_the_codebook(round_):
    with pytest.raises(PermissionDenied):
        code_add(user=panel_member(), round=round_, name="New", definition="D.")


# --- Coding passages ----------------------------------------------------------------------------


def test_coding_a_whole_paragraph_without_javascript(panel_client, round_):
    plan = submitted_plan(council("Alpha District Council"), round_)
    housing, regulation = named(round_, "Housing"), named(round_, "Regulation")
    url = reverse("plans:panel_code_passage", args=[round_.slug, plan.council.gss_code])
    response = panel_client.post(
        url, {"version": 1, "anchor": SECOND, "codes": [housing.pk, regulation.pk]}
    )
    assert response.status_code == 302
    assert response["Location"] == (
        reverse("plans:panel_plan", args=[round_.slug, plan.council.gss_code])
        + f"?version=1#{SECOND}"
    )
    extract = CodedExtract.objects.get()
    assert (extract.theme_number, extract.paragraph, extract.anchor) == (1, 2, SECOND)
    assert (extract.start, extract.end, extract.quote) == (0, 21, "1.2 Second paragraph.")
    assert set(extract.codes.values_list("name", flat=True)) == {"Housing", "Regulation"}
    event = AuditEvent.objects.get(action="extract_coded")
    assert event.plan_id is None
    # The reading view shows the codes as tags beside the paragraph.
    page = panel_client.get(response["Location"]).content.decode()
    assert page.count('data-testid="extract"') == 1
    assert '<strong class="govuk-tag govuk-tag--blue">Housing</strong>' in page


def test_no_code_chosen_is_an_error_and_keeps_the_passage(panel_client, round_):
    plan = submitted_plan(council("Alpha District Council"), round_)
    url = reverse("plans:panel_code_passage", args=[round_.slug, plan.council.gss_code])
    response = panel_client.post(url, {"version": 1, "anchor": SECOND})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Choose at least one code" in page
    assert "1.2 Second paragraph." in page
    assert CodedExtract.objects.count() == 0


def test_a_selected_span_is_stored_with_its_range(panel_client, round_):
    plan = submitted_plan(council("Alpha District Council"), round_)
    housing = named(round_, "Housing")
    url = reverse("plans:panel_code_passage", args=[round_.slug, plan.council.gss_code])
    data = {"version": 1, "anchor": SECOND, "start": 4, "end": 10, "quote": "Second"}
    form = panel_client.get(url, data)
    assert form.status_code == 200
    assert "Code the selected words" in form.content.decode()
    response = panel_client.post(url, {**data, "codes": [housing.pk]})
    assert response.status_code == 302
    extract = CodedExtract.objects.get()
    assert (extract.start, extract.end, extract.quote) == (4, 10, "Second")


@pytest.mark.parametrize(
    "span",
    [
        {"start": 4, "end": 10, "quote": "Secund"},  # other words
        {"start": 5, "end": 11, "quote": "Second"},  # the right words at the wrong place
        {"start": 4, "end": 99, "quote": "Second"},  # past the end
        {"start": 4, "quote": "Second"},  # no end
    ],
)
def test_span_coding_rejects_a_quote_that_does_not_match(panel_client, round_, span):
    plan = submitted_plan(council("Alpha District Council"), round_)
    housing = named(round_, "Housing")
    url = reverse("plans:panel_code_passage", args=[round_.slug, plan.council.gss_code])
    response = panel_client.post(
        url, {"version": 1, "anchor": SECOND, "codes": [housing.pk], **span}
    )
    assert response.status_code == 400
    assert "do not match this paragraph" in response.content.decode()
    assert CodedExtract.objects.count() == 0


def test_only_submitted_versions_can_be_coded(panel_client, round_):
    plan = submitted_plan(council("Alpha District Council"), round_)
    housing = named(round_, "Housing")
    corrected_version(plan, narratives={1: "Corrected words", 2: "", 3: "", 4: ""})  # not sent
    url = reverse("plans:panel_code_passage", args=[round_.slug, plan.council.gss_code])
    data = {"version": 2, "anchor": FIRST, "codes": [housing.pk]}
    assert panel_client.get(url, data).status_code == 404
    assert panel_client.post(url, data).status_code == 404
    for other in (
        drafting_plan(council("Drafting District Council"), round_),
        approved_unsent_plan(council("Approved District Council"), round_),
    ):
        url = reverse("plans:panel_code_passage", args=[round_.slug, other.council.gss_code])
        assert panel_client.post(url, {**data, "version": 1}).status_code == 404
    with pytest.raises(ValidationError):
        extract_code(
            user=panel_member(),
            plan=plan,
            version=plan.versions.get(number=2),
            anchor=FIRST,
            codes=[housing],
        )
    assert CodedExtract.objects.count() == 0


def test_an_extract_belongs_to_its_version_after_a_correction_is_sent(panel_client, round_):
    plan = submitted_plan(council("Alpha District Council"), round_, text="Shared services")
    housing = named(round_, "Housing")
    code_paragraph(panel_member(), plan, FIRST, housing)
    send(corrected_version(plan, narratives={1: "Rewritten entirely", 2: "", 3: "", 4: ""}))
    url = reverse("plans:panel_plan", args=[round_.slug, plan.council.gss_code])
    latest = panel_client.get(url).content.decode()
    assert "Rewritten entirely" in latest
    assert 'data-testid="extract"' not in latest
    first = panel_client.get(url, {"version": 1}).content.decode()
    assert first.count('data-testid="extract"') == 1
    code_page = panel_client.get(reverse("plans:panel_code", args=[round_.slug, housing.pk]))
    assert "1.1 Shared services" in code_page.content.decode()
    assert f"?version=1#{FIRST}" in code_page.content.decode()


def test_removing_the_last_code_removes_the_extract(panel_client, panel_user, round_):
    plan = submitted_plan(council("Alpha District Council"), round_)
    housing, regulation = named(round_, "Housing"), named(round_, "Regulation")
    extract = code_paragraph(panel_user, plan, FIRST, housing, regulation)
    gss = plan.council.gss_code

    def remove(code):
        url = reverse(
            "plans:panel_extract_code_remove", args=[round_.slug, gss, extract.pk, code.pk]
        )
        return panel_client.post(url, {"version": 1})

    assert remove(housing).status_code == 302
    assert list(extract.codes.values_list("name", flat=True)) == ["Regulation"]
    assert remove(regulation).status_code == 302
    assert CodedExtract.objects.count() == 0
    assert AuditEvent.objects.filter(action="extract_code_removed").count() == 2


# --- Memos and co-occurrence ---------------------------------------------------------------------


def test_a_memo_keeps_every_earlier_text(client, round_):
    housing = named(round_, "Housing")
    first, second = panel_member(full_name="Ann First"), panel_member(full_name="Bo Second")
    url = reverse("plans:panel_code_memo", args=[round_.slug, housing.pk])
    force_login_verified(client, first)
    assert client.post(url, {"text": "Temporary accommodation costs"}).status_code == 302
    force_login_verified(client, second)
    assert client.post(url, {"text": "Mostly districts in the South East"}).status_code == 302
    page = client.get(reverse("plans:panel_code", args=[round_.slug, housing.pk]))
    text = page.content.decode()
    memo = text.split('data-testid="memo"')[1].split("</div>")[0]
    assert "Mostly districts in the South East" in memo and "Bo Second" in memo
    history = text.split('data-testid="memo-history"')[1].split("</div>")[0]
    assert "Temporary accommodation costs" in history and "Ann First" in history
    assert CodeMemo.objects.filter(code=housing).count() == 2
    assert AuditEvent.objects.filter(action="code_memo_changed").count() == 2


def test_cooccurrence_counts_passages_and_plans_alphabetically(panel_user, round_):
    from plans.selectors.coding import code_cooccurrence

    plan_a = submitted_plan(council("Alpha District Council"), round_)
    plan_b = submitted_plan(council("Beta District Council"), round_)
    housing, regulation = named(round_, "Housing"), named(round_, "Regulation")
    funding = named(round_, "Funding levels")
    code_paragraph(panel_user, plan_a, FIRST, housing, regulation)
    code_paragraph(panel_user, plan_a, SECOND, funding)
    code_paragraph(panel_user, plan_b, FIRST, housing, regulation)
    code_paragraph(panel_user, plan_b, SECOND, regulation)
    rows = code_cooccurrence(user=panel_user, code=housing)
    assert [(row.code.name, row.passages, row.plans) for row in rows] == [
        ("Funding levels", 0, 1),
        ("Regulation", 2, 2),
    ]
    assert code_cooccurrence(user=UserFactory(), code=housing) == []


# --- Never shown to councils or the public --------------------------------------------------------


def test_councils_and_the_public_never_see_codes_extracts_or_memos(client, world, round_):
    users, _, plan = world
    housing = named(round_, "Housing")
    from plans.services.coding import code_memo_save

    code_memo_save(user=users["panel"], code=housing, text="PANEL-MEMO-SECRET")
    code_add(user=users["lead"], round=round_, name="PANEL-CODE-SECRET", definition="D.")
    secrets = ["PANEL-MEMO-SECRET", "PANEL-CODE-SECRET", "Housing", "Code this paragraph"]
    gss = plan.council.gss_code
    published = reverse("plans:published_plan", args=[gss, round_.slug])
    council_pages = [
        reverse("plans:tasklist", args=[plan.pk]),
        reverse("plans:timeline", args=[plan.pk]),
        reverse("plans:council", args=[gss]),
        published,
    ]
    for role in ("officer", "councillor", "statutory_officer"):
        force_login_verified(client, users[role])
        for url in council_pages:
            response = client.get(url)
            assert response.status_code == 200, url
            for secret in secrets:
                assert secret not in response.content.decode(), (role, url, secret)
    client.logout()
    response = client.get(published)
    assert response.status_code == 200
    assert "1.1 Our plan" in response.content.decode()
    for secret in secrets:
        assert secret not in response.content.decode()
    # No coding event is on the plan's record (its council's timeline).
    assert not AuditEvent.objects.filter(plan=plan, action__startswith="code").exists()
    assert not AuditEvent.objects.filter(plan=plan, action__startswith="extract").exists()


def test_a_round_created_in_the_admin_starts_with_the_codebook(client):
    force_login_verified(client, UserFactory(is_staff=True, is_superuser=True))
    response = client.post(
        reverse("admin:plans_round_add"),
        {
            "name": "Progress 2030",
            "slug": "progress-2030",
            "opens_at_0": "2030-01-01",
            "opens_at_1": "09:00:00",
            "deadline_0": "2030-07-19",
            "deadline_1": "23:59:00",
            "ministry_email": "plans@example.gov.uk",
            "expected_pages_min": 3,
            "expected_pages_max": 4,
            "themes-TOTAL_FORMS": 1,
            "themes-INITIAL_FORMS": 0,
            "themes-0-number": 1,
            "themes-0-title": "How you will share services",
            "themes-0-short_title": "Sharing services",
        },
    )
    assert response.status_code == 302
    names = set(Code.objects.filter(round__slug="progress-2030").values_list("name", flat=True))
    assert {"Sharing services", "Housing", "Regulation", "Barriers to productivity"} <= names


def test_an_administrator_makes_a_panel_member_a_lead_in_the_admin(client):
    member = panel_member(email="member@example.gov.uk", full_name="Mo Member")
    force_login_verified(client, UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:councils_user_change", args=[member.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="is_panel_lead"' in page.content.decode()
    response = client.post(
        url,
        {
            "email": member.email,
            "full_name": member.full_name,
            "is_panel_member": "on",
            "is_panel_lead": "on",
            "is_active": "on",
            "memberships-TOTAL_FORMS": 0,
            "memberships-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.is_panel_member, member.is_panel_lead) == (True, True)


def test_codes_given_to_the_same_words_gather_on_one_extract(round_):
    plan = submitted_plan(council("Alpha District Council"), round_)
    housing, regulation = named(round_, "Housing"), named(round_, "Regulation")
    first = code_paragraph(panel_member(), plan, FIRST, housing)
    again = code_paragraph(panel_member(), plan, FIRST, housing, regulation)
    assert again.pk == first.pk
    assert CodedExtract.objects.count() == 1
    assert sorted(first.codes.values_list("name", flat=True)) == ["Housing", "Regulation"]
    # The second coder added one code: one event for it.
    assert AuditEvent.objects.filter(action="extract_coded").count() == 2
