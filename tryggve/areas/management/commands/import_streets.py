from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from tryggve.areas.management.messages import no_municipality
from tryggve.areas.models import Municipality
from tryggve.areas.services import load_geojson_file, streets_import
from tryggve.lib.geo import GeometryError


class Command(BaseCommand):
    help = (
        "Import streets (LineString) and named places (Point) from GeoJSON in WGS84 or "
        "SWEREF 99 TM (EPSG:3006). Features need the property 'name' and may have "
        "'approximate': true for hand-drawn positions. Used to name the nearest street of a "
        "place and to find places by name on the report form, without any network."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--municipality", required=True, help="municipality code, e.g. 2505")
        parser.add_argument("--srid", type=int, choices=[4326, 3006])

    def handle(self, *args, **opts):
        municipality = Municipality.objects.filter(code=opts["municipality"]).first()
        if municipality is None:
            raise CommandError(no_municipality(opts["municipality"]))
        try:
            data = load_geojson_file(opts["file"])
            result = streets_import(data=data, municipality=municipality, srid=opts["srid"])
        except GeometryError as exc:
            raise CommandError(str(exc)) from exc
        if result.errors:
            raise CommandError(_("Ingenting importerades:") + "\n" + "\n".join(result.errors))
        self.stdout.write(f"created={result.created} updated={result.updated}")
