"""Data versions for cached pages: a number per kind of data, moved on commit by whatever changes that data.

A cached page or fragment puts the version of the data it shows into its key, so a change makes every older entry
unreachable at once (they expire by themselves). Versions live in the default cache, which is Redis when CACHE_URL
is set: every web process then sees a change as soon as it is committed. With the local-memory cache of `make run`
there is one process, so one cache.

A version is the time of the last change in microseconds since the epoch, or, when the cache has none (a fresh or
flushed cache), the time it was first asked for: never older than the data, so it can also serve as a
Last-Modified time.
"""

import hashlib
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime

from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers

# The version of everything the home page shows of the municipalities (moved by portal.apps' signal receivers).
MUNICIPALITIES_VERSION = "municipalities"
# Versions are kept until the cache is flushed or evicts them; entries keyed by them expire on their own.
_PREFIX = "data-version:"

logger = logging.getLogger(__name__)


def _now() -> int:
    return time.time_ns() // 1000


def data_version_key(name: str) -> str:
    """The cache key under which the version of `name` is kept (tests and other processes read it there)."""
    return _PREFIX + name


def data_version(name: str) -> int:
    """The current version of the data called `name` (e.g. "municipalities", "requests:12"), in microseconds.

    With the cache down, a version never seen before: nothing cached is read, so nothing stale is shown.
    """
    key = data_version_key(name)
    try:
        version = cache.get(key)
        if version is None:
            cache.add(key, _now(), timeout=None)  # another process may have set one first: theirs wins
            version = cache.get(key) or _now()
        return version
    except Exception:  # a cache outage makes pages slower, never wrong nor failed
        logger.exception("caching: the version of %s could not be read", name)
        return _now()


def data_version_time(version: int) -> datetime:
    """The version as an aware datetime (UTC): the latest the data may have changed."""
    return datetime.fromtimestamp(version / 1_000_000, tz=UTC)


def data_changed(name: str, *, at_once: bool = False) -> None:
    """Moves the version of `name` when the current transaction commits (at once outside one).

    Always forwards, by at least one, even when two processes change the data within the same microsecond. With
    `at_once` it also moves now, so that the transaction's own later reads miss what was cached before; the move
    on commit is the one that matters, since a page built between the two may have read the old rows. A cache
    outage is logged and never fails the change: entries keyed by versions expire on their own.
    """

    def bump() -> None:
        key = data_version_key(name)
        try:
            cache.set(key, max(_now(), (cache.get(key) or 0) + 1), timeout=None)
        except Exception:
            logger.exception("caching: the version of %s could not be moved", name)

    if at_once:
        bump()
    transaction.on_commit(bump)


def cached(key: str, build: Callable[[], object], *, timeout: int | None) -> object:
    """`build()`'s value, kept under `key` for `timeout` seconds (None: until evicted). `key` must name every
    input of `build`, the data version included; nothing personal unless the key names the person. With the cache
    down, `build()` every time (slower, still right)."""
    try:
        value = cache.get(key)
    except Exception:
        logger.exception("caching: %s could not be read", key)
        return build()
    if value is None:
        value = build()
        try:
            cache.set(key, value, timeout=timeout)
        except Exception:
            logger.exception("caching: %s could not be written", key)
    return value


def _plain_anonymous(request, *, per_address: bool) -> bool:
    """A GET from someone with no session and no pending messages: nothing on the page can be theirs but the
    language and the time zone, which the page's key names. (No session cookie means no login, and no query to find
    that out.) Without `per_address`, also no query string."""
    from django.conf import settings
    from django.contrib.messages.storage.cookie import CookieStorage

    return (
        request.method == "GET"
        and (per_address or not request.META.get("QUERY_STRING"))
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and CookieStorage.cookie_name not in request.COOKIES
    )


def anonymous_page(
    request,
    *,
    key: str,
    versions: list[str],
    build: Callable[[], HttpResponse],
    timeout: int,
    per_address: bool = False,
) -> HttpResponse:
    """The whole response to anonymous visitors from the cache, while the data `versions` name have not moved.

    `key` names the page (e.g. "statistics:chania"); the entry is per language and time zone (the footer names the
    zone) and, with `per_address`, per path and query string (for pages whose query only chooses public content:
    filters, a page number). It is kept by `cached_at_versions`, so one `get_many` (a single Redis round trip, no
    database query) reads the page and the current versions together. Anyone else (a session, messages, a query
    string without `per_address`), a cache outage, or a built response that is not a plain 200 gets `build()` as it
    is. The response varies on Cookie, so that no shared cache hands the anonymous copy to a logged-in visitor.
    """
    if not _plain_anonymous(request, per_address=per_address):
        return build()
    address = request.get_full_path()[:2000] if per_address else ""
    digest = hashlib.sha256(
        repr((translation.get_language(), timezone.get_current_timezone_name(), address)).encode()
    ).hexdigest()[:32]
    not_kept = []

    def body() -> tuple[bytes, str] | None:
        response = build()
        if response.status_code != 200 or response.streaming or response.cookies:
            not_kept.append(response)
            return None  # kept as "build it": a redirect, an error or a cookie is never served to someone else
        return response.content, response["Content-Type"]

    entry = cached_at_versions(f"page:{key}:{digest}", versions, body, timeout=timeout)
    if not_kept:
        return not_kept[0]
    if entry is None:
        return build()
    response = HttpResponse(entry[0], content_type=entry[1])
    patch_vary_headers(response, ("Cookie",))
    return response


def cached_at_versions(
    key: str, names: list[str], build: Callable[[], object], *, timeout: int | None, now: datetime | None = None
) -> object:
    """`build()`'s value kept under `key` with the versions of the data `names` it was built at, and served while
    they are current: the versions and the entry are read in one round trip (`cached` with the version in the key
    takes one per version and one for the entry).

    `key` must name every other input of `build` (nothing personal unless it names the person). With `now` given,
    `build()` returns (value, stable_until): the moment the clock alone would change the value (an aware datetime,
    or None: never), after which it is built again. With the cache down, `build()` every time.
    """
    version_keys = [data_version_key(name) for name in names]
    try:
        found = cache.get_many([*version_keys, key])
    except Exception:
        logger.exception("caching: %s could not be read", key)
        found = {}
    versions = tuple(
        found.get(version_key) or data_version(name) for version_key, name in zip(version_keys, names, strict=True)
    )
    entry = found.get(key)
    if entry is not None:
        built_at, value, stable_until = entry
        if built_at == versions and (stable_until is None or now is None or now < stable_until):
            return value
    value, stable_until = build() if now is not None else (build(), None)
    try:
        cache.set(key, (versions, value, stable_until), timeout=timeout)
    except Exception:
        logger.exception("caching: %s could not be written", key)
    return value
