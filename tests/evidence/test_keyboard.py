"""Keyboard-only journeys in a real browser, with JavaScript on.

Drafting a theme, sending the plan for sign-off, approving it, and the panel's tracker and
coding, done with Tab, Shift+Tab, Enter, Space, the arrow keys and typing only: no clicks,
no filling and no focusing of page elements from the test. Every control the journey passes
through on the way must be visible with the GOV.UK focus style when it has focus; on every
page the skip link is the first Tab stop and takes focus to the main content.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from councils.mfa.middleware import second_factor_needed
from councils.models import Council
from plans.models import CodedExtract, Plan, SignOffDecision, SignOffRequest, ThemeSection
from tests.factories import (
    PASSWORD,
    CouncilFactory,
    PlanFactory,
    RoundFactory,
    councillor_of,
    officer_of,
)
from tests.panel.factories import REGION, drafting_plan, panel_member, submitted_plan, test_round
from tests.panel.factories import council as panel_council
from tests.support.browser import new_context
from tests.support.mfa import CODE_LABEL, totp_code, totp_device_for
from tests.support.signoff import fill, record_cabinet, send

pytestmark = pytest.mark.browser
# The journeys run against the live server, so their data must be committed.
journey = pytest.mark.django_db(transaction=True)

# What the page says about document.activeElement: enough to recognise it, to say why it failed,
# and to judge that the reader can see where focus is.
FOCUSED = """() => {
  const el = document.activeElement;
  const yellow = "rgb(255, 221, 0)";
  const text = (node) =>
    (node ? node.innerText || node.textContent || "" : "").replace(/\\s+/g, " ").trim();
  if (!el || el === document.body || el === document.documentElement) {
    return { tag: "body", id: "", name: "", visible: false, indicator: [] };
  }
  const labelledBy = (el.getAttribute("aria-labelledby") || "").split(/\\s+/).filter(Boolean)
    .map((id) => text(document.getElementById(id))).join(" ");
  const name = el.getAttribute("aria-label") || labelledBy
    || (el.labels && el.labels.length ? text(el.labels[0]) : "")
    || text(el) || el.value || el.getAttribute("title") || "";
  const choice = el.matches("input[type=checkbox], input[type=radio]") && el.labels.length;
  // GOV.UK checkboxes and radios hide the input and draw the box on the label.
  const shown = choice ? el.labels[0] : el;
  const box = shown.getBoundingClientRect();
  const style = getComputedStyle(shown);
  const visible = box.width > 1 && box.height > 1 && box.bottom > 0 && box.right > 0
    && box.top < window.innerHeight && box.left < window.innerWidth
    && style.visibility !== "hidden" && (choice || Number(style.opacity) > 0);
  const indicator = [];
  const look = (s, where) => {
    const outlined = s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0
      && s.outlineColor !== "rgba(0, 0, 0, 0)";
    if (outlined) indicator.push(`${where}outline ${s.outlineWidth} ${s.outlineColor}`);
    if (s.boxShadow.includes(yellow)) indicator.push(`${where}yellow box-shadow`);
    if (s.backgroundColor === yellow) indicator.push(`${where}yellow background`);
  };
  look(getComputedStyle(el), "");
  if (choice) look(getComputedStyle(el.labels[0], "::before"), "label::before ");
  return {
    tag: el.tagName.toLowerCase(),
    type: el.getAttribute("type") || "",
    id: el.id,
    name: name.slice(0, 80),
    visible,
    indicator,
  };
}"""


def describe(focus: dict) -> str:
    ident = f"#{focus['id']}" if focus["id"] else ""
    kind = f"[type={focus['type']}]" if focus.get("type") else ""
    return f"{focus['tag']}{kind}{ident} “{focus['name']}”"


class Keyboard:
    """Drives one page with keys only, counting Tab presses and checking every focus stop."""

    def __init__(self, page):
        self.page = page
        self.tabs = 0

    def focused(self) -> dict:
        return self.page.evaluate(FOCUSED)

    def assert_focus_shown(self, focus: dict, trail: list[str] = ()) -> None:
        where = f" (after {' → '.join(trail)})" if trail else ""
        assert focus["visible"], f"{self.page.url}: focus is on a hidden {describe(focus)}{where}"
        assert focus["indicator"], f"{self.page.url}: no focus style on {describe(focus)}{where}"

    def tab_to(
        self,
        selector: str,
        name: str | re.Pattern | None = None,
        *,
        backwards: bool = False,
        max_presses: int = 30,
    ) -> dict:
        """Press Tab (or Shift+Tab) until the focused element matches the CSS selector (and
        name, exactly or by pattern); fails listing every element focus passed through."""
        trail = []
        for _ in range(max_presses):
            self.page.keyboard.press("Shift+Tab" if backwards else "Tab")
            self.tabs += 1
            focus = self.focused()
            if focus["tag"] == "body":
                # Past the last control focus leaves the page; the next Tab comes back to the top.
                trail.append("(out of the page)")
                continue
            trail.append(describe(focus))
            self.assert_focus_shown(focus, trail[:-1])
            matches = self.page.evaluate(
                "(selector) => document.activeElement.matches(selector)", selector
            )
            if matches and (
                name is None
                or (name.search(focus["name"]) if isinstance(name, re.Pattern) else False)
                or focus["name"] == name
            ):
                return focus
        wanted = f"{selector} {name.pattern if isinstance(name, re.Pattern) else name or ''}"
        raise AssertionError(
            f"{self.page.url}: {max_presses} presses of {'Shift+Tab' if backwards else 'Tab'} "
            f"never reached {wanted.strip()}; focus passed through:\n  " + "\n  ".join(trail)
        )

    def press(self, key: str) -> dict:
        """Press a key (Space, an arrow key) on the focused control; it must keep focus shown."""
        self.page.keyboard.press(key)
        focus = self.focused()
        self.assert_focus_shown(focus)
        return focus

    def activate(self, key: str = "Enter") -> None:
        """Press Enter (or Space) on a link or button that opens another page, and wait for it."""
        with self.page.expect_navigation():
            self.page.keyboard.press(key)
        self.page.wait_for_load_state()

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)

    def skip_to_main(self) -> None:
        """On a newly opened page: the skip link is the first Tab stop, shown when focused,
        and Enter on it moves focus to the main content."""
        assert self.focused()["tag"] == "body", f"{self.page.url}: focus starts on {self.focused()}"
        self.tab_to("a.govuk-skip-link", "Skip to main content", max_presses=1)
        self.page.keyboard.press("Enter")
        assert self.page.evaluate("document.activeElement.id") == "main-content", self.page.url


def sign_in(page, keys: Keyboard, user) -> None:
    """Sign in with the keyboard: email, password, then the authenticator app's code if asked."""
    if second_factor_needed(user):
        totp_device_for(user)  # an authenticator app set up already
    page.goto("/sign-in/")
    keys.skip_to_main()
    keys.tab_to("input", "Email address")
    keys.type(user.email)
    keys.tab_to("input", "Password")
    keys.type(PASSWORD)
    keys.activate("Enter")
    if second_factor_needed(user):
        assert "/sign-in/second-factor/" in page.url, page.url
        device = totp_device_for(user)
        # The app's codes may have been used in this minute already (see pass_second_factor).
        TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
        keys.skip_to_main()
        keys.tab_to("input", CODE_LABEL)
        keys.type(totp_code(device))
        keys.activate("Enter")
    expect(page.get_by_role("button", name=re.compile("^Sign out")).first).to_be_visible()


NARRATIVE = "1.1 We merged our customer contact teams.\n\n1.2 We measure the cost of each call."
SAVE = "Save and return to your plan"


@journey
def test_officer_drafts_a_theme_with_the_keyboard(page, assert_accessible):
    round_ = RoundFactory()
    council = CouncilFactory()
    officer = officer_of(council)
    plan = PlanFactory(council=council, round=round_)
    keys = Keyboard(page)
    sign_in(page, keys, officer)

    page.goto(plan.get_absolute_url())
    keys.skip_to_main()
    keys.tab_to("a", re.compile(r"^1\. "))
    keys.activate()
    expect(page.locator("h1")).to_have_text(re.compile(r"^Theme 1: "))

    # Typed into the box, then saved without saying whether the theme is complete: the error
    # summary takes focus and its link takes focus to the radios.
    keys.skip_to_main()
    keys.tab_to("textarea#id_narrative")
    keys.type(NARRATIVE)
    keys.tab_to("button", SAVE)
    keys.activate()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    keys.assert_focus_shown(keys.focused())
    expect(summary.get_by_role("link")).to_have_text(
        ["Select whether you have completed this theme"]
    )
    expect(page.locator("#id_narrative")).to_have_value(NARRATIVE)
    keys.tab_to("a", "Select whether you have completed this theme", max_presses=1)
    keys.press("Enter")
    first_radio = page.get_by_role("radio", name=re.compile(r"^Yes, I.ve completed"))
    expect(first_radio).to_be_focused()
    keys.press("Space")
    expect(first_radio).to_be_checked()
    keys.tab_to("button", SAVE)
    keys.activate()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Theme 1 saved")
    assert_accessible(page)

    section = ThemeSection.objects.get(plan=plan, theme__number=1)
    assert section.narrative == NARRATIVE
    assert section.is_complete is True
    print(f"{keys.tabs} presses of Tab or Shift+Tab")  # shown with pytest -rP


@journey
def test_officer_sends_the_plan_for_sign_off_with_the_keyboard(page, assert_accessible):
    council = CouncilFactory(name="Dacorum Borough Council")
    plan = fill(PlanFactory(council=council))
    officer = officer_of(council)
    leader = councillor_of(council, title="Leader", user__full_name="Cllr Ada Leader")
    holder = councillor_of(council, title="Portfolio Holder", user__full_name="Cllr Ben Holder")
    councillor_of(council, title="Cabinet Member", user__full_name="Cllr Cy Cabinet")
    keys = Keyboard(page)
    sign_in(page, keys, officer)

    page.goto(plan.get_absolute_url())
    keys.skip_to_main()
    keys.tab_to("a", "Check your plan and send it for sign-off")
    keys.activate()
    keys.skip_to_main()
    # A link styled as a button: Space follows it too (govuk-frontend's button module).
    keys.tab_to("a.govuk-button", "Send for sign-off", max_presses=60)
    keys.activate("Space")
    expect(page.get_by_role("heading", level=1)).to_have_text("Send for sign-off")

    keys.skip_to_main()
    keys.tab_to("input[type=radio]", "Named councillors must all approve")
    keys.press("Space")
    keys.tab_to("input[type=checkbox]", "Cllr Ada Leader, Leader")
    keys.press("Space")
    keys.tab_to("input[type=checkbox]", "Cllr Ben Holder, Portfolio Holder")
    keys.press("Space")
    keys.tab_to("textarea", "Covering note (optional)")
    keys.type("For Cabinet on 4 July.")
    keys.tab_to("button", "Continue")
    keys.activate()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check before you send for sign-off")

    keys.skip_to_main()
    keys.tab_to("button", "Send for sign-off")
    keys.activate()
    expect(page.get_by_text("Version 1 sent for sign-off")).to_be_visible()
    assert_accessible(page)

    request = SignOffRequest.objects.get(plan=plan)
    assert request.status == SignOffRequest.Status.OPEN
    assert request.version.number == 1
    assert request.covering_note == "For Cabinet on 4 July."
    assert set(request.required_councillors.all()) == {leader, holder}
    assert request.required_count == 2
    assert Plan.objects.get(pk=plan.pk).status == Plan.Status.AWAITING_SIGN_OFF
    print(f"{keys.tabs} presses of Tab or Shift+Tab")  # shown with pytest -rP


@journey
def test_councillor_approves_with_the_keyboard(page, assert_accessible):
    council = CouncilFactory(name="Dacorum Borough Council")
    plan = fill(PlanFactory(council=council))
    officer = officer_of(council)
    leader = councillor_of(council, title="Leader", user__full_name="Cllr Ada Leader")
    sign_off = send(plan, officer, [leader])
    record_cabinet(sign_off, officer)
    keys = Keyboard(page)
    sign_in(page, keys, leader)

    page.goto("/")
    keys.skip_to_main()
    keys.tab_to("a", re.compile(r"version 1"))
    keys.activate()
    expect(page.get_by_test_id("covering-note")).to_have_text("Please approve by Friday.")

    # Into the radios: the arrow keys move between them and choose, Space chooses.
    keys.skip_to_main()
    keys.tab_to("input[type=radio]", "Yes, I approve it", max_presses=60)
    keys.press("ArrowDown")
    expect(page.get_by_label("No, I’m asking for changes")).to_be_checked()
    keys.press("ArrowUp")
    expect(page.get_by_label("Yes, I approve it")).to_be_checked()
    keys.press("Space")
    expect(page.get_by_label("Yes, I approve it")).to_be_checked()
    keys.tab_to(
        "input[type=checkbox]",
        "I approve this plan for submission on behalf of Dacorum Borough Council",
    )
    keys.press("Space")
    # Back into the radios with Shift+Tab: focus returns to the chosen one.
    keys.tab_to("input[type=radio]:checked", "Yes, I approve it", backwards=True, max_presses=1)
    keys.tab_to("button", "Send your decision")
    keys.activate()
    expect(page.get_by_test_id("your-decision")).to_contain_text("approved")
    assert_accessible(page)

    decision = SignOffDecision.objects.get(request=sign_off)
    assert decision.councillor == leader
    assert decision.outcome == SignOffDecision.Outcome.APPROVE
    assert decision.version_sha256 == sign_off.version.sha256
    assert SignOffRequest.objects.get(pk=sign_off.pk).status == SignOffRequest.Status.APPROVED
    assert Plan.objects.get(pk=plan.pk).status == Plan.Status.APPROVED
    print(f"{keys.tabs} presses of Tab or Shift+Tab")  # shown with pytest -rP


@journey
def test_panel_member_finds_reads_and_codes_with_the_keyboard(page, assert_accessible):
    round_ = test_round()
    sent_at = timezone.now() - timedelta(days=1)
    plans = {}
    for name in ["Ashdown", "Brookfield", "Cliffe"]:
        made = panel_council(f"{name} District Council")
        plans[name] = submitted_plan(made, round_, sent_at=sent_at, text=f"{name} shares services")
    drafting_plan(panel_council("Dunmore District Council"), round_)
    submitted_plan(panel_council("Eastwick Unitary Council", tier=Council.Tier.UNITARY), round_)
    keys = Keyboard(page)
    sign_in(page, keys, panel_member(full_name="Pat Panel"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{round_.name}: who has submitted")
    rows = page.get_by_test_id("tracker").locator("tbody tr")

    # Search, then clear the search.
    keys.skip_to_main()
    # The filters come first (as on the page): every council's region is listed.
    keys.tab_to("input", "Search by council name or GSS code", max_presses=60)
    keys.type("brookfield")
    keys.activate("Enter")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Brookfield District Council")
    keys.skip_to_main()
    keys.tab_to("a", re.compile(r"Remove filter.*Search"))
    keys.activate()
    expect(page.get_by_label("Search by council name or GSS code")).to_have_value("")
    assert "q=" not in page.url

    # Filters: district councils in Testland.
    keys.skip_to_main()
    keys.tab_to("input[type=checkbox]", "District council")
    keys.press("Space")
    keys.tab_to("input[type=checkbox]", REGION)
    keys.press("Space")
    keys.tab_to("button", "Apply filters", max_presses=40)
    keys.activate()
    assert "tier=district" in page.url and f"region={REGION}" in page.url
    expect(rows).to_have_count(4)
    for row, name in zip(rows.all(), ["Ashdown", "Brookfield", "Cliffe", "Dunmore"], strict=True):
        expect(row).to_contain_text(f"{name} District Council")

    # Open the first submitted plan, then the next one.
    keys.skip_to_main()
    keys.tab_to("a", "Ashdown District Council", max_presses=60)
    keys.activate()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ashdown District Council")
    expect(page.get_by_test_id("position")).to_have_text(
        "Plan 1 of 3 submitted plans in your list."
    )
    keys.skip_to_main()
    keys.tab_to("a", re.compile("^Next plan"))
    keys.activate()
    expect(page.get_by_role("heading", level=1)).to_have_text("Brookfield District Council")

    # Code the first paragraph, without the selection script.
    keys.skip_to_main()
    keys.tab_to("a", "Code this paragraph (theme 1, block 1)", max_presses=40)
    keys.activate()
    expect(page.get_by_role("heading", level=1)).to_have_text("Code this paragraph")
    keys.skip_to_main()
    keys.tab_to("input[type=checkbox]", "Housing")
    keys.press("Space")
    keys.tab_to("button", "Save codes", max_presses=40)
    keys.activate()
    expect(page.get_by_role("heading", level=1)).to_have_text("Brookfield District Council")
    expect(page.get_by_test_id("extract")).to_contain_text("Housing")
    assert page.url.endswith("?version=1#theme-1-p-1")
    # Back at the coded paragraph: the next Tab stop is its new extract's control.
    keys.tab_to("button", "Remove the code Housing from this passage", max_presses=1)
    assert_accessible(page)

    extract = CodedExtract.objects.get()
    assert extract.version.plan == plans["Brookfield"]
    assert (extract.anchor, extract.start, extract.end) == ("theme-1-p-1", 0, 30)
    assert extract.quote == "1.1 Brookfield shares services"
    assert list(extract.codes.values_list("name", flat=True)) == ["Housing"]
    print(f"{keys.tabs} presses of Tab or Shift+Tab")  # shown with pytest -rP


# --- The checks themselves ---------------------------------------------------------------------

CONTROLS = """<!DOCTYPE html><html lang="en"><head><title>Controls</title><style>
  a:focus, button:focus { outline: 3px solid #ffdd00; }
  .plain:focus { outline: none; }
  .gone { position: absolute; left: -9999px; }
</style></head><body>
  <a href="#one">One</a> <button type="button" class="plain">Two</button>
  <a href="#three" class="gone">Three</a>
</body></html>"""


@pytest.fixture
def blank_page(chromium):
    context = new_context(chromium)
    yield context.new_page()
    context.close()


def test_tab_to_says_where_focus_went_when_the_control_is_never_reached(blank_page):
    page = blank_page
    page.set_content(CONTROLS.replace(' class="plain"', "").replace(' class="gone"', ""))
    keys = Keyboard(page)
    with pytest.raises(AssertionError) as failure:
        keys.tab_to("a", "Four", max_presses=3)
    assert str(failure.value).endswith(
        "never reached a Four; focus passed through:\n"
        "  a “One”\n  button[type=button] “Two”\n  a “Three”"
    )
    assert keys.tabs == 3


def test_tab_to_refuses_a_control_without_a_focus_style_or_out_of_sight(blank_page):
    page = blank_page
    page.set_content(CONTROLS.replace(' class="gone"', ""))
    keys = Keyboard(page)
    with pytest.raises(AssertionError, match=r"no focus style on button\[type=button\] “Two” "):
        keys.tab_to("a", "Three")
    page.set_content(CONTROLS.replace(' class="plain"', ""))
    keys = Keyboard(page)
    with pytest.raises(AssertionError, match=r"focus is on a hidden a “Three” "):
        keys.tab_to("a", "Three")
