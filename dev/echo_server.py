"""The `local/echo` provider: a tiny OpenAI-compatible server for trying the gateway.

It answers every chat completion by repeating the last user message, word by
word when streaming, so a new user can see streaming, masking and restoring work
without any provider key. `make dev` starts it on loopback as its own process
(`python -m dev.echo_server --port N`); it is never deployed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from dev.processes import Child, exit_with_parent, start

WORD_DELAY_S = 0.03


def _last_user_text(body: dict[str, Any]) -> str:
    for message in reversed(body.get("messages") or []):
        if message.get("role") != "user":
            continue
        content = message.get("content")
        if isinstance(content, str):
            return content
        if isinstance(content, list):
            return " ".join(p.get("text", "") for p in content if isinstance(p, dict))
    return ""


def _usage(prompt: str, answer: str) -> dict[str, int]:
    prompt_tokens, completion_tokens = len(prompt.split()), len(answer.split())
    return {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion_tokens,
        "total_tokens": prompt_tokens + completion_tokens,
    }


async def chat_completions(request: Request) -> Response:
    body = await request.json()
    prompt = _last_user_text(body)
    answer = f"You said: {prompt}"
    completion_id = f"chatcmpl-echo-{uuid.uuid4().hex[:12]}"
    created = int(time.time())
    model = body.get("model", "echo")
    if not body.get("stream"):
        return JSONResponse(
            {
                "id": completion_id,
                "object": "chat.completion",
                "created": created,
                "model": model,
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": answer},
                        "finish_reason": "stop",
                    }
                ],
                "usage": _usage(prompt, answer),
            }
        )

    def chunk(delta: dict[str, Any], finish: str | None = None) -> bytes:
        payload = {
            "id": completion_id,
            "object": "chat.completion.chunk",
            "created": created,
            "model": model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        }
        return f"data: {json.dumps(payload)}\n\n".encode()

    async def events() -> AsyncIterator[bytes]:
        yield chunk({"role": "assistant", "content": ""})
        for i, word in enumerate(answer.split(" ")):
            await asyncio.sleep(WORD_DELAY_S)
            yield chunk({"content": word if i == 0 else " " + word})
        yield chunk({}, "stop")
        if (body.get("stream_options") or {}).get("include_usage"):
            usage = {
                "id": completion_id,
                "object": "chat.completion.chunk",
                "created": created,
                "model": model,
                "choices": [],
                "usage": _usage(prompt, answer),
            }
            yield f"data: {json.dumps(usage)}\n\n".encode()
        yield b"data: [DONE]\n\n"

    return StreamingResponse(events(), media_type="text/event-stream")


app = Starlette(routes=[Route("/v1/chat/completions", chat_completions, methods=["POST"])])


def start_echo(port: int) -> Child:
    """Start the echo provider as a child process (call `wait_ready` before use)."""
    return start("echo provider", "dev.echo_server", ["--port", str(port)], port=port)


def main() -> None:
    import uvicorn

    parser = argparse.ArgumentParser(prog="python -m dev.echo_server", description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    exit_with_parent()
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
