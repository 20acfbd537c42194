"""The inbox selection as rows, for CSV and XLSX."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.utils import timezone
from django.utils.translation import gettext as _

from tryggve.lib.spreadsheets import safe_row
from tryggve.lib.spreadsheets import xlsx_bytes as workbook
from tryggve.reports.models import Report


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


def rows(reports: Iterable[Report]) -> Iterator[list]:
    yield header()
    for r in reports:
        # Every text through safe_cell: descriptions are residents', names staff's (typed or
        # imported from a file), and none may run as a formula in a spreadsheet.
        yield safe_row([
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
            r.place_description,
            r.description,
            _("ja") if r.published else _("nej"),
            r.voice_count,
        ])


def xlsx_bytes(reports: Iterable[Report]) -> bytes:
    return workbook(_("Ärenden"), rows(reports))
