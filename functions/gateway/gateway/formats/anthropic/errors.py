"""The gateway's errors in Anthropic's shape, for the Messages route.

Anthropic's SDKs and Claude Code read `{"type": "error", "error": {"type", "message"}}`, with
Anthropic's error types. The gateway's own `code` (and `param`) ride along inside `error`, so a
caller that looks for `secret_detected` or `pii_detected` finds them on every route.
"""

from __future__ import annotations

from typing import Any

from gateway.errors import GatewayError

_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    405: "invalid_request_error",
    413: "request_too_large",
    429: "rate_limit_error",
    504: "timeout_error",
}


def error_body(error: GatewayError) -> dict[str, Any]:
    kind = _TYPES.get(error.status, "api_error")
    return {
        "type": "error",
        "error": {"type": kind, "message": error.message, "code": error.code, "param": error.param},
    }
