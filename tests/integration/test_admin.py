"""The admin API: admin key only, keys shown once, listing without hashes, revocation."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from tests.conftest import ADMIN_KEY, Gateway
from tests.fakes.upstream import FakeUpstream

CHAT = {"model": "openai/gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]}


def admin(key: str = ADMIN_KEY) -> dict[str, str]:
    return {"authorization": f"Bearer {key}"}


def test_create_list_get_revoke(gateway: Gateway, upstream: FakeUpstream) -> None:
    created = httpx.post(
        f"{gateway.api}/keys",
        headers=admin(),
        json={
            "name": "bob",
            "models": ["grok/grok-beta", "openai/gpt-4o-mini"],
            "rpm": 10,
            "pii_floor": "block",
        },
    )
    assert created.status_code == 201
    body = created.json()
    key, key_id = body["key"], body["id"]
    assert key.startswith(f"sgw-{key_id}-") and body["models"] == ["openai/gpt-4o-mini", "xai/grok-beta"]
    assert (body["rpm"], body["pii_floor"], body["revoked"]) == (10, "block", False)

    assert (
        httpx.post(f"{gateway.api}/chat/completions", headers=gateway.headers(key), json=CHAT).status_code
        == 200
    )

    listed = httpx.get(f"{gateway.api}/keys", headers=admin())
    assert listed.status_code == 200 and key not in listed.text and "hash" not in listed.text
    row = next(r for r in listed.json()["data"] if r["id"] == key_id)
    assert row["request_count"] == 1 and row["last_used_at"] is not None

    shown = httpx.get(f"{gateway.api}/keys/{key_id}", headers=admin())
    assert shown.json()["name"] == "bob" and "key" not in shown.json()

    revoked = httpx.delete(f"{gateway.api}/keys/{key_id}", headers=admin())
    assert revoked.status_code == 200 and revoked.json()["revoked"] is True
    assert (
        httpx.post(f"{gateway.api}/chat/completions", headers=gateway.headers(key), json=CHAT).status_code
        == 401
    )


def test_admin_auth(gateway: Gateway) -> None:
    response = httpx.get(f"{gateway.api}/keys", headers=gateway.headers())
    assert response.status_code == 403 and response.json()["error"]["type"] == "permission_error"
    for headers in ({}, admin("wrong-admin-key"), {"authorization": ADMIN_KEY}):
        response = httpx.get(f"{gateway.api}/keys", headers=headers)
        assert response.status_code == 401 and response.json()["error"]["code"] == "invalid_api_key"
        assert ADMIN_KEY not in response.text


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({}, "name"),
        ({"name": ""}, "name"),
        ({"name": "x", "rpm": 0}, "rpm"),
        ({"name": "x", "pii_floor": "lenient"}, "pii_floor"),
        ({"name": "x", "models": ["acme/none"]}, "models"),
        ({"name": "x", "surprise": 1}, "surprise"),
    ],
)
def test_create_validation(gateway: Gateway, body: dict[str, object], param: str) -> None:
    response = httpx.post(f"{gateway.api}/keys", headers=admin(), json=body)
    assert response.status_code == 400 and response.json()["error"]["param"] == param


def test_unknown_ids(gateway: Gateway) -> None:
    for method in ("GET", "DELETE"):
        for key_id in ("ffffffffffff", "not-an-id"):
            response = httpx.request(method, f"{gateway.api}/keys/{key_id}", headers=admin())
            assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_admin_routes_can_be_switched_off(gateway_factory: Callable[..., Gateway]) -> None:
    gateway = gateway_factory(admin_routes=False)
    assert httpx.get(f"{gateway.api}/keys", headers=admin()).status_code == 404


def test_an_unreachable_key_store_is_a_503_on_every_admin_route(gateway: Gateway) -> None:
    """The admin key is read from Secrets Manager, the keys from DynamoDB: with the table gone,
    each route answers the documented 503 (worth a retry) and names nothing of the store."""
    from dev import aws as dev_aws

    gateway.aws.dynamodb.delete_table(TableName=dev_aws.KEYS_TABLE)
    calls = [
        httpx.post(
            f"{gateway.api}/keys", headers=admin(), json={"name": "carol", "models": ["openai/gpt-4o-mini"]}
        ),
        httpx.get(f"{gateway.api}/keys", headers=admin()),
        httpx.get(f"{gateway.api}/keys/0123456789ab", headers=admin()),
        httpx.delete(f"{gateway.api}/keys/0123456789ab", headers=admin()),
    ]
    for response in calls:
        assert response.status_code == 503, response.text
        error = response.json()["error"]
        assert (error["type"], error["code"]) == ("server_error", "key_store_unavailable")
        assert dev_aws.KEYS_TABLE not in response.text
