"""Browser fixtures: the test app served over real HTTP, driven by headless Chromium.

``live_server`` serves the session's ``app`` fixture on 127.0.0.1 (a free port,
a background thread), so the browser submits real forms with real CSRF tokens.
``browser`` launches Debian's Chromium (``settings.CHROMIUM``) through
Playwright; Playwright never downloads a browser here. ``page`` is a fresh
context per test that watches for console errors, uncaught exceptions, CSP
violations and any request to a host other than the live server. Any of those
fails the test, unless the test declared it expected with ``page.watch.allow``.
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from werkzeug.serving import make_server

from . import settings

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 900}
SCREENSHOTS = settings.ARTIFACTS / "screenshots"

# Runs in every document before the page's own scripts (Playwright injects it
# through the DevTools protocol, so the page's CSP does not block it) and
# reports each CSP violation to the test through an exposed binding.
_CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__portalReportCsp && window.__portalReportCsp(
    `${event.effectiveDirective} blocked ${event.blockedURI || "inline"} at ${event.sourceFile || event.documentURI}:${event.lineNumber}`
  );
});
"""


def _require_or_skip(reason: str):
    if settings.REQUIRE_BROWSER:
        pytest.fail(f"{reason} (PORTAL_REQUIRE_BROWSER=1: not skipping)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def live_server(app):
    """The session's app over HTTP; yields the base URL (no trailing slash)."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser():
    chromium = Path(settings.CHROMIUM)
    if not chromium.is_file():
        _require_or_skip(f"Chromium not found at {chromium} (set PORTAL_CHROMIUM)")
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError as error:  # pragma: no cover - depends on the machine
        _require_or_skip(f"playwright is not installed: {error}")
    playwright = sync_playwright().start()
    try:
        launched = playwright.chromium.launch(executable_path=str(chromium), headless=True, args=CHROMIUM_ARGS)
    except PlaywrightError as error:  # pragma: no cover - depends on the machine
        playwright.stop()
        _require_or_skip(f"Chromium at {chromium} did not start: {error}")
    try:
        yield launched
    finally:
        launched.close()
        playwright.stop()


@dataclass
class PageWatch:
    """What a page did that a portal page must never do."""

    origin: str
    console_errors: list[str] = field(default_factory=list)
    csp_violations: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)
    allowed: list[re.Pattern] = field(default_factory=list)

    def allow(self, pattern: str) -> None:
        """Expect console errors matching ``pattern`` (a regular expression)."""
        self.allowed.append(re.compile(pattern))

    def is_foreign(self, url: str) -> bool:
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob", "about"):
            return False
        return f"{parts.scheme}://{parts.netloc}" != self.origin

    def on_console(self, message) -> None:
        if message.type != "error":
            return
        text = message.text
        location = message.location or {}
        where = location.get("url", "")
        if "Content Security Policy" in text:
            self.csp_violations.append(text)
        elif not any(pattern.search(text) for pattern in self.allowed):
            self.console_errors.append(f"{text} ({where})" if where else text)

    def on_page_error(self, error) -> None:
        self.console_errors.append(f"uncaught: {error}")

    def on_csp(self, _source, text: str) -> None:
        if text not in self.csp_violations:
            self.csp_violations.append(text)

    def problems(self) -> list[str]:
        return (
            [f"console error: {text}" for text in self.console_errors]
            + [f"CSP violation: {text}" for text in self.csp_violations]
            + [f"request to another host: {url}" for url in self.foreign_requests]
        )


def watched_context(browser, live_server):
    """A fresh browser context and its page, watched as ``page`` is; ``page.watch`` holds what it recorded.

    For a journey with a second user at once (their own cookies): close the
    context at the end and check ``page.watch.problems()``.
    """
    watch = PageWatch(origin=live_server)
    context = browser.new_context(viewport=VIEWPORT, base_url=live_server)
    context.set_default_timeout(10_000)

    def block_foreign(route):
        watch.foreign_requests.append(route.request.url)
        route.abort("blockedbyclient")

    context.route(watch.is_foreign, block_foreign)
    context.expose_binding("__portalReportCsp", watch.on_csp)
    context.add_init_script(_CSP_LISTENER)
    new_page = context.new_page()
    new_page.on("console", watch.on_console)
    new_page.on("pageerror", watch.on_page_error)
    new_page.watch = watch
    return context, new_page


@pytest.fixture
def page(browser, live_server):
    """A fresh browser context per test; ``page.watch`` holds what it recorded."""
    context, new_page = watched_context(browser, live_server)
    try:
        yield new_page
    finally:
        context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """After the test body, fail it if its page logged errors, broke the CSP or called out."""
    result = yield
    watched = item.funcargs.get("page") if hasattr(item, "funcargs") else None
    watch = getattr(watched, "watch", None)
    if isinstance(watch, PageWatch):
        problems = watch.problems()
        if problems:
            pytest.fail("The browser saw:\n  " + "\n  ".join(problems), pytrace=False)
    return result


def save_screenshot(page, name: str) -> Path:
    """Save a full-page screenshot as ARTIFACTS/screenshots/<name>.png and return its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
def screenshot(page):
    """``screenshot("name")`` saves the current page's full-page screenshot."""
    return lambda name: save_screenshot(page, name)
