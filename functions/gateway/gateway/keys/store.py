"""API key records in DynamoDB: look up, create, revoke, list (item layout: `keys/record.py`).

The store is synchronous boto3 (the runtime ships it); async callers run it in a
worker thread. The client is injected, so tests hand in a client bound to moto.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from gateway.keys.format import NewKey
from gateway.keys.record import (
    KEY_HASH,
    PK,
    PK_PREFIX,
    REVOKED,
    KeyRecord,
    item_of,
    key_pk,
    record_of,
)

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient


class KeyStore:
    """Takes a client factory: boto3 is created on first use, not at import (cold start)."""

    def __init__(self, client_factory: Callable[[], DynamoDBClient], table: str) -> None:
        self._client_factory = client_factory
        self._table = table

    @property
    def _client(self) -> DynamoDBClient:
        return self._client_factory()

    def get(self, key_id: str) -> KeyRecord | None:
        response = self._client.get_item(
            TableName=self._table, Key={PK: {"S": key_pk(key_id)}}, ConsistentRead=True
        )
        return record_of(response.get("Item") or {})

    def put(
        self,
        key: NewKey,
        *,
        name: str,
        models: tuple[str, ...] = (),
        pii_floor: str | None = None,
        expires_at: int | None = None,
        rpm: int | None = None,
        tpd: int | None = None,
        now: float | None = None,
    ) -> KeyRecord:
        record = KeyRecord(
            key_id=key.key_id,
            key_hash=key.key_hash,
            name=name,
            created_at=int(now if now is not None else time.time()),
            expires_at=expires_at,
            models=tuple(sorted(set(models))),
            pii_floor=pii_floor,
            rpm=rpm,
            tpd=tpd,
        )
        self._client.put_item(
            TableName=self._table, Item=item_of(record), ConditionExpression=f"attribute_not_exists({PK})"
        )
        return record

    def revoke(self, key_id: str) -> bool:
        try:
            self._client.update_item(
                TableName=self._table,
                Key={PK: {"S": key_pk(key_id)}},
                UpdateExpression=f"SET {REVOKED} = :true",
                ConditionExpression=f"attribute_exists({KEY_HASH})",
                ExpressionAttributeValues={":true": {"BOOL": True}},
            )
        except self._client.exceptions.ConditionalCheckFailedException:
            return False
        return True

    def list(self) -> list[KeyRecord]:
        records: list[KeyRecord] = []
        paginator = self._client.get_paginator("scan")
        for page in paginator.paginate(
            TableName=self._table,
            FilterExpression=f"begins_with({PK}, :prefix)",
            ExpressionAttributeValues={":prefix": {"S": PK_PREFIX}},
        ):
            records.extend(r for r in map(record_of, page.get("Items", [])) if r is not None)
        return sorted(records, key=lambda r: r.created_at)
