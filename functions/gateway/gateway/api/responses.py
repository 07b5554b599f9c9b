"""`POST /responses`: the OpenAI Responses API (stateless), walked by `pipeline/walk.py`.

`client.responses.create` of the openai SDKs (and Codex) works by pointing `base_url` here;
the request is translated by `formats/responses/inbound.py`, the answer written by
`formats/responses/writer.py`. Errors keep OpenAI's shape, as on chat completions.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, StreamingResponse

from gateway.formats.responses.inbound import parse_responses_request
from gateway.formats.responses.writer import ResponsesWriter
from gateway.pipeline.walk import Wire, walk

router = APIRouter()

RESPONSES = Wire(parse=parse_responses_request, writer=lambda prepared: ResponsesWriter(prepared.chat.model))


@router.post("/responses", response_model=None)
async def responses(request: Request) -> JSONResponse | StreamingResponse:
    return await walk(request, RESPONSES)
