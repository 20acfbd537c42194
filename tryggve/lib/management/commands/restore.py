import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tryggve.lib.backup import (
    BackupError,
    backup_restore,
    backup_verify,
    sqlite_database_path,
)


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup`: REPLACES the SQLite database and the "
        "whole of MEDIA_ROOT. Every file is checked against manifest.json first, and a "
        "damaged backup, or one made by newer code (an unknown migration), is refused before "
        "anything changes. Asks for confirmation unless --yes. Stop the app servers and "
        "workers first, so nothing is written meanwhile. Runs no migrations. SQLite only: on "
        "PostgreSQL use pg_restore of a pg_dump (docs/operations.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("dir", type=Path, help="the backup's folder")
        parser.add_argument(
            "--yes", action="store_true", help="do not ask: overwrite the database and media"
        )

    def handle(self, *args, **options):
        from django.conf import settings

        source = options["dir"]
        try:
            database = sqlite_database_path()
            manifest = backup_verify(source=source)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Backup {source} is complete and intact (snapshot at {manifest.created}, "
            f"version {manifest.app_version})."
        )
        if not options["yes"]:
            question = (
                f"This replaces the database {database} and everything under "
                f"{settings.MEDIA_ROOT}. Type yes to go on: "
            )
            if not sys.stdin.isatty():
                raise CommandError("Restore overwrites the database and the media: pass --yes.")
            if input(question).strip().lower() != "yes":
                raise CommandError("Restore cancelled; nothing was changed.")
        try:
            result = backup_restore(source=source)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Restored the database into {result.database} and {result.media_files} media "
            f"files into {result.media_root}."
        )
        if result.pending_migrations:
            self.stdout.write(
                f"This code has {len(result.pending_migrations)} migration(s) the backup lacks "
                f"({', '.join(result.pending_migrations)}): run `python manage.py migrate`."
            )
