"""Backup and restore of the embedded SQLite database and MEDIA_ROOT (`manage.py backup` and
`manage.py restore`).

A backup is a new folder, readable by its owner only (0700, files 0600: it holds personal
data):

    DIR/db.sqlite3      the database, one self-contained file (rollback-journal mode)
    DIR/media/...       every file under MEDIA_ROOT, private uploads and pending photos included
    DIR/manifest.json   when, which code (version, latest applied migration per app), the order
                        of the copy, and the SHA-256 and size of every file above

Consistency while the service runs: the database is copied first, in one step of SQLite's
online backup API, which reads one snapshot under a single read transaction (in WAL mode
writers carry on meanwhile); a transaction committed after the snapshot is simply not in it,
one still open is not in it at all. The media files are copied afterwards. So the media may
hold files newer than the database (a photo uploaded meanwhile: harmless, an orphan file),
and a row of the snapshot lacks its file only if that file was deleted while the media were
copied (retention, a removed photo); such a file is listed under `skipped` in the manifest.
The manifest records this order.

Restore checks every file against the manifest before anything is touched (a damaged,
incomplete or foreign backup is refused, naming the file) and refuses a backup whose
database has migrations this code does not know (made by newer code). The database is
written into the configured file through the same backup API, which replaces its content in
one SQLite write transaction: all or nothing, safe beside running readers, and with WAL kept
right. (Renaming a new file over a WAL database would be unsafe: a process still holding
the old -wal file could apply its frames to the new file.) The media are copied to a hidden
sibling of MEDIA_ROOT, checked again, and swapped in by two renames once the database is
restored. Nothing else is run: if this code has migrations the backup lacks, the caller is
told to run `migrate`.

PostgreSQL is not covered: there `pg_dump`/`pg_restore` and a copy of the media are the
tools (docs/operations.md).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import tempfile
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path, PurePosixPath

from django.conf import settings

DATABASE_FILE = "db.sqlite3"
MEDIA_DIR = "media"
MANIFEST_FILE = "manifest.json"
FORMAT = 1
ORDER = (
    "database first (one snapshot through SQLite's online backup), then the media files: "
    "media may hold files newer than the database; a row of the snapshot lacks its file only "
    "if the file was deleted while the media were copied (listed under skipped)"
)
SQLITE_ENGINE = "django.db.backends.sqlite3"
POSTGRESQL_ADVICE = (
    "backup and restore cover the embedded SQLite database only; this deployment uses "
    "{engine}. Back up PostgreSQL with pg_dump (restore with pg_restore) and copy MEDIA_ROOT "
    "beside it; see docs/operations.md."
)
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore refused or failed; the message is meant for the operator."""


@dataclass(frozen=True)
class FileEntry:
    sha256: str
    size: int


@dataclass(frozen=True)
class Manifest:
    created: str  # when the database snapshot was taken (UTC, ISO 8601)
    media_copied: str  # when the copy of the media ended
    app_version: str
    migrations: dict[str, str]  # app label -> latest applied migration in the snapshot
    files: dict[str, FileEntry]  # POSIX path inside the backup -> checksum and size
    skipped: list[str] = field(default_factory=list)  # media files not copied, and why
    database: str = ""  # the file the snapshot was taken of
    media_root: str = ""
    order: str = ORDER
    format: int = FORMAT

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        try:
            data = json.loads(text)
            if data.get("format") != FORMAT:
                raise BackupError(
                    f"{MANIFEST_FILE} has format {data.get('format')!r}; this code reads {FORMAT}."
                )
            data["files"] = {
                str(path): FileEntry(sha256=str(entry["sha256"]), size=int(entry["size"]))
                for path, entry in data["files"].items()
            }
            return cls(**data)
        except BackupError:
            raise
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            raise BackupError(f"{MANIFEST_FILE} cannot be read: {exc}") from exc


@dataclass(frozen=True)
class RestoreResult:
    manifest: Manifest
    database: Path
    media_root: Path
    media_files: int
    # Migrations of this code that the restored database lacks ("app.name"): run `migrate`.
    pending_migrations: list[str]


def sqlite_database_path() -> Path:
    """The file of the configured default database; BackupError on any other engine."""
    config = settings.DATABASES["default"]
    engine = config.get("ENGINE", "")
    if engine != SQLITE_ENGINE:
        raise BackupError(POSTGRESQL_ADVICE.format(engine=engine.rsplit(".", 1)[-1] or "?"))
    name = str(config.get("NAME") or "")
    if not name or name == ":memory:" or "mode=memory" in name:
        raise BackupError("The default database is an in-memory SQLite database: no file to copy.")
    return Path(name)


def backup_create(
    *, out: Path, database: Path | None = None, media_root: Path | None = None
) -> Manifest:
    """Back up the SQLite database and the media folder into `out`, a new or empty folder.

    `database` and `media_root` default to the configured ones. Safe while the service runs
    (see the module's docstring for the order). A folder that exists and is not empty is
    refused: a backup never overwrites another. On failure the folder is left empty again
    (and removed if this call created it); a folder without manifest.json is no backup.
    """
    database = Path(database) if database is not None else sqlite_database_path()
    media_root = Path(media_root if media_root is not None else settings.MEDIA_ROOT)
    out = Path(out)
    if not database.is_file():
        raise BackupError(f"There is no database file at {database}.")
    created_folder = _prepare_out(out)
    try:
        snapshot = out / DATABASE_FILE
        created = _utc_now()
        _snapshot(database, snapshot)
        files = {DATABASE_FILE: _entry_of(snapshot)}
        skipped = _copy_media_out(media_root, out / MEDIA_DIR, files)
        manifest = Manifest(
            created=created,
            media_copied=_utc_now(),
            app_version=_app_version(),
            migrations=_latest_migrations(snapshot),
            files=files,
            skipped=skipped,
            database=str(database),
            media_root=str(media_root),
        )
        _write_private(out / MANIFEST_FILE, manifest.to_json().encode())
    except BaseException:
        _empty(out, remove=created_folder)
        raise
    return manifest


def backup_verify(*, source: Path) -> Manifest:
    """The manifest of the backup in `source` after checking it: every file it lists is there
    with its size and SHA-256, nothing else is, and this code knows every migration of the
    backup's database. BackupError names the first problem."""
    source = Path(source)
    if not source.is_dir():
        raise BackupError(f"{source} is not a folder.")
    manifest_path = source / MANIFEST_FILE
    if not manifest_path.is_file():
        raise BackupError(
            f"{source} has no {MANIFEST_FILE}: it is not a backup, or its backup did not finish."
        )
    manifest = Manifest.from_json(manifest_path.read_text(encoding="utf-8"))
    if DATABASE_FILE not in manifest.files:
        raise BackupError(f"{MANIFEST_FILE} lists no {DATABASE_FILE}.")
    for name, expected in sorted(manifest.files.items()):
        path = _inside(source, name)
        if path.is_symlink() or not path.is_file():
            raise BackupError(f"Damaged backup: {name} is missing.")
        if _entry_of(path) != expected:
            raise BackupError(
                f"Damaged backup: {name} does not match its checksum in {MANIFEST_FILE}."
            )
    for path in sorted(source.rglob("*")):
        name = path.relative_to(source).as_posix()
        listed = name == MANIFEST_FILE or name in manifest.files
        if (path.is_file() or path.is_symlink()) and not listed:
            raise BackupError(f"Damaged backup: {name} is not listed in {MANIFEST_FILE}.")
    unknown = _unknown_migrations(_read_only(source / DATABASE_FILE))
    if unknown:
        raise BackupError(
            "The backup was made by newer code: this code does not know the migration(s) "
            + ", ".join(unknown)
            + ". Install the version that made it (or a newer one) before restoring."
        )
    return manifest


def backup_restore(
    *, source: Path, database: Path | None = None, media_root: Path | None = None
) -> RestoreResult:
    """Replace the database and the media folder with the backup in `source`.

    `database` and `media_root` default to the configured ones. The backup is verified first
    (backup_verify) and nothing is changed if it is refused. The media are staged beside
    MEDIA_ROOT and checked, the database is then written in one SQLite transaction, and the
    staged media are swapped in. Runs no migrations: the result lists those this code has
    and the restored database lacks.
    """
    database = Path(database) if database is not None else sqlite_database_path()
    media_root = Path(media_root if media_root is not None else settings.MEDIA_ROOT)
    source = Path(source)
    manifest = backup_verify(source=source)
    media_root = media_root.resolve() if media_root.is_symlink() else media_root
    media_root.parent.mkdir(parents=True, exist_ok=True)
    database.parent.mkdir(parents=True, exist_ok=True)
    staged = _stage_media(source, manifest, media_root)
    try:
        _restore_database(source / DATABASE_FILE, database)
        _swap_in(staged, media_root)
    finally:
        if staged.exists():
            shutil.rmtree(staged, ignore_errors=True)
    media_files = sum(1 for name in manifest.files if name.startswith(MEDIA_DIR + "/"))
    return RestoreResult(
        manifest=manifest,
        database=database,
        media_root=media_root,
        media_files=media_files,
        pending_migrations=_pending_migrations(sqlite3.connect(database, timeout=20)),
    )


# The database ------------------------------------------------------------------------------


def _snapshot(database: Path, target: Path) -> None:
    """Copy `database` into the new file `target` in one step of the online backup API."""
    _create_private(target).close()
    try:
        source = sqlite3.connect(f"{database.resolve().as_uri()}?mode=rw", uri=True, timeout=20)
    except sqlite3.Error as exc:
        raise BackupError(f"Cannot open {database}: {exc}") from exc
    try:
        copy = sqlite3.connect(target)
        try:
            # pages=-1: the whole database in one step, i.e. one read transaction on the
            # source, hence one consistent snapshot; writers go on (WAL) or wait briefly.
            source.backup(copy, pages=-1)
            # The copy stands alone: no -wal beside it, whatever the source's journal mode.
            copy.execute("PRAGMA journal_mode=DELETE")
            check = copy.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            copy.close()
    except sqlite3.Error as exc:
        raise BackupError(f"The copy of {database} failed: {exc}") from exc
    finally:
        source.close()
    if check != "ok":
        raise BackupError(f"The copy of {database} fails SQLite's integrity check: {check}")


def _restore_database(backup: Path, database: Path) -> None:
    source = _read_only(backup)
    try:
        target = sqlite3.connect(database, timeout=20)
        try:
            # One write transaction on the target: all pages or none, WAL mode kept.
            source.backup(target, pages=-1)
            check = target.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            target.close()
    except sqlite3.Error as exc:
        raise BackupError(
            f"Writing {database} failed ({exc}); it is unchanged. If it is damaged, stop the "
            "service, move it aside with its -wal and -shm files, and restore again."
        ) from exc
    finally:
        source.close()
    if check != "ok":
        raise BackupError(f"{database} fails SQLite's integrity check after the restore: {check}")


def _read_only(path: Path) -> sqlite3.Connection:
    """A read-only connection to a backup's file, which nobody writes (immutable: no journal
    or lock files are made beside it)."""
    return sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro&immutable=1", uri=True)


def _applied(connection: sqlite3.Connection) -> list[tuple[str, str]]:
    """The applied migrations in the order they were applied; closes the connection."""
    try:
        has_table = connection.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='django_migrations'"
        ).fetchone()
        if not has_table:
            return []
        return [tuple(row) for row in connection.execute(
            "SELECT app, name FROM django_migrations ORDER BY id"
        )]
    except sqlite3.Error as exc:
        raise BackupError(f"Cannot read the applied migrations: {exc}") from exc
    finally:
        connection.close()


def _latest_migrations(snapshot: Path) -> dict[str, str]:
    latest: dict[str, str] = {}
    for app, name in _applied(_read_only(snapshot)):
        latest[app] = name
    return dict(sorted(latest.items()))


def _code_migrations():
    from django.db.migrations.loader import MigrationLoader

    # No connection: only the migrations on disk, as this code ships them.
    return MigrationLoader(None, ignore_no_migrations=True).disk_migrations


def _unknown_migrations(connection: sqlite3.Connection) -> list[str]:
    """Applied migrations of this code's apps that this code does not have. Rows of apps this
    code does not install at all are left alone (Django ignores them too)."""
    known = _code_migrations()
    apps = {app for app, _name in known}
    return [
        f"{app}.{name}"
        for app, name in _applied(connection)
        if app in apps and (app, name) not in known
    ]


def _pending_migrations(connection: sqlite3.Connection) -> list[str]:
    applied = set(_applied(connection))
    known = _code_migrations()
    replaced_by = {
        tuple(old): key for key, migration in known.items() for old in migration.replaces
    }
    pending = []
    for key, migration in sorted(known.items()):
        if key in applied or replaced_by.get(key) in applied:
            continue
        if migration.replaces and all(tuple(old) in applied for old in migration.replaces):
            continue
        pending.append(f"{key[0]}.{key[1]}")
    return pending


# The media ---------------------------------------------------------------------------------


def _copy_media_out(media_root: Path, target: Path, files: dict[str, FileEntry]) -> list[str]:
    """Copy every regular file under `media_root` into `target` (0700 folders, 0600 files),
    adding each to `files`; returns what was not copied, and why."""
    target.mkdir(mode=0o700)
    skipped: list[str] = []
    if not media_root.is_dir():
        return skipped
    for folder, subfolders, names in os.walk(media_root):
        subfolders.sort()
        here = Path(folder).relative_to(media_root)
        for sub in subfolders:
            if (Path(folder) / sub).is_symlink():
                skipped.append(f"{(here / sub).as_posix()}: a symbolic link, not followed")
        (target / here).mkdir(mode=0o700, exist_ok=True)
        for name in sorted(names):
            path, relative = Path(folder) / name, (here / name).as_posix()
            if path.is_symlink() or not path.is_file():
                skipped.append(f"{relative}: not a regular file")
                continue
            try:
                with path.open("rb") as reader, _create_private(target / here / name) as writer:
                    entry = _copy_stream(reader, writer)
            except FileNotFoundError:
                skipped.append(f"{relative}: deleted while the backup ran")
                continue
            files[f"{MEDIA_DIR}/{relative}"] = entry
    return skipped


def _stage_media(source: Path, manifest: Manifest, media_root: Path) -> Path:
    """The backup's media copied into a new hidden folder beside MEDIA_ROOT (inside it when
    MEDIA_ROOT is a mount point), each copy checked against the manifest."""
    parent = media_root if os.path.ismount(media_root) else media_root.parent
    staged = Path(tempfile.mkdtemp(prefix=f".{media_root.name}.restore-", dir=parent))
    try:
        file_mode = settings.FILE_UPLOAD_PERMISSIONS or (0o666 & ~_umask())
        dir_mode = settings.FILE_UPLOAD_DIRECTORY_PERMISSIONS or (0o777 & ~_umask())
        os.chmod(staged, media_root.stat().st_mode & 0o7777 if media_root.is_dir() else dir_mode)
        prefix = MEDIA_DIR + "/"
        for name, expected in sorted(manifest.files.items()):
            if not name.startswith(prefix):
                continue
            relative = name.removeprefix(prefix)
            target = _inside(staged, relative)
            for folder in reversed(target.relative_to(staged).parents[:-1]):
                if not (staged / folder).is_dir():
                    (staged / folder).mkdir()
                    os.chmod(staged / folder, dir_mode)
            with _inside(source, name).open("rb") as reader, target.open("xb") as writer:
                entry = _copy_stream(reader, writer)
            os.chmod(target, file_mode)
            if entry != expected:
                raise BackupError(f"{name} changed while it was being restored; nothing restored.")
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise
    return staged


def _swap_in(staged: Path, media_root: Path) -> None:
    """Put the staged media in MEDIA_ROOT's place: two renames (or, for a mount point,
    renames of its entries), then the old media go."""
    token = staged.name.rsplit("-", 1)[-1]
    if staged.parent == media_root:  # MEDIA_ROOT is a mount point: swap its entries
        old = media_root / f".{media_root.name}.old-{token}"
        old.mkdir(mode=0o700)
        for entry in list(media_root.iterdir()):
            if entry not in (staged, old):
                entry.rename(old / entry.name)
        for entry in list(staged.iterdir()):
            entry.rename(media_root / entry.name)
    else:
        old = media_root.parent / f".{media_root.name}.old-{token}"
        if media_root.exists():
            media_root.rename(old)
        staged.rename(media_root)
    if old.exists():
        shutil.rmtree(old)


# Files -------------------------------------------------------------------------------------


def _prepare_out(out: Path) -> bool:
    """Make `out` a private, empty folder; True if it was created here."""
    if out.exists() or out.is_symlink():
        if not out.is_dir():
            raise BackupError(f"{out} exists and is not a folder.")
        if any(out.iterdir()):
            raise BackupError(
                f"{out} exists and is not empty: choose a new folder (a backup never "
                "overwrites another)."
            )
        os.chmod(out, 0o700)
        return False
    out.mkdir(parents=True, mode=0o700)
    os.chmod(out, 0o700)
    return True


def _empty(out: Path, *, remove: bool) -> None:
    if remove:
        shutil.rmtree(out, ignore_errors=True)
        return
    for entry in out.iterdir():
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)


def _create_private(path: Path):
    """A new file, readable and writable by its owner only, open for writing."""
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb")


def _write_private(path: Path, content: bytes) -> None:
    with _create_private(path) as writer:
        writer.write(content)
        writer.flush()
        os.fsync(writer.fileno())


def _copy_stream(reader, writer) -> FileEntry:
    """Copy `reader` to `writer`; the checksum is of what was written."""
    digest, size = hashlib.sha256(), 0
    while chunk := reader.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
        writer.write(chunk)
    writer.flush()
    os.fsync(writer.fileno())
    return FileEntry(sha256=digest.hexdigest(), size=size)


def _entry_of(path: Path) -> FileEntry:
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as reader:
        while chunk := reader.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return FileEntry(sha256=digest.hexdigest(), size=size)


def _inside(root: Path, name: str) -> Path:
    """`root / name` for a relative POSIX path from a manifest that stays inside `root`."""
    relative = PurePosixPath(name)
    if relative.is_absolute() or not relative.parts or ".." in relative.parts:
        raise BackupError(f"{MANIFEST_FILE} names a path outside the backup: {name!r}.")
    return root.joinpath(*relative.parts)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _app_version() -> str:
    try:
        return metadata.version("tryggve")
    except metadata.PackageNotFoundError:
        return "unknown"
