"""Uploaded incident files: kept for their column mapping, then imported on the task queue.

Apart from `services` because the task (`tasks.run_incident_import`) calls
`services.incident_import_run`, and starting an import enqueues that task.
"""

from __future__ import annotations

import hashlib
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from itertools import islice

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from tryggve.analytics.importers import (
    CsvFile,
    CsvMapping,
    ImportFormatError,
    IncidentData,
    Parsed,
    Rejection,
    Skipped,
    dates_only,
    guess_mapping,
    not_text,
    preview_csv,
    read_municipality_csv,
    repeated_columns,
    source_system,
)
from tryggve.analytics.models import RUN_PATIENCE, IncidentImport, OffenceGroup
from tryggve.analytics.services import DUPLICATE, NEW, OUTSIDE, incidents_check
from tryggve.analytics.tasks import enqueue_import
from tryggve.areas.models import Municipality
from tryggve.lib import tenancy

# No real column name is longer; a longer one is a file without the header we expect, and
# would be repeated on the mapping page in every column choice.
MAX_COLUMN_NAME = 200
# Nor has an export of incidents this many columns: a header of 60,000 would be offered in
# every one of the mapping page's choices.
MAX_COLUMNS = 200
# The first bytes of an Excel workbook: xlsx is a zip file, xls an OLE compound file.


def incident_import_upload(
    *,
    municipality: Municipality | None,
    uploaded_by,
    file_name: str,
    data: bytes,
    submission_key: uuid.UUID | None = None,
) -> IncidentImport:
    """Keep an uploaded CSV file for its column mapping, after checking it can be read.

    The same form sent twice with the same file (a double click, or posts racing each other)
    keeps one upload and returns it; the same form with another file, or with the same file
    name but other contents (back, then a corrected file), is a new one.

    Raises ValidationError on "file" for an empty file, a workbook or other binary file, one
    without a usable header or without rows under it, one whose header splits into a
    single column (wrong delimiter), has more than `MAX_COLUMNS` columns or names no column
    we know.
    """

    def refuse(message: str, code: str) -> ValidationError:
        return ValidationError({"file": ValidationError(message, code=code)})

    if municipality is None:
        raise refuse(_("Kommunen finns inte i systemet ännu."), "no_municipality")
    if not data.strip():
        raise refuse(_("Filen är tom."), "empty")
    if problem := not_text(data):
        raise refuse(*problem)
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
    if len(preview.header) > MAX_COLUMNS:
        raise refuse(
            _(
                "Rubrikraden har %(count)d kolumner; högst %(max)d går att välja bland. Första "
                "raden ska vara rubrikraden med kolumnernas namn."
            )
            % {"count": len(preview.header), "max": MAX_COLUMNS},
            "many_columns",
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
        raise refuse(_("Filen har en rubrikrad men inga rader med händelser under den."), "no_rows")
    if not guess_mapping(preview.header):
        raise refuse(
            _(
                "Ingen kolumn i rubrikraden känns igen (till exempel tid, typ, lat, lon, x, y). "
                "Filen har: %(header)s"
            )
            % {"header": ", ".join(preview.header)[:300]},
            "columns",
        )
    upload = IncidentImport(
        municipality=municipality,
        uploaded_by=uploaded_by,
        file_name=file_name[:255],
        data=data,
        total_rows=preview.approx_rows,
        submission_key=_upload_key(submission_key, file_name[:255], data),
    )
    if upload.submission_key is not None:
        try:
            with transaction.atomic():
                upload.save(force_insert=True)
            return upload
        except IntegrityError:  # sent before (or at the same moment), and saved
            earlier = IncidentImport.objects.filter(submission_key=upload.submission_key).first()
            if earlier is not None and (earlier.municipality_id, earlier.uploaded_by_id) == (
                upload.municipality_id,
                upload.uploaded_by_id,
            ):
                return earlier
            upload.pk = upload.submission_key = None  # a key not this person's: no key
    upload.save(force_insert=True)
    return upload


def _upload_key(submission_key: uuid.UUID | None, file_name: str, data: bytes) -> uuid.UUID | None:
    """The key an upload is kept under: the form's one-time key and the file, name and
    contents. The form sent again with the same file has the same key (the database's
    unique key keeps one upload, however close together the posts came); sent back with
    a corrected file of the same name, another."""
    if submission_key is None:
        return None
    contents = hashlib.sha256(data).hexdigest()
    return uuid.uuid5(submission_key, f"{contents} {file_name}")


def incident_import_start(
    *, incident_import: IncidentImport, mapping: dict, system: str = ""
) -> IncidentImport:
    """Check the column mapping against the file and its first rows, and queue the import
    (once, however often the form is sent). `system` names the file's source system (see
    `importers.namespaced_id`), "" for none. Raises ValidationError naming the form field at
    fault where one is: a source system's name too long or of odd characters, a column
    chosen for two fields, a mapping under which none of the first rows would import (a
    time column of types, x/y of degrees), or a date order a row of the file contradicts."""
    system = _system(system)
    _refuse_repeated_columns(mapping)
    table = _table(incident_import, mapping, system)
    _refuse_if_no_first_row_imports(table)
    if problem := _table(incident_import, mapping, system).order_contradicted():
        raise ValidationError({"date_order": ValidationError(problem, code="date_order")})
    started = IncidentImport.objects.filter(
        pk=incident_import.pk, status=IncidentImport.Status.UPLOADED
    ).update(
        mapping=mapping,
        system=system,
        status=IncidentImport.Status.QUEUED,
        total_rows=table.approx_rows,
        queued=timezone.now(),
    )
    if started:
        enqueue_import(incident_import.pk)
    incident_import.refresh_from_db()
    return incident_import


def _system(system: str) -> str:
    """The source system's name as kept (`importers.source_system`), or ValidationError
    beside the form's field."""
    try:
        return source_system(system)
    except ImportFormatError as exc:
        raise ValidationError({"system": ValidationError(str(exc), code="system")}) from exc


def _table(incident_import: IncidentImport, mapping: dict, system: str) -> CsvFile:
    """The uploaded file read as its import will read it (`read_municipality_csv`), its
    messages naming the fields as the page labels them."""
    try:
        return read_municipality_csv(
            bytes(incident_import.data),
            CsvMapping.from_json(mapping),
            municipality=incident_import.municipality,
            system=system,
            labels=True,
        )
    except ImportFormatError as exc:
        raise ValidationError(str(exc), code="mapping") from exc


# The rows of the file shown on the mapping page, each with what the import would make of it.
TRIAL_SHOWN = 5


@dataclass(frozen=True)
class TrialRow:
    """One of the file's first rows and what importing it now would do: `outcome` is
    "new", "duplicate", "outside", "skipped" (a totals row) or "rejected", `message` says
    so in words."""

    cells: list[str]
    outcome: str
    message: str


def incident_import_trial(
    *, incident_import: IncidentImport, mapping: dict, system: str = ""
) -> list[TrialRow]:
    """The file's first rows as the import would take them with `mapping` and `system`:
    imported, already there, or rejected and why (a place outside the municipality, an id
    known with another time), by the import's own rules (`read_municipality_csv`,
    `services.incidents_check`). Saves nothing. Raises ValidationError for a mapping or
    system the import would refuse as a whole."""
    table = _table(incident_import, mapping, _system(system))
    rows = table.first_rows(TRIAL_SHOWN)
    with tenancy.serving(incident_import.municipality.code):
        outcomes = incidents_check(incidents=[parsed for _cells, parsed in rows])
    return [
        _trial_row(cells, parsed, outcome)
        for (cells, parsed), outcome in zip(rows, outcomes, strict=True)
    ]


def incident_import_clock_warning(*, incident_import: IncidentImport, mapping: dict) -> str:
    """What to say before the import when the time column chosen holds dates only (in the
    file's first rows) and no clock column is chosen: its incidents would be stored without
    their clock time. "" when there is nothing to say."""
    column = mapping.get("time")
    if not isinstance(column, str) or mapping.get("clock"):
        return ""
    try:
        preview = preview_csv(bytes(incident_import.data), rows=TRIAL_ROWS)
    except ImportFormatError:
        return ""
    names = [name.lower() for name in preview.header]
    if column.lower() not in names:
        return ""
    index = names.index(column.lower())
    values = [row[index] for row in preview.rows if index < len(row)]
    if not dates_only(values, mapping.get("date_order")):
        return ""
    return _(
        "Kolumnen %(column)s har bara datum. Välj en kolumn för klockslag, annars sparas "
        "händelserna utan klockslag."
    ) % {"column": preview.header[index]}


def _trial_row(cells: list[str], parsed: Parsed, outcome: Parsed | str) -> TrialRow:
    if isinstance(outcome, Rejection):
        return TrialRow(cells, "rejected", _("Avvisas: %(reason)s") % {"reason": outcome.reason})
    if isinstance(outcome, Skipped):
        return TrialRow(cells, "skipped", _("Hoppas över: %(reason)s") % {"reason": outcome.reason})
    if outcome == NEW and isinstance(parsed, IncidentData):
        # The group said, so a type that lands in the wrong one is seen before the import.
        group = OffenceGroup(parsed.offence_group).label
        if not parsed.time_known:
            message = _("Importeras i gruppen %(group)s, utan klockslag (bara datum)")
        else:
            message = _("Importeras i gruppen %(group)s")
        return TrialRow(cells, outcome, message % {"group": group})
    messages = {
        DUPLICATE: _("Finns redan (dubblett)"),
        OUTSIDE: _("Sparas inte: en kommun som inte betjänas här"),
    }
    return TrialRow(cells, outcome, messages[outcome])


# The rows tried before an import starts, to find a mapping under which none would import,
# and how far into the file those rows are looked for.
TRIAL_ROWS = 20
TRIAL_READ = 1000
# The reasons quoted when none would.
TRIAL_REASONS = 3


def _refuse_repeated_columns(mapping: dict) -> None:
    repeated = repeated_columns(mapping)
    if repeated:
        raise ValidationError(
            {
                key: ValidationError(
                    _("Kolumnen ”%(column)s” är vald för två fält.") % {"column": mapping[key]},
                    code="repeated_column",
                )
                for key in repeated
            }
        )


def _refuse_if_no_first_row_imports(table: CsvFile) -> None:
    """Refuse the mapping when none of the file's first rows with values would import with
    it, quoting why the first were rejected: beside the field whose column held the bad
    value in most of them, when one did. Only a value not of its field's kind speaks of the
    columns (`Rejection.shape`): rows lacking a position or a type, or of a type no group was
    chosen for, are passed over, and so is where a row lies (a file may begin with other
    places than the municipality's: the page's trial shows those rows, and the import
    rejects them by line)."""
    telling = (
        item
        for item in islice(table.rows(), TRIAL_READ)
        if isinstance(item, IncidentData) or isinstance(item, Rejection) and item.shape
    )
    first = list(islice(telling, TRIAL_ROWS))
    if not first or any(isinstance(item, IncidentData) for item in first):
        return
    fault, count = Counter(rejection.fault for rejection in first).most_common(1)[0]
    if not fault or count * 2 <= len(first):
        fault = ""
    if fault == "date_order":
        # One sentence, not the same one per row: the order is the file's, not a row's.
        raise ValidationError(
            {
                fault: ValidationError(
                    _(
                        "Datumen i filen har bara siffror och kan läsas både som dag/månad/år "
                        "och som månad/dag/år. Välj datumordning."
                    ),
                    code="first_rows",
                )
            }
        )
    quoted = [rejection for rejection in first if rejection.fault == fault] or first
    reasons = "; ".join(str(rejection)[:300] for rejection in quoted[:TRIAL_REASONS])
    message = ngettext(
        "Filens första rad med värden skulle inte importeras med de här kolumnerna: %(reasons)s",
        "Ingen av filens %(count)d första rader med värden skulle importeras med de här "
        "kolumnerna: %(reasons)s",
        len(first),
    ) % {"count": len(first), "reasons": reasons}
    error = ValidationError(message, code="first_rows")
    raise ValidationError({fault: error}) if fault else error


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


def incident_imports_fail_stale(
    *, older_than: timedelta = STALE_IMPORT, silent_for: timedelta = RUN_PATIENCE
) -> int:
    """Mark as failed the imports queued or running for longer than `older_than`, and those
    running that have not moved on for `silent_for` (`IncidentImport.progressed`), and
    forget their files. The worker running one died (its one transaction rolled back, so
    nothing was saved; a killed task is never run again) or no worker ran; without this
    the page would say "Importeras 51 %" for ever, keep the file, and refuse to undo any
    other import of the municipality meanwhile. A task that does start later finds it no
    longer queued and does nothing. Returns how many were marked."""
    now = timezone.now()
    cutoff = now - older_than
    return IncidentImport.objects.filter(
        # Queued before its time was noted (migration 0009): known by its upload's time.
        Q(queued__lt=cutoff)
        | Q(queued__isnull=True, created__lt=cutoff)
        | Q(status=IncidentImport.Status.RUNNING, progressed__lt=now - silent_for),
        status__in=(IncidentImport.Status.QUEUED, IncidentImport.Status.RUNNING),
    ).update(
        status=IncidentImport.Status.FAILED,
        # Stored untranslated, and translated on the page in the reader's language.
        error=gettext_noop(
            "Importen avbröts innan den blev klar: tjänstens arbetsprocess stoppades eller "
            "körde inte. Ladda upp filen igen."
        ),
        finished=now,
        data=b"",
    )
