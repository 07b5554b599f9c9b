"""Checking a caller's key: cached lookup, constant-time comparison, usage update.

Lookups are cached in-process for `GATEWAY_KEY_CACHE_S` seconds, misses too, so a
flood of made-up keys costs no DynamoDB reads. The cache never decides alone: every
accepted request also runs the store's conditional usage update, which re-checks
revocation, so the documented revocation lag only applies to cached *misses*
(a key created while its id was cached as unknown).

When DynamoDB cannot be read or updated, the caller gets the documented 503
`key_store_unavailable` (worth a retry), never a bare 500; only the error's type
is logged, since AWS error messages can quote table ARNs and key ids.
"""

from __future__ import annotations

import hmac
import logging
import time
from collections import OrderedDict
from collections.abc import Callable

from gateway.errors import InvalidApiKey, KeyStoreUnavailable, RateLimited
from gateway.keys.format import hash_key, key_id_of
from gateway.keys.record import KeyRecord
from gateway.keys.store import KeyStore
from gateway.keys.usage import KeyRevoked, LimitExceeded, UsageCounter

logger = logging.getLogger("gateway.keys")

_MAX_CACHED = 10_000


class Authenticator:
    def __init__(
        self,
        store: KeyStore,
        usage: UsageCounter,
        *,
        cache_seconds: float,
        default_rpm: int,
        default_tpd: int,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self._store = store
        self._usage = usage
        self._default_rpm = default_rpm
        self._default_tpd = default_tpd
        self._ttl = cache_seconds
        self._clock = clock
        self._wall_clock = wall_clock
        self._cache: OrderedDict[str, tuple[float, KeyRecord | None]] = OrderedDict()

    async def authenticate(self, authorization: str | None) -> KeyRecord:
        """The active key behind an `Authorization` header; else 401."""
        plaintext = _bearer(authorization)
        key_id = key_id_of(plaintext) if plaintext else None
        if plaintext is None or key_id is None:
            raise InvalidApiKey(_MESSAGE)
        record = await self._lookup(key_id)
        presented = hash_key(plaintext)
        # compare_digest runs even when the record is missing, so timing does not
        # tell a caller whether the id exists.
        stored = record.key_hash if record else "0" * 64
        if not hmac.compare_digest(presented, stored) or record is None:
            raise InvalidApiKey(_MESSAGE)
        if not record.is_active(self._wall_clock()):
            raise InvalidApiKey(_MESSAGE)
        return record

    async def admit(self, record: KeyRecord) -> None:
        """Count the request before the upstream call: 401 if the key was revoked
        meanwhile, 429 with Retry-After when it is over a limit."""
        rpm = record.rpm or self._default_rpm
        tpd = record.tpd or self._default_tpd
        try:
            await self._usage.admit(record.key_id, self._wall_clock(), rpm, tpd)
        except KeyRevoked:
            self._cache.pop(record.key_id, None)
            raise InvalidApiKey(_MESSAGE) from None
        except LimitExceeded as exc:
            raise RateLimited(
                f"This API key is over its limit of {exc.limit}; retry after {exc.retry_after_s} s.",
                headers={"retry-after": str(exc.retry_after_s)},
            ) from None
        except Exception as exc:  # AwsError, OSError, TimeoutError, no credentials or region, ...
            raise store_unavailable("usage update", exc) from None

    async def add_tokens(self, record: KeyRecord, tokens: int) -> None:
        await self._usage.add_tokens(record.key_id, tokens, self._wall_clock())

    async def _lookup(self, key_id: str) -> KeyRecord | None:
        now = self._clock()
        cached = self._cache.get(key_id)
        if cached is not None and cached[0] > now:
            return cached[1]
        try:
            record = await self._store.get(key_id)
        except Exception as exc:  # AwsError, OSError, TimeoutError, no credentials or region, ...
            raise store_unavailable("key lookup", exc) from None
        self._cache[key_id] = (now + self._ttl, record)
        self._cache.move_to_end(key_id)
        while len(self._cache) > _MAX_CACHED:
            self._cache.popitem(last=False)
        return record


_MESSAGE = (
    "Incorrect or missing API key. Send 'Authorization: Bearer sgw-...' with a key issued by this gateway."
)


def store_unavailable(what: str, exc: Exception) -> KeyStoreUnavailable:
    """The documented 503 for a key store that did not answer; logs the error's type only."""
    logger.warning("%s failed: %s", what, type(exc).__name__)
    return KeyStoreUnavailable("The gateway could not reach its key store; retry in a moment.")


def _bearer(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, value = authorization.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return value.strip() or None
