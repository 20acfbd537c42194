"""The SVG charts: accessible names, gaps for missing values, escaped text, the data table."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from tryggve.lib.charts import bar_chart, data_table, format_number, sparkline

SVG = "{http://www.w3.org/2000/svg}"
POINTS = [("jan", 2.0), ("feb", None), ("mar", 4.0), ("apr", 1.5)]


def parse(text: str) -> ET.Element:
    # The charts' own output, never outside input: the standard parser is safe here.
    return ET.fromstring(text)  # noqa: S314


def test_a_sparkline_is_named_and_leaves_a_gap_for_missing_values():
    root = parse(sparkline(POINTS, title="Timmar", desc="2, saknas, 4, 1,5", id_prefix="n"))
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "n-title n-desc"
    assert root.find(f"{SVG}title").get("id") == "n-title"
    assert root.find(f"{SVG}title").text == "Timmar"
    assert root.find(f"{SVG}desc").text == "2, saknas, 4, 1,5"
    # jan stands alone before the gap; mar-apr make one line: no line crosses feb.
    lines = root.findall(f"{SVG}polyline")
    assert len(lines) == 1 and len(lines[0].get("points").split()) == 2
    assert len(root.findall(f"{SVG}circle")) == 1


def test_the_highest_value_reaches_the_top():
    root = parse(sparkline([("a", 0.0), ("b", 10.0)], title="t", desc="d", height=40))
    (line,) = root.findall(f"{SVG}polyline")
    (_x0, y0), (_x1, y1) = (p.split(",") for p in line.get("points").split())
    assert (float(y0), float(y1)) == (36.0, 4.0)


def test_bars_carry_their_values_and_skip_missing_ones():
    root = parse(bar_chart(POINTS, title="Inbrott", desc="per månad", id_prefix="b"))
    assert len(root.findall(f"{SVG}rect")) == 3
    texts = [t.text for t in root.findall(f"{SVG}text")]
    assert texts == ["jan", "2", "feb", "mar", "4", "apr", "1,5"]


def test_numbers_are_written_as_the_active_language_writes_them():
    from django.utils import translation

    with translation.override("en"):
        root = parse(bar_chart(POINTS, title="Burglaries", desc="per month", id_prefix="b"))
        table = parse(
            data_table(POINTS, caption="c", label_header="l", value_header="v", missing="-")
        )
        assert format_number(-2.25) == "−2.2" and format_number(-0.04) == "0"
    assert [t.text for t in root.findall(f"{SVG}text")][-1] == "1.5"
    assert [r.find("td").text for r in table.find("tbody")][-1] == "1.5"
    with translation.override("sv"):
        assert [format_number(v) for v in (1.5, 4.0, -2.25)] == ["1,5", "4", "−2,2"]


def test_all_zero_or_empty_series_draw_without_dividing_by_zero():
    parse(bar_chart([("jan", 0.0), ("feb", 0.0)], title="t", desc="d"))
    parse(sparkline([], title="t", desc="d"))
    parse(bar_chart([], title="t", desc="d"))


def test_text_is_escaped():
    svg = bar_chart([("<b>&", 1.0)], title='"<script>', desc="a & b")
    root = parse(svg)
    assert "<script>" not in svg and "<b>" not in svg
    assert root.find(f"{SVG}title").text == '"<script>'


def test_the_data_table_holds_the_same_numbers():
    html = data_table(
        POINTS,
        caption="Timmar per månad",
        label_header="Månad",
        value_header="Timmar",
        missing="inga uppgifter",
    )
    table = parse(html)
    assert table.find("caption").text == "Timmar per månad"
    assert [th.get("scope") for th in table.iter("th")][:2] == ["col", "col"]
    rows = [(r.find("th").text, r.find("td").text) for r in table.find("tbody")]
    assert rows == [("jan", "2"), ("feb", "inga uppgifter"), ("mar", "4"), ("apr", "1,5")]
