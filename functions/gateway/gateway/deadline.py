"""How long a request may take, whichever door it came through.

The overall deadline is the smallest of: the configured `GATEWAY_DEADLINE_S`; the
door's own cap minus a margin (API Gateway's HTTP API cuts integrations at 30 s);
and the Lambda invocation's remaining time, read from Mangum's context object or,
under the web adapter, from the `x-amzn-lambda-context` header. The margin leaves
time to send a proper error instead of being cut off mid-sentence.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

HTTP_API_CAP_S = 29.0
MARGIN_S = 1.0


def seconds_left(
    scope: Mapping[str, Any], headers: Mapping[str, str], configured_s: float, now_epoch: float
) -> float:
    """Seconds this request may still use, never less than one."""
    limits = [configured_s]
    event = scope.get("aws.event")
    if isinstance(event, dict) and _is_api_gateway(event):
        limits.append(HTTP_API_CAP_S)
    context = scope.get("aws.context")
    remaining_ms = getattr(context, "get_remaining_time_in_millis", None)
    if callable(remaining_ms):
        limits.append(remaining_ms() / 1000 - MARGIN_S)
    adapter_context = headers.get("x-amzn-lambda-context")
    if adapter_context:
        deadline_ms = _adapter_deadline_ms(adapter_context)
        if deadline_ms is not None:
            limits.append(deadline_ms / 1000 - now_epoch - MARGIN_S)
    return max(1.0, min(limits))


def _is_api_gateway(event: Mapping[str, Any]) -> bool:
    context = event.get("requestContext")
    if not isinstance(context, dict):
        return False
    domain = str(context.get("domainName", ""))
    return "apiId" in context and ".lambda-url." not in domain


def _adapter_deadline_ms(raw: str) -> float | None:
    try:
        context = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(context, dict):
        return None
    value = context.get("deadline", context.get("deadline_ms"))
    return float(value) if isinstance(value, (int, float)) else None
