"""The gateway's exceptions, each rendering as one OpenAI-shaped error.

    GatewayError
    ├── InvalidRequest            400 invalid_request_error / invalid_request (+ param)
    ├── UnsupportedContent        400 invalid_request_error / unsupported_content
    ├── SecretDetected            400 invalid_request_error / secret_detected
    ├── PiiDetected               400 invalid_request_error / pii_detected
    ├── PolicyViolation           400 invalid_request_error / policy_violation
    ├── UpstreamBadRequest        400 invalid_request_error / upstream_bad_request
    ├── InvalidApiKey             401 authentication_error / invalid_api_key
    ├── PermissionDenied          403 permission_error / permission_denied
    ├── ModelNotAllowed           403 permission_error / model_not_allowed
    ├── ModelNotFound             404 invalid_request_error / model_not_found
    ├── NotFound                  404 invalid_request_error / not_found
    ├── MethodNotAllowed          405 invalid_request_error / method_not_allowed
    ├── RequestTooLarge           413 invalid_request_error / request_too_large
    ├── RateLimited               429 rate_limit_error / rate_limit_exceeded (+ Retry-After)
    ├── ClientDisconnected        499 (never sent: the caller left) / client_disconnected
    ├── ScannerError              500 server_error / scanner_error
    ├── InternalError             500 server_error / internal_error
    ├── UpstreamError             502 server_error / upstream_error
    ├── ProviderNotConfigured     503 server_error / provider_not_configured (x-should-retry: false)
    ├── KeyStoreUnavailable       503 server_error / key_store_unavailable
    └── UpstreamTimeout           504 server_error / upstream_timeout

Messages are written for the caller and must never carry a key, a secret or a
personal value: the classes take counts, kinds and locations, not text.

`x-should-retry: false` is the header the official OpenAI SDKs read before their
own retry rules: a missing provider key stays missing however often the SDK asks,
so its three attempts would only triple the wait for the same 503.
"""

from __future__ import annotations

from typing import Any, ClassVar


class GatewayError(Exception):
    status: ClassVar[int] = 500
    type: ClassVar[str] = "server_error"
    code: ClassVar[str] = "internal_error"
    default_headers: ClassVar[dict[str, str]] = {}

    def __init__(
        self, message: str, *, param: str | None = None, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.param = param
        self.headers = {**self.default_headers, **(headers or {})}
        self.upstream_status: int | None = None  # the provider's status, for the audit record

    def body(self) -> dict[str, Any]:
        return {
            "error": {
                "message": self.message,
                "type": self.type,
                "param": self.param,
                "code": self.code,
            }
        }


class InvalidRequest(GatewayError):
    status, type, code = 400, "invalid_request_error", "invalid_request"


class UnsupportedContent(GatewayError):
    status, type, code = 400, "invalid_request_error", "unsupported_content"


class SecretDetected(GatewayError):
    status, type, code = 400, "invalid_request_error", "secret_detected"


class PiiDetected(GatewayError):
    status, type, code = 400, "invalid_request_error", "pii_detected"


class PolicyViolation(GatewayError):
    status, type, code = 400, "invalid_request_error", "policy_violation"


class UpstreamBadRequest(GatewayError):
    status, type, code = 400, "invalid_request_error", "upstream_bad_request"


class InvalidApiKey(GatewayError):
    status, type, code = 401, "authentication_error", "invalid_api_key"


class PermissionDenied(GatewayError):
    status, type, code = 403, "permission_error", "permission_denied"


class ModelNotAllowed(GatewayError):
    status, type, code = 403, "permission_error", "model_not_allowed"


class ModelNotFound(GatewayError):
    status, type, code = 404, "invalid_request_error", "model_not_found"


class NotFound(GatewayError):
    status, type, code = 404, "invalid_request_error", "not_found"


class MethodNotAllowed(GatewayError):
    status, type, code = 405, "invalid_request_error", "method_not_allowed"


class RequestTooLarge(GatewayError):
    status, type, code = 413, "invalid_request_error", "request_too_large"


class RateLimited(GatewayError):
    status, type, code = 429, "rate_limit_error", "rate_limit_exceeded"


class ClientDisconnected(GatewayError):
    """The caller left before the answer started; only the audit record sees this."""

    status, type, code = 499, "invalid_request_error", "client_disconnected"


class ScannerError(GatewayError):
    status, type, code = 500, "server_error", "scanner_error"


class InternalError(GatewayError):
    status, type, code = 500, "server_error", "internal_error"


class UpstreamError(GatewayError):
    status, type, code = 502, "server_error", "upstream_error"


class ProviderNotConfigured(GatewayError):
    status, type, code = 503, "server_error", "provider_not_configured"
    default_headers: ClassVar[dict[str, str]] = {"x-should-retry": "false"}


class KeyStoreUnavailable(GatewayError):
    """DynamoDB (keys, usage) could not be read or updated; worth a retry, unlike most 5xx here."""

    status, type, code = 503, "server_error", "key_store_unavailable"


class UpstreamTimeout(GatewayError):
    status, type, code = 504, "server_error", "upstream_timeout"
