from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tryggve.lib.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Back up the embedded SQLite database and MEDIA_ROOT into a new folder (created 0700, "
        "files 0600: it holds personal data). Safe while the service runs: the database is "
        "copied first as one snapshot through SQLite's online backup, then the media; "
        "manifest.json records the order, the migrations and every file's SHA-256. A folder "
        "that exists and is not empty is refused. SQLite only: on PostgreSQL use pg_dump and "
        "copy the media (docs/operations.md). Restore with `manage.py restore DIR`."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--out", required=True, type=Path, help="a new (or empty) folder for the backup"
        )

    def handle(self, *args, **options):
        out = options["out"]
        try:
            manifest = backup_create(out=out)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        database = manifest.files["db.sqlite3"]
        media = len(manifest.files) - 1
        self.stdout.write(
            f"Backup written to {out}: database {database.size} bytes (snapshot at "
            f"{manifest.created}), {media} media files."
        )
        for line in manifest.skipped:
            self.stdout.write(f"not copied: {line}")
