"""The floors: the least a FastAPI proxy on the gateway's pool can do for one chat completion.

    python -m bench.floor_proxy --port 8001 --upstream http://127.0.0.1:8000/v1
    python -m bench.floor_proxy --port 8001 --upstream URL --dynamodb URL --key-id ID

One route, the gateway's own pooled client (`gateway.http_pool.new_pool`: same
client, limits and timeouts), the request body forwarded untouched with a provider key, the answer
returned as it came: read whole for JSON, relayed chunk by chunk for event
streams. No auth, no parsing, no validation, no guard. Whatever the gateway
spends above this is the gateway's own cost.

With `--dynamodb` (the second floor) it also makes the DynamoDB calls the gateway's
design asks for, through the gateway's own usage counter and DynamoDB client on the
same pool: the conditional usage/limit update before the provider call and the token
update sent before the answer's last byte (for a stream: before the chunk that carries
`[DONE]`), its reply awaited after that byte, as the gateway does
(`gateway.after_response`). Its tokens are the usage the provider reported. `GET /__floor`
reports how long its usage updates took as it waited for them: the round trip the latency
targets are stated in. The gap between the two
floors is what the design costs; the gap between the second floor and the gateway is
what the gateway's code costs.
"""

from __future__ import annotations

import argparse
import re
import time
from collections.abc import AsyncIterator

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import Response, StreamingResponse
from starlette.background import BackgroundTask

from gateway.after_response import AfterResponse
from gateway.eager import start_now
from gateway.http_pool import new_pool
from gateway.keys.usage import UsageCounter

_TOTAL_TOKENS = re.compile(rb'"total_tokens":\s*(\d+)')
_LIMIT = 10**9  # the gateway's bench limits: far above the load, but checked


def create_floor_app(
    upstream_base_url: str,
    http: httpx.AsyncClient,
    provider_key: str = "sk-floor",
    usage: tuple[UsageCounter, str] | None = None,
) -> FastAPI:
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    url = upstream_base_url.rstrip("/") + "/chat/completions"
    headers = {"content-type": "application/json", "authorization": f"Bearer {provider_key}"}

    admit_times: list[float] = []

    async def admit() -> None:
        if usage is not None:
            counter, key_id = usage
            began = time.perf_counter()
            await counter.admit(key_id, time.time(), _LIMIT, _LIMIT)
            admit_times.append(time.perf_counter() - began)

    @app.get("/__floor")
    async def observed() -> dict[str, float | None]:
        """The usage update as this process waited for it since the last call (p50, ms): one
        DynamoDB round trip as the caller pays it, client and stand-in included."""
        times, admit_times[:] = sorted(admit_times), []
        return {"calls": len(times), "usage_update_p50_ms": 1000 * times[len(times) // 2] if times else None}

    def add_tokens(seen: bytes, after: AfterResponse) -> None:
        """Send the token update now; `after` awaits its reply after the last byte."""
        found = _TOTAL_TOKENS.search(seen)
        if usage is not None and found:
            counter, key_id = usage
            after.add(start_now(counter.add_tokens(key_id, int(found.group(1)), time.time())))

    @app.post("/v1/chat/completions")
    async def chat(request: Request) -> Response:
        body = await request.body()
        await admit()
        upstream = await http.send(
            http.build_request("POST", url, content=body, headers=headers), stream=True
        )
        media_type = upstream.headers.get("content-type", "application/json")
        after = AfterResponse()
        background: BackgroundTask = after.background()
        if media_type.startswith("text/event-stream"):

            async def relay() -> AsyncIterator[bytes]:
                # One chunk held back, so the token update leaves before the last byte.
                held = b""
                try:
                    async for chunk in upstream.aiter_raw():
                        if held:
                            yield held
                        held = chunk
                finally:
                    await upstream.aclose()
                add_tokens(held, after)
                yield held

            return StreamingResponse(
                relay(), status_code=upstream.status_code, media_type=media_type, background=background
            )
        try:
            content = await upstream.aread()
        finally:
            await upstream.aclose()
        add_tokens(content, after)
        return Response(
            content, status_code=upstream.status_code, media_type=media_type, background=background
        )

    return app


def main() -> None:
    from bench.servers import serve, uvicorn_stack

    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--upstream", required=True)
    parser.add_argument("--dynamodb", help="DynamoDB endpoint: make the gateway's two updates per request")
    parser.add_argument("--key-id", help="the key whose item the updates count on (with --dynamodb)")
    parser.add_argument("--uvicorn", type=uvicorn_stack, help="LOOP,HTTP (default: as run.sh)")
    args = parser.parse_args()
    # The gateway's own pool constructor: the floor must use the same HTTP client.
    pool = new_pool(connect_timeout_s=5.0, idle_timeout_s=60.0)
    usage = None
    if args.dynamodb:
        usage = (_usage_counter(args.dynamodb, pool), args.key_id)
    app = create_floor_app(args.upstream, pool, usage=usage)
    serve(app, args.port, *([args.uvicorn] if args.uvicorn else []))


def _usage_counter(endpoint: str, pool: httpx.AsyncClient) -> UsageCounter:
    """The gateway's usage counter on its DynamoDB client and the same pool, as `build_services` makes it."""
    import functools

    from dev.aws import KEYS_TABLE, moto_access
    from gateway.aws.json_api import DYNAMODB, connect

    return UsageCounter(functools.cache(lambda: connect(moto_access(endpoint), DYNAMODB, pool)), KEYS_TABLE)


if __name__ == "__main__":
    main()
