"""The annual summary as a document: a tagged PDF (WeasyPrint) or an editable DOCX
(python-docx), both laid out from the same `summary.Summary` and the same charts.

The summary is always written in Swedish, whatever language the staff member reads the
pages in: it is the council's document.
"""

from __future__ import annotations

import base64
import datetime
import io
import re
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tryggve.followup.models import Promise
from tryggve.followup.summary import Chart, Summary, build_summary
from tryggve.lib.pdf import html_to_pdf

PDF, DOCX = "pdf", "docx"
FORMATS = (PDF, DOCX)
CONTENT_TYPES = {
    PDF: "application/pdf",
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
PRINT_CSS = Path(__file__).parent / "static" / "css" / "followup-summary-print.css"


def municipality_logo(promise: Promise) -> bytes | None:
    """The promise's municipality's logo as PNG (Word takes no WebP), or None when it has
    none or the file cannot be read: the document then carries the name alone."""
    municipality = promise.municipality
    if not municipality.logo:
        return None
    from PIL import Image, UnidentifiedImageError

    try:
        with municipality.logo.open("rb") as handle, Image.open(handle) as image:
            image.load()
            out = io.BytesIO()
            image.convert("RGBA").save(out, format="PNG")
    except (OSError, UnidentifiedImageError, ValueError):
        return None
    return out.getvalue()


def render_summary(
    *, promise: Promise, year: int, today: datetime.date, fmt: str, public: bool = False
) -> bytes:
    """The year's summary of `promise` as PDF or DOCX bytes, figures computed now; `public`
    is the version that is published (see `summary.build_summary`)."""
    if fmt not in FORMATS:
        raise ValueError(fmt)
    with translation.override("sv"):
        summary = build_summary(promise=promise, year=year, today=today, public=public)
        return summary_pdf(summary) if fmt == PDF else summary_docx(summary)


def filename(promise: Promise, year: int, fmt: str) -> str:
    return f"arssammanfattning-{promise.municipality.code}-{year}.{fmt}"


def internal_note() -> str:
    """The staff version says what the published version leaves out."""
    return _(
        "Intern version: skälen till uppskjutna och inställda aktiviteter och det som togs "
        "upp i medborgardialogerna finns bara här, inte i den version som publiceras."
    )


def dialogue_text(line) -> str:
    """One citizen dialogue as a list item: date, kind and participants; in the staff
    version also its title and what was raised."""
    text = _("%(date)s: %(kind)s, %(count)s deltagare") % {
        "date": line.date.isoformat(),
        "kind": line.kind,
        "count": line.participants,
    }
    if line.title:
        text += f" – {line.title}"
    if line.concerns:
        text += f": {line.concerns}"
    return text


def dialogue_intro(count: int) -> str:
    return ngettext(
        "%(count)s medborgardialog hölls under året.",
        "%(count)s medborgardialoger hölls under året.",
        count,
    ) % {"count": count}


def interval_note() -> str:
    """What the intervals in the summary mean, in words."""
    return _(
        "”Troligen mellan” är ett 95-procentigt osäkerhetsintervall: det verkliga värdet "
        "ligger med stor sannolikhet där. Ju färre svar eller händelser, desto bredare "
        "intervall; när två års intervall överlappar kan skillnaden bero på slumpen."
    )


def hidden_note() -> str:
    return _(
        "dold: färre än 5 svar, så att ingen enskild kan pekas ut (som på enkätens sidor)."
    )


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]


def summary_pdf(summary: Summary) -> bytes:
    """The summary as a tagged PDF/UA-1: headings, tables and charts with alt text."""
    logo = municipality_logo(summary.promise)
    html = render_to_string(
        "followup/summary/document.html",
        {
            "s": summary,
            "logo_uri": "data:image/png;base64," + base64.b64encode(logo).decode() if logo else "",
            "intro": _paragraphs(summary.texts["introduction"]),
            "assessment": _paragraphs(summary.texts["assessment"]),
            "next_year": _paragraphs(summary.texts["next_year"]),
            "promise_text": _paragraphs(summary.promise.text),
            "internal_note": "" if summary.public else internal_note(),
            "dialogue_intro": dialogue_intro(len(summary.dialogues)),
            "dialogue_lines": [dialogue_text(line) for line in summary.dialogues],
            "interval_note": interval_note(),
            "hidden_note": hidden_note(),
        },
    )
    return html_to_pdf(html, css=PRINT_CSS.read_text(encoding="utf-8"))


# DOCX -------------------------------------------------------------------------------------

# XML 1.0, which a DOCX is written in, cannot carry most control characters: one form feed
# pasted into a staff text would make the whole document fail (the PDF shows the text as is).
# A vertical tab or form feed (Word's line and page break) becomes a space; others go.
_XML_UNSAFE = re.compile("[\x00-\x08\x0e-\x1f\ufffe\uffff]")


def _xml_safe(text: str) -> str:
    return _XML_UNSAFE.sub("", text.replace("\x0b", " ").replace("\x0c", " "))


def _table(document, caption: str, header: list[str], rows: list[list[str]]) -> None:
    document.add_paragraph(_xml_safe(caption), style="Caption")
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = _xml_safe(text)
        for run in cell.paragraphs[0].runs:
            run.bold = True
    _repeat_header(table.rows[0])
    for row in rows:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = _xml_safe(text)


def _repeat_header(row) -> None:
    # Marks the first row as the table's header (read out by screen readers, repeated on
    # each page).
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _picture(document, chart: Chart) -> None:
    from docx.shared import Cm

    document.add_picture(io.BytesIO(chart.png()), width=Cm(12))
    # The picture's alternative text ("Alternativ text" in Word) is its docPr description.
    for doc_pr in document.paragraphs[-1]._p.xpath(".//wp:docPr"):
        doc_pr.set("descr", chart.desc)
        doc_pr.set("title", chart.title)


def _texts(document, text: str, empty: str) -> None:
    for para in _paragraphs(text) or [empty]:
        document.add_paragraph(_xml_safe(para))


def _swedish(document) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    defaults = document.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "sv-SE")
    rpr.append(lang)
    document.core_properties.language = "sv-SE"


def summary_docx(summary: Summary) -> bytes:
    """The summary as Word: real heading styles and tables, charts as pictures with their
    alternative text, so the council's secretary can edit it."""
    from docx import Document

    document = Document()
    _swedish(document)
    document.core_properties.title = _xml_safe(summary.title)
    document.core_properties.author = f"{summary.municipality}, {summary.promise.police_area}"
    logo = municipality_logo(summary.promise)
    if logo:
        from docx.shared import Cm

        document.add_picture(io.BytesIO(logo), height=Cm(2))
        for doc_pr in document.paragraphs[-1]._p.xpath(".//wp:docPr"):
            doc_pr.set("descr", _xml_safe(summary.municipality))
            doc_pr.set("title", _xml_safe(summary.municipality))
    document.add_heading(_xml_safe(summary.title), level=1)
    document.add_paragraph(
        _xml_safe(f"{summary.municipality} {_('och')} {summary.promise.police_area}. ")
        + _("Siffrorna hämtade %(day)s; sammanfattningen lämnas till rådets möte %(due)s.")
        % {"day": summary.generated.isoformat(), "due": summary.due.isoformat()}
    )
    if not summary.public:
        document.add_paragraph(internal_note())
    if summary.promise.is_demo:
        document.add_paragraph(_("Demodata: aktiviteterna och siffrorna är påhittade."))
    document.add_heading(summary.headings["introduction"], level=2)
    _texts(document, summary.texts["introduction"], _("Inledningen är inte skriven än."))
    document.add_heading(_("Löftet"), level=2)
    _texts(document, summary.promise.text, "")
    _commitments_docx(document, summary)
    _indicators_docx(document, summary)
    _survey_docx(document, summary)
    _residents_docx(document, summary)
    document.add_heading(summary.headings["assessment"], level=2)
    _texts(document, summary.texts["assessment"], _("Bedömningen är inte skriven än."))
    document.add_heading(summary.headings["next_year"], level=2)
    _texts(document, summary.texts["next_year"], _("Förslaget är inte skrivet än."))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _commitments_docx(document, summary: Summary) -> None:
    document.add_heading(_("Åtaganden och aktiviteter"), level=2)
    header = [_("Aktivitet"), _("Ansvarig"), _("Planerad"), _("Status"), _("Utfall")]
    if not summary.commitments:
        document.add_paragraph(_("Löftet har inga åtaganden än."))
    for part in summary.commitments:
        document.add_heading(_xml_safe(part.title), level=3)
        if part.description:
            document.add_paragraph(_xml_safe(part.description))
        if not part.activities:
            document.add_paragraph(_("Inga aktiviteter."))
            continue
        rows = [
            [
                a.title,
                a.party,
                a.planned,
                a.status + ("" if a.percent is None else f" ({a.percent} %)"),
                " ".join(x for x in (a.reason, a.latest) if x) or "–",
            ]
            for a in part.activities
        ]
        _table(document, _("Aktiviteter: %(title)s") % {"title": part.title}, header, rows)


def _indicators_docx(document, summary: Summary) -> None:
    document.add_heading(_("Indikatorerna"), level=2)
    _table(
        document,
        _("Indikatorerna %(year)s mot samma period förra året") % {"year": summary.year},
        [_("Indikator"), _("Värde"), _("Samma period förra året"), _("Att tänka på")],
        [[i.name, i.value, i.previous, i.caution or "–"] for i in summary.indicators],
    )
    document.add_paragraph(interval_note())
    for row in summary.indicators:
        if row.chart is None:
            continue
        document.add_heading(row.name, level=3)
        document.add_paragraph(f"{row.definition} {row.caution}".strip())
        _picture(document, row.chart)


def _survey_docx(document, summary: Summary) -> None:
    document.add_heading(_("Trygghetsenkäten"), level=2)
    if not summary.survey_rows:
        document.add_paragraph(_("Ingen enkät är gjord än."))
        return
    _table(
        document,
        _("Enkätens huvudresultat per år"),
        [_("År"), _("Svar"), _("Otrygga på kvällen"), _("Oroliga för inbrott")],
        [list(row) for row in summary.survey_rows],
    )
    document.add_paragraph(f"{interval_note()} {hidden_note()}")
    for sentence in summary.survey_trends:
        document.add_paragraph(sentence)
    if summary.survey_chart:
        _picture(document, summary.survey_chart)


def _residents_docx(document, summary: Summary) -> None:
    document.add_heading(_("Det invånarna berättade"), level=2)
    document.add_paragraph(
        _(
            "Invånarnas synpunkter i e-tjänsten efter de kategorier de valde, och enkätens "
            "fritextsvar grupperade i teman (ett svar kan ha flera teman; färre än 5 visas inte)."
        )
    )
    if summary.report_themes:
        _table(
            document,
            _("Vanligaste kategorierna i e-tjänsten"),
            [_("Kategori"), _("Synpunkter")],
            [[label, str(count)] for label, count in summary.report_themes],
        )
    if summary.survey_themes:
        _table(
            document,
            _("Teman i fritextsvaren i enkäten %(year)s") % {"year": summary.survey_themes_year},
            [_("Tema"), _("Svar")],
            [[label, str(count)] for label, count in summary.survey_themes],
        )
    if summary.dialogues:
        document.add_heading(_("Medborgardialoger"), level=3)
        document.add_paragraph(dialogue_intro(len(summary.dialogues)))
        for line in summary.dialogues:
            document.add_paragraph(_xml_safe(dialogue_text(line)), style="List Bullet")
