"""Per-key limits enforced by DynamoDB conditional updates (moto over HTTP)."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import httpx
import pytest

from dev.aws import BlockingKeyStore
from gateway.aws.json_api import DYNAMODB, connect
from gateway.keys.format import generate_key
from gateway.keys.record import PK, TOK_COUNT, key_pk
from gateway.keys.usage import KeyRevoked, LimitExceeded, UsageCounter
from tests.conftest import AwsClients, Gateway
from tests.fakes.upstream import FakeUpstream

CHAT = {"model": "openai/gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]}


@pytest.fixture
def store(aws: AwsClients) -> BlockingKeyStore:
    from dev import aws as dev_aws

    dev_aws.create_table(aws.dynamodb)
    return BlockingKeyStore(aws.access, dev_aws.KEYS_TABLE)


T = TypeVar("T")


def run[T](make: Callable[[UsageCounter], Awaitable[T]], aws: AwsClients) -> T:
    """Run against moto with the lean async client, as the gateway does."""
    from dev import aws as dev_aws

    async def main() -> T:
        client = connect(aws.access, DYNAMODB)
        return await make(UsageCounter(lambda: client, dev_aws.KEYS_TABLE))

    return asyncio.run(main())


def test_concurrent_admits_lose_no_update(store: BlockingKeyStore, aws: AwsClients) -> None:
    key = generate_key()
    store.put(key, name="busy")
    now = time.time()

    async def many(usage: UsageCounter) -> Any:
        return await asyncio.gather(*(usage.admit(key.key_id, now, 1000, 10**9) for _ in range(40)))

    run(many, aws)
    record = store.get(key.key_id)
    assert record is not None and record.request_count == 40


def test_minute_limit_under_concurrency(store: BlockingKeyStore, aws: AwsClients) -> None:
    key = generate_key()
    store.put(key, name="limited")
    now = 1_800_000_030.0  # mid-minute: the window closes in 30 s

    async def attempt(usage: UsageCounter) -> str:
        try:
            await usage.admit(key.key_id, now, 5, 10**9)
        except LimitExceeded as exc:
            assert exc.limit == "requests per minute" and exc.retry_after_s == 30
            return "limited"
        return "ok"

    async def many(usage: UsageCounter) -> list[str]:
        outcomes = await asyncio.gather(*(attempt(usage) for _ in range(12)))
        await usage.admit(key.key_id, now + 60, 5, 10**9)  # the next minute opens a new window
        return list(outcomes)

    outcomes = run(many, aws)
    assert outcomes.count("ok") == 5 and outcomes.count("limited") == 7
    record = store.get(key.key_id)
    assert record is not None and record.request_count == 6


def test_tokens_per_day(store: BlockingKeyStore, aws: AwsClients) -> None:
    key = generate_key()
    store.put(key, name="tokens")
    now = 1_800_000_000.0

    async def day(usage: UsageCounter) -> None:
        await usage.admit(key.key_id, now, 100, 50)
        await usage.add_tokens(key.key_id, 30, now)
        await usage.admit(key.key_id, now + 1, 100, 50)
        await usage.add_tokens(key.key_id, 30, now + 1)
        with pytest.raises(LimitExceeded) as info:
            await usage.admit(key.key_id, now + 2, 100, 50)
        assert info.value.limit == "tokens per day" and info.value.retry_after_s > 0
        await usage.admit(key.key_id, now + 86400, 100, 50)  # a new UTC day

    run(day, aws)


def test_revoked_or_unknown(store: BlockingKeyStore, aws: AwsClients) -> None:
    key = generate_key()
    store.put(key, name="gone")
    store.revoke(key.key_id)

    async def refused(usage: UsageCounter) -> None:
        for key_id in (key.key_id, "ffffffffffff"):
            with pytest.raises(KeyRevoked):
                await usage.admit(key_id, time.time(), 5, 5)

    run(refused, aws)


def test_over_the_limit_is_a_429_with_retry_after(gateway: Gateway, upstream: FakeUpstream) -> None:
    key = generate_key()
    BlockingKeyStore(gateway.aws.access, gateway.settings.keys_table).put(key, name="rpm2", rpm=2)
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


# The usage update runs beside the request scan (pipeline/prepare.py); these pin what that
# overlap must keep from the sequential order.
CREDENTIAL = "Deploy with key AKIAZ7SQDF3KQWRTY2UV and secret Xq8vT2mLr9Pz4Nw7Kd1Bf6Hy3Jc5Gs0Ea9Ru2Mt now."


def _with_content(content: str) -> dict[str, Any]:
    return {**CHAT, "messages": [{"role": "user", "content": content}]}


def test_a_refusing_usage_update_answers_even_when_the_scan_refuses_too(
    gateway: Gateway, upstream: FakeUpstream
) -> None:
    key = generate_key()
    BlockingKeyStore(gateway.aws.access, gateway.settings.keys_table).put(key, name="rpm1", rpm=1)
    url = f"{gateway.api}/chat/completions"
    assert httpx.post(url, headers=gateway.headers(key.plaintext), json=CHAT).status_code == 200
    refused = httpx.post(url, headers=gateway.headers(key.plaintext), json=_with_content(CREDENTIAL))
    assert refused.status_code == 429 and refused.json()["error"]["code"] == "rate_limit_exceeded"
    assert len(upstream.received) == 1


def test_a_refusing_scan_after_an_admitted_update_is_the_scans_error(
    gateway: Gateway, upstream: FakeUpstream
) -> None:
    key = generate_key()
    store = BlockingKeyStore(gateway.aws.access, gateway.settings.keys_table)
    store.put(key, name="rpm5", rpm=5)
    url = f"{gateway.api}/chat/completions"
    refused = httpx.post(url, headers=gateway.headers(key.plaintext), json=_with_content(CREDENTIAL))
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "secret_detected"
    assert len(upstream.received) == 0
    record = store.get(key.key_id)
    assert record is not None and record.request_count == 1, "the update had completed, as it did before"


@pytest.mark.parametrize("stream", [False, True])
def test_tokens_are_counted_with_the_answer(gateway: Gateway, stream: bool) -> None:
    """The token update is sent before the answer's last byte and confirmed after it
    (`gateway.after_response`): the count is right once the request is over, which the
    caller sees shortly after the answer (the ordering itself is tests/lambda's)."""
    key = generate_key()
    BlockingKeyStore(gateway.aws.access, gateway.settings.keys_table).put(key, name="tokens")
    body = {**CHAT, "stream": stream, "stream_options": {"include_usage": True}} if stream else CHAT
    answer = httpx.post(f"{gateway.api}/chat/completions", headers=gateway.headers(key.plaintext), json=body)
    assert answer.status_code == 200
    if stream:
        usage = [e for e in answer.text.split("\n\n") if '"usage"' in e and '"total_tokens"' in e]
        total = json.loads(usage[-1].removeprefix("data: "))["usage"]["total_tokens"]
    else:
        total = answer.json()["usage"]["total_tokens"]

    def counted() -> int:
        item = gateway.aws.dynamodb.get_item(
            TableName=gateway.settings.keys_table, Key={PK: {"S": key_pk(key.key_id)}}, ConsistentRead=True
        )["Item"]
        return int(item[TOK_COUNT]["N"]) if TOK_COUNT in item else 0

    give_up = time.monotonic() + 10
    while counted() != total and time.monotonic() < give_up:
        time.sleep(0.02)
    assert total > 0 and counted() == total
