"""The data version of a municipality's public requests, and the keys of the pages cached under it.

The list's results, the map's clusters and Open311's answers are cached under keys naming the version; the services
move it on commit whenever something those pages show changes (a request filed, edited, moved to another status,
withdrawn, closed, recategorised, reassigned, voted for, its date moved, its reporter erased), and the signal
receivers of apps.py do the same for saves and deletions of requests and categories outside the services (the admin).
"""

import hashlib

from django.db.models import Model

from portal.caching import data_changed, data_version


def version_name(municipality_id: int) -> str:
    """The name of the municipality's requests version in portal.caching."""
    return f"requests:{municipality_id}"


def requests_version(*, municipality_id: int) -> int:
    """The version (microseconds, see portal.caching) of everything public about the municipality's requests."""
    return data_version(version_name(municipality_id))


def requests_changed(*, municipality_id: int) -> None:
    """Moves the municipality's version when the current transaction commits."""
    data_changed(version_name(municipality_id))


def model_changed(sender, instance: Model, **kwargs) -> None:
    """Receiver of post_save/post_delete for Request and Category (both carry municipality_id)."""
    requests_changed(municipality_id=instance.municipality_id)


def page_key(kind: str, *, municipality_id: int, parts) -> str:
    """A cache key for `kind` ("list", "map", "open311") of a municipality at its current version, from `parts`
    (anything with a stable repr: language, query, user id…), hashed to keep keys short and free of spaces."""
    version = requests_version(municipality_id=municipality_id)
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    return f"requests:{kind}:{municipality_id}:{version}:{digest}"
