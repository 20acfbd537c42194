"""Uploaded incident files: kept for their column mapping, then imported on the task queue.

Apart from `services` because the task (`tasks.run_incident_import`) calls
`services.incident_import_run`, and starting an import enqueues that task.
"""

from __future__ import annotations

import codecs
import uuid
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tryggve.analytics.importers import (
    CsvMapping,
    ImportFormatError,
    guess_mapping,
    preview_csv,
    read_csv,
)
from tryggve.analytics.models import IncidentImport
from tryggve.analytics.tasks import enqueue_import
from tryggve.areas.models import Municipality

# The first bytes of an Excel workbook: xlsx is a zip file, xls an OLE compound file.
# No real column name is longer; a longer one is a file without the header we expect, and
# would be repeated on the mapping page in every column choice.
MAX_COLUMN_NAME = 200
SPREADSHEET_SIGNATURES = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def incident_import_upload(
    *,
    municipality: Municipality | None,
    uploaded_by,
    file_name: str,
    data: bytes,
    submission_key: uuid.UUID | None = None,
) -> IncidentImport:
    """Keep an uploaded CSV file for its column mapping, after checking it can be read.

    The same form sent twice with the same file (a double click) keeps one upload and
    returns it; the same form with another file (back, then another file) is a new one.

    Raises ValidationError on "file" for an empty file, a workbook or other binary file, one
    without a usable header or without rows under it, one whose header splits into a
    single column (wrong delimiter) or names no column we know.
    """

    def refuse(message: str, code: str) -> ValidationError:
        return ValidationError({"file": ValidationError(message, code=code)})

    if municipality is None:
        raise refuse(_("Kommunen finns inte i systemet ännu."), "no_municipality")
    if not data.strip():
        raise refuse(_("Filen är tom."), "empty")
    if data.startswith(SPREADSHEET_SIGNATURES):
        raise refuse(
            _(
                "Filen är en Excel-fil, inte CSV. Öppna den i Excel, välj Spara som och "
                "filformatet CSV UTF-8 (kommaavgränsad), och ladda upp den filen."
            ),
            "spreadsheet",
        )
    # NUL bytes: a binary file, or UTF-16 without the byte order mark that Excel writes.
    if not data.startswith(UTF16_BOMS) and b"\x00" in data[:65536]:
        raise refuse(
            _("Filen kan inte läsas som text. Spara den som CSV (UTF-8) och ladda upp igen."),
            "binary",
        )
    try:
        preview = preview_csv(data)
    except ImportFormatError as exc:
        raise refuse(str(exc), "format") from exc
    if len(preview.header) < 3:
        raise refuse(
            ngettext(
                "Filen har bara %(count)d kolumn i rubrikraden. Kolumnerna ska skiljas med "
                "semikolon, komma eller tabb.",
                "Filen har bara %(count)d kolumner i rubrikraden. Kolumnerna ska skiljas med "
                "semikolon, komma eller tabb.",
                len(preview.header),
            )
            % {"count": len(preview.header)},
            "delimiter",
        )
    if any(len(name) > MAX_COLUMN_NAME for name in preview.header):
        raise refuse(
            _(
                "En kolumnrubrik i filen är längre än %(max)d tecken. Första raden ska vara "
                "rubrikraden med kolumnernas namn."
            )
            % {"max": MAX_COLUMN_NAME},
            "long_column",
        )
    if not preview.rows:
        raise refuse(
            _("Filen har en rubrikrad men inga rader med händelser under den."), "no_rows"
        )
    if not guess_mapping(preview.header):
        raise refuse(
            _(
                "Ingen kolumn i rubrikraden känns igen (till exempel tid, typ, lat, lon, x, y). "
                "Filen har: %(header)s"
            )
            % {"header": ", ".join(preview.header)[:300]},
            "columns",
        )
    file_name = file_name[:255]

    def same_upload() -> IncidentImport | None:
        if submission_key is None:
            return None
        return IncidentImport.objects.filter(
            submission_key=submission_key,
            municipality=municipality,
            uploaded_by=uploaded_by,
            file_name=file_name,
        ).first()

    if (earlier := same_upload()) is not None:
        return earlier
    if IncidentImport.objects.filter(submission_key=submission_key).exists():
        submission_key = None  # the key was used for another file: this one is new
    try:
        with transaction.atomic():
            return IncidentImport.objects.create(
                municipality=municipality,
                uploaded_by=uploaded_by,
                file_name=file_name,
                data=data,
                total_rows=preview.approx_rows,
                submission_key=submission_key,
            )
    except IntegrityError:  # the first of two submits at once was saved meanwhile
        if (earlier := same_upload()) is None:
            raise
        return earlier


def incident_import_start(*, incident_import: IncidentImport, mapping: dict) -> IncidentImport:
    """Check the column mapping against the file and queue the import (once, however often
    the form is sent). Raises ValidationError naming the form field at fault."""
    try:
        table = read_csv(bytes(incident_import.data), CsvMapping.from_json(mapping))
    except ImportFormatError as exc:
        raise ValidationError(str(exc), code="mapping") from exc
    started = IncidentImport.objects.filter(
        pk=incident_import.pk, status=IncidentImport.Status.UPLOADED
    ).update(
        mapping=mapping,
        status=IncidentImport.Status.QUEUED,
        total_rows=table.approx_rows,
        queued=timezone.now(),
    )
    if started:
        enqueue_import(incident_import.pk)
    incident_import.refresh_from_db()
    return incident_import


def incident_imports_clear_abandoned(*, older_than: timedelta) -> int:
    """Delete uploads whose columns were never chosen within ``older_than``: their files
    (free text that may name people) are kept only to be imported, and an upload nobody
    imported says nothing the history needs. Returns how many went."""
    cutoff = timezone.now() - older_than
    abandoned = IncidentImport.objects.filter(
        status=IncidentImport.Status.UPLOADED, created__lt=cutoff
    )
    deleted, _counts = abandoned.delete()
    return deleted


# An import queued or running this long has lost its worker: the largest file allowed
# imports in about a minute, even on SQLite under load (docs/benchmarks.md).
STALE_IMPORT = timedelta(hours=2)


def incident_imports_fail_stale(*, older_than: timedelta = STALE_IMPORT) -> int:
    """Mark as failed the imports queued or running for longer than `older_than`, and forget
    their files. The worker running one died (its one transaction rolled back, so nothing
    was saved) or no worker ran; without this the page would say "Importeras 51 %" for
    ever and keep the file. A task that does start later finds it no longer queued and
    does nothing. Returns how many were marked."""
    return IncidentImport.objects.filter(
        status__in=(IncidentImport.Status.QUEUED, IncidentImport.Status.RUNNING),
        queued__lt=timezone.now() - older_than,
    ).update(
        status=IncidentImport.Status.FAILED,
        error=_(
            "Importen avbröts innan den blev klar: tjänstens arbetsprocess stoppades eller "
            "körde inte. Ladda upp filen igen."
        ),
        finished=timezone.now(),
        data=b"",
    )
