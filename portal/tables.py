"""Every GOV.UK table on a page scrolls in its own box on a narrow screen, in one place.

A table wider than a phone would otherwise widen the whole page. ``scrolling_tables`` wraps each
``govuk-table`` the template did not already put in a ``scrolling_table`` box (macros.html) in the
same box: a focusable, labelled region whose edge shadows show there is more to the side.
"""
from __future__ import annotations

import re

from markupsafe import Markup, escape

_TABLE = re.compile(r'<table\b[^>]*\bclass="[^"]*\bgovuk-table\b[^"]*"[^>]*>')
_CAPTION = re.compile(r"<caption\b[^>]*>(.*?)</caption>", re.DOTALL)
_TAGS = re.compile(r"<[^>]+>")
WRAPPER = '<div class="app-table-wrapper" role="region" aria-label="{}" tabindex="0">'
_WRAPPED_BEFORE = re.compile(r'<div class="app-table-wrapper"[^>]*>\s*$')


def scrolling_tables(html: str) -> Markup:
    """The page's HTML with each unwrapped GOV.UK table inside a scrolling box named by its caption."""
    out, position = [], 0
    for match in _TABLE.finditer(html):
        if match.start() < position:  # inside a table already handled (a nested table stays as it is)
            continue
        end = html.find("</table>", match.end())
        if end < 0 or _WRAPPED_BEFORE.search(html, max(0, match.start() - 300), match.start()):
            continue
        end += len("</table>")
        caption = _CAPTION.search(html, match.end(), end)
        label = " ".join(_TAGS.sub(" ", caption.group(1)).split()) if caption else "Table"
        out += [html[position:match.start()], WRAPPER.format(escape(Markup(label).unescape())), html[match.start():end], "</div>"]
        position = end
    out.append(html[position:])
    return Markup("".join(out))


def init_app(app) -> None:
    app.add_template_filter(scrolling_tables)
