"""Accessibility checks on rendered HTML, shared by the apps' view tests."""

from __future__ import annotations

from html.parser import HTMLParser


class _Ids(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()
        self.described: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name == "id" and value:
                self.ids.add(value)
            elif name == "aria-describedby" and value:
                self.described.extend(value.split())


def missing_describedby_ids(html: str) -> list[str]:
    """Ids named by aria-describedby that no element in the page has (should be empty)."""
    parser = _Ids()
    parser.feed(html)
    return [ref for ref in parser.described if ref not in parser.ids]
