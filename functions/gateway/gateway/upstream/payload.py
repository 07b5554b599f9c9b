"""Building the body we send upstream from a validated request.

Only declared fields are copied, so unknown fields a client adds never leave the
gateway; the catalog decides which of those the model accepts.
"""

from __future__ import annotations

from typing import Any

from gateway.catalog import ModelSpec
from gateway.schemas import FORWARDED_FIELDS, ChatCompletionRequest, Message

DEFAULT_PERSONA = (
    "You are a helpful assistant reached through the Secure AI Gateway. Some values in "
    "the conversation may appear as placeholders of the form [REDACTED_<TYPE>_<n>]; treat each "
    "as the value it stands for and repeat it exactly when you need to refer to it."
)


def build_payload(
    request: ChatCompletionRequest,
    spec: ModelSpec,
    *,
    persona: str = DEFAULT_PERSONA,
    guideline: str | None = None,
) -> dict[str, Any]:
    """The upstream body. `persona` is the default system prompt (a workspace's, or
    ours); the request's `system` field or its own system message replaces it. The
    policy's `guideline` is appended to whichever system prompt is used."""
    messages: list[dict[str, Any]] = []
    if request.system is not None:
        messages.append({"role": "system", "content": request.system})
    elif not request.has_custom_system_prompt():
        messages.append({"role": "system", "content": persona})
    messages.extend(_message(m) for m in request.messages)
    if guideline:
        _append_guideline(messages, guideline)

    payload: dict[str, Any] = {"model": spec.upstream_model, "messages": messages}
    for name in FORWARDED_FIELDS:
        value = getattr(request, name)
        if value is not None and name not in spec.drop_params:
            payload[name] = value
    if request.stream:
        payload["stream"] = True
        # Always ask for usage: limits and the audit record need the token counts.
        payload["stream_options"] = {"include_usage": True}
    return payload


def _append_guideline(messages: list[dict[str, Any]], guideline: str) -> None:
    first = messages[0]
    if first["role"] in ("system", "developer") and isinstance(first["content"], str):
        first["content"] = f"{first['content']}\n\n{guideline}"
    else:
        messages.insert(0, {"role": "system", "content": guideline})


def _message(message: Message) -> dict[str, Any]:
    out: dict[str, Any] = {"role": message.role}
    content = message.content
    if isinstance(content, list):
        out["content"] = [part.model_dump(exclude_none=True) for part in content]
    else:
        out["content"] = content
    if message.name is not None:
        out["name"] = message.name
    if message.tool_calls:
        out["tool_calls"] = [
            {
                "id": call.id,
                "type": call.type,
                "function": {"name": call.function.name, "arguments": call.function.arguments},
            }
            for call in message.tool_calls
        ]
    if message.tool_call_id is not None:
        out["tool_call_id"] = message.tool_call_id
    return out
