"""`manage.py backup` and `restore` (lib/backup.py): a round trip gives back every table row and
every media file, a backup taken while others write is one consistent snapshot, and a
damaged backup, one made by newer code, a used folder and PostgreSQL are refused.

Most tests build their own SQLite file (the functions take explicit paths), so they run the
same whichever database the suite uses; the round trip of the project's own schema copies
the SQLite test database and is skipped on PostgreSQL.
"""

import hashlib
import json
import os
import sqlite3
import stat
import threading
import uuid
from contextlib import closing
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from tryggve.lib.backup import BackupError, backup_create, backup_restore, backup_verify

BATCH = 7


def code_migrations() -> list[tuple[str, str]]:
    """This code's migrations in an order migrate could apply them."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return [key for key in loader.graph.leaf_nodes() for key in loader.graph.forwards_plan(key)]


def make_database(path: Path, *, migrations: list[tuple[str, str]] | None = None) -> Path:
    """A SQLite file in WAL mode, as the service runs it: django_migrations as `migrate`
    leaves it, and tables of every storage class, an index, a view and a trigger."""
    applied = code_migrations() if migrations is None else migrations
    with closing(sqlite3.connect(path)) as db, db:
        db.execute("PRAGMA journal_mode=WAL")
        db.executescript(
            """
            CREATE TABLE django_migrations (
                id INTEGER PRIMARY KEY AUTOINCREMENT, app TEXT, name TEXT, applied TEXT);
            CREATE TABLE report (
                id INTEGER PRIMARY KEY AUTOINCREMENT, text TEXT, severity INTEGER,
                lat REAL, photo BLOB, note TEXT NULL);
            CREATE INDEX report_severity ON report (severity);
            CREATE TABLE event (report_id INTEGER REFERENCES report (id), kind TEXT);
            CREATE TABLE counter (name TEXT PRIMARY KEY, last INTEGER) WITHOUT ROWID;
            CREATE VIEW open_reports AS SELECT id FROM report WHERE severity > 2;
            CREATE TRIGGER report_event AFTER INSERT ON report
                BEGIN INSERT INTO event VALUES (new.id, 'created'); END;
            CREATE TABLE busy (id INTEGER PRIMARY KEY, batch INTEGER);
            """
        )
        db.executemany(
            "INSERT INTO django_migrations (app, name, applied) VALUES (?, ?, '2026-01-01')",
            applied,
        )
        db.executemany(
            "INSERT INTO report (text, severity, lat, photo, note) VALUES (?, ?, ?, ?, ?)",
            [
                ("Trasig gatlampa på Storgatan, åäö", 4, 65.5917, b"\x00\xff" * 500, None),
                ("Mörk gångtunnel", 2, 65.59, None, "obs: 'citat' och \"dubbla\""),
                ("", 0, -0.0, b"", ""),
            ],
        )
        db.execute("INSERT INTO counter VALUES ('OTR-2026', 41)")
    return path


def tables(path: Path) -> dict:
    """Every schema entry and every row of every table (sqlite_sequence included)."""
    with closing(sqlite3.connect(path)) as db:
        schema = sorted(
            db.execute("SELECT type, name, tbl_name, sql FROM sqlite_master"), key=repr
        )
        names = [name for kind, name, _table, _sql in schema if kind == "table"]
        rows = {
            name: sorted(db.execute(f'SELECT * FROM "{name}"'), key=repr)  # noqa: S608
            for name in names
        }
    return {"schema": schema, "rows": rows}


def files(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def fill_media(root: Path) -> Path:
    (root / "reports" / "2026" / "11").mkdir(parents=True)
    (root / "reports" / "2026" / "11" / "lampa.jpg").write_bytes(os.urandom(3 * 1024 * 1024))
    (root / "pending" / str(uuid.uuid4())).mkdir(parents=True)
    (root / "pending").joinpath(os.listdir(root / "pending")[0], "1.jpg").write_bytes(b"jpg")
    (root / "followup" / "summaries").mkdir(parents=True)
    (root / "followup" / "summaries" / "sammanfattning 2026 åäö.pdf").write_bytes(b"%PDF-1.7")
    (root / "empty.txt").write_bytes(b"")
    return root


@pytest.fixture
def live(tmp_path) -> tuple[Path, Path]:
    """A running service's database file and media folder."""
    return make_database(tmp_path / "live.sqlite3"), fill_media(tmp_path / "media-live")


def mutate(database: Path, media: Path) -> None:
    """What happens after a backup: rows change and go, files go and come."""
    with closing(sqlite3.connect(database)) as db, db:
        db.execute("UPDATE report SET text = 'ändrad' WHERE id = 1")
        db.execute("DELETE FROM report WHERE id = 2")
        db.execute("INSERT INTO report (text, severity) VALUES ('ny', 1)")
        db.execute("DROP VIEW open_reports")
    (media / "reports" / "2026" / "11" / "lampa.jpg").unlink()
    (media / "empty.txt").write_bytes(b"changed")
    (media / "new.jpg").write_bytes(b"new")


# The round trip ----------------------------------------------------------------------------


def test_round_trip_gives_back_every_table_row_and_every_file(live, tmp_path):
    database, media = live
    before_tables, before_files = tables(database), files(media)
    backup_create(out=tmp_path / "backup", database=database, media_root=media)
    mutate(database, media)
    assert tables(database) != before_tables
    assert files(media) != before_files

    result = backup_restore(source=tmp_path / "backup", database=database, media_root=media)

    assert tables(database) == before_tables
    assert files(media) == before_files
    assert result.media_files == len(before_files) == 4
    assert result.pending_migrations == []
    with closing(sqlite3.connect(database)) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # No staged or old media left beside MEDIA_ROOT.
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_restore_into_a_new_place(live, tmp_path):
    database, media = live
    backup_create(out=tmp_path / "backup", database=database, media_root=media)
    target = tmp_path / "new" / "var"
    backup_restore(
        source=tmp_path / "backup", database=target / "db.sqlite3", media_root=target / "media"
    )
    assert tables(target / "db.sqlite3") == tables(database)
    assert files(target / "media") == files(media)


@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="copies the SQLite test database to a file"
)
def test_round_trip_of_the_projects_own_database(
    transactional_db, municipality, settings, tmp_path
):
    """The real schema with a report, its photo and a waiting upload, made through the
    services; the test database is copied to a file, as the service's would be."""
    from tryggve.browser_fixtures import _restore_categories, jpeg_bytes
    from tryggve.conftest import CENTRUM
    from tryggve.lib.images import clean_image
    from tryggve.reports.models import Category, ReportPhoto
    from tryggve.reports.pending import pending_add
    from tryggve.reports.services import report_create

    _restore_categories()
    report, _token = report_create(
        category=Category.objects.for_code("2505").get(slug="belysning"),
        time_of_day="evening",
        severity=3,
        description="Lampan vid busshållplatsen är trasig.",
        lat=CENTRUM[0],
        lon=CENTRUM[1],
        contact_email="anna@example.se",
        photos=[clean_image(jpeg_bytes(), "lampa.jpg")],
    )
    pending_add(uuid.uuid4(), clean_image(jpeg_bytes(), "väntar.jpg"))
    media = Path(settings.MEDIA_ROOT)
    photo = Path(ReportPhoto.objects.get(report=report).image.path)
    assert photo.is_file() and photo.is_relative_to(media)

    database = tmp_path / "tryggve.sqlite3"
    connection.ensure_connection()
    with closing(sqlite3.connect(database)) as copy:
        connection.connection.backup(copy)
        copy.execute("PRAGMA journal_mode=WAL")
    before_tables, before_files = tables(database), files(media)
    assert len(before_files) == 2
    assert before_tables["rows"]["reports_report"]

    manifest = backup_create(out=tmp_path / "backup", database=database, media_root=media)
    assert manifest.migrations["reports"] == max(
        name for app, name in code_migrations() if app == "reports"
    )
    with closing(sqlite3.connect(database)) as db, db:
        db.execute("PRAGMA foreign_keys = OFF")
        for table in before_tables["rows"]:
            if not table.startswith("sqlite_"):
                db.execute(f'DELETE FROM "{table}"')  # noqa: S608
    photo.unlink()

    result = backup_restore(source=tmp_path / "backup", database=database, media_root=media)

    assert tables(database) == before_tables
    assert files(media) == before_files
    assert result.pending_migrations == []


# What a backup holds -----------------------------------------------------------------------


def test_backup_is_private_and_its_manifest_lists_every_file(live, tmp_path):
    database, media = live
    out = tmp_path / "backup"
    manifest = backup_create(out=out, database=database, media_root=media)

    assert stat.S_IMODE(out.stat().st_mode) == 0o700
    for path in out.rglob("*"):
        assert stat.S_IMODE(path.stat().st_mode) == (0o700 if path.is_dir() else 0o600), path
    on_disk = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    listed = {
        path.relative_to(out).as_posix(): {
            "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
            "size": path.stat().st_size,
        }
        for path in out.rglob("*")
        if path.is_file() and path.name != "manifest.json"
    }
    assert on_disk["files"] == listed
    assert set(listed) == {"db.sqlite3"} | {f"media/{name}" for name in files(media)}
    assert on_disk["created"] == manifest.created <= on_disk["media_copied"]
    assert on_disk["order"].startswith("database first")
    assert on_disk["app_version"] == "0.1.0"
    assert on_disk["database"] == str(database)
    # The latest applied migration of each app, as in the database.
    latest = {}
    for app, name in code_migrations():
        latest[app] = name
    assert on_disk["migrations"] == latest
    # The copy stands alone: no journal mode needing files beside it.
    with closing(sqlite3.connect(out / "db.sqlite3")) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"


def test_a_used_folder_is_refused_and_an_empty_one_taken(live, tmp_path):
    database, media = live
    used = tmp_path / "used"
    used.mkdir()
    (used / "earlier.txt").write_text("an earlier backup")
    with pytest.raises(BackupError, match="not empty"):
        backup_create(out=used, database=database, media_root=media)
    assert [p.name for p in used.iterdir()] == ["earlier.txt"]

    empty = tmp_path / "empty"
    empty.mkdir(mode=0o755)
    backup_create(out=empty, database=database, media_root=media)
    assert stat.S_IMODE(empty.stat().st_mode) == 0o700
    assert backup_verify(source=empty).files["db.sqlite3"]


def test_a_failed_backup_leaves_no_half_backup(tmp_path):
    database = tmp_path / "not-a-database.sqlite3"
    database.write_bytes(b"this is not SQLite" * 100)
    with pytest.raises(BackupError):
        backup_create(out=tmp_path / "backup", database=database, media_root=tmp_path)
    assert not (tmp_path / "backup").exists()


# Consistency while the service writes ------------------------------------------------------


def count_and_max(path: Path) -> tuple[int, int]:
    with closing(sqlite3.connect(path)) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return db.execute("SELECT count(*), coalesce(max(id), 0) FROM busy").fetchone()


def test_a_transaction_still_open_is_not_in_the_backup(live, tmp_path):
    database, media = live
    writer = sqlite3.connect(database, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.executemany("INSERT INTO busy (batch) VALUES (?)", [(1,)] * BATCH)
    try:
        backup_create(out=tmp_path / "backup", database=database, media_root=media)
    finally:
        writer.execute("COMMIT")
        writer.close()
    assert count_and_max(tmp_path / "backup" / "db.sqlite3") == (0, 0)
    assert count_and_max(database) == (BATCH, BATCH)


def test_backups_taken_while_a_thread_keeps_inserting_are_each_one_state(live, tmp_path):
    """The writer commits BATCH rows per transaction: a consistent copy holds whole batches
    and ids 1..n without a gap, n never falling from one backup to the next."""
    database, media = live
    stop, first_commit = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def keep_inserting():
        try:
            with closing(sqlite3.connect(database, timeout=20)) as db:
                batch = 0
                while not stop.is_set():
                    batch += 1
                    with db:
                        db.executemany(
                            "INSERT INTO busy (batch) VALUES (?)", [(batch,)] * BATCH
                        )
                    first_commit.set()
        except BaseException as exc:  # reported by the test below
            errors.append(exc)
            first_commit.set()

    thread = threading.Thread(target=keep_inserting)
    thread.start()
    try:
        first_commit.wait()
        seen = []
        for number in range(3):
            out = tmp_path / f"backup-{number}"
            backup_create(out=out, database=database, media_root=media)
            seen.append(count_and_max(out / "db.sqlite3"))
    finally:
        stop.set()
        thread.join()
    assert errors == []
    final = count_and_max(database)
    for count, highest in seen:
        assert count == highest
        assert count % BATCH == 0
        assert BATCH <= count <= final[0]
    assert [count for count, _ in seen] == sorted(count for count, _ in seen)


# Refusals ----------------------------------------------------------------------------------


def damage_a_media_file(out: Path) -> str:
    path = out / "media" / "reports" / "2026" / "11" / "lampa.jpg"
    content = bytearray(path.read_bytes())
    content[1000] ^= 0x01
    path.write_bytes(bytes(content))
    return "media/reports/2026/11/lampa.jpg"


def damage_the_database(out: Path) -> str:
    with (out / "db.sqlite3").open("r+b") as f:
        f.seek(4096 + 200)
        byte = f.read(1)
        f.seek(4096 + 200)
        f.write(bytes([byte[0] ^ 0xFF]))
    return "db.sqlite3"


def lose_a_file(out: Path) -> str:
    (out / "media" / "empty.txt").unlink()
    return "media/empty.txt is missing"


def add_a_file(out: Path) -> str:
    (out / "media" / "smuggled.jpg").write_bytes(b"x")
    return "media/smuggled.jpg is not listed"


def lose_the_manifest(out: Path) -> str:
    (out / "manifest.json").unlink()
    return "has no manifest.json"


@pytest.mark.parametrize(
    "damage", [damage_a_media_file, damage_the_database, lose_a_file, add_a_file, lose_the_manifest]
)
def test_a_damaged_backup_is_refused_naming_the_file_and_nothing_changes(damage, live, tmp_path):
    database, media = live
    out = tmp_path / "backup"
    backup_create(out=out, database=database, media_root=media)
    mutate(database, media)
    before_tables, before_files = tables(database), files(media)
    expected = damage(out)

    with pytest.raises(BackupError, match="Damaged backup|no manifest") as refused:
        backup_restore(source=out, database=database, media_root=media)

    assert expected in str(refused.value)
    assert tables(database) == before_tables
    assert files(media) == before_files
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_a_backup_by_newer_code_is_refused(tmp_path):
    future = [*code_migrations(), ("reports", "9999_from_the_future")]
    database = make_database(tmp_path / "live.sqlite3", migrations=future)
    media = fill_media(tmp_path / "media")
    backup_create(out=tmp_path / "backup", database=database, media_root=media)
    mutate(database, media)
    before_tables, before_files = tables(database), files(media)

    with pytest.raises(BackupError, match="reports.9999_from_the_future"):
        backup_restore(source=tmp_path / "backup", database=database, media_root=media)

    assert tables(database) == before_tables
    assert files(media) == before_files


def test_migrations_of_an_app_this_code_lacks_are_no_reason_to_refuse(tmp_path):
    old = [*code_migrations(), ("retired_app", "0001_initial")]
    database = make_database(tmp_path / "live.sqlite3", migrations=old)
    backup_create(out=tmp_path / "backup", database=database, media_root=tmp_path / "none")
    result = backup_restore(
        source=tmp_path / "backup", database=database, media_root=tmp_path / "media"
    )
    assert result.pending_migrations == []
    assert files(tmp_path / "media") == {}


def test_a_backup_by_older_code_is_restored_and_migrate_advised(settings, tmp_path):
    applied = code_migrations()
    last = next(key for key in reversed(applied) if key[0] == "reports")
    older = [key for key in applied if key != last]
    database = make_database(tmp_path / "live.sqlite3", migrations=older)
    settings.MEDIA_ROOT = fill_media(tmp_path / "media")
    backup_create(out=tmp_path / "backup", database=database)
    result = backup_restore(source=tmp_path / "backup", database=database)
    assert result.pending_migrations == [f"{last[0]}.{last[1]}"]


# The commands ------------------------------------------------------------------------------


@pytest.fixture
def configured(settings, tmp_path) -> tuple[Path, Path]:
    """The commands read the configured SQLite file and MEDIA_ROOT."""
    database = make_database(tmp_path / "tryggve.sqlite3")
    settings.DATABASES = {
        "default": {
            **settings.DATABASES["default"],
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(database),
        }
    }
    settings.MEDIA_ROOT = fill_media(tmp_path / "media")
    return database, settings.MEDIA_ROOT


@pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
def test_the_commands_back_up_and_restore_the_configured_database(configured, tmp_path):
    database, media = configured
    before_tables, before_files = tables(database), files(media)
    out = StringIO()
    call_command("backup", "--out", str(tmp_path / "backup"), stdout=out)
    assert f"Backup written to {tmp_path / 'backup'}" in out.getvalue()
    assert "4 media files" in out.getvalue()
    mutate(database, media)

    # It overwrites: without --yes (and no terminal to ask on) it changes nothing.
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(tmp_path / "backup"), stdout=StringIO())
    assert tables(database) != before_tables

    out = StringIO()
    call_command("restore", str(tmp_path / "backup"), "--yes", stdout=out)
    assert tables(database) == before_tables
    assert files(media) == before_files
    assert "Restored the database" in out.getvalue()
    assert "migrate" not in out.getvalue()


@pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
def test_the_restore_command_names_the_damaged_file_and_advises_migrate(configured, tmp_path):
    database, media = configured
    call_command("backup", "--out", str(tmp_path / "backup"), stdout=StringIO())
    with pytest.raises(CommandError, match="not empty"):
        call_command("backup", "--out", str(tmp_path / "backup"), stdout=StringIO())
    damage_a_media_file(tmp_path / "backup")
    with pytest.raises(CommandError, match="media/reports/2026/11/lampa.jpg"):
        call_command("restore", str(tmp_path / "backup"), "--yes", stdout=StringIO())

    with closing(sqlite3.connect(database)) as db, db:
        db.execute("DELETE FROM django_migrations WHERE app = 'reports'")
    call_command("backup", "--out", str(tmp_path / "older"), stdout=StringIO())
    out = StringIO()
    call_command("restore", str(tmp_path / "older"), "--yes", stdout=out)
    assert "run `python manage.py migrate`" in out.getvalue()
    assert "reports.0001_initial" in out.getvalue()


@pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
@pytest.mark.parametrize("command", [["backup", "--out"], ["restore", "--yes"]])
def test_postgresql_is_refused_with_pg_dump_advice(command, settings, tmp_path):
    settings.DATABASES = {
        "default": {"ENGINE": "django.db.backends.postgresql", "NAME": "tryggve"}
    }
    target = tmp_path / "backup"
    with pytest.raises(CommandError, match="pg_dump") as refused:
        call_command(*command, str(target), stdout=StringIO())
    assert "postgresql" in str(refused.value)
    assert not target.exists()


@pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
def test_an_in_memory_database_is_refused(settings, tmp_path):
    settings.DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
    with pytest.raises(CommandError, match="in-memory"):
        call_command("backup", "--out", str(tmp_path / "backup"), stdout=StringIO())
    assert not (tmp_path / "backup").exists()
