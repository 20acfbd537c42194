from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from tryggve.areas.models import Municipality
from tryggve.areas.selectors import home_municipality
from tryggve.followup.documents import FORMATS, render_summary
from tryggve.followup.summary import promise_for_year


class Command(BaseCommand):
    help = (
        "Write the annual summary of the citizen promise for --year as --format pdf or docx "
        "to --out FILE (figures computed now; the staff's sections as last saved). "
        "--municipality CODE picks another municipality than the installation's own."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--format", choices=FORMATS, required=True, dest="fmt")
        parser.add_argument("--out", type=Path, required=True)
        parser.add_argument("--municipality", default=None)

    def handle(self, *args, year: int, fmt: str, out: Path, municipality: str | None, **options):
        if not 2000 <= year <= 2100:
            raise CommandError(_("Året %(year)s är orimligt.") % {"year": year})
        if municipality:
            place = Municipality.objects.filter(code=municipality).first()
            if place is None:
                raise CommandError(_("Kommunen %(code)s finns inte.") % {"code": municipality})
        else:
            place = home_municipality()
        promise = promise_for_year(place, year)
        if promise is None:
            raise CommandError(_("Det finns inget medborgarlöfte för %(year)s.") % {"year": year})
        if not out.parent.is_dir():
            raise CommandError(_("Mappen %(dir)s finns inte.") % {"dir": out.parent})
        data = render_summary(promise=promise, year=year, today=timezone.localdate(), fmt=fmt)
        out.write_bytes(data)
        self.stdout.write(f"{out} {len(data)}")
