from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from tryggve.analytics.importers import (
    ImportFormatError,
    load_mapping,
    load_police_events,
    parse_police_events,
    read_csv,
)
from tryggve.analytics.services import incidents_import


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
        "other columns and maps the file's types onto offence groups. Safe to repeat: what is "
        "already there is counted as a duplicate. Bad rows are listed on stderr and skipped. "
        "Ends with one line: imported=N duplicates=N rejected=N."
    )
    # Rows between progress updates, and the size from which a log gets progress lines too.
    progress_every = 1000
    long_file = 20_000

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--format", required=True, choices=["csv", "polisen"])
        parser.add_argument("--mapping", help="JSON file naming the CSV's columns (csv only)")
        parser.add_argument(
            "--synthetic", action="store_true", help="mark every incident as made-up demo data"
        )

    def handle(self, *args, **opts):
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
                table = read_csv(data, mapping)
                total, incidents = table.approx_rows, table.rows()
        except ImportFormatError as exc:
            raise CommandError(f"{path}: {exc}") from exc

        progress = Progress(self.stderr, total, every=self.progress_every, long_file=self.long_file)
        result = incidents_import(
            incidents=incidents, synthetic=opts["synthetic"], on_progress=progress
        )
        progress.finish()
        for error in result.errors:
            self.stderr.write(error)
        self.stdout.write(
            f"imported={result.imported} duplicates={result.duplicates} rejected={result.rejected}"
        )
