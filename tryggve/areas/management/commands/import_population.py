"""Import inhabitants per residential area and age band (see tryggve/areas/population.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tryggve.areas.management.messages import no_municipality, unreadable
from tryggve.areas.models import Municipality
from tryggve.areas.services import population_import


class Command(BaseCommand):
    help = (
        "Import a population table per area and age band: an SCB PxWeb CSV export "
        "(region, ålder, kön, one column per year or an år column) or area,age_band,count. "
        "Ages are mapped into the survey's bands 16-24, 25-44, 45-64, 65-79 and 80+."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--municipality", required=True, help="municipality code, e.g. 2505")
        parser.add_argument(
            "--year", type=int, help="the year to take (default: the file's latest)"
        )
        parser.add_argument("--source", default="", help="where the figures come from")
        parser.add_argument("--demo", action="store_true", help="mark as demo data")

    def handle(self, *args, **opts):
        municipality = Municipality.objects.filter(code=opts["municipality"]).first()
        if municipality is None:
            raise CommandError(no_municipality(opts["municipality"]))
        path = Path(opts["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(unreadable(path, exc)) from exc
        result = population_import(
            municipality=municipality,
            data=data,
            year=opts["year"],
            source=opts["source"] or f"SCB ({path.name})",
            is_demo=opts["demo"],
        )
        if result.errors:
            for error in result.errors:
                self.stderr.write(error)
            raise CommandError("Nothing imported.")
        self.stdout.write(f"year={result.year} saved={result.saved} (area and age band)")
