"""Backup and restore drill: back up the demo and a private file, destroy both, restore into a fresh database and
compare counts and checksums with the manifest."""

import hashlib
import json
import shutil
import time

import psycopg
import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection
from psycopg import sql

from portal.backup import BackupError, _libpq, backup_create, backup_restore, media_storage
from portal.storage import PrivateStorage

PHOTO = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40


@pytest.fixture
def restored_name(transactional_db):
    name = f"{connection.settings_dict['NAME']}_restored"
    yield name
    with psycopg.connect(_libpq("postgres")[0], autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_the_demo_survives_backup_destruction_and_restore(restored_name, media, tmp_path, capsys):
    started = time.perf_counter()
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    saved = PrivateStorage("requests").save("photo.png", ContentFile(PHOTO))
    loaded = time.perf_counter()

    report = backup_create(destination=tmp_path / "backups")
    backed_up = time.perf_counter()
    manifest = json.loads((report.path / "manifest.json").read_text())
    tables = manifest["database"]["tables"]
    assert tables["accounts_user"] > 0
    assert tables["portal_municipality"] >= 2
    (photo,) = [entry for entry in manifest["files"] if entry["name"] == f"private/requests/{saved}"]
    assert photo["sha256"] == hashlib.sha256(PHOTO).hexdigest()
    assert manifest["versions"]["migrations"]["portal"]
    assert manifest["created_at"]

    # The disaster: every row and every file gone.
    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(media)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM accounts_user")
        assert cursor.fetchone()[0] == 0

    restored = backup_restore(source=report.path, database=restored_name)
    finished = time.perf_counter()
    with psycopg.connect(_libpq(restored_name)[0]) as db:
        for table in ("accounts_user", "portal_municipality", "requests_tracker_request", "appointments_service"):
            assert (
                db.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))).fetchone()[0]
                == (tables[table])
            )
    restored_photo = media / "private" / "requests" / saved
    assert hashlib.sha256(restored_photo.read_bytes()).hexdigest() == photo["sha256"]
    assert set(restored.durations) == {"database", "verify_database", "files"}
    with capsys.disabled():
        print(
            f"\n  backup drill: demo {loaded - started:.1f} s; backup {backed_up - loaded:.1f} s "
            f"({len(tables)} tables, {sum(tables.values())} rows, {len(manifest['files'])} files); "
            f"restore and verify {finished - backed_up:.1f} s"
        )


def test_a_damaged_backup_or_an_existing_database_is_refused(restored_name, media, tmp_path):
    PrivateStorage("requests").save("photo.png", ContentFile(PHOTO))
    report = backup_create(destination=tmp_path / "backups", storage=media_storage())
    (copy,) = (report.path / "files").rglob("photo*.png")
    copy.write_bytes(PHOTO + b"tampered")
    with pytest.raises(BackupError, match="differs from the manifest"):
        backup_restore(source=report.path, database=restored_name)
    copy.write_bytes(PHOTO)
    with pytest.raises(BackupError, match="exists"):
        backup_restore(source=report.path, database=connection.settings_dict["NAME"])
