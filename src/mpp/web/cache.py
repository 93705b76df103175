"""The shared cache as a cache: when Redis is away, a read misses and a write is dropped.

Every node keeps serving while Redis restarts or is unreachable — public pages are rendered cold,
sessions are read from the database (``cached_db``), the NIK answers are asked again. What must
not pass without the cache fails closed where it is used: a rate limit whose count cannot be
kept refuses (``django-ratelimit`` sees no count), a one-time nonce that cannot be spent is not
accepted (``add`` answers False). Each failure is logged as a warning with the operation only
(never a key: keys may be derived from what a person typed).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)
T = TypeVar("T")


def _guarded(operation: str, call: Callable[[], T], fallback: T) -> T:
    try:
        return call()
    except RedisError as error:
        logger.warning("cache unavailable: %s failed (%s)", operation, type(error).__name__)
        return fallback


class ReusedClients(RedisCacheClient):
    """Django's Redis client, keeping one ``redis.Redis`` per connection pool.

    Django builds a new ``redis.Redis`` for every cache operation, and each copies redis-py's
    table of about 170 reply handlers: a sixth of the time of a public page served from the cache
    (three such operations on a signed-in request). A ``redis.Redis`` holds no connection of its
    own (its pool does) and may be shared by threads."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        # Django's own members, which django-stubs leave out.
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
        client = self._clients.get(id(pool))
        if client is None:
            make = self._client  # type: ignore[attr-defined]
            client = self._clients[id(pool)] = make(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    """Django's Redis cache whose reads miss and whose writes are dropped while Redis is away."""

    def __init__(self, server: Any, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = ReusedClients

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        return _guarded(
            "get", lambda: super(ResilientRedisCache, self).get(key, default, version), default
        )

    def get_many(self, keys: Any, version: int | None = None) -> dict[str, Any]:
        return _guarded(
            "get_many", lambda: super(ResilientRedisCache, self).get_many(keys, version), {}
        )

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return _guarded(
            "has_key", lambda: super(ResilientRedisCache, self).has_key(key, version), False
        )

    def set(
        self, key: Any, value: Any, timeout: Any = None, version: int | None = None, **kwargs: Any
    ) -> None:
        _guarded(
            "set", lambda: super(ResilientRedisCache, self).set(key, value, timeout, version), None
        )

    def set_many(
        self, data: Any, timeout: Any = None, version: int | None = None, **kwargs: Any
    ) -> list[Any]:
        return _guarded(
            "set_many",
            lambda: super(ResilientRedisCache, self).set_many(data, timeout, version),
            list(data),
        )

    def add(
        self, key: Any, value: Any, timeout: Any = None, version: int | None = None, **kwargs: Any
    ) -> bool:
        # False: "not added" — a nonce that cannot be spent is refused, a rate count is not kept.
        return _guarded(
            "add", lambda: super(ResilientRedisCache, self).add(key, value, timeout, version), False
        )

    def touch(
        self, key: Any, timeout: Any = None, version: int | None = None, **kwargs: Any
    ) -> bool:
        return _guarded(
            "touch", lambda: super(ResilientRedisCache, self).touch(key, timeout, version), False
        )

    def delete(self, key: Any, version: int | None = None) -> bool:
        return _guarded(
            "delete", lambda: super(ResilientRedisCache, self).delete(key, version), False
        )

    def delete_many(self, keys: Any, version: int | None = None) -> None:
        _guarded(
            "delete_many", lambda: super(ResilientRedisCache, self).delete_many(keys, version), None
        )

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        try:
            return super().incr(key, delta, version)
        except RedisError as error:
            logger.warning("cache unavailable: incr failed (%s)", type(error).__name__)
            # As for a missing key: the caller (a rate limit) keeps no count and fails closed.
            raise ValueError("cache unavailable") from None

    def clear(self) -> None:
        _guarded("clear", lambda: super(ResilientRedisCache, self).clear(), None)
