"""Mechanical layout checks: what a page must never do at 1280 or 320 px, measured in the browser.

``layout_problems(page)`` returns a list of what is wrong with the page as it is now
(empty when it passes), each naming the element, so a failure says what to fix:

- an element wider than the viewport, unless it is inside a scrolling container that shows
  a visible cue that it scrolls (the ``.app-table-wrapper`` edge shadows: a background gradient);
- SVG text drawn outside its viewBox (a clipped chart label), or smaller than 14 px as rendered;
- a headline figure on more than one line, or running out of its card;
- not exactly one h1.
"""
from __future__ import annotations

WIDTHS = (1280, 320)

_PROBLEMS = """() => {
  const problems = [];
  const width = document.documentElement.clientWidth;
  const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
    (el.getAttribute("data-testid") ? `[data-testid=${el.getAttribute("data-testid")}]` : "") +
    (typeof el.className === "string" && el.className.trim() ? "." + el.className.trim().split(/\\s+/).join(".") : "");
  const visible = (el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; };

  // 1. Nothing wider than the viewport but a table in a scroller with a visible cue.
  const scrollsWithCue = (el) => ["auto", "scroll"].includes(getComputedStyle(el).overflowX) &&
    getComputedStyle(el).backgroundImage.includes("gradient");
  const inCuedScroller = (el) => {
    let escapes = ["absolute", "fixed"].includes(getComputedStyle(el).position);
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      if (escapes && getComputedStyle(p).position === "static") continue;
      escapes = false;
      if (scrollsWithCue(p)) return true;
    }
    return false;
  };
  if (document.documentElement.scrollWidth > width) {
    problems.push(`the page is ${document.documentElement.scrollWidth}px wide`);
  }
  const wide = [...document.body.querySelectorAll("*")].filter((el) =>
    (el instanceof HTMLElement || el instanceof SVGSVGElement) && visible(el) &&
    el.getBoundingClientRect().right > width + 0.5 && !inCuedScroller(el));
  // The innermost culprits name the cause; their ancestors are wide because of them.
  wide.filter((el) => !wide.some((other) => other !== el && el.contains(other))).slice(0, 6).forEach((el) =>
    problems.push(`${name(el)} reaches ${Math.round(el.getBoundingClientRect().right)}px, wider than ${width}px`));

  // 2. SVG text inside its viewBox, and at least 14 px as rendered.
  for (const svg of document.querySelectorAll("svg[viewBox]")) {
    if (!visible(svg)) continue;
    const box = svg.viewBox.baseVal;
    const scale = svg.getBoundingClientRect().width / box.width;
    for (const text of svg.querySelectorAll("text")) {
      const b = text.getBBox();
      const label = `${name(svg)} text "${text.textContent.trim()}"`;
      if (b.x < box.x - 0.5 || b.y < box.y - 0.5 || b.x + b.width > box.x + box.width + 0.5 || b.y + b.height > box.y + box.height + 0.5) {
        problems.push(`${label} is outside its viewBox (${Math.round(b.x)}..${Math.round(b.x + b.width)} of ${box.width})`);
      }
      const size = parseFloat(getComputedStyle(text).fontSize) * scale;
      if (size < 13.95) problems.push(`${label} is ${size.toFixed(1)}px as rendered, under 14px`);
    }
  }

  // 3. A headline figure on one line, inside its card.
  for (const headline of document.querySelectorAll(".app-headline__figure")) {
    if (!visible(headline)) continue;
    const card = headline.closest(".app-headline") || headline.parentElement;
    const figures = headline.querySelectorAll(".app-figure");
    const parts = figures.length ? [...figures] : [headline];
    for (const part of parts) {
      const lineHeight = parseFloat(getComputedStyle(part).lineHeight) || parseFloat(getComputedStyle(part).fontSize) * 1.3;
      const lines = part === headline ? Math.round(part.getBoundingClientRect().height / lineHeight) : part.getClientRects().length;
      const rect = part.getBoundingClientRect();
      if (lines > 1 || rect.height > lineHeight * 1.5) problems.push(`headline "${part.textContent.trim()}" takes ${Math.max(lines, 2)} lines`);
      if (rect.right > card.getBoundingClientRect().right + 0.5) problems.push(`headline "${part.textContent.trim()}" runs out of its card`);
    }
  }

  // 4. One h1.
  const h1s = document.querySelectorAll("h1").length;
  if (h1s !== 1) problems.push(`${h1s} h1 elements`);
  return problems;
}"""


def layout_problems(page) -> list[str]:
    """What is wrong with the page's layout at its current viewport (empty when it passes).

    A page that moves on by itself (an import's progress page, once the worker finishes)
    may navigate mid-measure: measure the page it arrived at instead.
    """
    from playwright.sync_api import Error as PlaywrightError

    for attempt in range(3):
        try:
            return page.evaluate(_PROBLEMS)
        except PlaywrightError as error:
            if "context was destroyed" not in str(error) or attempt == 2:
                raise
            page.wait_for_load_state("load")
    return []


def problems_at_every_width(page, height: int = 900) -> list[str]:
    """``layout_problems`` at 1280 and then 320 px wide, each prefixed with its width; leaves the page at 1280."""
    found = []
    try:
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": height if width > 320 else 640})
            found += [f"at {width}px: {problem}" for problem in layout_problems(page)]
    finally:
        page.set_viewport_size({"width": WIDTHS[0], "height": height})
    return found
