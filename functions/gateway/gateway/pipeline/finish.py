"""The last stage: tokens and the audit record, the same way for every ending.

A whole answer, a stream that ended (well or with an error event), a caller who
left mid-stream, and a request refused before any answer existed all end here:
`Outcome` says how the answer went, `finish` counts the tokens against the key
and writes the request's audit record. It runs before the response's last byte
(a stream's `[DONE]`): Lambda may freeze the sandbox as soon as that is out.

The token update is one DynamoDB round trip. A whole answer starts it as soon as
the usage is known (`count_tokens`), a stream when it ends: either way the update
has been sent before the last byte. Its reply is awaited after the last byte when the
route gives an `AfterResponse` (`gateway.after_response`), so the round trip is off
the answer's path; without one (an error, a caller who left), `finish` awaits it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field

from gateway.after_response import AfterResponse
from gateway.answers import Usage
from gateway.audit import Auditor, AuditRecord
from gateway.eager import start_now
from gateway.errors import ClientDisconnected, GatewayError
from gateway.keys.auth import Authenticator
from gateway.keys.record import KeyRecord

logger = logging.getLogger("gateway")


@dataclass
class Outcome:
    """How the answer went, as the relay (or an error before it) saw it."""

    usage: Usage | None = None
    error: GatewayError | None = None
    disconnected: bool = False  # the caller went away before the end
    upstream_status: int | None = None
    first_byte_at: float | None = None  # time.monotonic() when the first answer byte left
    redactions: dict[str, int] = field(default_factory=dict)
    web_searches: int = 0

    def mark_first_byte(self) -> None:
        if self.first_byte_at is None:
            self.first_byte_at = time.monotonic()


def count_tokens(
    authenticator: Authenticator | None, key: KeyRecord | None, usage: Usage | None
) -> asyncio.Task[None] | None:
    """Start adding the answer's tokens to the key's daily count; None when there is nothing
        to add. Started eagerly: the update has left before this returns (when a DynamoDB
        connection is idle), and whoever starts it must await it (now, or after the last byte
    through an `AfterResponse`)."""
    tokens = usage.total_tokens if usage else None
    if not tokens or authenticator is None or key is None:
        return None
    return start_now(_add_tokens(authenticator, key, tokens))


async def _add_tokens(authenticator: Authenticator, key: KeyRecord, tokens: int) -> None:
    try:
        await authenticator.add_tokens(key, tokens)
    except Exception as exc:  # counting must not turn a delivered answer into an error
        logger.error("token accounting failed: %s", type(exc).__name__)


async def finish(
    record: AuditRecord,
    outcome: Outcome,
    *,
    auditor: Auditor,
    authenticator: Authenticator | None = None,
    key: KeyRecord | None = None,
    tokens: asyncio.Task[None] | None = None,
    after: AfterResponse | None = None,
) -> None:
    """Count the tokens (when a key and usage are known) and write the audit record once.

    `tokens` is the update `count_tokens` already started for this answer, if any; with
    `after`, its reply is awaited after the response's last byte instead of now."""
    record.close(
        usage=outcome.usage.counts if outcome.usage else None,
        redacted=outcome.redactions,
        web_searches=outcome.web_searches,
        upstream_status=outcome.upstream_status,
        first_byte_at=outcome.first_byte_at,
    )
    if outcome.error is not None:
        record.fail(outcome.error.status, outcome.error.code)
        if outcome.error.upstream_status is not None:
            record.upstream_status = outcome.error.upstream_status
    elif outcome.disconnected:
        record.fail(ClientDisconnected.status, ClientDisconnected.code)
    if tokens is None:
        tokens = count_tokens(authenticator, key, outcome.usage)
    auditor.write(record)
    if tokens is not None:
        if after is None:
            await tokens
        else:
            after.add(tokens)
