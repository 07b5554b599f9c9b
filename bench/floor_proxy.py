"""The floor: the least a FastAPI proxy on httpx can do for one chat completion.

One route, the gateway's own pooled client (`gateway.http_pool.new_pool`: same
client, limits and timeouts), the request body forwarded untouched with a provider key, the answer
returned as it came: read whole for JSON, relayed chunk by chunk for event
streams. No auth, no parsing, no validation, no guard. Whatever the gateway
spends above this is the gateway's own cost.

Run: python -m bench.floor_proxy --port 8001 --upstream http://127.0.0.1:8000/v1
"""

from __future__ import annotations

import argparse
from collections.abc import AsyncIterator

from fastapi import FastAPI, Request
from fastapi.responses import Response, StreamingResponse

from gateway.http_pool import new_pool


def create_floor_app(upstream_base_url: str, provider_key: str = "sk-floor") -> FastAPI:
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    # The gateway's own pool constructor: the floor must use the same HTTP client.
    http = new_pool(connect_timeout_s=5.0, idle_timeout_s=60.0)
    url = upstream_base_url.rstrip("/") + "/chat/completions"
    headers = {"content-type": "application/json", "authorization": f"Bearer {provider_key}"}

    @app.post("/v1/chat/completions")
    async def chat(request: Request) -> Response:
        body = await request.body()
        upstream = await http.send(
            http.build_request("POST", url, content=body, headers=headers), stream=True
        )
        media_type = upstream.headers.get("content-type", "application/json")
        if media_type.startswith("text/event-stream"):

            async def relay() -> AsyncIterator[bytes]:
                try:
                    async for chunk in upstream.aiter_raw():
                        yield chunk
                finally:
                    await upstream.aclose()

            return StreamingResponse(relay(), status_code=upstream.status_code, media_type=media_type)
        try:
            content = await upstream.aread()
        finally:
            await upstream.aclose()
        return Response(content, status_code=upstream.status_code, media_type=media_type)

    return app


def main() -> None:
    import uvicorn

    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--upstream", required=True)
    args = parser.parse_args()
    uvicorn.run(
        create_floor_app(args.upstream),
        host="127.0.0.1",
        port=args.port,
        log_level="warning",
        access_log=False,
        lifespan="off",
    )


if __name__ == "__main__":
    main()
