from django.core.management.base import BaseCommand, CommandError

from tryggve.analytics.feed import police_events_fetch
from tryggve.analytics.models import FeedFetch


class Command(BaseCommand):
    help = (
        "Fetch the police's open events feed for the configured municipalities and import "
        "the events (duplicates by the feed's id are counted, never stored twice). Follows "
        "the feed's rules across runs: 10 s between calls, 60 an hour; a 429 or 403 ends the "
        "run and no call is made before its Retry-After or our back-off; a 404 stops all "
        "further calls; redirects are never followed. Only 5xx, timeouts and a server that is "
        "down are retried within a run. Run from cron every 15 minutes or so. Ends with "
        "one line: outcome=... imported=N duplicates=N rejected=N outside=N (events of places "
        "no served municipality covers, not stored) updated=N (events stored before that the "
        "police have edited since, brought up to date, or removed when moved to a place not "
        "served); a 403 (refused: possibly blocked, which "
        "an operator must look into), a 404 (and every later run for that address) or a failure "
        "exits 1."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--locations", help='place names separated by ";" (default: POLICE_FEED_LOCATIONS)'
        )

    def handle(self, *args, **opts):
        locations = None
        if opts["locations"]:
            locations = [name.strip() for name in opts["locations"].split(";") if name.strip()]
        report = police_events_fetch(locations=locations)
        line = (
            f"outcome={report.outcome} calls={report.calls} imported={report.imported} "
            f"duplicates={report.duplicates} rejected={report.rejected} outside={report.outside} "
            f"updated={report.updated}"
        )
        # A 429 is the feed's normal pacing; a 403 may be a block that needs a person.
        if report.outcome in (
            FeedFetch.Outcome.REFUSED, FeedFetch.Outcome.GONE, FeedFetch.Outcome.FAILED
        ):
            raise CommandError(f"{line}: {report.message}")
        self.stdout.write(line + (f" ({report.message})" if report.message else ""))
