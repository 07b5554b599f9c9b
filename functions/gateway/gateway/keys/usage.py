"""Per-key usage and limits, enforced across every Lambda instance by DynamoDB.

The counters live on the key's own item (`win_start`/`win_count` for the fixed
60-second request window, `tok_day`/`tok_count` for tokens per UTC day), so the
usual request costs exactly one conditional `UpdateItem` before the upstream call:
it counts the request, stamps last use, re-checks revocation and expiry, and
refuses when the minute or the day is used up. Only the first request of a new
minute needs a second update (to open the window), and a race between instances
opening the same window is settled by the conditions, never by reading first.
No separate counter items exist, so there is nothing for TTL to clean up.

Tokens are added after each answer (before a stream's `[DONE]`); a request is
admitted while the day's count is under the limit, so the last admitted answer
may take the count past it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gateway.keys.store import key_pk

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

_ACTIVE = (
    "attribute_exists(key_hash) AND revoked = :false"
    " AND (attribute_not_exists(expires_at) OR expires_at > :now)"
)
_UNDER_DAILY = "(attribute_not_exists(tok_day) OR tok_day <> :day OR tok_count < :tpd)"
_ATTEMPTS = 4


class KeyRevoked(Exception):
    """The key was revoked, expired or deleted since it was looked up."""


@dataclass
class LimitExceeded(Exception):
    limit: str  # "requests per minute" or "tokens per day"
    retry_after_s: int


class UsageCounter:
    def __init__(self, client_factory: Callable[[], DynamoDBClient], table: str) -> None:
        self._client_factory = client_factory
        self._table = table

    def admit(self, key_id: str, now: float, rpm: int, tpd: int) -> None:
        """Count one request if the key is active and under its limits; raise otherwise."""
        window = int(now) // 60 * 60
        day = int(now) // 86400
        values = {
            ":now": {"N": str(int(now))},
            ":one": {"N": "1"},
            ":false": {"BOOL": False},
            ":win": {"N": str(window)},
            ":rpm": {"N": str(rpm)},
            ":day": {"N": str(day)},
            ":tpd": {"N": str(tpd)},
        }
        same_window = {
            "UpdateExpression": "SET last_used_at = :now ADD request_count :one, win_count :one",
            "ConditionExpression": f"{_ACTIVE} AND {_UNDER_DAILY} AND win_start = :win AND win_count < :rpm",
        }
        new_window = {
            "UpdateExpression": "SET last_used_at = :now, win_start = :win, win_count = :one"
            " ADD request_count :one",
            "ConditionExpression": f"{_ACTIVE} AND {_UNDER_DAILY}"
            " AND (attribute_not_exists(win_start) OR win_start < :win)",
        }
        for _ in range(_ATTEMPTS):
            old = self._update(key_id, values, same_window)
            if old is None:
                return
            _refuse_if_over(old, now, window, day, rpm, tpd)
            old = self._update(key_id, values, new_window)
            if old is None:
                return
            _refuse_if_over(old, now, window, day, rpm, tpd)
            # Another instance opened this window between our two updates: go again.
        raise LimitExceeded("requests per minute", 1)

    def add_tokens(self, key_id: str, tokens: int, now: float) -> None:
        if tokens <= 0:
            return
        day = {":day": {"N": str(int(now) // 86400)}, ":n": {"N": str(tokens)}}
        same_day = {"UpdateExpression": "ADD tok_count :n", "ConditionExpression": "tok_day = :day"}
        new_day = {
            "UpdateExpression": "SET tok_day = :day, tok_count = :n",
            "ConditionExpression": "attribute_exists(key_hash)"
            " AND (attribute_not_exists(tok_day) OR tok_day < :day)",
        }
        for _ in range(_ATTEMPTS):
            if self._update(key_id, day, same_day) is None:
                return
            old = self._update(key_id, day, new_day)
            if old is None or "key_hash" not in old:
                return

    def _update(
        self, key_id: str, values: dict[str, Any], expression: dict[str, str]
    ) -> dict[str, Any] | None:
        """None when the update applied; the item as it was when the condition failed."""
        client = self._client_factory()
        named = set(re.findall(r":\w+", " ".join(expression.values())))
        used = {name: value for name, value in values.items() if name in named}
        try:
            client.update_item(
                TableName=self._table,
                Key={"pk": {"S": key_pk(key_id)}},
                ExpressionAttributeValues=used,
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
                **expression,  # type: ignore[arg-type]
            )
        except client.exceptions.ConditionalCheckFailedException as exc:
            item: dict[str, Any] = exc.response.get("Item", {})  # type: ignore[assignment]
            return item
        return None


def _num(item: dict[str, Any], name: str) -> int | None:
    value = item.get(name, {}).get("N")
    return int(value) if value is not None else None


def _refuse_if_over(old: dict[str, Any], now: float, window: int, day: int, rpm: int, tpd: int) -> None:
    expires = _num(old, "expires_at")
    if (
        "key_hash" not in old
        or old.get("revoked", {}).get("BOOL")
        or (expires is not None and expires <= now)
    ):
        raise KeyRevoked
    if _num(old, "tok_day") == day and (_num(old, "tok_count") or 0) >= tpd:
        raise LimitExceeded("tokens per day", (day + 1) * 86400 - int(now))
    if _num(old, "win_start") == window and (_num(old, "win_count") or 0) >= rpm:
        raise LimitExceeded("requests per minute", max(1, window + 60 - int(now)))
