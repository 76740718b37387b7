"""A breadth-first crawl of every page a signed-in browser tab can reach, checked as it goes.

From the start pages the crawl follows same-origin links and GET forms (filters, search),
visiting each URL pattern once per role (a theme's pages once per theme; a pattern with a query
string once more), and submits POST forms empty, once each, to check their error state. Every
page is checked with axe (WCAG 2.2 A and AA) at a desktop width and again at 320 × 800, where
the page must not scroll sideways; Content-Security-Policy violations count too. Failures are
collected, never raised, so one run lists every problem.

What the crawl never does, decided here and nowhere else:
- follows a link off the portal, to an anchor on the same page, into Django's own admin (beyond
  its index page: third-party), or to sign out;
- opens downloads (CSV, PDF, ZIP, JSON) in the tab: it fetches them, checks the status and the
  content type, and moves on;
- submits a POST form that only carries a button (an action: start a plan, mark unread, export,
  resend), a form whose address is in DENY_SUBMIT (deleting, removing, withdrawing, sending,
  deciding, merging, retiring, replacing recovery codes), or one whose button says so
  (DENY_BUTTON_WORDS);
- checks a ROLE_INDEPENDENT page (the accessibility statement, account pages) again for a second
  role: the first role to reach it checks it, with its forms.
"""

import re
from collections import deque
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

from django.urls import Resolver404, resolve
from playwright.sync_api import Error as PlaywrightError

from tests.support.browser import axe_violations, csp_violations, describe

DESKTOP = {"width": 1280, "height": 800}
NARROW = {"width": 320, "height": 800}

# Fetched, never rendered: their content type is checked instead.
DOWNLOADS = {
    "plans:kpi_template",
    "plans:published_plan_pdf",
    "plans:panel_plan_pdf",
    "plans:panel_tracker_csv",
    "plans:panel_analysis_figures_csv",
    "plans:panel_quotes_csv",
    "plans:panel_export_download",
    "plans:panel_export_status",
    "plans:submission_status",
}
# Never visited: signing out ends the crawl's session; the rest answer scripts, not people.
NEVER_VISIT = {"logout", "session_keep_alive", "health"}
NEVER_VISIT_NAMESPACES = ("otp_webauthn:",)

# Pages the same for every role but for the header's links (which every other page shows
# too): checked, with their forms, by the first role that reaches them, then skipped.
ROLE_INDEPENDENT = {
    "accessibility",
    "cookies",
    "councils:password_change",
    "mfa:account",
    "mfa:setup",
    "mfa:totp_setup",
}

# POST forms never submitted, even empty: they destroy, send, decide or replace things.
DENY_SUBMIT = {
    "logout",
    "plans:plan_start",
    "plans:sign_off_send",
    "plans:sign_off",
    "plans:correction",
    "plans:kpi_delete",
    "plans:kpi_value_delete",
    "plans:actions_delete",
    "plans:savings_delete",
    "plans:barriers_delete",
    "plans:partners_delete",
    "plans:strategies_delete",
    "plans:panel_mark_unread",
    "plans:panel_export_create",
    "plans:panel_code_merge",
    "plans:panel_code_retire",
    "plans:panel_extract_code_remove",
    "councils:membership_remove",
    "councils:invitation_resend",
    "councils:invitation_revoke",
    "mfa:recovery_codes_renew",
}
DENY_BUTTON_WORDS = re.compile(
    r"\b(delete|remove|withdraw|approve|sign out|revoke|merge|retire|send for|send again|"
    r"resend|replace|start|request changes|mark)\b",
    re.IGNORECASE,
)

LINKS_JS = """() => Array.from(document.querySelectorAll("a[href]"), (a) => a.href)"""
FORMS_JS = """() => Array.from(document.forms, (form, index) => {
  const button = form.querySelector(
    'button[type=submit], button:not([type]), input[type=submit]');
  const method = (form.getAttribute("method") || "get").toLowerCase();
  const fields = Array.from(form.elements).filter((el) =>
    !["hidden", "submit", "button", "reset"].includes(el.type) && el.tagName !== "BUTTON"
    && el.tagName !== "FIELDSET" && el.tagName !== "OBJECT" && el.tagName !== "OUTPUT");
  let url = null;
  if (method === "get") {
    const data = new URLSearchParams(new FormData(form, button || undefined));
    url = form.action.split("#")[0].split("?")[0] + "?" + data.toString();
  }
  return {
    index, method, url, action: form.action, fields: fields.length,
    button: button ? (button.innerText || button.value || "").trim() : "",
  };
})"""
# Empties the form's fields (hidden ones, such as the CSRF token, stay) and submits it as its
# first button would, with the browser's own validation off, as the server must cope without it.
SUBMIT_EMPTY_JS = """(index) => {
  const form = document.forms[index];
  for (const el of form.elements) {
    if (["hidden", "submit", "button", "reset", "file"].includes(el.type)) continue;
    if (el.type === "checkbox" || el.type === "radio") el.checked = false;
    else if (el.tagName === "SELECT") el.value = "";
    else if ("value" in el && el.tagName !== "BUTTON") el.value = "";
  }
  form.noValidate = true;
  const button = form.querySelector(
    'button[type=submit], button:not([type]), input[type=submit]');
  form.requestSubmit(button || undefined);
}"""
WIDTH_JS = "document.documentElement.scrollWidth"
# The innermost elements that reach past the viewport's right edge, outside any region that
# scrolls sideways on its own: what makes the page scroll. A region clips an absolutely
# positioned element (visually hidden text) only when it holds the element's containing block.
TOO_WIDE_JS = """() => {
  const edge = document.documentElement.clientWidth + 1;
  const scrolls = (el) => {
    const position = getComputedStyle(el).position;
    const block = position === "absolute" || position === "fixed"
      ? el.offsetParent || document.body : null;
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      const overflow = getComputedStyle(up).overflowX;
      if (overflow !== "visible" && up.getBoundingClientRect().right <= edge
          && (block === null || up === block || up.contains(block))) return true;
    }
    return false;
  };
  const wide = (el) => el.getBoundingClientRect().right > edge && !scrolls(el);
  const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
    + Array.from(el.classList, (c) => "." + c).join("");
  return Array.from(document.body.querySelectorAll("*"))
    .filter((el) => wide(el) && !Array.from(el.children).some(wide))
    .slice(0, 4)
    .map((el) => `${name(el.parentElement)} > ${name(el)} (right edge at `
      + `${Math.round(el.getBoundingClientRect().right)})`);
}"""


@dataclass
class Visit:
    url: str
    name: str
    how: str  # "page", "error state", "download"
    status: int


@dataclass
class Crawl:
    role: str
    visits: list[Visit] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    not_submitted: list[str] = field(default_factory=list)
    # Patterns reached but checked elsewhere: they redirected, or another role's crawl checked
    # them (ROLE_INDEPENDENT).
    reached: set[str] = field(default_factory=set)

    @property
    def names(self) -> set[str]:
        return {visit.name for visit in self.visits} | self.reached

    def report(self) -> str:
        pages = [v for v in self.visits if v.how != "download"]
        lines = [
            f"{self.role}: {len(pages)} pages checked at 1280 and 320 pixels "
            f"({len({v.name for v in pages})} URL patterns), "
            f"{sum(v.how == 'download' for v in self.visits)} downloads fetched"
        ]
        lines += [f"  {v.status} {v.how:<11} {v.name:<36} {v.url}" for v in self.visits]
        lines += [f"  reached, checked elsewhere: {name}" for name in sorted(self.reached)]
        lines += [f"  not submitted: {form}" for form in self.not_submitted]
        return "\n".join(lines)


def view_name(url: str) -> str:
    try:
        return resolve(urlsplit(url).path).view_name
    except Resolver404:
        return f"unresolved {urlsplit(url).path}"


def page_key(url: str, how: str = "page") -> tuple:
    """Pages of one URL pattern count once (per theme; once more with a query string)."""
    parts = urlsplit(url)
    try:
        match = resolve(parts.path)
    except Resolver404:
        return (f"unresolved {parts.path}", None, bool(parts.query), how)
    return (match.view_name, match.kwargs.get("theme_number"), bool(parts.query), how)


def form_key(form: dict) -> tuple:
    """A form counts once per address it posts to and button it carries."""
    return (*page_key(form["action"]), form["button"])


class Crawler:
    def __init__(
        self,
        page,
        *,
        origin: str,
        role: str,
        max_pages: int = 100,
        submit_forms: bool = True,
        checked_by_others: set[tuple] | None = None,
    ):
        self.page = page
        # Keys of ROLE_INDEPENDENT pages and forms checked in an earlier role's crawl.
        self.checked_by_others = set() if checked_by_others is None else checked_by_others
        self.submit_forms = submit_forms
        self.origin = origin
        self.crawl = Crawl(role=role)
        self.max_pages = max_pages
        self.seen: set[tuple] = set()
        self.csp_seen = 0
        self.forms: list[tuple[str, dict]] = []  # (page URL, form) to submit empty later
        self.form_keys: set[tuple] = set()

    # --- Which addresses the crawl follows ------------------------------------------------

    def followable(self, url: str) -> str | None:
        """The URL to visit (without its fragment), or None when the crawl must not follow it."""
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != self.origin:
            return None
        path = parts.path
        if path.startswith("/admin/") and path != "/admin/":
            return None
        name = view_name(url)
        if name in NEVER_VISIT or name.startswith(NEVER_VISIT_NAMESPACES):
            return None
        return urlunsplit(parts._replace(fragment=""))

    # --- Checking one page ----------------------------------------------------------------

    def fail(self, url: str, problem: str) -> None:
        self.crawl.failures.append(f"[{self.crawl.role}] {urlsplit(url).path}: {problem}")

    def check_here(self, how: str, status: int, *, referrer: str = "") -> None:
        page, url = self.page, self.page.url
        self.crawl.visits.append(Visit(url=url, name=view_name(url), how=how, status=status))
        if status >= 500 or status == 404:
            self.fail(url, f"answered {status}" + (f" (linked from {referrer})" * bool(referrer)))
            return
        violations = axe_violations(page)
        if violations:
            self.fail(url, f"axe at {DESKTOP['width']} pixels:\n{describe(violations)}")
        page.set_viewport_size(NARROW)
        try:
            width = page.evaluate(WIDTH_JS)
            if width > NARROW["width"]:
                culprits = "; ".join(page.evaluate(TOO_WIDE_JS))
                self.fail(url, f"scrolls sideways at 320 pixels (page is {width} wide): {culprits}")
            violations = axe_violations(page)
            if violations:
                self.fail(url, f"axe at 320 pixels:\n{describe(violations)}")
        finally:
            page.set_viewport_size(DESKTOP)
        csp = csp_violations(page)
        for violation in csp[self.csp_seen :]:
            self.fail(url, f"CSP: {violation}")
        self.csp_seen = len(csp)

    def fetch_download(self, url: str) -> None:
        response = self.page.request.get(url, max_redirects=0)
        kind = response.headers.get("content-type", "")
        self.crawl.visits.append(
            Visit(url=url, name=view_name(url), how="download", status=response.status)
        )
        if response.status >= 500 or response.status == 404:
            self.fail(url, f"download answered {response.status}")
        elif response.status == 200 and kind.startswith("text/html"):
            self.fail(url, f"a download answered with {kind}")

    def visit(self, url: str, *, referrer: str) -> bool:
        """Open the page and check it; False when there is nothing more to read from it."""
        if view_name(url) in DOWNLOADS:
            self.fetch_download(url)
            return False
        try:
            response = self.page.goto(url)
        except PlaywrightError as error:
            self.fail(url, f"could not be opened from {referrer}: {error.message.splitlines()[0]}")
            return False
        if response is None:
            return False
        kind = response.headers.get("content-type", "")
        if not kind.startswith("text/html"):
            self.fail(url, f"opened as a page from {referrer} but answered {kind}")
            return False
        landed = page_key(self.page.url)
        if landed != page_key(url):
            self.crawl.reached.add(view_name(url))
        if landed != page_key(url) and landed in self.seen:
            return False  # a redirect to a page checked already
        self.seen.add(landed)
        self.check_here("page", response.status, referrer=referrer)
        return response.status < 400

    # --- Reading links and forms ----------------------------------------------------------

    def read_page(self) -> list[str]:
        here = self.page.url
        found = [href for href in self.page.evaluate(LINKS_JS)]
        for form in self.page.evaluate(FORMS_JS):
            if form["method"] == "get":
                found.append(form["url"])
            elif (key := form_key(form)) not in self.form_keys:
                self.form_keys.add(key)
                self.forms.append((here, form))
        urls = []
        for href in found:
            url = self.followable(href)
            if url is not None and urlsplit(url)._replace(fragment="") != urlsplit(here)._replace(
                fragment=""
            ):
                urls.append(url)
        return urls

    def refusal(self, form: dict) -> str | None:
        """Why the form is not submitted empty, or None when it is."""
        name = view_name(form["action"])
        if name in DENY_SUBMIT:
            return f"{name} is in DENY_SUBMIT"
        if DENY_BUTTON_WORDS.search(form["button"]):
            return f"its button says {form['button']!r}"
        if form["fields"] == 0:
            return f"it is an action ({form['button']!r}), with no fields to leave empty"
        return None

    def checked_elsewhere(self, key: tuple) -> bool:
        """True when another role checked this role-independent page or form; else notes it."""
        if key[0] not in ROLE_INDEPENDENT:
            return False
        if key in self.checked_by_others:
            self.crawl.reached.add(key[0])
            return True
        self.checked_by_others.add(key)
        return False

    def submit_empty(self, page_url: str, form: dict) -> None:
        if self.checked_elsewhere(form_key(form)):
            return
        reason = self.refusal(form)
        if reason is not None:
            self.crawl.not_submitted.append(
                f"{view_name(form['action'])} from {urlsplit(page_url).path}: {reason}"
            )
            return
        if self.page.url != page_url:
            self.page.goto(page_url)
        try:
            with self.page.expect_navigation() as navigation:
                self.page.evaluate(SUBMIT_EMPTY_JS, form["index"])
        except PlaywrightError as error:
            self.fail(page_url, f"empty form {form['button']!r}: {error.message.splitlines()[0]}")
            return
        response = navigation.value
        status = response.status if response else 0
        saved = status < 400 and urlsplit(self.page.url).path != urlsplit(form["action"]).path
        self.check_here("saved empty" if saved else "error state", status)

    # --- The crawl ------------------------------------------------------------------------

    def pages_checked(self) -> int:
        return sum(visit.how != "download" for visit in self.crawl.visits)

    def run(self, starts: list[str]) -> Crawl:
        queue = deque((self.origin + start, "the start") for start in starts)
        while queue and self.pages_checked() < self.max_pages:
            url, referrer = queue.popleft()
            key = page_key(url)
            if key in self.seen or self.checked_elsewhere(key):
                continue
            self.seen.add(key)
            if self.visit(url, referrer=referrer):
                here = urlsplit(self.page.url).path
                queue.extend((found, here) for found in self.read_page())
        # Forms last: an empty form that is valid after all saves, and must not change the
        # pages the crawl reads.
        for page_url, form in self.forms if self.submit_forms else ():
            if self.pages_checked() >= self.max_pages:
                break
            self.submit_empty(page_url, form)
        if any(page_key(url) not in self.seen for url, _ in queue) or (
            self.pages_checked() >= self.max_pages
        ):
            self.fail(self.origin, f"stopped at the cap of {self.max_pages} pages")
        return self.crawl
