"""Headless Chromium through Playwright, and axe-core checks for WCAG 2.2 A and AA."""

from contextlib import contextmanager

from axe_playwright_python.sync_playwright import Axe

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]

_axe = Axe()

# Installed in every page of a context made by new_context(), before the page's own scripts:
# each Content-Security-Policy violation is kept in the tab's sessionStorage, so violations on
# every page the tab visited (same origin) are still there when a test asks.
CSP_WATCHER = """
(() => {
  const key = "test-csp-violations";
  window.__cspWatched = true;
  document.addEventListener("securitypolicyviolation", (event) => {
    try {
      const seen = JSON.parse(window.sessionStorage.getItem(key) || "[]");
      seen.push(`${event.effectiveDirective} blocked ${event.blockedURI || "inline"} on ` +
        `${window.location.pathname} (${event.sourceFile}:${event.lineNumber})`);
      window.sessionStorage.setItem(key, JSON.stringify(seen));
    } catch (error) {
      window.__cspUnrecorded = (window.__cspUnrecorded || 0) + 1;
    }
  });
})();
"""


def new_context(chromium, **options):
    """A browser context whose pages record every CSP violation (see csp_violations)."""
    context = chromium.new_context(**options)
    context.add_init_script(CSP_WATCHER)
    return context


def csp_violations(page) -> list[str]:
    """Every CSP violation on the pages this tab visited on the page's origin, so far."""
    assert page.evaluate("window.__cspWatched === true"), (
        f"{page.url}: no CSP watcher; make the context with tests.support.browser.new_context"
    )
    unrecorded = page.evaluate("window.__cspUnrecorded || 0")
    recorded = page.evaluate("JSON.parse(sessionStorage.getItem('test-csp-violations') || '[]')")
    return recorded + [f"{unrecorded} not recorded"] * bool(unrecorded)


def axe_violations(page) -> list[dict]:
    """Every WCAG 2.2 A/AA violation axe finds on the page, as axe reports them."""
    results = _axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    return results.response["violations"]


def describe(violations: list[dict]) -> str:
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(str(node["target"]) for node in v["nodes"][:5])
        for v in violations
    )


def scripts_ran(page) -> bool:
    # static/js/supported.js marks the body as soon as scripts run.
    return page.evaluate("document.body.classList.contains('js-enabled')")


@contextmanager
def as_served_without_scripts(chromium, page):
    """The page's current HTML in a page where axe can run, with the page's own scripts blocked.

    axe-core waits on timers, which never fire where JavaScript is switched off; so the HTML
    the server sent (error states included) is replayed at the same address, with the same
    stylesheets, while every script the page asks for is refused.
    """
    html, url = page.content(), page.url
    context = chromium.new_context(java_script_enabled=True)

    def handle(route):
        request = route.request
        if request.resource_type == "document" and request.url == url:
            route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html)
        elif request.resource_type == "script":
            route.abort()
        else:
            route.continue_()

    try:
        replay = context.new_page()
        replay.route("**/*", handle)
        replay.goto(url)
        yield replay
    finally:
        context.close()
