"""The Content-Security-Policy allows scripts and styles from our own files only, so no
template may carry inline code: it would be blocked in every browser (issue 8, item 7)."""

import re
from pathlib import Path

TRYGGVE = Path(__file__).resolve().parents[2]
INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "inline <script> (use a static file)"),
    (re.compile(r"<style\b", re.I), "<style> block (use a static CSS file)"),
    (re.compile(r"\sstyle\s*=", re.I), "style attribute (use a class)"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "event-handler attribute (use a static script)"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def test_no_template_carries_inline_script_or_style():
    templates = list(TRYGGVE.rglob("templates/**/*.html"))
    assert len(templates) > 20
    found = []
    for path in templates:
        text = path.read_text(encoding="utf-8")
        for pattern, what in INLINE:
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{path.relative_to(TRYGGVE)}:{line}: {what}")
    assert not found, "\n".join(found)
