"""The last stage: tokens and the audit record, the same way for every ending.

A whole answer, a stream that ended (well or with an error event), a caller who
left mid-stream, and a request refused before any answer existed all end here:
`Outcome` says how the answer went, `finish` counts the tokens against the key
and writes the request's audit record. It runs before the response's last byte
(a stream's `[DONE]`): Lambda may freeze the sandbox as soon as that is out.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

from gateway.answers import Usage
from gateway.audit import Auditor, AuditRecord
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


async def finish(
    record: AuditRecord,
    outcome: Outcome,
    *,
    auditor: Auditor,
    authenticator: Authenticator | None = None,
    key: KeyRecord | None = None,
) -> None:
    """Count the tokens (when a key and usage are known) and write the audit record once."""
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
    tokens = outcome.usage.total_tokens if outcome.usage else None
    if tokens and authenticator is not None and key is not None:
        try:
            await authenticator.add_tokens(key, tokens)
        except Exception as exc:  # counting must not turn a delivered answer into an error
            logger.error("token accounting failed: %s", type(exc).__name__)
    auditor.write(record)
