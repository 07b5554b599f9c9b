"""The masked chat payload as a Bedrock Converse request (`POST /model/{id}/converse[-stream]`).

Spelled from `formats/turns.py`'s conversation: `system` text blocks, `text`, `image`, `toolUse`
and `toolResult` blocks, `inferenceConfig` (maxTokens, a temperature of at most 1,
stopSequences) and `toolConfig`. The model id travels in the URL, not the body. Converse has no
tool choice "none": a request that offers no tools but has calls in its history defines those
tools (Converse refuses history calls without a toolConfig) and leaves the choice to the model.
`top_p` is never sent (current Claude models refuse it together with a temperature); chat
fields without a Converse equivalent (`seed`, `n`, penalties, `response_format`, `user`) are
not sent. The model's own `upstream_params` (the catalog's) are added last.
"""

from __future__ import annotations

from typing import Any

from gateway.catalog import ModelSpec
from gateway.errors import UnsupportedContent
from gateway.formats.turns import Call, Image, Part, Result, Text, Tool, conversation

_IMAGE_FORMATS = {"image/png": "png", "image/jpeg": "jpeg", "image/gif": "gif", "image/webp": "webp"}


def converse_body(payload: dict[str, Any], spec: ModelSpec) -> dict[str, Any]:
    talk = conversation(payload)
    body: dict[str, Any] = {
        "messages": [
            {"role": turn.role, "content": [_block(part) for part in turn.parts]} for turn in talk.turns
        ]
    }
    if talk.system:
        body["system"] = [{"text": text} for text in talk.system]
    inference: dict[str, Any] = {}
    if talk.max_tokens:
        inference["maxTokens"] = talk.max_tokens
    if talk.temperature is not None:
        inference["temperature"] = min(1.0, float(talk.temperature))
    if talk.stop:
        inference["stopSequences"] = talk.stop
    if inference:
        body["inferenceConfig"] = inference
    tools = list(talk.tools) + [Tool(name, None, {"type": "object"}) for name in talk.calls_without_tools()]
    if tools:
        config: dict[str, Any] = {"tools": [_tool(tool) for tool in tools]}
        if isinstance(talk.tool_choice, tuple):
            config["toolChoice"] = {"tool": {"name": talk.tool_choice[1]}}
        elif talk.tool_choice in ("auto", "any") and talk.tools:
            config["toolChoice"] = {talk.tool_choice: {}}
        body["toolConfig"] = config
    body.update(spec.upstream_params)
    return body


def _tool(tool: Tool) -> dict[str, Any]:
    spec: dict[str, Any] = {"name": tool.name, "inputSchema": {"json": tool.schema}}
    if tool.description:
        spec["description"] = tool.description
    return {"toolSpec": spec}


def _block(part: Part) -> dict[str, Any]:
    if isinstance(part, Text):
        return {"text": part.text}
    if isinstance(part, Image):
        return {"image": _image(part)}
    if isinstance(part, Call):
        return {"toolUse": {"toolUseId": part.id, "name": part.name, "input": part.input}}
    return _result(part)


def _result(result: Result) -> dict[str, Any]:
    content = [_block(p) for p in result.parts if not isinstance(p, Text) or p.text]
    return {"toolResult": {"toolUseId": result.call_id, "content": content}}


def _image(image: Image) -> dict[str, Any]:
    image_format = _IMAGE_FORMATS.get(image.media_type or "")
    if image.data is None or image_format is None:
        raise UnsupportedContent("Bedrock takes images as PNG, JPEG, GIF or WebP data, not URLs.")
    return {"format": image_format, "source": {"bytes": image.data}}
