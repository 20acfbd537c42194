"""Create, list or revoke Open311 API keys from the command line.

    python manage.py open311_key create "Polisens app" [--per-hour 60]
    python manage.py open311_key list
    python manage.py open311_key revoke ID

`create` prints the key once, as the last word of its output; only its hash is stored.
"""

from django.core.management.base import BaseCommand, CommandError

from tryggve.open311.models import ApiKey
from tryggve.open311.services import api_key_create, api_key_revoke


class Command(BaseCommand):
    help = "Skapa, lista eller återkalla API-nycklar för Open311."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create")
        create.add_argument("name")
        create.add_argument("--per-hour", type=int, default=60)
        sub.add_parser("list")
        revoke = sub.add_parser("revoke")
        revoke.add_argument("id", type=int)

    def handle(self, *args, **options):
        action = options["action"]
        if action == "create":
            name = options["name"].strip()
            if not name or len(name) > 100:
                raise CommandError("The name must be 1-100 characters.")
            if options["per_hour"] < 1:
                raise CommandError("--per-hour must be at least 1.")
            api_key, key = api_key_create(name=name, requests_per_hour=options["per_hour"])
            self.stdout.write(
                f"Created key {api_key.pk} for {api_key.name} "
                f"({api_key.requests_per_hour} reports per hour). "
                f"It is shown only now and is not stored: {key}"
            )
        elif action == "list":
            for api_key in ApiKey.objects.all():
                state = f"revoked {api_key.revoked:%Y-%m-%d}" if api_key.revoked else "active"
                self.stdout.write(
                    f"{api_key.pk}\t{api_key.prefix}…\t{api_key.requests_per_hour}/h\t{state}\t"
                    f"{api_key.name}"
                )
        else:
            api_key = ApiKey.objects.filter(pk=options["id"]).first()
            if api_key is None:
                raise CommandError(f"No key with id {options['id']}.")
            api_key_revoke(api_key=api_key)
            self.stdout.write(f"Revoked key {api_key.pk} ({api_key.name}).")
