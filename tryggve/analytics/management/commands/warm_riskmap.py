from django.core.management.base import BaseCommand

from tryggve.analytics.forms import CELL_SIZES
from tryggve.analytics.models import OffenceGroup
from tryggve.analytics.riskmap import risk_cells_cached
from tryggve.areas.serving import served_municipalities
from tryggve.lib import tenancy


class Command(BaseCommand):
    help = (
        "Compute and cache today's risk map for every offence group and cell size, so the "
        "staff page reads it instead of loading every incident. Run it after each import and "
        "after midnight (cron); an import changes the data version, so old entries are never "
        "read again. Needs a shared cache (CACHE_URL) to help the web workers."
    )

    def handle(self, *args, **options):
        # Each served municipality has its own map (its areas, its incidents); with one
        # served, the default's, as before.
        codes = [served.code for served in served_municipalities()] or [None]
        for code in codes:
            for group in OffenceGroup.values:
                for size, _label in CELL_SIZES:
                    if code is None:
                        cells = risk_cells_cached(group=group, size=size)
                    else:
                        with tenancy.serving(code):
                            cells = risk_cells_cached(group=group, size=size)
                    where = f"{code} " if code else ""
                    self.stdout.write(f"{where}{group} {size} m: {len(cells)} cells")
