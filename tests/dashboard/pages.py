"""Just enough HTML reading for the dashboard tests (the standard library's parser)."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
SVG_NS = "{http://www.w3.org/2000/svg}"


class Node:
    def __init__(self, tag: str, attrs: dict, parent: Node | None):
        self.tag, self.attrs, self.parent, self.children = tag, attrs, parent, []

    def text(self, visible_only: bool = False) -> str:
        """The words inside; with ``visible_only``, without GOV.UK's visually hidden ones."""
        parts = [
            c if isinstance(c, str) else c.text(visible_only)
            for c in self.children
            if not (visible_only and isinstance(c, Node) and "govuk-visually-hidden" in c.attrs.get("class", ""))
        ]
        return re.sub(r"\s+", " ", " ".join(parts)).strip()

    def walk(self):
        for child in self.children:
            if isinstance(child, Node):
                yield child
                yield from child.walk()

    def find_all(self, tag: str) -> list[Node]:
        return [n for n in self.walk() if n.tag == tag]


class _Builder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = self.current = Node("#root", {}, None)

    def handle_starttag(self, tag, attrs):
        node = Node(tag, dict(attrs), self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Node(tag, dict(attrs), self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


class Page:
    """A rendered page: elements by data-testid, tables as rows of (text, href), charts as SVG trees."""

    def __init__(self, html: str):
        self.html = html
        builder = _Builder()
        builder.feed(html)
        self.root = builder.root

    def by_testid(self, testid: str) -> Node:
        found = [n for n in self.root.walk() if n.attrs.get("data-testid") == testid]
        assert len(found) == 1, f"{len(found)} elements with data-testid={testid!r}"
        return found[0]

    def text(self, testid: str) -> str:
        return self.by_testid(testid).text()

    def table(self, testid: str) -> list[list[tuple[str, str | None]]]:
        """Body rows: each cell's visible text and its link, if any."""
        rows = []
        for tr in self.by_testid(testid).find_all("tbody")[0].find_all("tr"):
            cells = [c for c in tr.children if isinstance(c, Node) and c.tag in ("th", "td")]
            rows.append([(c.text(visible_only=True), next((a.attrs["href"] for a in c.find_all("a")), None)) for c in cells])
        return rows

    def links(self, testid: str) -> list[str]:
        return [a.attrs["href"] for a in self.by_testid(testid).find_all("a")]

    def charts(self) -> list[ET.Element]:
        """Every server-drawn chart, parsed as XML (which fails on markup that is not valid SVG)."""
        return [ET.fromstring(svg) for svg in re.findall(r'<svg [^>]*class="app-chart.*?</svg>', self.html, re.DOTALL)]


def bars(chart: ET.Element, cls: str = "app-chart__bar") -> list[ET.Element]:
    return [e for e in chart.iter(f"{SVG_NS}rect") if e.get("class") == cls]
