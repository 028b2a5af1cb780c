"""portal.caching.cached_at_versions: an entry kept with the versions it was built at, served while they are
current and (with a clock) until its stable moment, and built every time when the cache is down."""

from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from django.core.cache import cache

from portal.caching import cached_at_versions, data_changed

NOW = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)


@pytest.mark.django_db
def test_an_entry_is_served_until_a_version_moves():
    builds = []

    def build():
        builds.append(1)
        return len(builds)

    assert cached_at_versions("test:entry", ["alpha", "beta"], build, timeout=60) == 1
    assert cached_at_versions("test:entry", ["alpha", "beta"], build, timeout=60) == 1
    data_changed("beta", at_once=True)
    assert cached_at_versions("test:entry", ["alpha", "beta"], build, timeout=60) == 2
    assert cached_at_versions("test:entry", ["alpha", "beta"], build, timeout=60) == 2


def test_one_round_trip_when_warm():
    cached_at_versions("test:trip", ["alpha"], lambda: "value", timeout=60)
    with mock.patch.object(cache, "get_many", wraps=cache.get_many) as get_many:
        assert cached_at_versions("test:trip", ["alpha"], lambda: "other", timeout=60) == "value"
    assert get_many.call_count == 1  # the version and the entry together (one MGET on Redis)


def test_the_clock_ends_an_entry_at_its_stable_moment():
    def build(value):
        return lambda: (value, NOW + timedelta(minutes=5))

    assert cached_at_versions("test:clock", ["alpha"], build("early"), timeout=60, now=NOW) == "early"
    at_four = NOW + timedelta(minutes=4)
    assert cached_at_versions("test:clock", ["alpha"], build("later"), timeout=60, now=at_four) == "early"
    at_five = NOW + timedelta(minutes=5)
    assert cached_at_versions("test:clock", ["alpha"], build("later"), timeout=60, now=at_five) == "later"


def test_a_cache_outage_builds_every_time():
    broken = mock.patch.object(cache, "get_many", side_effect=ConnectionError("down"))
    with broken, mock.patch.object(cache, "set", side_effect=ConnectionError("down")):
        assert cached_at_versions("test:outage", ["alpha"], lambda: "built", timeout=60) == "built"
