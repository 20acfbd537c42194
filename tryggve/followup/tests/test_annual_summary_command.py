"""`manage.py annual_summary`: writes the file, refuses bad arguments with a message."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from docx import Document

pytestmark = pytest.mark.django_db


def test_writes_a_word_file(promise, today, tmp_path):
    out = tmp_path / "sammanfattning.docx"
    stdout = io.StringIO()
    call_command(
        "annual_summary",
        "--year",
        str(today.year),
        "--format",
        "docx",
        "--out",
        str(out),
        stdout=stdout,
    )
    assert str(out) in stdout.getvalue()
    document = Document(str(out))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    assert headings[:2] == ["Inledning", "Löftet"]


def test_writes_a_pdf_for_a_named_municipality(promise, municipality, today, tmp_path):
    out = tmp_path / "sammanfattning.pdf"
    call_command(
        "annual_summary",
        "--year",
        str(today.year),
        "--format",
        "pdf",
        "--out",
        str(out),
        "--municipality",
        municipality.code,
        stdout=io.StringIO(),
    )
    assert out.read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--year", "1999", "--format", "pdf"], "orimligt"),
        (["--year", "{year}", "--format", "pdf", "--municipality", "9999"], "finns inte"),
        (["--year", "{previous}", "--format", "pdf"], "inget medborgarlöfte"),
    ],
)
def test_refuses_bad_arguments_cleanly(promise, today, tmp_path, args, message):
    out = tmp_path / "x.pdf"
    args = [a.format(year=today.year, previous=today.year - 3) for a in args]
    with pytest.raises(CommandError, match=message):
        call_command("annual_summary", *args, "--out", str(out))
    assert not out.exists()


def test_refuses_a_missing_folder_and_an_unknown_format(promise, today, tmp_path):
    with pytest.raises(CommandError, match="finns inte"):
        call_command(
            "annual_summary",
            "--year",
            str(today.year),
            "--format",
            "docx",
            "--out",
            str(tmp_path / "saknas" / "x.docx"),
        )
    with pytest.raises(CommandError, match="invalid choice"):
        call_command(
            "annual_summary",
            "--year",
            str(today.year),
            "--format",
            "odt",
            "--out",
            str(tmp_path / "x.odt"),
        )
