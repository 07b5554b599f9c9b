"""API key records in DynamoDB: look up, create, revoke, list (item layout: `keys/record.py`).

The store speaks DynamoDB's JSON API through `gateway.aws.json_api`, in the event loop
(no worker thread, no boto3 in the serving process). The client factory is injected and
called on first use, so a missing region or credentials fails that call, not the import.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from gateway.aws.json_api import AwsError, AwsJson
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


class KeyStore:
    def __init__(self, client_factory: Callable[[], AwsJson], table: str) -> None:
        self._client_factory = client_factory
        self._table = table

    async def get(self, key_id: str) -> KeyRecord | None:
        response = await self._client_factory().call(
            "GetItem", {"TableName": self._table, "Key": {PK: {"S": key_pk(key_id)}}, "ConsistentRead": True}
        )
        return record_of(response.get("Item") or {})

    async def put(
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
        await self._client_factory().call(
            "PutItem",
            {
                "TableName": self._table,
                "Item": item_of(record),
                "ConditionExpression": f"attribute_not_exists({PK})",
            },
        )
        return record

    async def revoke(self, key_id: str) -> bool:
        try:
            await self._client_factory().call(
                "UpdateItem",
                {
                    "TableName": self._table,
                    "Key": {PK: {"S": key_pk(key_id)}},
                    "UpdateExpression": f"SET {REVOKED} = :true",
                    "ConditionExpression": f"attribute_exists({KEY_HASH})",
                    "ExpressionAttributeValues": {":true": {"BOOL": True}},
                },
            )
        except AwsError as exc:
            if exc.code != "ConditionalCheckFailedException":
                raise
            return False
        return True

    async def list(self) -> list[KeyRecord]:
        records: list[KeyRecord] = []
        request = {
            "TableName": self._table,
            "FilterExpression": f"begins_with({PK}, :prefix)",
            "ExpressionAttributeValues": {":prefix": {"S": PK_PREFIX}},
        }
        while True:
            page = await self._client_factory().call("Scan", request)
            records.extend(r for r in map(record_of, page.get("Items", [])) if r is not None)
            if not page.get("LastEvaluatedKey"):
                return sorted(records, key=lambda r: r.created_at)
            request = {**request, "ExclusiveStartKey": page["LastEvaluatedKey"]}
