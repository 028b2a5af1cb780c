"""The core's one private storage: every uploaded file of every app goes through `PrivateStorage(subdirectory)`.

Identity scans (""), request photos, thumbnails, documents and e-request answers ("requests") and appointment
documents ("appointments") are personal data. Settings choose where their bytes live:

- `MEDIA_STORAGE=local` (the default, `make run`): `MEDIA_ROOT/private/<subdirectory>/` on the web machine's disk.
- `MEDIA_STORAGE=s3`: `private/<subdirectory>/` in the private bucket `S3_BUCKET` of an S3-compatible object store
  (AWS S3, MinIO, …; `S3_ENDPOINT_URL`, `S3_ACCESS_KEY_ID`, `S3_SECRET_ACCESS_KEY`, `S3_REGION`), so that every web
  process and worker sees the same files.

Either way a private file has no URL: `url()` raises, objects are written without an ACL (the bucket's own, private
default) and only permission-checking views read them (`portal.files.private_file_response`).
"""

import functools
import os
import posixpath

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.signals import setting_changed
from django.utils.functional import LazyObject, cached_property, empty

NO_URL = "Private files have no public URL; serve them through a view that checks who is asking."
# A file read from the bucket is held in memory up to this size, then in a temporary file (a photo is a few MB).
S3_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# The settings that choose and configure the backend: changing one (in a test) rebuilds every private storage.
STORAGE_SETTINGS = {"MEDIA_STORAGE", "MEDIA_ROOT", "S3_BUCKET", "S3_ENDPOINT_URL", "S3_REGION"} | {
    "S3_ACCESS_KEY_ID",
    "S3_SECRET_ACCESS_KEY",
}


class PrivateDiskStorage(FileSystemStorage):
    """Files under MEDIA_ROOT/private/<subdirectory> with no URL at all: only permission-checking views read them."""

    def __init__(self, subdirectory: str = "", **kwargs):
        self.subdirectory = subdirectory
        super().__init__(**kwargs)

    @cached_property
    def base_location(self):
        # Re-read after a MEDIA_ROOT change (tests); FileSystemStorage clears this cache on setting_changed.
        return os.path.join(settings.MEDIA_ROOT, "private", self.subdirectory)

    def url(self, name):
        raise ValueError(NO_URL)


@functools.cache
def _private_s3_class() -> type:
    # boto3 is imported only by processes that use the bucket: it takes about as long to import as Django's ORM.
    from storages.backends.s3 import S3Storage

    class PrivateS3Storage(S3Storage):
        """Objects under private/<subdirectory>/ in the private bucket; no URL, not even a presigned one."""

        def url(self, name, parameters=None, expire=None, http_method=None):
            raise ValueError(NO_URL)

    return PrivateS3Storage


def private_s3_storage(subdirectory: str = ""):
    """A django-storages S3Storage for `private/<subdirectory>/` of the private bucket (S3_* settings)."""
    return _private_s3_class()(**s3_options(subdirectory))


def s3_options(subdirectory: str = "") -> dict:
    """django-storages' S3Storage options for one subdirectory of the private bucket, from the S3_* settings."""
    endpoint_url = settings.S3_ENDPOINT_URL or None
    return {
        "bucket_name": settings.S3_BUCKET,
        "endpoint_url": endpoint_url,
        "access_key": settings.S3_ACCESS_KEY_ID or None,
        "secret_key": settings.S3_SECRET_ACCESS_KEY or None,
        "region_name": settings.S3_REGION or None,
        # MinIO and most self-hosted stores answer at one host name: bucket in the path, not in a subdomain.
        "addressing_style": "path" if endpoint_url else None,
        "signature_version": "s3v4",
        "location": posixpath.join("private", subdirectory).rstrip("/"),
        # No ACL header: objects take the bucket's default, which is private (and AWS buckets with ACLs disabled
        # refuse any other). Nothing here can make an object public.
        "default_acl": None,
        "querystring_auth": True,
        # Django's semantics, as on disk: a name already taken gets a suffix instead of replacing another's file.
        "file_overwrite": False,
        "max_memory_size": S3_MAX_MEMORY_SIZE,
    }


def private_backend(subdirectory: str = ""):
    """The storage that settings choose right now, for one subdirectory (a new instance each call)."""
    if settings.MEDIA_STORAGE == "s3":
        return private_s3_storage(subdirectory)
    return PrivateDiskStorage(subdirectory)


_instances: list["PrivateStorage"] = []


class PrivateStorage(LazyObject):
    """What a model's FileField holds: the backend the settings choose, built at first use, rebuilt when they change.

    A FileField keeps the storage object it was given at import time, so the choice must be lazy for a test (or a
    management command) that switches MEDIA_STORAGE to see the bucket.
    """

    def __init__(self, subdirectory: str = ""):
        self.__dict__["subdirectory"] = subdirectory
        super().__init__()
        _instances.append(self)

    def _setup(self):
        self._wrapped = private_backend(self.__dict__["subdirectory"])


def _settings_changed(*, setting, **kwargs):
    if setting in STORAGE_SETTINGS:
        for instance in _instances:
            instance._wrapped = empty


setting_changed.connect(_settings_changed)
