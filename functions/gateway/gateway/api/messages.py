"""`POST /messages` and `/messages/count_tokens`: Anthropic's Messages API.

The official `anthropic` SDKs and Claude Code work by pointing their base URL at the
gateway (`ANTHROPIC_BASE_URL`; they append `/v1/messages`). Keys are accepted as
`x-api-key` or `Authorization: Bearer`; `anthropic-version` and `anthropic-beta` are
accepted and not forwarded (the gateway speaks one version of each provider's API). The
request is translated by `formats/anthropic/inbound.py` and walked like any other
(`pipeline/walk.py`); answers are written by `formats/anthropic/writer.py`, and errors take
Anthropic's shape (`formats/anthropic/errors.py`, chosen in `app.py`).

`count_tokens` (Claude Code's context meter) never leaves the gateway: sending the prompt
to a provider only to count it would be one more copy of it outside. It validates the body
like `messages` and answers an estimate, about four characters per token.
"""

from __future__ import annotations

import json
import math

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, StreamingResponse

from gateway.deps import ApiKeyDep, ServicesDep
from gateway.formats.anthropic.inbound import parse_messages_request
from gateway.formats.anthropic.writer import MessagesWriter
from gateway.pipeline.walk import Wire, walk
from gateway.targets import resolve

router = APIRouter()

MESSAGES = Wire(parse=parse_messages_request, writer=lambda prepared: MessagesWriter(prepared.chat.model))
CHARS_PER_TOKEN = 4


@router.post("/messages", response_model=None)
async def messages(request: Request) -> JSONResponse | StreamingResponse:
    return await walk(request, MESSAGES)


@router.post("/messages/count_tokens")
async def count_tokens(request: Request, key: ApiKeyDep, services: ServicesDep) -> dict[str, int]:
    chat = parse_messages_request(await request.body())
    resolve(services.catalog, services.policy, chat.model, key)
    size = sum(len(text) for text in chat.texts())
    size += sum(len(json.dumps(tool)) for tool in chat.tools or [])
    for message in chat.messages:
        size += sum(len(call.function.arguments) for call in message.tool_calls or [])
    return {"input_tokens": math.ceil(size / CHARS_PER_TOKEN)}
