"""`POST /chat/completions`: the OpenAI chat-completions wire, walked by `pipeline/walk.py`."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, StreamingResponse

from gateway.pipeline.prepare import Prepared
from gateway.pipeline.render import ChatCompletionWriter
from gateway.pipeline.walk import Wire, walk
from gateway.validation import parse_chat_request

router = APIRouter()


def _writer(prepared: Prepared) -> ChatCompletionWriter:
    options = prepared.chat.stream_options
    return ChatCompletionWriter(
        prepared.chat.model,
        include_usage=bool(options and options.include_usage),
        extra=prepared.upstream_view(),
    )


CHAT_COMPLETIONS = Wire(parse=parse_chat_request, writer=_writer)


@router.post("/chat/completions", response_model=None)
async def chat_completions(request: Request) -> JSONResponse | StreamingResponse:
    return await walk(request, CHAT_COMPLETIONS)
