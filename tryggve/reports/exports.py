"""The inbox selection as rows, for CSV and XLSX."""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator

from django.utils import timezone
from django.utils.translation import gettext as _

from tryggve.reports.models import Report

MAX_CELL = 32_000  # Excel's limit is 32,767 characters


def header() -> list[str]:
    return [
        _("Diarienummer"),
        _("Inkom"),
        _("Status"),
        _("Kategori"),
        _("Område"),
        _("Ansvarig enhet"),
        _("Ska vara klart"),
        _("Försenat"),
        _("Latitud"),
        _("Longitud"),
        _("Platsbeskrivning"),
        _("Beskrivning"),
        _("Publicerad"),
        _("Håller med"),
    ]


def _safe(value: str) -> str:
    # A cell starting with = + - @ would run as a formula in a spreadsheet.
    if value and value[0] in "=+-@\t\r":
        value = "'" + value
    return value[:MAX_CELL]


def rows(reports: Iterable[Report]) -> Iterator[list]:
    yield header()
    for r in reports:
        yield [
            r.reference,
            timezone.localtime(r.created).strftime("%Y-%m-%d %H:%M"),
            r.get_status_display(),
            r.category.name_sv,
            r.area.name if r.area else "",
            r.unit.name if r.unit else "",
            timezone.localtime(r.due).strftime("%Y-%m-%d") if r.due else "",
            _("ja") if r.is_overdue else "",
            r.lat if r.lat is not None else "",
            r.lon if r.lon is not None else "",
            _safe(r.place_description),
            _safe(r.description),
            _("ja") if r.published else _("nej"),
            r.voice_count,
        ]


def xlsx_bytes(reports: Iterable[Report]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Ärenden"))
    for row in rows(reports):
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
