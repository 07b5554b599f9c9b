"""Per-key limits enforced by DynamoDB conditional updates (moto over HTTP)."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from gateway.keys.format import generate_key
from gateway.keys.store import KeyStore
from gateway.keys.usage import KeyRevoked, LimitExceeded, UsageCounter
from tests.conftest import AwsClients, Gateway
from tests.fakes.upstream import FakeUpstream

CHAT = {"model": "openai/gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]}


@pytest.fixture
def store(aws: AwsClients) -> KeyStore:
    from dev import aws as dev_aws

    dev_aws.create_table(aws.dynamodb)
    return KeyStore(lambda: aws.dynamodb, dev_aws.KEYS_TABLE)


@pytest.fixture
def usage(aws: AwsClients, store: KeyStore) -> UsageCounter:
    from dev import aws as dev_aws

    return UsageCounter(lambda: aws.dynamodb, dev_aws.KEYS_TABLE)


def test_concurrent_admits_lose_no_update(store: KeyStore, usage: UsageCounter) -> None:
    key = generate_key()
    store.put(key, name="busy")
    now = time.time()
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda _: usage.admit(key.key_id, now, 1000, 10**9), range(40)))
    record = store.get(key.key_id)
    assert record is not None and record.request_count == 40


def test_minute_limit_under_concurrency(store: KeyStore, usage: UsageCounter) -> None:
    key = generate_key()
    store.put(key, name="limited")
    now = 1_800_000_030.0  # mid-minute: the window closes in 30 s

    def attempt(_: int) -> str:
        try:
            usage.admit(key.key_id, now, 5, 10**9)
        except LimitExceeded as exc:
            assert exc.limit == "requests per minute" and exc.retry_after_s == 30
            return "limited"
        return "ok"

    with ThreadPoolExecutor(8) as pool:
        outcomes = list(pool.map(attempt, range(12)))
    assert outcomes.count("ok") == 5 and outcomes.count("limited") == 7
    record = store.get(key.key_id)
    assert record is not None and record.request_count == 5
    usage.admit(key.key_id, now + 60, 5, 10**9)  # the next minute opens a new window


def test_tokens_per_day(store: KeyStore, usage: UsageCounter) -> None:
    key = generate_key()
    store.put(key, name="tokens")
    now = 1_800_000_000.0
    usage.admit(key.key_id, now, 100, 50)
    usage.add_tokens(key.key_id, 30, now)
    usage.admit(key.key_id, now + 1, 100, 50)
    usage.add_tokens(key.key_id, 30, now + 1)
    with pytest.raises(LimitExceeded) as info:
        usage.admit(key.key_id, now + 2, 100, 50)
    assert info.value.limit == "tokens per day" and info.value.retry_after_s > 0
    usage.admit(key.key_id, now + 86400, 100, 50)  # a new UTC day


def test_revoked_or_unknown(store: KeyStore, usage: UsageCounter) -> None:
    key = generate_key()
    store.put(key, name="gone")
    store.revoke(key.key_id)
    with pytest.raises(KeyRevoked):
        usage.admit(key.key_id, time.time(), 5, 5)
    with pytest.raises(KeyRevoked):
        usage.admit("ffffffffffff", time.time(), 5, 5)


def test_over_the_limit_is_a_429_with_retry_after(gateway: Gateway, upstream: FakeUpstream) -> None:
    key = generate_key()
    KeyStore(lambda: gateway.aws.dynamodb, gateway.settings.keys_table).put(key, name="rpm2", rpm=2)
    url = f"{gateway.api}/chat/completions"
    statuses = [httpx.post(url, headers=gateway.headers(key.plaintext), json=CHAT) for _ in range(3)]
    assert [r.status_code for r in statuses[:2]] == [200, 200]
    limited = statuses[2]
    error = limited.json()["error"]
    assert (
        limited.status_code == 429
        and error["type"] == "rate_limit_error"
        and error["code"] == "rate_limit_exceeded"
    )
    assert 1 <= int(limited.headers["retry-after"]) <= 60
    assert len(upstream.received) == 2
