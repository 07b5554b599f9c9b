"""The audit trail: one JSON record and one set of EMF metrics per request.

Records go through Powertools Logger and metrics through Powertools' EMF
provider, both to an injected stream (stdout in Lambda, where CloudWatch picks
them up). They are written before the response ends: Lambda freezes the sandbox
once the last byte is out, so anything left for later may never happen.

A record holds facts, never content: ids, counts by type, the action taken,
timings and token counts. No prompt, answer, key or matched value ever enters
it, and every field is filled by the gateway, not copied from the caller
(an unknown model id is recorded as "unknown").
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import asdict, dataclass, field
from typing import IO, Any, Literal

from aws_lambda_powertools import Logger
from aws_lambda_powertools.metrics import EphemeralMetrics, MetricUnit

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
        data = asdict(self)
        data.pop("_t0")
        data.pop("_written")
        data["time"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(data.pop("started")))
        data["latency_ms"] = round((time.monotonic() - self._t0) * 1000, 2)
        return data


class Auditor:
    """Writes audit records and their metrics; the stream is injected for tests."""

    def __init__(self, service: str, namespace: str, stream: IO[str] | None = None) -> None:
        self._stream = stream or sys.stdout
        self._logger = Logger(service=service, stream=self._stream, level="INFO", utc=True)
        self._metrics = EphemeralMetrics(namespace=namespace, service=service)

    def write(self, record: AuditRecord) -> None:
        """Write once; later calls for the same record do nothing."""
        if record._written:
            return
        record._written = True
        data = record.as_dict()
        self._logger.info("audit", extra={"audit": data})
        self._emit_metrics(data)

    def _emit_metrics(self, data: dict[str, Any]) -> None:
        # Dimensions are bounded: actions are a fixed set, models come from the
        # catalog ("unknown" otherwise), types from the detectors' fixed list.
        metrics = self._metrics
        metrics.add_dimension(name="action", value=data["action"])
        metrics.add_metric(name="Requests", unit=MetricUnit.Count, value=1)
        metrics.add_metric(name="LatencyMs", unit=MetricUnit.Milliseconds, value=data["latency_ms"])
        if data["action"] != "allowed":
            metrics.add_metric(name="Blocked", unit=MetricUnit.Count, value=1)
        if data["total_tokens"] is not None:
            metrics.add_metric(name="Tokens", unit=MetricUnit.Count, value=data["total_tokens"])
        for kind, count in data["pii_found"].items():
            metrics.add_metric(name=f"Masked{kind}", unit=MetricUnit.Count, value=count)
        for kind, count in data["redacted"].items():
            metrics.add_metric(name=f"Redacted{kind}", unit=MetricUnit.Count, value=count)
        self._stream.write(json.dumps(metrics.serialize_metric_set(), separators=(",", ":")) + "\n")
        self._stream.flush()
        metrics.clear_metrics()
