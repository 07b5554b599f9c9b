"""What each file in events/ must produce, as a table: one row per event file.

`test_template.py` fails when an event file has no row here (or a row has no file),
so a new event cannot slip in untested. Prefixes say which door an event is for:
`httpapi-` ApiFunction (Mangum), `url-` and `rest-` StreamFunction (web adapter).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Expect:
    status: int
    # OpenAI error code, for error rows.
    error: str | None = None
    # Top-level JSON fields that must have these values.
    fields: dict[str, Any] = field(default_factory=dict)
    # A chat answer: "json" (chat.completion) or "sse" (text/event-stream ending in [DONE]).
    chat: str | None = None
    # The request must reach the fake upstream (exactly once); errors must not.
    upstream: bool = False
    # Model ids that must be listed (for /models).
    lists: tuple[str, ...] = ()


EXPECTED: dict[str, Expect] = {
    # ApiFunction behind the HTTP API
    "httpapi-health": Expect(200, fields={"status": "ok"}),
    "httpapi-models": Expect(200, fields={"object": "list"}, lists=("openai/gpt-4o-mini",)),
    "httpapi-models-v1-alias": Expect(200, fields={"object": "list"}, lists=("openai/gpt-4o-mini",)),
    "httpapi-model-by-id": Expect(200, fields={"id": "openai/gpt-4o-mini", "object": "model"}),
    "httpapi-model-by-id-raw-slash": Expect(200, fields={"id": "openai/gpt-4o-mini", "object": "model"}),
    "httpapi-chat": Expect(200, chat="json", upstream=True),
    # Mangum buffers, so the stream arrives whole, but it must still be a complete SSE stream.
    "httpapi-chat-stream": Expect(200, chat="sse", upstream=True),
    "httpapi-missing-auth": Expect(401, error="invalid_api_key"),
    "httpapi-bad-auth": Expect(401, error="invalid_api_key"),
    "httpapi-bad-json": Expect(400, error="invalid_request"),
    "httpapi-unknown-model": Expect(404, error="model_not_found"),
    "httpapi-unknown-route": Expect(404, error="not_found"),
    # GATEWAY_ENV=prod in the template: no interactive docs when deployed.
    "httpapi-docs-off": Expect(404, error="not_found"),
    "httpapi-root": Expect(404, error="not_found"),
    # Admin routes: the admin key (from the admin secret) lists keys; an API key gets 403.
    "httpapi-admin-keys": Expect(200, fields={"object": "list"}),
    "httpapi-admin-keys-user-key": Expect(403, error="permission_denied"),
    # StreamFunction behind its function URL
    "url-health": Expect(200, fields={"status": "ok"}),
    "url-models": Expect(200, fields={"object": "list"}, lists=("openai/gpt-4o-mini",)),
    "url-model-by-id": Expect(200, fields={"id": "openai/gpt-4o-mini", "object": "model"}),
    "url-chat": Expect(200, chat="json", upstream=True),
    "url-chat-stream": Expect(200, chat="sse", upstream=True),
    "url-bad-auth": Expect(401, error="invalid_api_key"),
    "url-bad-json": Expect(400, error="invalid_request"),
    # Admin routes are served only by ApiFunction (GATEWAY_ADMIN_ROUTES=false here),
    # so even the admin key finds nothing on the public URL.
    "url-admin-keys": Expect(404, error="not_found"),
    # StreamFunction behind the REST API (ResponseTransferMode: RESPONSE_STREAM)
    "rest-health": Expect(200, fields={"status": "ok"}),
    "rest-models": Expect(200, fields={"object": "list"}, lists=("openai/gpt-4o-mini",)),
    "rest-model-by-id": Expect(200, fields={"id": "openai/gpt-4o-mini", "object": "model"}),
    "rest-chat": Expect(200, chat="json", upstream=True),
    "rest-chat-stream": Expect(200, chat="sse", upstream=True),
    "rest-bad-auth": Expect(401, error="invalid_api_key"),
    "rest-bad-json": Expect(400, error="invalid_request"),
}


# Events made by `sam local generate-event` (samharness/build.py): AWS's shapes, with their
# extra headers, cookies, query strings and base64 bodies. None carries a key.
GENERATED: dict[str, Expect] = {
    "generated-httpapi-health": Expect(200, fields={"status": "ok"}),
    "generated-httpapi-models": Expect(401, error="invalid_api_key"),
    "generated-httpapi-default": Expect(404, error="not_found"),
    "generated-rest-health": Expect(200, fields={"status": "ok"}),
    "generated-rest-models": Expect(401, error="invalid_api_key"),
}
