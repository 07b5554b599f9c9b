"""The OpenAPI document as the gateway really behaves (served in dev at /openapi.json).

Routes read raw bodies (so every error can be OpenAI-shaped), which hides the
request bodies from FastAPI's generator, and FastAPI documents a 422 that the
gateway never sends. This fills in the request bodies from the same pydantic
models that validate them and documents the OpenAI-shaped errors instead, so
generated clients and fuzzers (tests/reliability/test_fuzz.py) see the truth.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel

from gateway.keys.issue import KeySpec
from gateway.schemas import ChatCompletionRequest

_ERROR_STATUSES = {
    "400": "Invalid request, blocked content (secret, PII, policy) or rejected by the provider",
    "401": "Missing, unknown, expired or revoked key",
    "403": "The key may not use this model or route",
    "404": "Unknown model or route",
    "413": "Request body too large",
    "429": "The key is over its limits (Retry-After set)",
    "500": "Scanner or gateway failure; nothing was sent upstream",
    "502": "The provider failed",
    "503": "No key configured for the provider (x-should-retry: false), or the key store is unreachable",
    "504": "The provider was too slow",
}
_ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["message", "type", "param", "code"],
            "properties": {
                "message": {"type": "string"},
                "type": {"type": "string"},
                "param": {"type": ["string", "null"]},
                "code": {"type": "string"},
            },
        }
    },
}
_BODIES: dict[tuple[str, str], type[BaseModel]] = {
    ("post", "/chat/completions"): ChatCompletionRequest,
    ("post", "/keys"): KeySpec,
}


def install(app: FastAPI) -> None:
    """Make `app.openapi()` return the corrected document (built once, on first use)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = _document(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _document(app: FastAPI) -> dict[str, Any]:
    document = get_openapi(title=app.title, version=app.version, routes=app.routes)
    schemas: dict[str, Any] = document.setdefault("components", {}).setdefault("schemas", {})
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    schemas["OpenAIError"] = _ERROR_SCHEMA
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/OpenAIError"}}}
    for path, methods in document.get("paths", {}).items():
        for method, operation in methods.items():
            responses = operation.setdefault("responses", {})
            responses.pop("422", None)
            for status, description in _ERROR_STATUSES.items():
                responses.setdefault(status, {"description": description, "content": error})
            model = next(
                (m for (verb, suffix), m in _BODIES.items() if verb == method and path.endswith(suffix)), None
            )
            if model is not None:
                operation["requestBody"] = _body(model, schemas)
    return document


def _body(model: type[BaseModel], schemas: dict[str, Any]) -> dict[str, Any]:
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(schema.pop("$defs", {}))
    schemas[model.__name__] = schema
    return {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{model.__name__}"}}},
    }
