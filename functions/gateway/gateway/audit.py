"""The audit trail: one JSON record and one set of EMF metrics per request.

Each record is one JSON log line in Powertools Logger's shape (level, location,
message, timestamp, service, the X-Ray trace id when Lambda sets one, then the
`audit` object) followed by one line of CloudWatch embedded metric format (EMF),
both to an injected stream (stdout in Lambda, where CloudWatch picks them up).
They are written by hand rather than through Powertools' Logger and metrics
provider: those cost about 0.25 ms of CPU per request (logging records, formatter,
metric validation), more than the rest of the audit path; the two lines keep
their shape, so log queries and metric filters stay as they were. They are
written before the response ends: Lambda freezes the sandbox once the last byte is
out, so anything left for later may never happen.

A record holds facts, never content: ids, counts by type, the action taken,
timings and token counts. No prompt, answer, key or matched value ever enters
it, and every field is filled by the gateway, not copied from the caller
(an unknown model id is recorded as "unknown").
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, Any, Literal

Action = Literal[
    "allowed",
    "blocked_secret",
    "blocked_pii",
    "blocked_content",
    "policy_violation",
    "rate_limited",
    "unauthenticated",
    "forbidden",
    "invalid_request",
    "upstream_error",
    "client_disconnected",
    "error",
]

# Error codes and the action they stand for in the audit trail.
ACTION_BY_CODE: dict[str, Action] = {
    "secret_detected": "blocked_secret",
    "pii_detected": "blocked_pii",
    "unsupported_content": "blocked_content",
    "policy_violation": "policy_violation",
    "rate_limit_exceeded": "rate_limited",
    "invalid_api_key": "unauthenticated",
    "permission_denied": "forbidden",
    "model_not_allowed": "forbidden",
    "upstream_error": "upstream_error",
    "upstream_timeout": "upstream_error",
    "upstream_bad_request": "upstream_error",
    "provider_not_configured": "upstream_error",
    "client_disconnected": "client_disconnected",
}


@dataclass
class AuditRecord:
    request_id: str
    route: str
    started: float = field(default_factory=time.time)
    key_id: str | None = None
    workspace: str | None = None
    model: str | None = None
    provider: str | None = None
    stream: bool = False
    pii_mode: str | None = None
    pii_found: dict[str, int] = field(default_factory=dict)
    secrets_found: dict[str, int] = field(default_factory=dict)
    redacted: dict[str, int] = field(default_factory=dict)
    action: Action = "allowed"
    error_code: str | None = None
    status: int = 200
    upstream_status: int | None = None
    web_searches: int = 0
    first_byte_ms: float | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    total_tokens: int | None = None
    _t0: float = field(default_factory=time.monotonic, repr=False)
    _written: bool = field(default=False, repr=False)

    def describe_target(self, model: str, provider: str, workspace: str | None, stream: bool) -> None:
        self.model, self.provider, self.workspace, self.stream = model, provider, workspace, stream

    def close(
        self,
        *,
        usage: dict[str, int] | None,
        redacted: dict[str, int],
        web_searches: int,
        upstream_status: int | None,
        first_byte_at: float | None,
    ) -> None:
        """The answer-side facts, set once by the finish step."""
        self.redacted = dict(redacted)
        self.web_searches = web_searches
        if upstream_status is not None:
            self.upstream_status = upstream_status
        if first_byte_at is not None:
            self.first_byte_ms = round((first_byte_at - self._t0) * 1000, 2)
        for name in ("prompt_tokens", "completion_tokens", "total_tokens"):
            value = (usage or {}).get(name)
            if value is not None:
                setattr(self, name, value)

    def fail(self, status: int, code: str) -> None:
        self.status, self.error_code = status, code
        self.action = ACTION_BY_CODE.get(code, "invalid_request" if status < 500 else "error")

    def as_dict(self) -> dict[str, Any]:
        return {
            "request_id": self.request_id,
            "route": self.route,
            "key_id": self.key_id,
            "workspace": self.workspace,
            "model": self.model,
            "provider": self.provider,
            "stream": self.stream,
            "pii_mode": self.pii_mode,
            "pii_found": dict(self.pii_found),
            "secrets_found": dict(self.secrets_found),
            "redacted": dict(self.redacted),
            "action": self.action,
            "error_code": self.error_code,
            "status": self.status,
            "upstream_status": self.upstream_status,
            "web_searches": self.web_searches,
            "first_byte_ms": self.first_byte_ms,
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "total_tokens": self.total_tokens,
            "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(self.started)),
            "latency_ms": round((time.monotonic() - self._t0) * 1000, 2),
        }


class Auditor:
    """Writes audit records and their metrics; the stream and the clock are injected for tests."""

    def __init__(
        self,
        service: str,
        namespace: str,
        stream: IO[str] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._stream = stream or sys.stdout
        self._service = service
        self._namespace = namespace
        self._clock = clock

    def write(self, record: AuditRecord) -> None:
        """Write once; later calls for the same record do nothing."""
        if record._written:
            return
        record._written = True
        data = record.as_dict()
        now = self._clock()
        line: dict[str, Any] = {
            "level": "INFO",
            "location": "audit",
            "message": "audit",
            "timestamp": _powertools_time(now),
            "service": self._service,
        }
        trace = _xray_trace_id()
        if trace:
            line["xray_trace_id"] = trace
        line["audit"] = data
        self._stream.write(_dumps(line) + "\n" + _dumps(self._metrics(data, now)) + "\n")
        self._stream.flush()

    def _metrics(self, data: dict[str, Any], now: float) -> dict[str, Any]:
        # Dimensions are bounded: actions are a fixed set, types come from the detectors'
        # fixed list. Values are lists of floats, as Powertools writes them.
        values: dict[str, tuple[str, float]] = {
            "Requests": ("Count", 1.0),
            "LatencyMs": ("Milliseconds", float(data["latency_ms"])),
        }
        if data["action"] != "allowed":
            values["Blocked"] = ("Count", 1.0)
        if data["total_tokens"] is not None:
            values["Tokens"] = ("Count", float(data["total_tokens"]))
        for kind, count in data["pii_found"].items():
            values[f"Masked{kind}"] = ("Count", float(count))
        for kind, count in data["redacted"].items():
            values[f"Redacted{kind}"] = ("Count", float(count))
        emf: dict[str, Any] = {
            "_aws": {
                "Timestamp": int(now * 1000),
                "CloudWatchMetrics": [
                    {
                        "Namespace": self._namespace,
                        "Dimensions": [["action", "service"]],
                        "Metrics": [{"Name": name, "Unit": unit} for name, (unit, _) in values.items()],
                    }
                ],
            },
            "action": data["action"],
            "service": self._service,
        }
        emf.update((name, [value]) for name, (_, value) in values.items())
        return emf


def _dumps(value: dict[str, Any]) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _powertools_time(now: float) -> str:
    """Powertools Logger's default timestamp: `2026-11-28 09:52:58,885+0000` (UTC)."""
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(now)) + f",{int(now * 1000) % 1000:03d}+0000"


def _xray_trace_id() -> str | None:
    """The invocation's X-Ray trace id, as Powertools Logger adds it (the managed runtime sets
    `_X_AMZN_TRACE_ID` per invocation: `Root=1-...;Parent=...;Sampled=1`)."""
    header = os.environ.get("_X_AMZN_TRACE_ID")
    if not header:
        return None
    for part in header.split(";"):
        name, _, value = part.partition("=")
        if name == "Root":
            return value
    return None
