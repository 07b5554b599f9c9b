"""Creating the gateway's AWS resources in moto, the way template.yaml does in AWS.

`make dev`, the tests and the benchmarks all seed moto through these functions,
so the table schema and secret shapes live in one place outside the template.
"""

from __future__ import annotations

import asyncio
import functools
import json
import secrets
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from gateway.aws.access import AwsAccess
from gateway.aws.json_api import DYNAMODB, connect
from gateway.aws.sigv4 import Credentials
from gateway.keys.format import NewKey, from_plaintext, generate_key
from gateway.keys.record import EXPIRES_AT, PK, KeyRecord
from gateway.keys.store import KeyStore

PROVIDERS_SECRET = "secure-ai-gateway/providers"
ADMIN_SECRET = "secure-ai-gateway/admin"
KEYS_TABLE = "secure-ai-gateway-keys"


@dataclass(frozen=True)
class Seeded:
    api_key: NewKey
    admin_key: str


# moto takes any credentials; these sign the gateway's own calls to it.
MOTO_CREDENTIALS = Credentials("testing", "testing")
REGION = "us-east-1"


def moto_access(endpoint: str, region: str = REGION) -> AwsAccess:
    """The gateway's AWS settings (`Settings.aws`) for the moto at `endpoint`."""
    return AwsAccess(region=region, credentials=lambda: MOTO_CREDENTIALS, endpoint_url=endpoint)


def access_of(client: Any) -> AwsAccess:
    """The gateway's AWS settings for the moto a boto3 client points at."""
    return moto_access(client.meta.endpoint_url, client.meta.region_name or REGION)


class BlockingKeyStore:
    """The gateway's `KeyStore` for synchronous callers (seeding, tests, the SAM harness):
    each call runs in an event loop of its own, on connections of its own."""

    def __init__(self, access: AwsAccess, table: str = KEYS_TABLE) -> None:
        self._access = access
        self._table = table

    def get(self, key_id: str) -> KeyRecord | None:
        return self._run(lambda store: store.get(key_id))

    def put(self, key: NewKey, **fields: Any) -> KeyRecord:
        return self._run(lambda store: store.put(key, **fields))

    def revoke(self, key_id: str) -> bool:
        return self._run(lambda store: store.revoke(key_id))

    def _run[T](self, call: Callable[[KeyStore], Awaitable[T]]) -> T:
        async def main() -> T:
            return await call(KeyStore(functools.cache(lambda: connect(self._access, DYNAMODB)), self._table))

        return asyncio.run(main())


def create_table(dynamodb: Any, name: str = KEYS_TABLE) -> None:
    dynamodb.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": PK, "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": PK, "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    dynamodb.update_time_to_live(
        TableName=name,
        TimeToLiveSpecification={"Enabled": True, "AttributeName": EXPIRES_AT},
    )


def create_secrets(secretsmanager: Any, provider_keys: Mapping[str, str], admin_key: str) -> None:
    secretsmanager.create_secret(Name=PROVIDERS_SECRET, SecretString=json.dumps(dict(provider_keys)))
    secretsmanager.create_secret(Name=ADMIN_SECRET, SecretString=admin_key)


def seed(
    dynamodb: Any,
    secretsmanager: Any,
    *,
    provider_keys: Mapping[str, str],
    api_key: str | None = None,
    admin_key: str | None = None,
    table: str = KEYS_TABLE,
    items: list[dict[str, Any]] | None = None,
) -> Seeded:
    """Table, secrets and one API key; chosen keys are used as given, else random.

    `items` restores a table saved earlier (`make dev`'s state); the API key is
    added only when it is not among them.
    """
    create_table(dynamodb, table)
    admin = admin_key or secrets.token_urlsafe(32)
    create_secrets(secretsmanager, provider_keys, admin)
    put_items(dynamodb, items or [], table)
    key = from_plaintext(api_key) if api_key else generate_key()
    store = BlockingKeyStore(access_of(dynamodb), table)
    if store.get(key.key_id) is None:
        store.put(key, name="dev")
    return Seeded(api_key=key, admin_key=admin)


def table_items(dynamodb: Any, table: str = KEYS_TABLE) -> list[dict[str, Any]]:
    """Every item of the keys table (keys with their usage counters), as DynamoDB JSON."""
    items: list[dict[str, Any]] = []
    for page in dynamodb.get_paginator("scan").paginate(TableName=table, ConsistentRead=True):
        items.extend(page.get("Items", []))
    return items


def put_items(dynamodb: Any, items: list[dict[str, Any]], table: str = KEYS_TABLE) -> None:
    for item in items:
        dynamodb.put_item(TableName=table, Item=item)
