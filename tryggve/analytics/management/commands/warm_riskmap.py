from django.core.management.base import BaseCommand

from tryggve.analytics.warming import risk_maps_warm
from tryggve.areas.selectors import home_municipality_code
from tryggve.areas.serving import served_codes


class Command(BaseCommand):
    help = (
        "Compute and cache today's risk map for every offence group and cell size, so the "
        "staff page reads it instead of loading every incident. Run it after midnight "
        "(cron): the day is part of the key. Imports and undos queue the same work for "
        "their municipality (analytics.warming). Needs a shared cache (CACHE_URL) to help "
        "the web workers. With several municipalities served, each one's map (the whole "
        "police area's is computed when asked for)."
    )

    def handle(self, *args, **options):
        # The same keys the pages read (`Scope.codes`): each served municipality's own map,
        # also while only one is served (a neighbour's areas may be kept beside it).
        served = served_codes()
        for code in served or [home_municipality_code()]:
            which = f"{code} " if len(served) > 1 else ""
            for group, size, cells in risk_maps_warm(code=code):
                self.stdout.write(f"{which}{group} {size} m: {cells} cells")
