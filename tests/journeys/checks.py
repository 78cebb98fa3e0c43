"""What every journey page must pass: accessible, fits 320 px, charts with their figures, a small set of assets."""
from __future__ import annotations

import gzip
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.accessibility import assert_accessible
from tests.browser import save_screenshot

from .layout import problems_at_every_width

REPO = Path(__file__).resolve().parents[2]
README_SCREENSHOTS = REPO / "docs" / "screenshots"
README_HEIGHT = 1400
SMALL_SCREEN = {"width": 320, "height": 640}
ASSET_BUDGET_BYTES = 300 * 1024
# Data a page asks for after it loads (the import progress poll) is not an asset.
NOT_ASSETS = {"fetch", "xmlhttprequest", "beacon"}

_RESOURCES = "() => performance.getEntriesByType('resource').map((e) => ({url: e.name, kind: e.initiatorType}))"

# Elements wider than the screen that are not inside a scrolling container: the
# cause of a sideways scroll, named so the failure says what to fix. The body and root
# are not containers: GOV.UK sets overflow-y on the root, so its overflow-x computes to auto.
_TOO_WIDE = """(width) => {
  const scrolls = (el) => ["auto", "scroll"].includes(getComputedStyle(el).overflowX);
  // An absolutely positioned element (GOV.UK's visually hidden text) escapes a scroller that is not
  // positioned, or inside its own positioned containing block: only scrollers from that block up clip it.
  const inScroller = (el) => {
    let escapes = ["absolute", "fixed"].includes(getComputedStyle(el).position);
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      if (escapes && getComputedStyle(p).position === "static") continue;
      escapes = false;
      if (scrolls(p)) return true;
    }
    return false;
  };
  const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
    (el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\\s+/).join(".") : "");
  // Too wide itself, or holding text that runs out of it (a long word that cannot wrap).
  const tooWide = (el) => el.getBoundingClientRect().right > width + 0.5 ||
    (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX === "visible" && el.clientWidth > 0);
  return [...document.body.querySelectorAll("*")]
    .filter((el) => el instanceof HTMLElement && tooWide(el) && !inScroller(el))
    .slice(-8).map((el) => `${name(el)} (${Math.round(el.getBoundingClientRect().right)}px, content ${el.scrollWidth}px wide)`);
}"""

# Each chart (an SVG with role="img") with its accessible name, its description,
# and how many body rows the table in the same grid row has.
_CHARTS = """() => [...document.querySelectorAll('main svg[role="img"]')].map((svg) => {
  const ids = (svg.getAttribute("aria-labelledby") || "").split(/\\s+/).filter(Boolean);
  const name = svg.getAttribute("aria-label") || ids.map((id) => (document.getElementById(id) || {}).textContent || "").join(" ");
  const desc = (svg.querySelector("desc") || {}).textContent || "";
  const row = svg.closest(".govuk-grid-row");
  const table = row && row.querySelector("table");
  return {name: name.trim(), desc: desc.trim(), tableRows: table ? table.querySelectorAll("tbody tr").length : 0};
})"""

_gzip_sizes: dict[str, int] = {}


@dataclass
class Journey:
    """One user's walk through the portal; ``check`` each page as it is reached."""

    page: object
    origin: str
    checked: list[str] = field(default_factory=list)
    asset_sizes: dict[str, int] = field(default_factory=dict)

    def check(self, label: str) -> None:
        """The page as it is now passes every check; ``label`` names it in failures."""
        self.page.wait_for_load_state("load")
        assert_accessible(self.page, label)
        self.assert_charts_have_figures(label)
        self.assert_assets_in_budget(label)
        self.assert_fits_small_screen(label)
        self.assert_layout(label)
        self.checked.append(label)

    def assert_layout(self, label: str) -> None:
        """The mechanical layout checks (tests/journeys/layout.py) at 1280 and 320 px."""
        wide = self.page.viewport_size
        problems = problems_at_every_width(self.page)
        self.page.set_viewport_size(wide)
        if problems:
            pytest.fail(f"{label}: layout problems:\n  " + "\n  ".join(problems), pytrace=False)

    def assert_charts_have_figures(self, label: str) -> None:
        for chart in self.page.evaluate(_CHARTS):
            assert chart["name"], f"{label}: a chart has no accessible name"
            has_figures = chart["tableRows"] > 0 or any(ch.isdigit() for ch in chart["desc"])
            assert has_figures, f"{label}: chart {chart['name']!r} has no table beside it and no description with its figures"

    def assert_assets_in_budget(self, label: str) -> None:
        total = 0
        for resource in self.page.evaluate(_RESOURCES):
            url = resource["url"]
            parts = urlsplit(url)
            assert f"{parts.scheme}://{parts.netloc}" == self.origin or parts.scheme == "data", (
                f"{label}: a request to another host: {url}"
            )
            if resource["kind"] in NOT_ASSETS:
                continue
            total += self._gzip_size(url)
        self.asset_sizes[label] = total
        assert total <= ASSET_BUDGET_BYTES, f"{label}: assets are {total / 1024:.0f} KB gzipped, over 300 KB"

    def _gzip_size(self, url: str) -> int:
        if url not in _gzip_sizes:
            response = self.page.request.get(url)
            assert response.ok, f"{url} answered {response.status}"
            _gzip_sizes[url] = len(gzip.compress(response.body(), compresslevel=6))
        return _gzip_sizes[url]

    def assert_fits_small_screen(self, label: str) -> None:
        """At 320 px wide nothing scrolls sideways but wide tables, inside their own container."""
        wide = self.page.viewport_size
        self.page.set_viewport_size(SMALL_SCREEN)
        try:
            scroll_width = self.page.evaluate("() => document.documentElement.scrollWidth")
            if scroll_width > SMALL_SCREEN["width"]:
                save_screenshot(self.page, f"too-wide-{label}")
                culprits = self.page.evaluate(_TOO_WIDE, SMALL_SCREEN["width"])
                pytest.fail(f"{label}: {scroll_width}px wide at 320px; too wide: {culprits}", pytrace=False)
        finally:
            self.page.set_viewport_size(wide)

    def screenshot(self, name: str, readme: bool = False) -> Path:
        """Keep a full-page screenshot in test-artifacts; with ``readme``, its top as docs/screenshots/<name>.png."""
        path = save_screenshot(self.page, name)
        if readme:
            # The top of the page only (at most README_HEIGHT): what a README reader needs to recognise it.
            README_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            height = min(README_HEIGHT, self.page.evaluate("() => document.documentElement.scrollHeight"))
            width = self.page.viewport_size["width"]
            self.page.screenshot(path=str(README_SCREENSHOTS / f"{name}.png"), full_page=True,
                                 clip={"x": 0, "y": 0, "width": width, "height": height})
        return path
