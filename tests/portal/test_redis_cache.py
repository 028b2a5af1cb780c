"""The Redis cache backend of CACHE_URL (portal/redis_cache.py): one client per pool, and still a working cache."""

import pytest

from portal.redis_cache import RedisCache

REDIS = "redis://127.0.0.1:6379/3"


@pytest.fixture
def redis_cache():
    backend = RedisCache(REDIS, {"KEY_PREFIX": "test-redis-cache"})
    try:
        backend.get("probe")
    except Exception:  # pragma: no cover - without a local Redis there is nothing to test
        pytest.skip("no Redis at " + REDIS)
    yield backend
    backend.delete_many(["a", "b", "counter"])
    backend.close()


def test_one_client_serves_every_read_and_write(redis_cache):
    client = redis_cache._cache.get_client()
    assert redis_cache._cache.get_client() is client
    assert redis_cache._cache.get_client(write=True) is redis_cache._cache.get_client(write=True)


def test_it_is_still_a_cache(redis_cache):
    redis_cache.set("a", {"x": 1}, 30)
    assert redis_cache.add("a", "other", 30) is False
    assert redis_cache.get_many(["a", "b"]) == {"a": {"x": 1}}
    redis_cache.set("counter", 1, 30)
    assert redis_cache.incr("counter") == 2
    redis_cache.delete("a")
    assert redis_cache.get("a") is None
