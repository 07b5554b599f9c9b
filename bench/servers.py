"""The processes `bench.overhead` measures, each started on its own as a child.

    python -m bench.servers upstream --port P
    python -m bench.servers gateway --port P --upstream URL --moto URL [--pii-floor MODE]
                                    [--profile OUT.json]

`upstream` serves the tests' `FakeUpstream` (its echo answer; a stream of a role
chunk, one content chunk, the stop chunk, the usage chunk and `[DONE]`).
`gateway` serves `create_app` built by `build_services` with boto3 clients bound to
moto over HTTP, so every request pays the real auth path: the cached key lookup
(boto3 on a miss), the usage/limit `UpdateItem` and the token `UpdateItem`, both
sent by the gateway's async SigV4 client to the same moto endpoint on its own pool.

`--profile` records CPU time per function across all threads (yappi with its CPU
clock; cProfile if yappi is missing) and writes it when the process gets SIGTERM.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
from collections import deque
from typing import Any

import uvicorn

PROVIDER_KEYS = {
    "openai": "sk-bench-openai",
    "google": "bench-google",
    "xai": "xai-bench",
    "deepseek": "sk-bench-deepseek",
}


def serve(app: Any, port: int) -> None:
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False, lifespan="off")


def upstream_main(args: argparse.Namespace) -> None:
    from tests.fakes.upstream import FakeUpstream

    fake = FakeUpstream()
    fake.received = deque(maxlen=16)  # type: ignore[assignment]  # bounded: a bench sends thousands
    serve(fake.app, args.port)


def gateway_main(args: argparse.Namespace) -> None:
    import boto3

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
        **_known_settings(Settings, default_rpm=10**9, default_tpd=10**15),
    )
    services = build_services(
        settings,
        dynamodb=boto3.client("dynamodb", endpoint_url=args.moto),
        secretsmanager=boto3.client("secretsmanager", endpoint_url=args.moto),
    )
    app = create_app(settings, services)
    if args.profile:
        _profile_until_sigterm(args.profile)
    serve(app, args.port)


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
    gw = sub.add_parser("gateway")
    gw.add_argument("--port", type=int, required=True)
    gw.add_argument("--upstream", required=True)
    gw.add_argument("--moto", required=True)
    gw.add_argument("--pii-floor", default="disabled", choices=("disabled", "obfuscate", "block"))
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
