from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from tryggve.areas.selectors import home_municipality_code
from tryggve.areas.serving import served_codes, serves_several
from tryggve.followup.services import summary_reminders_send


class Command(BaseCommand):
    help = (
        "Daily: from a month before the annual summary is due (the council's last meeting), "
        "mail the follow-up's editors once a year, for every municipality served (each its "
        "own promise, editors and sender), or only --municipality CODE. Safe to repeat. "
        "Prints: sent=N (with several municipalities served: CODE sent=N for each)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--municipality", default=None, metavar="CODE")

    def handle(self, *args, municipality: str | None, **options):
        served = served_codes() or [home_municipality_code()]
        if municipality is not None and municipality not in served:
            raise CommandError(
                _("Kommunen %(code)s betjänas inte av den här installationen.")
                % {"code": municipality}
            )
        sent = summary_reminders_send(today=timezone.localdate(), municipality_code=municipality)
        for code, count in sent.items():
            which = f"{code} " if serves_several() else ""
            self.stdout.write(f"{which}sent={count}")
