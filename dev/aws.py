"""Creating the gateway's AWS resources in moto, the way template.yaml does in AWS.

`make dev`, the tests and the benchmarks all seed moto through these functions,
so the table schema and secret shapes live in one place outside the template.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from gateway.keys.format import NewKey, from_plaintext, generate_key
from gateway.keys.record import EXPIRES_AT, PK
from gateway.keys.store import KeyStore

PROVIDERS_SECRET = "secure-ai-gateway/providers"
ADMIN_SECRET = "secure-ai-gateway/admin"
KEYS_TABLE = "secure-ai-gateway-keys"


@dataclass(frozen=True)
class Seeded:
    api_key: NewKey
    admin_key: str


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
    store = KeyStore(lambda: dynamodb, table)
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
