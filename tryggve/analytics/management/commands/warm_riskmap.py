from django.core.management.base import BaseCommand

from tryggve.analytics.forms import CELL_SIZES
from tryggve.analytics.models import OffenceGroup
from tryggve.analytics.riskmap import risk_cells_cached
from tryggve.areas.selectors import home_municipality_code
from tryggve.areas.serving import served_codes


class Command(BaseCommand):
    help = (
        "Compute and cache today's risk map for every offence group and cell size, so the "
        "staff page reads it instead of loading every incident. Run it after each import and "
        "after midnight (cron); an import changes the data version, so old entries are never "
        "read again. Needs a shared cache (CACHE_URL) to help the web workers. With several "
        "municipalities served, each one's map (the whole police area's is computed when "
        "asked for)."
    )

    def handle(self, *args, **options):
        # The same keys the pages read (`Scope.codes`): each served municipality's own map,
        # also while only one is served (a neighbour's areas may be kept beside it).
        served = served_codes()
        for code in served or [home_municipality_code()]:
            codes = (code,)
            which = f"{code} " if len(served) > 1 else ""
            for group in OffenceGroup.values:
                for size, _label in CELL_SIZES:
                    cells = risk_cells_cached(group=group, size=size, codes=codes)
                    self.stdout.write(f"{which}{group} {size} m: {len(cells)} cells")
