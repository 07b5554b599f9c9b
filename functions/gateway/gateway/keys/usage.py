"""Per-key usage and limits, enforced across every Lambda instance by DynamoDB.

The counters live on the key's own item (`win_start`/`win_count` for the fixed
60-second request window, `tok_day`/`tok_count` for tokens per UTC day), so the
usual request costs exactly one conditional `UpdateItem` before the upstream call:
it counts the request, stamps last use, re-checks revocation and expiry, and
refuses when the minute or the day is used up. Only the first request of a new
minute needs a second update (to open the window), and a race between instances
opening the same window is settled by the conditions, never by reading first.
No separate counter items exist, so there is nothing for TTL to clean up.

Tokens are added after each answer (the update sent before the answer's last byte, its
reply awaited after it: `gateway.after_response`); a request is
admitted while the day's count is under the limit, so the last admitted answer
may take the count past it. Both calls go through the lean async client
(`gateway.aws.dynamodb`): they are on every request's path.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from gateway.aws.json_api import AwsError, AwsJson
from gateway.keys.record import (
    ACTIVE_CONDITION,
    KEY_HASH,
    LAST_USED_AT,
    PK,
    REQUEST_COUNT,
    TOK_COUNT,
    TOK_DAY,
    WIN_COUNT,
    WIN_START,
    key_pk,
    number,
    record_of,
)

_UNDER_DAILY = f"(attribute_not_exists({TOK_DAY}) OR {TOK_DAY} <> :day OR {TOK_COUNT} < :tpd)"
_SAME_WINDOW = {
    "UpdateExpression": f"SET {LAST_USED_AT} = :now ADD {REQUEST_COUNT} :one, {WIN_COUNT} :one",
    "ConditionExpression": f"{ACTIVE_CONDITION} AND {_UNDER_DAILY}"
    f" AND {WIN_START} = :win AND {WIN_COUNT} < :rpm",
}
_NEW_WINDOW = {
    "UpdateExpression": f"SET {LAST_USED_AT} = :now, {WIN_START} = :win, {WIN_COUNT} = :one"
    f" ADD {REQUEST_COUNT} :one",
    "ConditionExpression": f"{ACTIVE_CONDITION} AND {_UNDER_DAILY}"
    f" AND (attribute_not_exists({WIN_START}) OR {WIN_START} < :win)",
}
_SAME_DAY = {"UpdateExpression": f"ADD {TOK_COUNT} :n", "ConditionExpression": f"{TOK_DAY} = :day"}
_NEW_DAY = {
    "UpdateExpression": f"SET {TOK_DAY} = :day, {TOK_COUNT} = :n",
    "ConditionExpression": f"attribute_exists({KEY_HASH})"
    f" AND (attribute_not_exists({TOK_DAY}) OR {TOK_DAY} < :day)",
}
_ATTEMPTS = 4


class KeyRevoked(Exception):
    """The key was revoked, expired or deleted since it was looked up."""


@dataclass
class LimitExceeded(Exception):
    limit: str  # "requests per minute" or "tokens per day"
    retry_after_s: int


class UsageCounter:
    def __init__(self, client_factory: Callable[[], AwsJson], table: str) -> None:
        self._client_factory = client_factory
        self._table = table

    async def admit(self, key_id: str, now: float, rpm: int, tpd: int) -> None:
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
        for _ in range(_ATTEMPTS):
            for expression in (_SAME_WINDOW, _NEW_WINDOW):
                old = await self._update(key_id, values, expression)
                if old is None:
                    return
                _refuse_if_over(old, now, window, day, rpm, tpd)
            # Another instance opened this window between our two updates: go again.
        raise LimitExceeded("requests per minute", 1)

    async def add_tokens(self, key_id: str, tokens: int, now: float) -> None:
        if tokens <= 0:
            return
        values = {":day": {"N": str(int(now) // 86400)}, ":n": {"N": str(tokens)}}
        for _ in range(_ATTEMPTS):
            if await self._update(key_id, values, _SAME_DAY) is None:
                return
            old = await self._update(key_id, values, _NEW_DAY)
            if old is None or KEY_HASH not in old:
                return

    async def _update(
        self, key_id: str, values: dict[str, Any], expression: dict[str, str]
    ) -> dict[str, Any] | None:
        """None when the update applied; the item as it was when the condition failed."""
        named = _placeholders(expression["UpdateExpression"], expression["ConditionExpression"])
        try:
            await self._client_factory().call(
                "UpdateItem",
                {
                    "TableName": self._table,
                    "Key": {PK: {"S": key_pk(key_id)}},
                    "ExpressionAttributeValues": {k: v for k, v in values.items() if k in named},
                    "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
                    **expression,
                },
            )
        except AwsError as exc:
            if exc.code != "ConditionalCheckFailedException":
                raise
            return exc.item
        return None


@functools.cache
def _placeholders(*expressions: str) -> frozenset[str]:
    """The `:value` names the expressions use (DynamoDB refuses unused ones)."""
    return frozenset(re.findall(r":\w+", " ".join(expressions)))


def _refuse_if_over(old: dict[str, Any], now: float, window: int, day: int, rpm: int, tpd: int) -> None:
    """Why the update's condition failed, read from the item as it was."""
    record = record_of(old)
    if record is None or not record.is_active(now):
        raise KeyRevoked
    if number(old, TOK_DAY) == day and (number(old, TOK_COUNT) or 0) >= tpd:
        raise LimitExceeded("tokens per day", (day + 1) * 86400 - int(now))
    if number(old, WIN_START) == window and (number(old, WIN_COUNT) or 0) >= rpm:
        raise LimitExceeded("requests per minute", max(1, window + 60 - int(now)))
