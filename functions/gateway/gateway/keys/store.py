"""API key records in DynamoDB.

One item per key, `pk = "key#<id>"`, holding the key's SHA-256 and its settings.
The store is synchronous boto3 (the runtime ships it); async callers run it in a
worker thread. The client is injected, so tests hand in a client bound to moto.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gateway.keys.format import NewKey

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient


@dataclass(frozen=True)
class KeyRecord:
    key_id: str
    key_hash: str
    name: str
    created_at: int
    revoked: bool = False
    expires_at: int | None = None
    request_count: int = 0
    last_used_at: int | None = None
    models: tuple[str, ...] = ()
    pii_floor: str | None = None
    rpm: int | None = None
    tpd: int | None = None

    def is_active(self, now: float) -> bool:
        return not self.revoked and (self.expires_at is None or now < self.expires_at)

    def public(self) -> dict[str, Any]:
        """What an administrator may see: everything but the hash."""
        return {
            "id": self.key_id,
            "object": "api_key",
            "name": self.name,
            "created": self.created_at,
            "revoked": self.revoked,
            "expires_at": self.expires_at,
            "request_count": self.request_count,
            "last_used_at": self.last_used_at,
            "models": list(self.models),
            "pii_floor": self.pii_floor,
            "rpm": self.rpm,
            "tpd": self.tpd,
        }


def key_pk(key_id: str) -> str:
    return f"key#{key_id}"


def _record(item: dict[str, Any]) -> KeyRecord:
    def num(name: str) -> int | None:
        value = item.get(name, {}).get("N")
        return int(value) if value is not None else None

    return KeyRecord(
        key_id=item["key_id"]["S"],
        key_hash=item["key_hash"]["S"],
        name=item.get("name", {}).get("S", ""),
        created_at=num("created_at") or 0,
        revoked=item.get("revoked", {}).get("BOOL", False),
        expires_at=num("expires_at"),
        request_count=num("request_count") or 0,
        last_used_at=num("last_used_at"),
        models=tuple(item.get("models", {}).get("SS", ())),
        pii_floor=item.get("pii_floor", {}).get("S"),
        rpm=num("rpm"),
        tpd=num("tpd"),
    )


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
            TableName=self._table, Key={"pk": {"S": key_pk(key_id)}}, ConsistentRead=True
        )
        item = response.get("Item")
        return _record(item) if item and "key_hash" in item else None

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
        created = int(now if now is not None else time.time())
        item: dict[str, Any] = {
            "pk": {"S": key_pk(key.key_id)},
            "key_id": {"S": key.key_id},
            "key_hash": {"S": key.key_hash},
            "name": {"S": name},
            "created_at": {"N": str(created)},
            "revoked": {"BOOL": False},
            "request_count": {"N": "0"},
        }
        if models:
            item["models"] = {"SS": sorted(set(models))}
        if pii_floor:
            item["pii_floor"] = {"S": pii_floor}
        if expires_at is not None:
            item["expires_at"] = {"N": str(expires_at)}
        for name_, value in (("rpm", rpm), ("tpd", tpd)):
            if value is not None:
                item[name_] = {"N": str(value)}
        self._client.put_item(
            TableName=self._table, Item=item, ConditionExpression="attribute_not_exists(pk)"
        )
        return _record(item)

    def revoke(self, key_id: str) -> bool:
        try:
            self._client.update_item(
                TableName=self._table,
                Key={"pk": {"S": key_pk(key_id)}},
                UpdateExpression="SET revoked = :true",
                ConditionExpression="attribute_exists(key_hash)",
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
            FilterExpression="begins_with(pk, :prefix)",
            ExpressionAttributeValues={":prefix": {"S": "key#"}},
        ):
            records.extend(_record(item) for item in page.get("Items", []))
        return sorted(records, key=lambda r: r.created_at)
