"""Data versions for cached pages: a number per kind of data, moved on commit by whatever changes that data.

A cached page or fragment puts the version of the data it shows into its key, so a change makes every older entry
unreachable at once (they expire by themselves). Versions live in the default cache, which is Redis when CACHE_URL
is set: every web process then sees a change as soon as it is committed. With the local-memory cache of `make run`
there is one process, so one cache.

A version is the time of the last change in microseconds since the epoch, or, when the cache has none (a fresh or
flushed cache), the time it was first asked for: never older than the data, so it can also serve as a
Last-Modified time.
"""

import time
from collections.abc import Callable
from datetime import UTC, datetime

from django.core.cache import cache
from django.db import transaction

# The version of everything the home page shows of the municipalities (moved by portal.apps' signal receivers).
MUNICIPALITIES_VERSION = "municipalities"
# Versions are kept until the cache is flushed or evicts them; entries keyed by them expire on their own.
_PREFIX = "data-version:"


def _now() -> int:
    return time.time_ns() // 1000


def data_version(name: str) -> int:
    """The current version of the data called `name` (e.g. "municipalities", "requests:12"), in microseconds."""
    key = _PREFIX + name
    version = cache.get(key)
    if version is None:
        cache.add(key, _now(), timeout=None)  # another process may have set one first: theirs wins
        version = cache.get(key) or _now()
    return version


def data_version_time(version: int) -> datetime:
    """The version as an aware datetime (UTC): the latest the data may have changed."""
    return datetime.fromtimestamp(version / 1_000_000, tz=UTC)


def data_changed(name: str) -> None:
    """Moves the version of `name` when the current transaction commits (at once outside one).

    Always forwards, by at least one, even when two processes change the data within the same microsecond.
    """

    def bump() -> None:
        key = _PREFIX + name
        cache.set(key, max(_now(), (cache.get(key) or 0) + 1), timeout=None)

    transaction.on_commit(bump)


def cached(key: str, build: Callable[[], object], *, timeout: int | None) -> object:
    """`build()`'s value, kept under `key` for `timeout` seconds (None: until evicted). `key` must name every
    input of `build`, the data version included; nothing personal unless the key names the person."""
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, timeout=timeout)
    return value
