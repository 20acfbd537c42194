from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from tryggve.analytics.importers import (
    ImportFormatError,
    load_mapping,
    load_police_events,
    parse_police_events,
    read_municipality_csv,
    source_system,
)
from tryggve.analytics.services import (
    incident_import_record,
    incidents_import,
    police_file_import_record,
)
from tryggve.areas.models import Municipality
from tryggve.areas.serving import served_codes_or_default
from tryggve.lib import tenancy


class Progress:
    """A progress line on stderr: redrawn in place on a terminal; on a log (cron, CI) only
    for long files, a few whole lines, so the log stays readable."""

    def __init__(self, stream, total: int, *, every: int, long_file: int) -> None:
        self.stream, self.total = stream, total
        self.tty = stream.isatty()
        self.every = every if self.tty else max(every, total // 10)
        self.active = self.tty or total >= long_file
        self.shown = False

    def __call__(self, done: int) -> None:
        if not self.active or done % self.every:
            return
        text = _("%(done)d av cirka %(total)d rader") % {"done": done, "total": self.total}
        if self.tty:
            self.stream.write("\r" + text, style_func=str, ending="")
            self.stream.flush()
        else:
            self.stream.write(text, style_func=str)
        self.shown = True

    def finish(self) -> None:
        if self.tty and self.shown:
            self.stream.write("", style_func=str)


class Command(BaseCommand):
    help = (
        "Import incidents from the police's events feed (--format polisen: the JSON list the "
        "feed returns) or a CSV file (--format csv) with columns time, lat/lon (WGS84) or x/y "
        "(SWEREF 99 TM northing/easting), type, and optionally text and id; --mapping names "
        "other columns (a name the header repeats is \"Datum (2)\" for its second column, "
        "as on the upload page; \"clock\": a column of clock times beside a time column of dates "
        "only; a row with a date but no clock time is stored without one; \"date_order\": "
        "dmy or mdy, how a date of numbers only such as 05/03/2026 is read) and maps the "
        "file's types onto offence groups. A CSV file is the "
        "municipality's (--municipality, default MUNICIPALITY_CODE): a row placed outside it "
        "is rejected. --system names the CSV file's source system, so that two systems of one "
        "municipality numbering their rows alike do not collide; a row whose id is already "
        "stored with another time, type or place is rejected, not counted as a duplicate. "
        "Police events of places no served municipality covers are counted as "
        "outside and not stored. Safe to repeat: what is already there is counted as a "
        "duplicate. Bad rows are listed on stderr and skipped. The import is recorded in the "
        "staff page's import history: a CSV file in its municipality's, a police file in each "
        "served municipality's it has events of, with only that municipality's counts (its "
        "county's events too). A CSV file's totals row (\"Summa;;3\") is skipped, neither "
        "imported nor rejected. Ends with one line: imported=N duplicates=N "
        "rejected=N outside=N, and skipped=N when totals rows were skipped."
    )
    # Rows between progress updates, and the size from which a log gets progress lines too.
    progress_every = 1000
    long_file = 20_000

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--format", required=True, choices=["csv", "polisen"])
        parser.add_argument("--mapping", help="JSON file naming the CSV's columns (csv only)")
        parser.add_argument(
            "--municipality",
            help="the code of the municipality whose CSV file it is (csv only; default: "
            "MUNICIPALITY_CODE)",
        )
        parser.add_argument(
            "--system",
            default="",
            help="the source system the CSV file comes from (e.g. Securitas): its ids are "
            "that system's, apart from another system's same numbers (csv only)",
        )
        parser.add_argument(
            "--synthetic", action="store_true", help="mark every incident as made-up demo data"
        )

    def handle(self, *args, **opts):
        code = opts["municipality"] or settings.MUNICIPALITY_CODE
        try:
            system = source_system(opts["system"])
        except ImportFormatError as exc:
            raise CommandError(f"--system: {exc}") from exc
        if system and opts["format"] != "csv":
            raise CommandError(_("--system gäller bara --format csv."))
        if opts["municipality"] and opts["format"] != "csv":
            # One police file may hold every served municipality's events, each counted and
            # recorded for its own municipality (`police_file_import_record`).
            raise CommandError(
                _(
                    "--municipality gäller bara --format csv: polisens händelser räknas för "
                    "den kommun de gäller."
                )
            )
        served = served_codes_or_default()
        if code not in served:
            raise CommandError(
                _("Kommunen %(code)s betjänas inte här. Betjänade kommuner: %(served)s.")
                % {"code": code, "served": ", ".join(served)}
            )
        municipality = Municipality.objects.filter(code=code).first()
        # A CSV file's positions are placed in the municipality's boundary: without it a row
        # anywhere would be stored and counted for it.
        if municipality is None and (opts["municipality"] or opts["format"] == "csv"):
            raise CommandError(
                _(
                    "Kommunen %(code)s finns inte i databasen. Importera först kommunens "
                    "gräns (import_areas --boundary) eller ange en annan med --municipality."
                )
                % {"code": code}
            )
        path = Path(opts["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(
                _("Kunde inte läsa %(path)s: %(error)s") % {"path": path, "error": exc.strerror}
            ) from exc
        try:
            if opts["format"] == "polisen":
                if opts["mapping"]:
                    raise CommandError(_("--mapping gäller bara --format csv."))
                events = load_police_events(data)
                total, incidents = len(events), parse_police_events(events)
            else:
                mapping = None
                if opts["mapping"]:
                    try:
                        mapping = load_mapping(opts["mapping"])
                    except ImportFormatError as exc:  # its message names the mapping file
                        raise CommandError(str(exc)) from exc
                table = read_municipality_csv(
                    data, mapping, municipality=municipality, system=system
                )
                # A date order the file contradicts stops it before a row is saved.
                check = read_municipality_csv(
                    data, mapping, municipality=municipality, system=system
                )
                if problem := check.order_contradicted():
                    raise ImportFormatError(problem)
                total, incidents = table.approx_rows, table.rows()
        except ImportFormatError as exc:
            raise CommandError(f"{path}: {exc}") from exc

        progress = Progress(self.stderr, total, every=self.progress_every, long_file=self.long_file)
        with tenancy.serving(code):
            result = incidents_import(
                incidents=incidents, synthetic=opts["synthetic"], on_progress=progress
            )
        progress.finish()
        if opts["format"] == "polisen":
            police_file_import_record(file_name=path.name, result=result)
        elif municipality is not None:
            read = (
                result.imported
                + result.duplicates
                + result.rejected
                + result.outside
                + result.skipped
            )
            incident_import_record(
                municipality=municipality,
                file_name=path.name,
                rows=read,
                result=result,
                system=system,
            )
        for error in result.errors:
            self.stderr.write(error)
        if result.faults["default_group"]:
            self.stderr.write(
                _(
                    'Typer utan brottsgrupp: lägg till dem under "group" i mappningsfilen '
                    '(--mapping) eller ange "default_group".'
                )
            )
        if result.faults["date_order"]:
            self.stderr.write(
                _(
                    'Datum med bara siffror: ange "date_order" i mappningsfilen (--mapping), '
                    '"dmy" för dag/månad/år eller "mdy" för månad/dag/år.'
                )
            )
        # A file's totals rows only when it had any, so the line is as before otherwise.
        skipped = f" skipped={result.skipped}" if result.skipped else ""
        self.stdout.write(
            f"imported={result.imported} duplicates={result.duplicates} "
            f"rejected={result.rejected} outside={result.outside}{skipped}"
        )
