"""A key's item in the DynamoDB keys table: its attribute names, its record, and "active".

One item per key, `pk = "key#<id>"`, holds the key's SHA-256, its settings, and
the usage counters `keys/usage.py` keeps on it. Every attribute name is written
here once; the store, the usage update and the dev tooling use these names.

"Active" is one rule with two forms that must agree: the Python predicate
(`is_active`) that the authenticator applies to a looked-up record, and the
DynamoDB condition (`ACTIVE_CONDITION`) that the per-request usage update applies
atomically, so a key revoked or expired between lookup and update is refused.
`tests/integration/test_key_record.py` runs both forms on the same items (in moto).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

PK = "pk"
PK_PREFIX = "key#"
KEY_ID = "key_id"
KEY_HASH = "key_hash"
NAME = "name"
CREATED_AT = "created_at"
REVOKED = "revoked"
EXPIRES_AT = "expires_at"
REQUEST_COUNT = "request_count"
LAST_USED_AT = "last_used_at"
MODELS = "models"
PII_FLOOR = "pii_floor"
RPM = "rpm"
TPD = "tpd"
# Usage counters (keys/usage.py): the fixed 60-second request window, tokens per UTC day.
WIN_START = "win_start"
WIN_COUNT = "win_count"
TOK_DAY = "tok_day"
TOK_COUNT = "tok_count"

# `:false` and `:now` are bound by whoever uses the condition.
ACTIVE_CONDITION = (
    f"attribute_exists({KEY_HASH}) AND {REVOKED} = :false"
    f" AND (attribute_not_exists({EXPIRES_AT}) OR {EXPIRES_AT} > :now)"
)


def key_pk(key_id: str) -> str:
    return f"{PK_PREFIX}{key_id}"


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
        """ACTIVE_CONDITION, in Python."""
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


def number(item: dict[str, Any], name: str) -> int | None:
    value = item.get(name, {}).get("N")
    return int(value) if value is not None else None


def record_of(item: dict[str, Any]) -> KeyRecord | None:
    """The record an item holds, or None when it holds no key (deleted, or never one)."""
    if KEY_HASH not in item:
        return None
    return KeyRecord(
        key_id=item[KEY_ID]["S"],
        key_hash=item[KEY_HASH]["S"],
        name=item.get(NAME, {}).get("S", ""),
        created_at=number(item, CREATED_AT) or 0,
        revoked=item.get(REVOKED, {}).get("BOOL", False),
        expires_at=number(item, EXPIRES_AT),
        request_count=number(item, REQUEST_COUNT) or 0,
        last_used_at=number(item, LAST_USED_AT),
        models=tuple(item.get(MODELS, {}).get("SS", ())),
        pii_floor=item.get(PII_FLOOR, {}).get("S"),
        rpm=number(item, RPM),
        tpd=number(item, TPD),
    )


def item_of(record: KeyRecord) -> dict[str, Any]:
    """The item a new key is stored as (no usage counters yet)."""
    item: dict[str, Any] = {
        PK: {"S": key_pk(record.key_id)},
        KEY_ID: {"S": record.key_id},
        KEY_HASH: {"S": record.key_hash},
        NAME: {"S": record.name},
        CREATED_AT: {"N": str(record.created_at)},
        REVOKED: {"BOOL": record.revoked},
        REQUEST_COUNT: {"N": str(record.request_count)},
    }
    if record.models:
        item[MODELS] = {"SS": sorted(set(record.models))}
    if record.pii_floor:
        item[PII_FLOOR] = {"S": record.pii_floor}
    for name, value in ((EXPIRES_AT, record.expires_at), (RPM, record.rpm), (TPD, record.tpd)):
        if value is not None:
            item[name] = {"N": str(value)}
    return item
