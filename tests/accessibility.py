"""axe-core in the browser: ``assert_accessible(page)`` fails listing every WCAG 2.2 A/AA violation.

axe-core comes from npm (``package.json`` devDependencies; ``bin/setup`` runs ``npm ci``).
Its source is evaluated through the DevTools protocol rather than added as a
``<script>`` tag: the portal's Content-Security-Policy allows only nonce'd
scripts, so a script tag would be blocked (and reported as a CSP violation),
while an evaluation from the test is not subject to the page's CSP.
"""
from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

AXE = Path(__file__).resolve().parents[1] / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.0, 2.1 and 2.2 at levels A and AA (axe has no wcag22a tag: 2.2's new A
# criteria it can test are tagged wcag22aa or already covered by the others).
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

_RUN = """async (tags) => {
  const results = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return results.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help, url: v.helpUrl,
    nodes: v.nodes.map((n) => ({target: n.target.join(" "), summary: n.failureSummary})),
  }));
}"""


@cache
def _axe_source() -> str:
    if not AXE.is_file():
        pytest.fail(f"axe-core is missing at {AXE}: run bin/setup (npm ci)", pytrace=False)
    return AXE.read_text(encoding="utf-8")


def axe_violations(page) -> list[dict]:
    """Run axe-core on the page as it is now; returns its WCAG 2.2 A/AA violations."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe_source())
    return page.evaluate(_RUN, WCAG_TAGS)


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} <{violation['url']}>")
        for node in violation["nodes"]:
            summary = " ".join(node["summary"].split())
            lines.append(f"    at {node['target']}: {summary}")
    return "\n".join(lines)


def assert_accessible(page, where: str = "") -> None:
    """Fail, listing each violation and the elements involved, unless axe finds none on the page."""
    violations = axe_violations(page)
    if violations:
        label = where or page.url
        pytest.fail(f"WCAG 2.2 A/AA violations on {label}:\n{describe(violations)}", pytrace=False)
