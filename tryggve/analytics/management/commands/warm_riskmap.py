from django.core.management.base import BaseCommand

from tryggve.analytics.forms import CELL_SIZES
from tryggve.analytics.models import OffenceGroup
from tryggve.analytics.riskmap import risk_cells_cached


class Command(BaseCommand):
    help = (
        "Compute and cache today's risk map for every offence group and cell size, so the "
        "staff page reads it instead of loading every incident. Run it after each import and "
        "after midnight (cron); an import changes the data version, so old entries are never "
        "read again. Needs a shared cache (CACHE_URL) to help the web workers."
    )

    def handle(self, *args, **options):
        for group in OffenceGroup.values:
            for size, _label in CELL_SIZES:
                cells = risk_cells_cached(group=group, size=size)
                self.stdout.write(f"{group} {size} m: {len(cells)} cells")
