"""Forms with the keyboard only, and the GOV.UK error summary.

``submit_by_keyboard`` starts where a keyboard user starts: Tab to the skip
link, Enter to jump to the main content, then Tab through the page. It checks
that Tab reaches every field of the form, in order, then the submit button,
typing any text it is given as each field takes focus, and submits with Enter
or Space. ``assert_error_summary`` checks the GOV.UK pattern after a form is
sent back: "Error: " in the title, the summary focused, and each of its links
moving focus to the field it names, which shows its own message.
"""
from __future__ import annotations

import re

from playwright.sync_api import expect

MAX_TABS = 80

# A stable name for a control: radios by group (Tab stops once per group), else id, name or text.
_KEY = """(el) => {
  if (!el || el === document.body) return "";
  if (el.type === "radio") return "radio:" + el.name;
  return el.id || el.name || (el.textContent || "").trim();
}"""

_FOCUSED = "(() => { const key = " + _KEY + "; return key(document.activeElement); })()"

# Focusing the body moves the browser's Tab starting point to the top of the page, as on arrival.
_FROM_THE_TOP = """() => {
  document.body.tabIndex = -1;
  document.body.focus();
  document.body.removeAttribute("tabindex");
}"""

# The form's controls a keyboard user must reach, in order, up to and including the submit button.
_EXPECTED = """([form, submit]) => {
  const key = KEY;
  const keys = [];
  for (const el of form.querySelectorAll("input, select, textarea, button")) {
    if (el.type === "hidden" || el.disabled || el.tabIndex < 0 || !el.getClientRects().length) continue;
    const k = key(el);
    if (!keys.includes(k)) keys.push(k);
    if (el === submit) break;
  }
  return keys;
}""".replace("KEY", _KEY)


def submit_by_keyboard(page, submit, typed: dict[str, str] | None = None, key: str = "Enter") -> list[str]:
    """Tab from the top of the page to ``submit`` (a locator), reaching every field on the way; press ``key``.

    ``typed`` maps a field's id to text typed into it when it has focus. Returns
    the names of the controls focused, in order.
    """
    typed = dict(typed or {})
    form = submit.locator("xpath=ancestor::form[1]")
    expected = page.evaluate(_EXPECTED, [form.element_handle(), submit.element_handle()])
    page.evaluate(_FROM_THE_TOP)
    page.keyboard.press("Tab")
    skip = page.evaluate("() => document.activeElement.textContent.trim()")
    assert skip == "Skip to main content", f"the first Tab stop is {skip!r}, not the skip link"
    page.keyboard.press("Enter")

    visited: list[str] = []
    submit_handle = submit.element_handle()
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        focused = page.evaluate(_FOCUSED)
        if not visited or visited[-1] != focused:
            visited.append(focused)
        if focused in typed:
            page.keyboard.press("Control+A")
            page.keyboard.type(typed.pop(focused))
        if page.evaluate("(el) => document.activeElement === el", submit_handle):
            break
    else:
        raise AssertionError(f"Tab never reached the submit button; focus went {visited}")

    # Once each: two controls of the same name (each password field's "Show" button) are one expected stop.
    reached = list(dict.fromkeys(k for k in visited if k in expected))
    assert reached == expected, f"Tab order reached {reached}, expected every field in order: {expected}"
    assert not typed, f"never focused to type into: {list(typed)}"
    page.keyboard.press(key)
    return visited


def assert_error_summary(page, fields: list[str] | None = None) -> None:
    """The GOV.UK error summary: focused on arrival, each link focusing its field, which shows its message.

    ``fields`` (ids) are the fields expected to be in error, in the summary's order.
    """
    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    links = summary.locator(".govuk-error-summary__list a")
    targets = [href.removeprefix("#") for href in links.evaluate_all("(as) => as.map((a) => a.getAttribute('href'))")]
    assert targets, "the error summary lists no errors"
    if fields is not None:
        assert targets == fields, f"the summary links to {targets}, expected {fields}"
    for index, target in enumerate(targets):
        field = page.locator(f"[id='{target}']")
        expect(field).to_have_count(1)
        link = links.nth(index)
        # A field in error names its message through aria-describedby (on itself, or its fieldset).
        described = field.evaluate(
            """(el) => { const holder = el.closest("fieldset[aria-describedby]") || el;
                 return (holder.getAttribute("aria-describedby") || el.getAttribute("aria-describedby") || "")
                   .split(/\\s+/).map((id) => (document.getElementById(id) || {}).textContent || "").join(" "); }"""
        )
        message = " ".join(link.inner_text().split())
        assert message in " ".join(described.split()), f"#{target} does not carry its message {message!r}: {described!r}"
        link.focus()
        page.keyboard.press("Enter")
        expect(field).to_be_focused()
