"""The annual summary's PDF and DOCX read back: headings, tables, figures and the staff's
sections, which survive regeneration while the figures follow the data."""

from __future__ import annotations

import datetime
import io

import pytest
from docx import Document
from pypdf import PdfReader

from tryggve.followup.documents import DOCX, PDF, render_summary
from tryggve.followup.models import Activity, ActivityStatus, SummarySection
from tryggve.followup.services import (
    activity_set_status,
    activity_update_create,
    summary_texts_save,
)

from .conftest import ADMIN

pytestmark = pytest.mark.django_db


def _pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    # Table cells wrap their text over lines: compare with whitespace collapsed.
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


@pytest.fixture
def year(today) -> int:
    return today.year


@pytest.fixture
def filled(promise, make_activity, make_report, year, today):
    """Two reports this year (one category), an activity with progress, and the
    introduction written."""
    activity = make_activity(title="Trygghetsvandring i Centrum")
    activity_update_create(
        activity=activity,
        date=today,
        text="Vandringen hölls med 14 deltagare.",
        percent=100,
        public=True,
        actor=None,
        roles=ADMIN,
    )
    activity_set_status(
        activity=activity, status=ActivityStatus.DONE, reason="", actor=None, roles=ADMIN
    )
    make_report()
    make_report()
    summary_texts_save(
        promise=promise,
        year=year,
        texts={"introduction": "Året präglades av samarbete."},
        author=None,
    )
    return promise


def test_pdf_reads_back_headings_tables_and_figures(filled, year, today):
    data = render_summary(promise=filled, year=year, today=today, fmt=PDF)
    assert data.startswith(b"%PDF")
    text = _pdf_text(data)
    for heading in (
        f"Årssammanfattning {year}",
        "Inledning",
        "Löftet",
        "Åtaganden och aktiviteter",
        "Indikatorerna",
        "Trygghetsenkäten",
        "Det invånarna berättade",
        "Bedömning",
        "Förslag till nästa års inriktning",
    ):
        assert heading in text, heading
    assert "Året präglades av samarbete." in text
    assert "Trygghetsvandring i Centrum" in text
    assert "Genomförd (100 %)" in text
    assert "Samma period förra året" in text  # the indicator table's header
    assert "Inkomna synpunkter 2 0" in text  # this year's two reports, none last year


def test_pdf_is_tagged_with_language_and_title(filled, year, today):
    reader = PdfReader(io.BytesIO(render_summary(promise=filled, year=year, today=today, fmt=PDF)))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "sv"
    assert root["/MarkInfo"]["/Marked"]
    assert "/StructTreeRoot" in root
    assert reader.metadata.title.startswith(f"Årssammanfattning {year}")


def test_docx_reads_back_headings_by_style_tables_and_pictures(filled, year, today):
    document = Document(
        io.BytesIO(render_summary(promise=filled, year=year, today=today, fmt=DOCX))
    )
    headings = {p.text for p in document.paragraphs if p.style.name.startswith("Heading")}
    assert "Indikatorerna" in headings
    assert "Förslag till nästa års inriktning" in headings
    assert any(h.startswith(f"Årssammanfattning {year}") for h in headings)
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in document.tables]
    indicator_table = next(t for t in tables if t[0][2] == "Samma period förra året")
    received = next(row for row in indicator_table if row[0].startswith("Inkomna"))
    assert received[1] == "2"
    activity_row = next(row for t in tables for row in t if row[0] == "Trygghetsvandring i Centrum")
    assert activity_row[3] == "Genomförd (100 %)"
    pictures = document.inline_shapes
    assert len(pictures) > 0
    descriptions = [s._inline.docPr.get("descr") for s in pictures]
    assert all(descriptions)
    assert document.core_properties.language == "sv-SE"


def test_edited_sections_survive_regeneration_and_figures_follow_data(
    filled, make_report, year, today
):
    first = Document(io.BytesIO(render_summary(promise=filled, year=year, today=today, fmt=DOCX)))
    make_report()
    second = Document(io.BytesIO(render_summary(promise=filled, year=year, today=today, fmt=DOCX)))
    for document, expected in ((first, "2"), (second, "3")):
        texts = [p.text for p in document.paragraphs]
        assert "Året präglades av samarbete." in texts
        table = next(t for t in document.tables if t.rows[0].cells[2].text.startswith("Samma"))
        row = next(r for r in table.rows if r.cells[0].text.startswith("Inkomna"))
        assert row.cells[1].text == expected


def test_only_published_progress_reaches_the_summary(filled, year, today):
    """The summary is published as it is (the public archive): a later progress update
    staff kept internal is neither its text nor its percentage."""
    activity = Activity.objects.get(commitment__promise=filled)
    activity_update_create(
        activity=activity,
        date=today,
        text="Internt: kontaktpersonen Kalle Svensson var sjuk.",
        percent=40,
        actor=None,
        roles=ADMIN,
    )
    pdf = _pdf_text(render_summary(promise=filled, year=year, today=today, fmt=PDF))
    docx = render_summary(promise=filled, year=year, today=today, fmt=DOCX)
    document = Document(io.BytesIO(docx))
    cells = " ".join(c.text for t in document.tables for row in t.rows for c in row.cells)
    for text in (pdf, cells):
        assert "Vandringen hölls med 14 deltagare." in text
        assert "Kalle Svensson" not in text
        assert "Genomförd (100 %)" in text
        assert "(40 %)" not in text


def test_report_categories_below_five_are_left_out(filled, make_report, year, today):
    """As on the public page: the summary is published as it is, and says "färre än 5
    visas inte"."""
    for _n in range(5):
        make_report(category="vegetation")
    document = Document(
        io.BytesIO(render_summary(promise=filled, year=year, today=today, fmt=DOCX))
    )
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "Kategori")
    rows = [[c.text for c in row.cells] for row in table.rows[1:]]
    assert rows == [["Vegetation och sly", "5"]]  # belysning's two reports are left out
    pdf = _pdf_text(render_summary(promise=filled, year=year, today=today, fmt=PDF))
    assert "Vegetation och sly 5" in pdf
    assert "Belysning 2" not in pdf


def test_control_characters_in_staff_texts_do_not_break_the_word_file(filled, year, today):
    """A form feed or vertical tab pasted into a text (XML 1.0 cannot carry them) is left
    out of the DOCX instead of failing the whole download; the PDF keeps working too."""
    summary_texts_save(
        promise=filled,
        year=year,
        texts={"assessment": "Bra\x0cår\x0bför \x01oss."},
        author=None,
    )
    activity = Activity.objects.get(commitment__promise=filled)
    activity_update_create(
        activity=activity,
        date=today,
        text="Klart\x1b igen.",
        public=True,
        actor=None,
        roles=ADMIN,
    )
    docx = render_summary(promise=filled, year=year, today=today, fmt=DOCX)
    document = Document(io.BytesIO(docx))
    assert "Bra år för oss." in [p.text for p in document.paragraphs]
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert any("Klart igen." in text for text in cells)
    assert render_summary(promise=filled, year=year, today=today, fmt=PDF).startswith(b"%PDF")


def test_latest_text_wins_and_history_is_kept(promise, year):
    saved = [
        summary_texts_save(promise=promise, year=year, texts={"assessment": t}, author=None)
        for t in ("Första utkastet.", "Andra utkastet.", "Andra utkastet.")
    ]
    from tryggve.followup.summary import current_texts

    assert saved == [1, 1, 0]  # the unchanged third save (a double submit) adds nothing
    assert current_texts(promise, year)["assessment"] == "Andra utkastet."
    assert promise.summary_texts.filter(section=SummarySection.ASSESSMENT).count() == 2


def test_render_refuses_an_unknown_format(promise, year, today):
    with pytest.raises(ValueError):
        render_summary(promise=promise, year=year, today=today, fmt="odt")


def test_due_date_defaults_to_10_december_and_follows_the_setting(promise, settings):
    from tryggve.followup.summary import summary_due_date

    assert summary_due_date(promise) == datetime.date(promise.period_end.year, 12, 10)
    settings.FOLLOWUP_SUMMARY_DUE = (12, 3)
    assert summary_due_date(promise) == datetime.date(promise.period_end.year, 12, 3)


def test_due_date_is_the_councils_last_meeting_of_the_year(promise):
    from tryggve.followup.models import CouncilMeeting
    from tryggve.followup.summary import summary_due_date

    year = promise.period_end.year
    for day in (datetime.date(year, 4, 15), datetime.date(year, 11, 26)):
        CouncilMeeting.objects.create(municipality=promise.municipality, date=day, title="Rådet")
    # A meeting of another year does not move this year's date.
    CouncilMeeting.objects.create(
        municipality=promise.municipality, date=datetime.date(year + 1, 12, 20), title="Rådet"
    )
    assert summary_due_date(promise) == datetime.date(year, 11, 26)


def test_survey_themes_are_the_years_free_text_themes(municipality, today):
    from tryggve.followup.summary import survey_themes
    from tryggve.surveys.importers import survey_for_year
    from tryggve.surveys.models import Channel
    from tryggve.surveys.services import AnswerData, response_submit

    survey = survey_for_year(municipality=municipality, year=today.year - 1)
    comment = survey.questions.get(code="comment")
    texts = ["Mer polis på kvällarna"] * 6 + ["Trasig gatubelysning"] * 5 + ["Inbrott"] * 2
    for text in texts:
        response_submit(
            survey=survey,
            answers=[AnswerData(question=comment, text=text)],
            channel=Channel.PAPER,
            today=today,
        )
    themes = survey_themes(municipality_code=municipality.code, year=today.year - 1)
    # Most frequent first; burglary (2 answers) is suppressed, as on every page.
    assert [count for _name, count in themes] == [6, 5]
    assert len(themes) == 2
    assert survey_themes(municipality_code=municipality.code, year=today.year - 5) == []


def test_the_reminder_starts_a_month_before_the_due_date(promise):
    from tryggve.followup.summary import summary_reminder

    year = promise.period_start.year
    assert summary_reminder(promise, datetime.date(year, 11, 9)) is None
    assert summary_reminder(promise, datetime.date(year, 11, 10)) == datetime.date(year, 12, 10)
    assert summary_reminder(promise, datetime.date(year, 12, 10)) == datetime.date(year, 12, 10)
    assert summary_reminder(promise, datetime.date(year, 12, 11)) is None
    assert summary_reminder(None, datetime.date(year, 11, 20)) is None


# The public version and the staff's ------------------------------------------------------


@pytest.fixture
def unpublished_notes(filled, make_activity, today):
    """A cancelled activity with a reason and a citizen dialogue with notes: both written by
    staff for each other, neither published."""
    from tryggve.followup.services import dialogue_create

    cancelled = make_activity(title="Kvällsmöte i Glommersträsk")
    activity_set_status(
        activity=cancelled,
        status=ActivityStatus.CANCELLED,
        reason="Kalle Svensson i föreningen blev sjuk.",
        actor=None,
        roles=ADMIN,
    )
    dialogue_create(
        municipality=filled.municipality,
        kind="citizen",
        date=datetime.date(today.year, 1, 1),
        title="Möte hos Anna Andersson",
        participant_count=25,
        participant_groups="boende i Centrum",
        concerns="Anna Andersson på Storgatan 3 är rädd för grannens hund.",
        actor=None,
    )
    return filled


def _docx_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return " ".join([p.text for p in document.paragraphs] + cells)


def test_the_public_version_leaves_out_reasons_and_dialogue_notes(unpublished_notes, year, today):
    args = {"promise": unpublished_notes, "year": year, "today": today, "public": True}
    pdf = _pdf_text(render_summary(fmt=PDF, **args))
    docx = _docx_text(render_summary(fmt=DOCX, **args))
    for text in (pdf, docx):
        assert "Kvällsmöte i Glommersträsk" in text
        assert "Inställd" in text
        assert "Kalle Svensson" not in text
        assert "Anna Andersson" not in text
        assert "Storgatan" not in text
        assert "1 medborgardialog hölls under året." in text
        assert f"{year}-01-01: Medborgardialog, 25 deltagare" in text
        assert "Intern version" not in text


def test_the_staff_version_keeps_them_and_says_so(unpublished_notes, year, today):
    args = {"promise": unpublished_notes, "year": year, "today": today}
    pdf = _pdf_text(render_summary(fmt=PDF, **args))
    docx = _docx_text(render_summary(fmt=DOCX, **args))
    for text in (pdf, docx):
        assert "Kalle Svensson i föreningen blev sjuk." in text
        assert "Anna Andersson på Storgatan 3" in text
        assert "Intern version:" in text


def test_publishing_keeps_the_public_version(unpublished_notes, year, today):
    from tryggve.followup.services import summary_publish

    published = summary_publish(promise=unpublished_notes, year=year, actor=None, today=today)
    with published.pdf.open("rb") as stored:
        text = _pdf_text(stored.read())
    assert "Kvällsmöte i Glommersträsk" in text
    assert "Kalle Svensson" not in text
    assert "Anna Andersson" not in text


# Manual indicators -------------------------------------------------------------------------


@pytest.fixture
def lamps(municipality, other_municipality):
    """A manual indicator with entries on both sides of the year boundaries, and another
    municipality's indicator (never read)."""
    from decimal import Decimal

    from tryggve.followup.services import manual_indicator_create, manual_indicator_entry_add

    indicator = manual_indicator_create(
        municipality=municipality, name="Lagade gatlampor", definition="Lampor som lagats."
    )
    for day, value in (
        (datetime.date(2024, 6, 30), "5"),
        (datetime.date(2024, 12, 31), "7"),
        (datetime.date(2025, 3, 31), "4"),
        (datetime.date(2025, 12, 31), "12.50"),
        (datetime.date(2026, 1, 1), "99"),
    ):
        manual_indicator_entry_add(
            indicator=indicator,
            date=day,
            value=Decimal(value),
            source="Gatuenheten",
            actor=None,
            note="Intern kommentar",
        )
    manual_indicator_create(
        municipality=other_municipality, name="Luleås lampor", definition="Annan kommun."
    )
    return indicator


def test_manual_indicators_take_the_years_latest_entry(lamps, municipality):
    from tryggve.followup.summary import manual_indicator_rows

    whole = manual_indicator_rows(municipality, 2025, datetime.date(2026, 2, 1))
    assert [(r.name, r.value, r.previous) for r in whole] == [
        (
            "Lagade gatlampor",
            "12,5 st (2025-12-31, källa: Gatuenheten)",
            "7 st (2024-12-31, källa: Gatuenheten)",
        )
    ]
    # A running year is cut at today, and last year at the same day.
    running = manual_indicator_rows(municipality, 2025, datetime.date(2025, 6, 30))
    assert (running[0].value, running[0].previous) == (
        "4 st (2025-03-31, källa: Gatuenheten)",
        "5 st (2024-06-30, källa: Gatuenheten)",
    )
    empty = manual_indicator_rows(municipality, 2023, datetime.date(2026, 2, 1))
    assert (empty[0].value, empty[0].previous) == ("inga uppgifter", "inga uppgifter")


def test_a_manual_indicators_value_is_written_in_the_active_language(lamps, municipality):
    from django.utils import translation

    from tryggve.followup.summary import manual_indicator_rows

    with translation.override("en"):
        (row,) = manual_indicator_rows(municipality, 2025, datetime.date(2026, 2, 1))
    assert row.value.startswith("12.5 st (2025-12-31")
    # The documents are Swedish whatever the page's language (`documents.render_summary`).
    from .conftest import make_promise

    args = {
        "promise": make_promise(municipality, 2025),
        "year": 2025,
        "today": datetime.date(2026, 2, 1),
        "public": True,
    }
    with translation.override("en"):
        text = _docx_text(render_summary(fmt=DOCX, **args))
    assert "12,5 st (2025-12-31, källa: Gatuenheten)" in text


def test_manual_indicators_are_in_the_pdf_and_word_indicator_table(lamps, municipality):
    from .conftest import make_promise

    promise = make_promise(municipality, 2025)
    args = {"promise": promise, "year": 2025, "today": datetime.date(2026, 2, 1), "public": True}
    document = Document(io.BytesIO(render_summary(fmt=DOCX, **args)))
    table = next(t for t in document.tables if t.rows[0].cells[2].text.startswith("Samma"))
    row = next(r for r in table.rows if r.cells[0].text == "Lagade gatlampor")
    assert [c.text for c in row.cells][1:] == [
        "12,5 st (2025-12-31, källa: Gatuenheten)",
        "7 st (2024-12-31, källa: Gatuenheten)",
        "–",  # nothing to bear in mind
    ]
    pdf = _pdf_text(render_summary(fmt=PDF, **args))
    assert "Lagade gatlampor 12,5 st (2025-12-31, källa: Gatuenheten)" in pdf
    for text in (pdf, _docx_text(render_summary(fmt=DOCX, **args))):
        assert "Luleås lampor" not in text
        assert "Intern kommentar" not in text


# The council judges the year on these documents: every figure as the pages show it --------


@pytest.fixture
def survey_years(municipality, today):
    """Two finished survey years before this one: the first with three answers (every
    share hidden), the second with twenty, five of them unsafe in the evening."""
    from tryggve.surveys.importers import survey_for_year
    from tryggve.surveys.models import Channel
    from tryggve.surveys.services import AnswerData, response_submit

    for year, n, unsafe in ((today.year - 2, 3, 2), (today.year - 1, 20, 5)):
        survey = survey_for_year(municipality=municipality, year=year)
        question = survey.questions.get(code="unsafe_evening")
        for i in range(n):
            code = "ganska_otrygg" if i < unsafe else "ganska_trygg"
            response_submit(
                survey=survey,
                answers=[AnswerData(question=question, option=question.options.get(code=code))],
                channel=Channel.PAPER,
                today=today,
            )


def _interval_words(k: int, n: int) -> str:
    from tryggve.surveys.stats import wilson

    low, high = wilson(k, n)
    return f"troligen mellan {round(100 * low)} och {round(100 * high)} %"


def test_survey_shares_carry_their_interval_in_words_and_a_small_year_reads_dold(
    filled, survey_years, year, today
):
    pdf = _pdf_text(render_summary(promise=filled, year=year, today=today, fmt=PDF))
    document = Document(
        io.BytesIO(render_summary(promise=filled, year=year, today=today, fmt=DOCX))
    )
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in document.tables]
    survey_table = next(t for t in tables if t[0][:2] == ["År", "Svar"])
    # The small year's share is hidden as on the survey's pages, not "no figures".
    assert survey_table[1] == [
        str(year - 2),
        "3",
        "dold (färre än 5 svar)",
        "inga uppgifter",
    ]
    assert survey_table[2][2] == f"25 % ({_interval_words(5, 20)})"
    assert f"{year - 2} 3 dold (färre än 5 svar)" in pdf
    assert f"25 % ({_interval_words(5, 20)})" in pdf
    # What the interval means, in words, in both documents.
    docx_text = _docx_text(render_summary(promise=filled, year=year, today=today, fmt=DOCX))
    for text in (pdf, docx_text):
        assert "95-procentigt osäkerhetsintervall" in text
        assert "dold: färre än 5 svar" in text


def test_the_indicator_table_has_every_caution_and_previous_years_interval(
    filled, survey_years, year, today
):
    document = Document(
        io.BytesIO(render_summary(promise=filled, year=year, today=today, fmt=DOCX))
    )
    table = next(t for t in document.tables if t.rows[0].cells[2].text.startswith("Samma"))
    assert table.rows[0].cells[3].text == "Att tänka på"
    unsafe = next(r for r in table.rows if r.cells[0].text == "Otrygga ute sent på kvällen")
    assert [c.text for c in unsafe.cells][1:] == [
        "inga uppgifter",
        f"25 % ({_interval_words(5, 20)})",
        "Ingen enkät med svar det här året.",
    ]
    pdf = _pdf_text(render_summary(promise=filled, year=year, today=today, fmt=PDF))
    assert "Ingen enkät med svar det här året." in pdf


def test_the_survey_change_is_said_in_words_with_whether_chance_explains_it(
    filled, municipality, survey_years, year, today
):
    from tryggve.surveys.importers import survey_for_year
    from tryggve.surveys.models import Channel
    from tryggve.surveys.services import AnswerData, response_submit

    # A third year: 40 answers, 10 unsafe; the last two shown years are compared.
    survey = survey_for_year(municipality=municipality, year=year - 3)
    question = survey.questions.get(code="unsafe_evening")
    for i in range(40):
        code = "ganska_otrygg" if i < 10 else "ganska_trygg"
        response_submit(
            survey=survey,
            answers=[AnswerData(question=question, option=question.options.get(code=code))],
            channel=Channel.PAPER,
            today=today,
        )
    sentence = (
        f"{year - 3}–{year - 1}: Andelen otrygga var 25 % båda åren; "
        "skillnaden kan bero på slumpen."
    )
    for fmt in (PDF, DOCX):
        data = render_summary(promise=filled, year=year, today=today, fmt=fmt)
        assert sentence in (_pdf_text(data) if fmt == PDF else _docx_text(data))


def _png(colour=(31, 58, 95)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (120, 60), colour).save(out, format="PNG")
    return out.getvalue()


def test_the_documents_carry_the_promises_municipality_its_name_and_logo(
    filled, year, today
):
    from django.core.files.base import ContentFile

    municipality = filled.municipality
    municipality.logo.save("logga.png", ContentFile(_png()), save=True)
    document = Document(
        io.BytesIO(render_summary(promise=filled, year=year, today=today, fmt=DOCX))
    )
    first = document.inline_shapes[0]._inline.docPr
    assert first.get("descr") == municipality.name
    assert document.paragraphs[2].text.startswith(
        f"{municipality.name} och {filled.police_area}."
    )
    reader = PdfReader(io.BytesIO(render_summary(promise=filled, year=year, today=today, fmt=PDF)))
    assert len(reader.pages[0].images) == 1  # the logo; the charts are drawn, not pictures
    assert municipality.name in reader.pages[0].extract_text()


def test_without_a_logo_the_documents_carry_the_name_alone(filled, year, today):
    reader = PdfReader(io.BytesIO(render_summary(promise=filled, year=year, today=today, fmt=PDF)))
    assert len(reader.pages[0].images) == 0
    document = Document(
        io.BytesIO(render_summary(promise=filled, year=year, today=today, fmt=DOCX))
    )
    assert document.paragraphs[0].style.name == "Heading 1"


def test_a_demo_promise_says_so_in_the_word_file_too(filled, year, today):
    filled.is_demo = True
    filled.save(update_fields=["is_demo"])
    text = _docx_text(render_summary(promise=filled, year=year, today=today, fmt=DOCX))
    assert "Demodata: aktiviteterna och siffrorna är påhittade." in text


def test_no_page_of_the_pdf_ends_with_a_heading_or_a_tables_caption(
    filled, make_activity, year, today
):
    """Whatever the length of the texts before them, a table's caption stays with its table
    and a commitment's heading with its activities."""
    for position in (1, 2, 3, 4):
        for n in range(3):
            title = f"Aktivitet {position}.{n} med en lite längre titel"
            make_activity(title=title, position=position)
    captions_and_headings = {"Åtaganden och aktiviteter", "Indikatorerna", "Trygghetsenkäten"}
    for commitment in filled.commitments.all():
        title = f"{commitment.position}. {commitment.title}"
        captions_and_headings |= {title, f"Aktiviteter: {title}"}
    for paragraphs in range(0, 24, 3):
        summary_texts_save(
            promise=filled,
            year=year,
            texts={"introduction": "\n\n".join(["Ett stycke text om året. " * 6] * paragraphs)},
            author=None,
        )
        reader = PdfReader(
            io.BytesIO(render_summary(promise=filled, year=year, today=today, fmt=PDF))
        )
        for number, page in enumerate(reader.pages[:-1], start=1):
            lines = [line.strip() for line in page.extract_text().splitlines() if line.strip()]
            # The last line is the page number, "n (N)".
            last = lines[-2] if lines[-1].startswith(f"{number} (") else lines[-1]
            assert last not in captions_and_headings, (paragraphs, number, last)


def test_while_the_years_survey_is_open_the_latest_finished_surveys_themes_are_shown(
    filled, municipality, year, today
):
    """The summary is due in December, often before the year's survey closes: it then
    gives the latest finished survey's themes, naming its year, as the text promises."""
    from tryggve.surveys.importers import survey_for_year
    from tryggve.surveys.models import Channel
    from tryggve.surveys.services import AnswerData, response_submit, survey_create_from_bank

    last = survey_for_year(municipality=municipality, year=year - 1)
    comment = last.questions.get(code="comment")
    for _ in range(6):
        response_submit(
            survey=last,
            answers=[AnswerData(question=comment, text="Mer polis på kvällarna")],
            channel=Channel.PAPER,
            today=today,
        )
    survey_create_from_bank(
        municipality=municipality,
        year=year,
        opens_on=today - datetime.timedelta(days=3),
        closes_on=today + datetime.timedelta(days=30),
    )
    document = Document(
        io.BytesIO(render_summary(promise=filled, year=year, today=today, fmt=DOCX))
    )
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption"]
    assert f"Teman i fritextsvaren i enkäten {year - 1}" in captions
    rows = [[c.text for c in r.cells] for t in document.tables for r in t.rows]
    assert ["Synlig polis", "6"] in rows
    pdf = _pdf_text(render_summary(promise=filled, year=year, today=today, fmt=PDF))
    assert f"Teman i fritextsvaren i enkäten {year - 1} Tema Svar Synlig polis 6" in pdf


def test_a_promise_without_commitments_says_so_under_its_heading(municipality, year, today):
    from tryggve.followup.services import promise_create

    bare = promise_create(
        municipality=municipality,
        police_area="LPO Piteå Älvdal",
        title="Utkast",
        text="Text.",
        period_start=datetime.date(year, 1, 1),
        period_end=datetime.date(year, 12, 31),
        signatories=[],
        commitments=[],
    )
    pdf = _pdf_text(render_summary(promise=bare, year=year, today=today, fmt=PDF))
    assert "Åtaganden och aktiviteter Löftet har inga åtaganden än. Indikatorerna" in pdf
    document = Document(io.BytesIO(render_summary(promise=bare, year=year, today=today, fmt=DOCX)))
    texts = [p.text for p in document.paragraphs]
    heading = texts.index("Åtaganden och aktiviteter")
    assert texts[heading + 1] == "Löftet har inga åtaganden än."


def test_a_line_break_in_the_promise_text_stays_a_line_break_in_the_pdf(promise, year, today):
    """The signed text names each commitment on a line of its own above its paragraph, as
    the public page and the Word file show it; the PDF ran the two together."""
    promise.text = (
        "Kommunen och polisen lovar:\n\nGrannsamverkan\nFler områden erbjuds grannsamverkan."
    )
    promise.save(update_fields=["text"])
    reader = PdfReader(io.BytesIO(render_summary(promise=promise, year=year, today=today, fmt=PDF)))
    lines = [line.strip() for line in reader.pages[0].extract_text().splitlines()]
    assert "Grannsamverkan" in lines
    assert "Fler områden erbjuds grannsamverkan." in lines
