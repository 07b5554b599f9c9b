"""Every error class renders as a complete OpenAI error, as DESIGN §4 tabulates."""

import pytest

from gateway import errors

EXPECTED = {
    "InvalidRequest": (400, "invalid_request_error", "invalid_request"),
    "UnsupportedContent": (400, "invalid_request_error", "unsupported_content"),
    "SecretDetected": (400, "invalid_request_error", "secret_detected"),
    "PiiDetected": (400, "invalid_request_error", "pii_detected"),
    "PolicyViolation": (400, "invalid_request_error", "policy_violation"),
    "UpstreamBadRequest": (400, "invalid_request_error", "upstream_bad_request"),
    "InvalidApiKey": (401, "authentication_error", "invalid_api_key"),
    "PermissionDenied": (403, "permission_error", "permission_denied"),
    "ModelNotAllowed": (403, "permission_error", "model_not_allowed"),
    "ModelNotFound": (404, "invalid_request_error", "model_not_found"),
    "NotFound": (404, "invalid_request_error", "not_found"),
    "MethodNotAllowed": (405, "invalid_request_error", "method_not_allowed"),
    "RequestTooLarge": (413, "invalid_request_error", "request_too_large"),
    "RateLimited": (429, "rate_limit_error", "rate_limit_exceeded"),
    "ClientDisconnected": (499, "invalid_request_error", "client_disconnected"),
    "ScannerError": (500, "server_error", "scanner_error"),
    "InternalError": (500, "server_error", "internal_error"),
    "UpstreamError": (502, "server_error", "upstream_error"),
    "ProviderNotConfigured": (503, "server_error", "provider_not_configured"),
    "UpstreamTimeout": (504, "server_error", "upstream_timeout"),
}


def all_subclasses() -> set[type[errors.GatewayError]]:
    found, todo = set(), [errors.GatewayError]
    while todo:
        for sub in todo.pop().__subclasses__():
            found.add(sub)
            todo.append(sub)
    return found


def test_every_subclass_has_a_documented_mapping() -> None:
    assert {cls.__name__ for cls in all_subclasses()} == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_mapping_and_body(name: str) -> None:
    cls = getattr(errors, name)
    error = cls("message for the caller", param="messages[0]")
    assert (cls.status, cls.type, cls.code) == EXPECTED[name]
    assert error.body() == {
        "error": {
            "message": "message for the caller",
            "type": cls.type,
            "param": "messages[0]",
            "code": cls.code,
        }
    }
