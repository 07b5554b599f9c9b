"""The processes `bench.overhead` and `bench.soak` measure, each started on its own as a child.

    python -m bench.servers upstream --port P [--chunks 50]
    python -m bench.servers gateway --port P --upstream URL --moto URL [--pii-floor MODE]
                                    [--uvicorn LOOP,HTTP] [--profile OUT.json]

`upstream` is the bench provider: an OpenAI-compatible echo (the answer repeats the
last user message, so a masked prompt comes back with its placeholders and the
gateway restores them), streamed as a role chunk, `--chunks` content chunks of
near-equal size, the stop chunk, the usage chunk and `[DONE]`. It is leaner than the
tests' `FakeUpstream` (no script, no recording): it shares a core with the load
generator and the DynamoDB stand-in.
`gateway` serves `create_app` built by `build_services` with its AWS clients bound to
the DynamoDB stand-in (`bench/ddb_standin.py`: moto behind a fixed round trip), so
every request pays the real auth path: the cached key lookup (`GetItem` on a miss), the
usage/limit `UpdateItem` and the token `UpdateItem`, all sent by the gateway's own
async client.
`--uvicorn` picks the event loop and HTTP parser (default: what `run.sh` uses).

`--profile` records CPU time per function across all threads (yappi with its CPU
clock; cProfile if yappi is missing) and writes it when the process gets SIGTERM.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
from typing import Any

import uvicorn

PROVIDER_KEYS = {
    "openai": "sk-bench-openai",
    "google": "bench-google",
    "xai": "xai-bench",
    "deepseek": "sk-bench-deepseek",
}


# What functions/gateway/run.sh runs uvicorn with (loop, http); a test keeps them equal.
RUN_SH_UVICORN = ("asyncio", "h11")


def serve(app: Any, port: int, uvicorn_stack: tuple[str, str] = RUN_SH_UVICORN) -> None:
    loop, http = uvicorn_stack
    uvicorn.run(
        app,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        access_log=False,
        lifespan="off",
        loop=loop,  # type: ignore[arg-type]
        http=http,  # type: ignore[arg-type]
        ws="none",  # as run.sh: no websocket library loaded
    )


def uvicorn_stack(text: str) -> tuple[str, str]:
    loop, _, http = text.partition(",")
    if loop not in ("asyncio", "uvloop") or http not in ("h11", "httptools"):
        raise argparse.ArgumentTypeError("expected LOOP,HTTP with LOOP asyncio|uvloop, HTTP h11|httptools")
    return loop, http


def provider_app(chunks: int) -> Any:
    """The bench provider: echo answers, streams of `chunks` content chunks."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response, StreamingResponse
    from starlette.routing import Route

    usage = {"prompt_tokens": 250, "completion_tokens": 250, "total_tokens": 500}

    async def chat(request: Request) -> Response:
        body = json.loads(await request.body())
        text = "echo: " + _last_user_text(body)
        head = {"id": "chatcmpl-bench", "created": 1, "model": body.get("model", "")}
        if not body.get("stream"):
            answer = {
                **head,
                "object": "chat.completion",
                "choices": [
                    {"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}
                ],
                "usage": usage,
            }
            return Response(json.dumps(answer), media_type="application/json")
        head["object"] = "chat.completion.chunk"

        def event(delta: dict[str, Any], finish: str | None = None) -> bytes:
            choice = {"index": 0, "delta": delta, "finish_reason": finish}
            return b"data: " + json.dumps({**head, "choices": [choice]}).encode() + b"\n\n"

        step = -(-len(text) // chunks)
        frames = [event({"role": "assistant", "content": ""})]
        frames += [event({"content": text[i : i + step]}) for i in range(0, len(text), step)]
        frames.append(event({}, "stop"))
        if (body.get("stream_options") or {}).get("include_usage"):
            frames.append(b"data: " + json.dumps({**head, "choices": [], "usage": usage}).encode() + b"\n\n")
        frames.append(b"data: [DONE]\n\n")

        async def send() -> Any:
            for one in frames:
                yield one

        return StreamingResponse(send(), media_type="text/event-stream")

    return Starlette(routes=[Route("/v1/chat/completions", chat, methods=["POST"])])


def _last_user_text(body: dict[str, Any]) -> str:
    for message in reversed(body.get("messages") or []):
        if message.get("role") == "user" and isinstance(message.get("content"), str):
            return str(message["content"])
    return ""


def upstream_main(args: argparse.Namespace) -> None:
    serve(provider_app(args.chunks), args.port, args.uvicorn)


def gateway_main(args: argparse.Namespace) -> None:
    from dev import aws
    from gateway.app import create_app
    from gateway.services import build_services
    from gateway.settings import Settings

    settings = Settings(
        env="prod",
        keys_table=aws.KEYS_TABLE,
        providers_secret=aws.PROVIDERS_SECRET,
        admin_secret=aws.ADMIN_SECRET,
        base_urls={provider: args.upstream for provider in PROVIDER_KEYS},
        pii_floor=args.pii_floor,
        # Limits on, but far above what a bench sends: the check itself still runs.
        **_known_settings(Settings, default_rpm=10**9, default_tpd=10**15, aws=aws.moto_access(args.moto)),
    )
    services = build_services(settings)
    app = create_app(settings, services)
    if args.profile:
        _profile_until_sigterm(args.profile)
    serve(app, args.port, args.uvicorn)


def _known_settings(cls: Any, **values: Any) -> dict[str, Any]:
    import dataclasses

    names = {f.name for f in dataclasses.fields(cls)}
    return {k: v for k, v in values.items() if k in names}


def _profile_until_sigterm(out: str) -> None:
    try:
        import yappi  # type: ignore[import-untyped]
    except ImportError:
        yappi = None

    if yappi is not None:
        yappi.set_clock_type("cpu")
        yappi.start(builtins=False, profile_threads=True)
        tool = "yappi (CPU clock, all threads)"
    else:
        import cProfile
        import time

        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
        tool = "cProfile (process CPU clock; threads mixed)"

    def dump(signum: int, frame: Any) -> None:
        functions: list[dict[str, Any]] = []
        threads: list[dict[str, Any]] = []
        if yappi is not None:
            yappi.stop()
            for stat in yappi.get_func_stats():
                functions.append(
                    {
                        "module": stat.module,
                        "name": stat.name,
                        "line": stat.lineno,
                        "ncall": stat.ncall,
                        "tsub": stat.tsub,
                        "ttot": stat.ttot,
                    }
                )
            for thread in yappi.get_thread_stats():
                threads.append({"name": thread.name, "ttot": thread.ttot, "sched": thread.sched_count})
        else:
            import pstats

            profiler.disable()
            for (module, line, name), (_, ncall, tsub, ttot, _) in pstats.Stats(profiler).stats.items():  # type: ignore[attr-defined]
                functions.append(
                    {"module": module, "name": name, "line": line, "ncall": ncall, "tsub": tsub, "ttot": ttot}
                )
        with open(out, "w") as fh:
            json.dump({"tool": tool, "functions": functions, "threads": threads}, fh)
        os._exit(0)

    # uvicorn captures SIGTERM while serving and re-raises it after shutting down,
    # which lands here with the event loop already stopped.
    signal.signal(signal.SIGTERM, dump)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.servers")
    sub = parser.add_subparsers(dest="kind", required=True)
    up = sub.add_parser("upstream")
    up.add_argument("--port", type=int, required=True)
    up.add_argument("--chunks", type=int, default=50, help="content chunks per streamed answer")
    up.add_argument("--uvicorn", type=uvicorn_stack, default=("asyncio", "h11"))
    gw = sub.add_parser("gateway")
    gw.add_argument("--port", type=int, required=True)
    gw.add_argument("--upstream", required=True)
    gw.add_argument("--moto", required=True)
    gw.add_argument("--pii-floor", default="disabled", choices=("disabled", "obfuscate", "block"))
    gw.add_argument("--uvicorn", type=uvicorn_stack, default=RUN_SH_UVICORN, help="LOOP,HTTP")
    gw.add_argument("--profile")
    args = parser.parse_args()
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    if args.kind == "upstream":
        upstream_main(args)
    else:
        gateway_main(args)


if __name__ == "__main__":
    main()
