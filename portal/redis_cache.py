"""Django's Redis cache with one client object per connection pool instead of one per operation.

Django's RedisCacheClient.get_client() builds a new `redis.Redis` for every cache operation, and redis-py fills
each new client's table of ~170 response callbacks: about 0.15 ms of Python per read, which on a page served from
the cache (four to six reads) costs as much as a database query. A `redis.Redis` is safe to share between threads
(it takes a connection from its pool per command), so one per pool is kept. CACHE_URL selects this backend.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        """The `redis.Redis` of the pool that `write` selects, made once (see the module's docstring)."""
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return client


class RedisCache(DjangoRedisCache):
    """settings.CACHES' backend when CACHE_URL is set: Django's, with the client above."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
