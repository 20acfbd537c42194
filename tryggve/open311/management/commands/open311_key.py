"""Create, list or revoke Open311 API keys from the command line.

    python manage.py open311_key create "Polisens app" [--per-hour 60] [--municipality CODE]
    python manage.py open311_key list
    python manage.py open311_key revoke ID

`create` prints the key once, as the last word of its output; only its hash is stored. A
key is one municipality's (the default, MUNICIPALITY_CODE, unless --municipality names
another): it files and reads at that municipality's address only.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tryggve.areas.models import Municipality
from tryggve.open311.models import ApiKey
from tryggve.open311.services import api_key_create, api_key_revoke


class Command(BaseCommand):
    help = "Skapa, lista eller återkalla API-nycklar för Open311."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create")
        create.add_argument("name")
        create.add_argument("--per-hour", type=int, default=60)
        create.add_argument("--municipality", default="", metavar="CODE")
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
            code = options["municipality"] or settings.MUNICIPALITY_CODE
            municipality = Municipality.objects.filter(code=code).first()
            if municipality is None and options["municipality"]:
                raise CommandError(f"No municipality with code {code}.")
            api_key, key = api_key_create(
                name=name, municipality=municipality, requests_per_hour=options["per_hour"]
            )
            self.stdout.write(
                f"Created key {api_key.pk} of {code} for {api_key.name} "
                f"({api_key.requests_per_hour} reports per hour). "
                f"It is shown only now and is not stored: {key}"
            )
        elif action == "list":
            for api_key in ApiKey.objects.select_related("municipality"):
                state = f"revoked {api_key.revoked:%Y-%m-%d}" if api_key.revoked else "active"
                owner = api_key.municipality
                code = owner.code if owner else settings.MUNICIPALITY_CODE
                self.stdout.write(
                    f"{api_key.pk}\t{code}\t{api_key.prefix}…\t{api_key.requests_per_hour}/h\t{state}\t"
                    f"{api_key.name}"
                )
        else:
            api_key = ApiKey.objects.filter(pk=options["id"]).first()
            if api_key is None:
                raise CommandError(f"No key with id {options['id']}.")
            api_key_revoke(api_key=api_key)
            self.stdout.write(f"Revoked key {api_key.pk} ({api_key.name}).")
