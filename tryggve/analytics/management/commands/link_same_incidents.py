from django.core.management.base import BaseCommand
from django.db.models import Max, Min

from tryggve.analytics.models import Incident, IncidentSource
from tryggve.analytics.services import incidents_link_same


class Command(BaseCommand):
    help = (
        "Find the police feed's events that a file or a staff observation records as well "
        "and count them once (Incident.same_as). Every import does this for what it adds; "
        "run it once after upgrading, for the incidents stored before. A re-run changes "
        "nothing."
    )

    def handle(self, *args, **options):
        feed = Incident.objects.filter(source=IncidentSource.POLICE_FEED)
        linked = 0
        for code in sorted(set(feed.values_list("municipality_code", flat=True)) - {""}):
            span = feed.filter(municipality_code=code).aggregate(
                start=Min("occurred_at"), end=Max("occurred_at")
            )
            found = incidents_link_same(codes=[code], start=span["start"], end=span["end"])
            self.stdout.write(f"{code}: {found} feed events linked to another record")
            linked += found
        self.stdout.write(f"Linked {linked} in all.")
