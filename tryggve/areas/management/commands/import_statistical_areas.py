"""Import SCB's statistical areas (DeSO or RegSO) as residential areas or as a layer beside
them (see tryggve/areas/statistical.py for the files read)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from tryggve.areas.management.messages import no_municipality, unreadable
from tryggve.areas.models import Municipality
from tryggve.areas.services import load_geojson_file, statistical_areas_import
from tryggve.areas.statistical import (
    LEVELS,
    SQLITE_MAGIC,
    read_geojson_features,
    read_geopackage,
)
from tryggve.lib.geo import GeometryError


def _read_bytes(path: str | None) -> bytes | None:
    if path is None:
        return None
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise CommandError(unreadable(path, exc)) from exc


def _starts_with(path: Path, magic: bytes) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(len(magic)) == magic
    except OSError:
        return False  # the GeoJSON reader says why it cannot be read


class Command(BaseCommand):
    help = (
        "Import SCB's DeSO or RegSO boundaries (GeoPackage or GeoJSON, SWEREF 99 TM) for one "
        "municipality, with households (SCB CSV) and population by age band (SCB CSV), as "
        "residential areas (--as areas) or as a statistical layer beside them (--as layer). "
        "All or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="DeSO/RegSO boundaries: .gpkg or .geojson")
        parser.add_argument("--municipality", required=True, help="municipality code, e.g. 2505")
        parser.add_argument("--households", help="SCB CSV: households per region (and type)")
        parser.add_argument("--population", help="SCB CSV: population by region and age")
        parser.add_argument(
            "--as",
            dest="as_",
            choices=["areas", "layer"],
            default="areas",
            help="residential areas (default) or a layer that takes part in nothing else",
        )
        parser.add_argument("--level", choices=LEVELS, help="default: from the file's columns")
        parser.add_argument("--layer", help="the GeoPackage table, when the file has several")
        parser.add_argument("--year", type=int, help="year of the CSV files (default: latest)")
        parser.add_argument("--source", default="", help="where the population figures come from")

    def handle(self, *args, **opts):
        municipality = Municipality.objects.filter(code=opts["municipality"]).first()
        if municipality is None:
            raise CommandError(no_municipality(opts["municipality"]))
        path = Path(opts["file"])
        households = _read_bytes(opts["households"])
        population = _read_bytes(opts["population"])
        try:
            if path.suffix.lower() == ".gpkg" or _starts_with(path, SQLITE_MAGIC):
                stat_file = read_geopackage(path, layer=opts["layer"])
            else:
                stat_file = read_geojson_features(load_geojson_file(str(path)))
        except GeometryError as exc:
            raise CommandError(str(exc)) from exc
        result = statistical_areas_import(
            municipality=municipality,
            stat_file=stat_file,
            level=opts["level"],
            as_layer=opts["as_"] == "layer",
            households=households,
            population=population,
            year=opts["year"],
            source=opts["source"]
            or (f"SCB ({Path(opts['population']).name})" if opts["population"] else ""),
        )
        if result.errors:
            for error in result.errors:
                self.stderr.write(error)
            raise CommandError(
                _("Ingenting importerades (%(count)d fel).") % {"count": len(result.errors)}
            )
        kind = "layer" if opts["as_"] == "layer" else "residential areas"
        lines = [
            f"{result.level}: created={result.created} updated={result.updated} as {kind} "
            f"of {municipality.code}",
            f"features of other municipalities left out: {result.other_municipalities}",
        ]
        if result.repaired:
            lines.append(f"invalid polygons repaired: {result.repaired}")
        if households is not None:
            missing = result.without_households
            lines.append(
                f"households {result.households_year}: {result.households} areas; without a "
                f"figure (suppressed or missing): {len(missing)}"
                + (f" ({', '.join(missing)})" if missing else "")
            )
        if result.population is not None:
            lines.append(
                f"population {result.population.year}: saved={result.population.saved} "
                "(area and age band)"
            )
        self.stdout.write("\n".join(lines))
