from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from tryggve.areas.management.messages import no_municipality
from tryggve.areas.models import Municipality
from tryggve.areas.services import areas_import, load_geojson_file, municipality_import
from tryggve.lib.geo import GeometryError


class Command(BaseCommand):
    help = (
        "Import a municipality boundary (--boundary) or residential areas from GeoJSON in "
        "WGS84 or SWEREF 99 TM (EPSG:3006). Areas need the property 'name' and may have "
        "'households' and 'population'."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--municipality", required=True, help="municipality code, e.g. 2505")
        parser.add_argument("--name", help="municipality name (with --boundary)")
        parser.add_argument("--police-area", default="")
        parser.add_argument(
            "--domain", default="", help="web domain, e.g. arvidsjaur.se (Open311 jurisdiction_id)"
        )
        parser.add_argument("--boundary", action="store_true", help="the file is the boundary")
        parser.add_argument(
            "--srid",
            type=int,
            choices=[4326, 3006],
            help="coordinate system when the file does not say",
        )

    def handle(self, *args, **opts):
        try:
            data = load_geojson_file(opts["file"])
            if opts["boundary"]:
                if not opts["name"]:
                    raise CommandError("--name is needed with --boundary")
                municipality = municipality_import(
                    data=data,
                    code=opts["municipality"],
                    name=opts["name"],
                    police_area=opts["police_area"],
                    domain=opts["domain"],
                    srid=opts["srid"],
                )
                self.stdout.write(f"boundary of {municipality.name} saved")
                return
            municipality = Municipality.objects.filter(code=opts["municipality"]).first()
            if municipality is None:
                raise CommandError(no_municipality(opts["municipality"]))
            result = areas_import(data=data, municipality=municipality, srid=opts["srid"])
        except GeometryError as exc:
            raise CommandError(str(exc)) from exc
        if result.errors:
            raise CommandError(_("Ingenting importerades:") + "\n" + "\n".join(result.errors))
        self.stdout.write(f"created={result.created} updated={result.updated}")
