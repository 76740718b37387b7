"""Who may use each address of the portal: every URL pattern, requested by GET and by POST as
every kind of user, answers with the exact status code decided for it below, and a refused
request writes nothing to the database.

The patterns are found by walking the URL resolver, so a page added to any urls.py without a
line in EXPECTATIONS fails `test_every_url_pattern_has_an_expectation`: nobody can add a page
without deciding who may use it. Every parameter points at one of council A's objects (see
tests/evidence/access_world.py); council B's people must get 404 for them, never the page.

POSTs carry no data (CSRF checks off, as the test client does): an allowed POST answers with
its form's errors (200 or 400) or a redirect, a refused one with 403, 404 or 405.
"""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib import admin
from django.db import transaction
from django.test import override_settings

from tests.evidence.access_world import ROLES, build_world
from tests.support.mfa import force_login_verified
from tests.support.urlmatrix import (
    MissingParameter,
    kwargs_for,
    request_undone,
    url_for,
    url_patterns,
)

pytestmark = pytest.mark.django_db

A_MEMBERS = ("officer_A", "officer_A_manages_people", "councillor_A", "statutory_officer_A")
B_MEMBERS = ("officer_B", "officer_B_manages_people", "councillor_B", "statutory_officer_B")
PANEL = ("panel", "panel_lead")
# Signed in, but not in council A: for them council A's objects do not exist.
OUTSIDERS = (*B_MEMBERS, *PANEL, "administrator")
SIGNED_IN = (*A_MEMBERS, *OUTSIDERS)

SIGN_IN = (302, 302)  # signed out: to the sign-in page, with `next`
SIGN_IN_PATHS = {"/sign-in/", "/admin/login/"}
# Public pages that redirect a signed-out visitor somewhere other than signing in.
SIGNED_OUT_ONWARD = {"councils:password_reset_confirm"}  # on to the page setting the password


def everyone(get: int, post: int, *, signed_out=SIGN_IN, **roles) -> dict:
    """The same answer for every signed-in role (unless named), and `signed_out`."""
    table = {role: (get, post) for role in SIGNED_IN}
    table["signed_out"] = signed_out
    table.update(roles)
    return table


def public(get: int, post: int) -> dict:
    """A page that needs no sign-in: the same answer for everyone."""
    return everyone(get, post, signed_out=(get, post))


def council_a(
    officer, member=None, *, councillor=None, statutory=None, manager=None, outsiders=(404, 404)
) -> dict:
    """A page of council A or of its plan: officers get `officer`, councillors and statutory
    officers `member` (or their own), everyone outside council A `outsiders`."""
    member = member or officer
    table = everyone(*outsiders)
    table.update(
        officer_A=officer,
        officer_A_manages_people=manager or officer,
        councillor_A=councillor or member,
        statutory_officer_A=statutory or member,
    )
    return table


def panel_only(panel, *, lead=None, others=(403, 403)) -> dict:
    """A ministry panel page: panel members get `panel` (a panel lead `lead`), every other
    signed-in user `others` (a GET-only page answers a POST with 405 before asking who)."""
    return everyone(*others, panel=panel, panel_lead=lead or panel)


# What any member of council A sees; what only its officers may change.
MEMBERS_READ = council_a((200, 200))
OFFICERS_FORM = council_a((200, 400), (403, 403))  # the form comes back with its errors
OFFICERS_POST_ONLY = council_a((405, 400), (405, 403), outsiders=(405, 404))
PANEL_READ = panel_only((200, 405), others=(403, 405))
# An empty POST (no fields at all, not even the CSRF token a browser sends) binds no form:
# the codebook's forms come back as they were.
CODEBOOK_CURATION = panel_only((403, 403), lead=(200, 200))
# An export is its requester's own: to another panel member it does not exist.
PANEL_OWN_EXPORT = panel_only((200, 405), lead=(404, 405), others=(403, 405))

EXPECTATIONS = {
    # --- Signing in and out, the second factor, the public pages ---
    # Where signing in lands: councillor A has a plan awaiting them, so a list; someone with
    # one council and nothing awaiting goes to that council; the panel to its tracker.
    "home": everyone(
        302,
        302,
        councillor_A=(200, 200),
        panel=(302, 302),
        panel_lead=(302, 302),
        administrator=(200, 200),
    ),  # fmt: skip
    "login": everyone(302, 302, signed_out=(200, 200)),  # signed in: on to the start page
    # Everyone here has given the second factor or needs none: verify sends them on.
    "mfa:verify": everyone(302, 302),
    # Recovery codes: officers have no factor to recover (the form shows), the rest are
    # verified already and are sent on.
    "mfa:recovery": everyone(
        302,
        302,
        officer_A=(200, 200),
        officer_A_manages_people=(200, 200),
        officer_B=(200, 200),
        officer_B_manages_people=(200, 200),
    ),  # fmt: skip
    "mfa:setup": everyone(200, 200),
    "mfa:totp_setup": everyone(200, 200),
    "mfa:passkey_added": everyone(405, 302),
    "mfa:recovery_codes": everyone(302, 302),  # shown once, right after setting up
    "mfa:account": everyone(200, 200),
    "mfa:recovery_codes_renew": everyone(405, 302),
    "otp_webauthn:credential-registration-begin": everyone(405, 200),
    "otp_webauthn:credential-registration-complete": everyone(405, 400),
    "otp_webauthn:credential-authentication-begin": everyone(405, 200),
    "otp_webauthn:credential-authentication-complete": everyone(405, 400),
    "otp_webauthn:js-i18n-catalog": everyone(200, 405),
    "logout": everyone(405, 302),
    "session_keep_alive": everyone(405, 200),
    "health": public(200, 200),
    "accessibility": public(200, 200),
    "cookies": public(200, 200),
    # --- People ---
    "councils:ministry_people": everyone(403, 403, administrator=(200, 200)),
    # A's members who do not manage people: 403; anyone outside council A: 404.
    "councils:people": council_a((403, 403), manager=(200, 200)),
    "councils:membership_change": council_a((403, 403), manager=(200, 200)),
    "councils:membership_remove": council_a((403, 403), manager=(200, 302)),
    # Invitations are managed by A's people managers and the ministry's administrators.
    "councils:invitation_resend": everyone(
        405, 404, officer_A_manages_people=(405, 302), administrator=(405, 302)
    ),
    "councils:invitation_revoke": everyone(
        405, 404, officer_A_manages_people=(405, 302), administrator=(405, 302)
    ),
    # The invitation is for someone else: every signed-in user is refused it.
    "councils:invitation_accept": everyone(403, 403, signed_out=(200, 200)),
    "councils:password_change": everyone(200, 200),
    "councils:password_change_done": everyone(200, 405),
    "councils:password_reset": public(200, 200),
    "councils:password_reset_sent": public(200, 405),
    # A valid link goes on to the page that sets the password, for anyone who holds it.
    "councils:password_reset_confirm": public(302, 302),
    "councils:password_reset_complete": public(200, 405),
    # --- Council A and its plan being drafted ---
    "plans:council": MEMBERS_READ,
    # An empty POST starts nothing: the officer is sent back to choose a round.
    "plans:plan_start": council_a((405, 302), (405, 403), outsiders=(405, 404)),
    "plans:tasklist": MEMBERS_READ,
    "plans:section_edit": council_a((200, 200), (403, 403)),
    "plans:check": MEMBERS_READ,
    "plans:revisions": MEMBERS_READ,
    "plans:revision_compare": MEMBERS_READ,
    # --- Sign-off (plan awaiting councillor A's approval of version 1) ---
    "plans:sign_off_awaiting": everyone(200, 405),
    "plans:sign_off_send": council_a((200, 200), (403, 403)),
    "plans:sign_off": council_a((200, 403), councillor=(200, 200), statutory=(200, 403)),
    "plans:statutory_comment": council_a((403, 403), statutory=(200, 200)),
    "plans:decision_record": council_a((200, 200), (403, 403)),
    "plans:timeline": council_a((200, 405), outsiders=(404, 405)),
    # The sent plan: an empty POST starts its correction.
    "plans:correction": council_a((200, 302), (403, 403)),
    "plans:submission_status": MEMBERS_READ,
    # --- KPIs and evidence items of the plan being drafted ---
    "plans:kpis": MEMBERS_READ,
    "plans:kpi_add": OFFICERS_FORM,
    "plans:kpi_import": OFFICERS_FORM,
    "plans:kpi_template": MEMBERS_READ,
    "plans:kpi_detail": MEMBERS_READ,
    "plans:kpi_edit": OFFICERS_FORM,
    "plans:kpi_delete": OFFICERS_FORM,
    "plans:kpi_value_add": OFFICERS_POST_ONLY,
    # Without the edit count it was read at, nothing is deleted: back to the KPI.
    "plans:kpi_value_delete": council_a((405, 302), (405, 403), outsiders=(405, 404)),
    "plans:theme_evidence": MEMBERS_READ,
    "plans:coverage": council_a((200, 302), (403, 403)),
    "plans:spend_figures": OFFICERS_FORM,
    "plans:context": MEMBERS_READ,
    "plans:plan_cost": OFFICERS_FORM,
    **{
        f"plans:{kind}_{action}": OFFICERS_FORM
        for kind in ("actions", "savings", "barriers", "partners", "strategies")
        for action in ("add", "edit", "delete")
    },
    # --- What residents see ---
    "plans:published_plan": public(200, 405),
    "plans:published_plan_pdf": public(200, 405),
    # --- The ministry panel (the sent plan; the note, export and extract are panel's own) ---
    "plans:panel_home": panel_only((302, 405), others=(403, 405)),
    "plans:panel_export_detail": PANEL_OWN_EXPORT,
    "plans:panel_export_status": PANEL_OWN_EXPORT,
    "plans:panel_export_download": PANEL_OWN_EXPORT,
    "plans:panel_tracker": PANEL_READ,
    "plans:panel_tracker_csv": PANEL_READ,
    "plans:panel_export": PANEL_READ,
    "plans:panel_analysis_evidence": PANEL_READ,
    "plans:panel_analysis_figures_csv": PANEL_READ,
    "plans:panel_analysis_compare": PANEL_READ,
    "plans:panel_analysis_search": PANEL_READ,
    "plans:panel_export_create": panel_only((405, 302), others=(405, 403)),
    "plans:panel_plan": PANEL_READ,
    "plans:panel_plan_pdf": PANEL_READ,
    "plans:panel_plan_compare": PANEL_READ,
    "plans:panel_mark_unread": panel_only((405, 302), others=(405, 403)),
    "plans:panel_note_add": panel_only((405, 400), others=(405, 403)),
    # Only its author changes a note.
    "plans:panel_note_edit": panel_only((200, 200), lead=(403, 403)),
    "plans:panel_codebook": PANEL_READ,
    "plans:panel_code": PANEL_READ,
    "plans:panel_code_add": CODEBOOK_CURATION,
    "plans:panel_code_edit": CODEBOOK_CURATION,
    "plans:panel_code_merge": CODEBOOK_CURATION,
    "plans:panel_code_retire": panel_only((403, 403), lead=(200, 302)),  # POST confirms
    "plans:panel_code_memo": panel_only((200, 200)),
    # Opened beside a paragraph of version 1; an empty POST names no version to code.
    "plans:panel_code_passage": panel_only((200, 404)),
    # An empty POST names no sent version: there is no such passage to uncode.
    "plans:panel_extract_code_remove": panel_only((405, 404), others=(405, 403)),
    "plans:panel_matrix": PANEL_READ,
    "plans:panel_quotes": PANEL_READ,
    "plans:panel_quotes_csv": PANEL_READ,
}


# --- The Django admin -----------------------------------------------------------------------
# Rule: every admin page sends anyone but a ministry administrator to the admin's sign-in
# (signed out: to the portal's sign-in first); the admin's own sign-in and sign-out pages send
# them on. The administrator's answers depend on what each model's admin lets them do:

FULL = "add, change and delete"
NO_ADD = "change (all fields read-only, so a POST saves nothing and redirects) and delete"
CHANGE_ONLY = "change, no add or delete"
VIEW_ONLY = "view only"
ADMIN_MODELS = {
    "auth.group": FULL,
    "otp_totp.totpdevice": FULL,
    "otp_static.staticdevice": FULL,
    "axes.accessattempt": NO_ADD,
    "axes.accesslog": NO_ADD,
    "axes.accessfailurelog": NO_ADD,
    "councils.user": FULL,
    "councils.council": FULL,
    "councils.membership": FULL,
    "councils.workerheartbeat": FULL,
    "councils.invitation": VIEW_ONLY,
    "councils.peopleevent": VIEW_ONLY,
    "plans.round": FULL,
    "plans.theme": FULL,
    "plans.plan": NO_ADD,
    "plans.revision": VIEW_ONLY,
    "plans.planversion": VIEW_ONLY,
    "plans.auditevent": VIEW_ONLY,
    "plans.submission": CHANGE_ONLY,
    "plans.remindersent": VIEW_ONLY,
    "plans.deadlineextension": FULL,
}
# The administrator's (GET, POST) per page of a model's admin; an empty POST to "delete" is
# only the confirmation page again.
ADMIN_MODEL_PAGES = {
    FULL: {"changelist": (200, 200), "add": (200, 200), "history": (200, 200),
           "delete": (200, 200), "change": (200, 200)},
    NO_ADD: {"changelist": (200, 200), "add": (403, 403), "history": (200, 200),
             "delete": (200, 200), "change": (200, 302)},
    CHANGE_ONLY: {"changelist": (200, 200), "add": (403, 403), "history": (200, 200),
                  "delete": (403, 403), "change": (200, 200)},
    VIEW_ONLY: {"changelist": (200, 200), "add": (403, 403), "history": (200, 200),
                "delete": (403, 403), "change": (200, 403)},
}  # fmt: skip
ADMIN_SITE_PAGES = {
    "admin:index": (200, 200),
    "admin:login": (302, 302),  # the portal's own sign-in
    "admin:logout": (405, 302),
    "admin:password_change": (200, 200),
    "admin:password_change_done": (200, 405),
    "admin:autocomplete": (403, 405),  # names no field to complete
    "admin:jsi18n": (200, 405),
    "admin:view_on_site": (302, 302),  # to the plan's page
    "admin:app_list": (200, 200),
    "admin:auth_user_password_change": (200, 200),
    "admin:otp_totp_totpdevice_config": (200, 200),
    "admin:otp_totp_totpdevice_qrcode": (200, 200),
    "admin/(?P<url>.*)": (404, 404),  # an address the admin does not have
}


def admin_expectation(key: str) -> dict | None:
    """The admin rule for one pattern, or None when the pattern is not the admin's."""
    if key in ADMIN_SITE_PAGES:
        administrator = ADMIN_SITE_PAGES[key]
    else:
        for model, kind in ADMIN_MODELS.items():
            app_label, model_name = model.split(".")
            if key == f"admin/{app_label}/{model_name}/<path:object_id>/":
                administrator = (302, 302)  # an object's bare address: on to its change page
                break
            prefix = f"admin:{app_label}_{model_name}_"
            page = key.removeprefix(prefix)
            if key.startswith(prefix) and page in ADMIN_MODEL_PAGES[kind]:
                administrator = ADMIN_MODEL_PAGES[kind][page]
                break
        else:
            return None
    return everyone(302, 302, administrator=administrator)


def expectation(key: str) -> dict | None:
    return EXPECTATIONS.get(key) or admin_expectation(key)


def missing_expectations(patterns) -> list[str]:
    return [pattern.key for pattern in patterns if expectation(pattern.key) is None]


# --- The world and the requests -------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once for the module, in a transaction rolled back at its end; each test runs in a
    savepoint inside it, and each request in a savepoint inside that."""
    export_dir = tmp_path_factory.mktemp("exports")
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The world's worker heartbeat stays fresh however long the module takes: health is 200.
    with override_settings(
        PANEL_EXPORT_DIR=export_dir,
        PASSWORD_HASHERS=fast,
        HEALTH_HEARTBEAT_MAX_AGE_SECONDS=24 * 60 * 60,
    ):
        with django_db_blocker.unblock():
            atomic = transaction.atomic()
            atomic.__enter__()
            try:
                yield build_world(export_dir)
            finally:
                transaction.set_rollback(True)
                atomic.__exit__(None, None, None)


def address(world, pattern) -> str:
    kwargs = kwargs_for(pattern, world["values"], world["overrides"])
    return url_for(pattern, kwargs) + world["queries"].get(pattern.key, "")


# Refused: the user may not, the object is not theirs, the method is wrong, or they must sign
# in first. None of these may write anything.
REFUSED = {401, 403, 404, 405, 409, 429}
# Tables a refused request may still write, each for a reason that is not the refused change:
# - django_session: the session records the user's last activity (at most once a minute, on
#   any request: productivity.sessions.SessionTimeoutMiddleware), and a signed-out POST's
#   fields are kept in the session for after sign-in (SignedOutPostMiddleware).
MAY_WRITE_WHEN_REFUSED = {"django_session"}


def _to_sign_in(outcome) -> bool:
    return outcome.status == 302 and urlsplit(outcome.location).path in SIGN_IN_PATHS


def _sent_to_sign_in(role: str, outcome) -> bool:
    """Refused for want of signing in: a signed-out visitor sent to sign in, or a signed-in
    user who is not an administrator sent to the admin's sign-in."""
    if role == "signed_out":
        return _to_sign_in(outcome)
    return outcome.status == 302 and urlsplit(outcome.location).path == "/admin/login/"


def _next(outcome) -> str | None:
    return parse_qs(urlsplit(outcome.location).query).get("next", [None])[0]


def test_every_url_pattern_has_an_expectation():
    assert missing_expectations(url_patterns()) == []
    keys = {pattern.key for pattern in url_patterns()}
    assert sorted(set(EXPECTATIONS) - keys) == []  # no expectation for a page that is gone
    assert all(set(table) == set(ROLES) for table in map(expectation, keys))
    # The admin's rule names exactly the registered models and pages that exist.
    registered = {
        f"{model._meta.app_label}.{model._meta.model_name}" for model in admin.site._registry
    }
    assert set(ADMIN_MODELS) == registered
    assert sorted(set(ADMIN_SITE_PAGES) - keys) == []


def test_every_url_parameter_is_filled_with_a_real_object(world):
    problems = []
    for pattern in url_patterns():
        try:
            address(world, pattern)
        except MissingParameter as error:
            problems.append(str(error))
    assert problems == []


@pytest.mark.parametrize("role", ROLES)
def test_every_url_answers_each_role_exactly_and_a_refusal_writes_nothing(client, world, role):
    client.raise_request_exception = False  # a 500 is counted, not raised
    user = world["users"][role]
    if user is not None:
        force_login_verified(client, user)
    wrong, wrong_redirects, writes = {}, {}, {}
    counters = (
        None  # rolled-back writes still count, so one reading ends a request and starts the next
    )
    for pattern in url_patterns():
        url = address(world, pattern)
        if expectation(pattern.key) is None:
            wrong[pattern.key] = "no expectation: decide who may use this page"
            continue
        expected = expectation(pattern.key)[role]
        got = request_undone(client, "get", url, counters)
        posted = request_undone(client, "post", url, got.counters)
        counters = posted.counters
        outcomes = (got, posted)
        if tuple(outcome.status for outcome in outcomes) != expected:
            wrong[pattern.key] = (tuple(o.status for o in outcomes), "expected", expected)
        for method, outcome in zip(("GET", "POST"), outcomes, strict=True):
            refused = outcome.status in REFUSED or _sent_to_sign_in(role, outcome)
            written = set(outcome.writes) - MAY_WRITE_WHEN_REFUSED
            if refused and written:
                writes[f"{method} {pattern.key}"] = outcome.writes
            if outcome.status != 302:
                continue
            if role == "signed_out" and pattern.key not in SIGNED_OUT_ONWARD:
                # To sign in, and back to the page asked for afterwards.
                if not _to_sign_in(outcome) or _next(outcome) != url:
                    wrong_redirects[f"{method} {pattern.key}"] = outcome.location
            admin_page = pattern.key.startswith("admin") and pattern.key not in (
                "admin:login",
                "admin:logout",
            )
            if admin_page and role not in ("signed_out", "administrator"):
                if urlsplit(outcome.location).path != "/admin/login/":
                    wrong_redirects[f"{method} {pattern.key}"] = outcome.location
    assert wrong == {}, _lines(wrong)
    assert wrong_redirects == {}, _lines(wrong_redirects)
    assert writes == {}, _lines(writes)


def _lines(found: dict) -> str:
    return "\n".join(f"{key}: {value}" for key, value in found.items())


# --- The guards catch what they guard against --------------------------------------------------


def test_a_new_page_without_an_expectation_is_reported(settings):
    settings.ROOT_URLCONF = "tests.evidence.urls_with_new_pages"
    assert missing_expectations(url_patterns()) == ["gadget_list", "gadget_detail"]


def test_a_new_page_whose_parameter_has_no_object_is_reported(settings, world):
    settings.ROOT_URLCONF = "tests.evidence.urls_with_new_pages"
    detail = next(pattern for pattern in url_patterns() if pattern.key == "gadget_detail")
    with pytest.raises(MissingParameter) as raised:
        address(world, detail)
    assert str(raised.value) == "no object for parameter gadget_id of pattern gadget_detail"


def test_the_walk_finds_every_namespace_and_all_of_the_admin():
    keys = [pattern.key for pattern in url_patterns()]
    # Each registered model: its changelist, add, history, delete and change pages, and its
    # object's bare address; and the admin site's own pages.
    admin_pages = [key for key in keys if key.startswith("admin")]
    assert len(admin_pages) == 6 * len(admin.site._registry) + len(ADMIN_SITE_PAGES)
    named = [pattern.key for pattern in url_patterns() if pattern.named]
    assert {key.split(":")[0] for key in named if ":" in key} == {
        "admin",
        "councils",
        "mfa",
        "otp_webauthn",
        "plans",
    }


def test_the_write_check_sees_a_write_that_was_rolled_back(client, world):
    """The officer's POST starts a correction of the sent plan: the check sees the rows it
    wrote, though the request was undone and the plan is as it was."""
    sent = world["plans"]["sent"]
    force_login_verified(client, world["users"]["officer_A"])
    correction = next(p for p in url_patterns() if p.key == "plans:correction")
    outcome = request_undone(client, "post", address(world, correction))
    assert (outcome.status, outcome.writes) == (
        302,
        {"plans_plan": (0, 1, 0), "plans_auditevent": (1, 0, 0)},
    )
    assert type(sent).objects.get(pk=sent.pk).status == sent.status
