"""`manage.py media_to_s3`: copy the private files on this machine's disk into the private bucket, checked.

Run it once before switching a running site to MEDIA_STORAGE=s3 (with the S3_* settings in the environment), and
once more right after the switch for anything uploaded in between. The local files are kept: delete
MEDIA_ROOT/private yourself once the site serves from the bucket.
"""

import base64
import hashlib
from pathlib import Path

from botocore.exceptions import ClientError
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal.storage import private_s3_storage


def file_digests(path: Path) -> tuple[str, str]:
    """(MD5, SHA-256) of a file, as lower-case hex, read in 1 MB blocks."""
    md5, sha256 = hashlib.md5(usedforsecurity=False), hashlib.sha256()
    with path.open("rb") as file:
        while block := file.read(1024 * 1024):
            md5.update(block)
            sha256.update(block)
    return md5.hexdigest(), sha256.hexdigest()


class Command(BaseCommand):
    help = (
        "Copy every file under MEDIA_ROOT/private to the private bucket (S3_BUCKET) under the same name, verifying "
        "each by checksum; files already there with the same content are left alone, so running it twice changes "
        "nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only say what would be copied.")

    def handle(self, *args, dry_run: bool = False, **options):
        if not settings.S3_BUCKET:
            raise CommandError(
                "Set S3_BUCKET (and S3_ENDPOINT_URL, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY, S3_REGION)."
            )
        root = Path(settings.MEDIA_ROOT) / "private"
        storage = private_s3_storage()  # location "private": the keys the app storages use
        client, bucket = storage.connection.meta.client, settings.S3_BUCKET
        counts = {"copied": 0, "unchanged": 0, "failed": 0}
        paths = sorted(path for path in root.rglob("*") if path.is_file()) if root.is_dir() else []
        for path in paths:
            key = f"{storage.location}/{path.relative_to(root).as_posix()}"
            md5, sha256 = file_digests(path)
            existing = self._head(client, bucket, key)
            if existing is not None:
                if self._same(client, bucket, key, existing, md5=md5, sha256=sha256):
                    counts["unchanged"] += 1
                else:
                    counts["failed"] += 1
                    self.stderr.write(f"differs: {key} is already in the bucket with other content; left as it is")
                continue
            if dry_run:
                counts["copied"] += 1
                self.stdout.write(f"would copy {key}")
                continue
            with path.open("rb") as body:
                # Content-MD5: the store itself refuses bytes that arrive changed.
                client.put_object(
                    Bucket=bucket, Key=key, Body=body, ContentMD5=base64.b64encode(bytes.fromhex(md5)).decode()
                )
            stored = self._head(client, bucket, key)
            if stored is not None and self._same(client, bucket, key, stored, md5=md5, sha256=sha256):
                counts["copied"] += 1
                if options["verbosity"] > 1:
                    self.stdout.write(f"copied {key}")
            else:
                counts["failed"] += 1
                self.stderr.write(f"failed: {key} does not read back as the file on disk")
        summary = ", ".join(f"{count} {what}" for what, count in counts.items())
        self.stdout.write(f"{len(paths)} files under {root}: {summary}.")
        if counts["failed"]:
            raise CommandError(f"{counts['failed']} files were not copied; see above.")

    @staticmethod
    def _head(client, bucket: str, key: str) -> dict | None:
        try:
            return client.head_object(Bucket=bucket, Key=key)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}:
                return None
            raise

    @staticmethod
    def _same(client, bucket: str, key: str, head: dict, *, md5: str, sha256: str) -> bool:
        """The object holds the file's bytes: by its ETag when that is a plain MD5, else by reading it back."""
        if head.get("ETag", "").strip('"') == md5:
            return True
        # Multipart uploads and KMS encryption give ETags that are not the content's MD5: compare the bytes.
        digest = hashlib.sha256()
        for chunk in client.get_object(Bucket=bucket, Key=key)["Body"].iter_chunks(1024 * 1024):
            digest.update(chunk)
        return digest.hexdigest() == sha256
