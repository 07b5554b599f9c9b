"""The processes `bench.overhead` measures, each started on its own as a child.

    python -m bench.servers upstream --port P
    python -m bench.servers gateway --port P --upstream URL --moto URL [--pii-floor MODE]
                                    [--profile OUT.json] [--variant NAME]

`upstream` serves the tests' `FakeUpstream` (its echo answer; a stream of a role
chunk, one content chunk, the stop chunk, the usage chunk and `[DONE]`).
`gateway` serves `create_app` with boto3 clients bound to moto over HTTP, so every
request pays the real auth path: cached key lookup plus the atomic usage update.

`--profile` records CPU time per function across all threads (yappi with its CPU
clock; cProfile if yappi is missing) and writes it when the process gets SIGTERM.
`--variant` applies a prototype change inside this process only, to measure what
a fix would save; the gateway's code is not touched.
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

VARIANTS = {
    "none": "the gateway as it is",
    "no-usage-update": "per-request DynamoDB updates skipped (admit/record_use and add_tokens): "
    "what they cost in total (a measurement, not a fix)",
    "lean-dynamodb": "same UpdateItem calls and logic, through a small sync client (JSON + hand-made "
    "SigV4 over http.client) instead of boto3; the thread hop stays",
    "loop-secret-cache": "provider key served from an in-loop cache (no to_thread hop per request)",
    "async-deps": "sync FastAPI dependencies (get_services, get_audit) made async: no threadpool hop",
    "no-audit": "audit record + EMF metrics not written (a measurement, not a fix)",
    "all-fixes": "lean-dynamodb + loop-secret-cache + async-deps (auth, usage updates, audit all still on)",
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
    _apply_variant(args.variant, services, app, args.moto)
    if args.profile:
        _profile_until_sigterm(args.profile)
    serve(app, args.port)


def _known_settings(cls: Any, **values: Any) -> dict[str, Any]:
    import dataclasses

    names = {f.name for f in dataclasses.fields(cls)}
    return {k: v for k, v in values.items() if k in names}


def _apply_variant(variant: str, services: Any, app: Any, moto_url: str) -> None:
    """Prototype changes, applied to this process's objects only; fails if one no longer fits."""
    import inspect
    import time

    fixes = {"lean-dynamodb", "loop-secret-cache", "async-deps"} if variant == "all-fixes" else {variant}
    auth = services.authenticator
    if "no-usage-update" in fixes:

        async def skip(*args: Any, **kwargs: Any) -> None:
            return None

        patched = [name for name in ("admit", "record_use", "add_tokens") if hasattr(auth, name)]
        for name in patched:
            setattr(auth, name, skip)
        assert patched, "no usage update method found on the Authenticator"
    if "lean-dynamodb" in fixes:
        lean = LeanDynamoDB(moto_url)
        swapped = 0
        for owner in (getattr(auth, "_usage", None), getattr(auth, "_store", None)):
            if owner is not None and hasattr(owner, "_client_factory"):
                owner._client_factory = lambda: lean
                swapped += 1
        assert swapped, "no DynamoDB client factory found"
    if "loop-secret-cache" in fixes:
        keys = services.upstream._keys
        original = keys.get
        cache: dict[str, tuple[float, str | None]] = {}

        async def cached_get(provider: str) -> str | None:
            hit = cache.get(provider)
            now = time.monotonic()
            if hit is not None and hit[0] > now:
                return hit[1]
            value: str | None = await original(provider)
            cache[provider] = (now + services.settings.secret_cache_s, value)
            return value

        keys.get = cached_get
    if "async-deps" in fixes:
        from gateway import deps

        for name, function in vars(deps).items():
            if (
                name.startswith(("get_", "require_"))
                and inspect.isfunction(function)
                and not inspect.iscoroutinefunction(function)
            ):
                app.dependency_overrides[function] = _as_async(function)
    if "no-audit" in fixes:
        services.auditor.write = lambda record: None


def _as_async(function: Any) -> Any:
    import functools

    @functools.wraps(function)
    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        return function(*args, **kwargs)

    return wrapper


class LeanDynamoDB:
    """Just enough of a boto3 DynamoDB client for get_item/update_item: JSON, SigV4, http.client.

    One keep-alive connection per thread. Errors surface like boto3's: a condition
    failure raises `exceptions.ConditionalCheckFailedException` with `.response`.
    """

    class _ConditionalCheckFailed(Exception):
        def __init__(self, response: dict[str, Any]) -> None:
            super().__init__("ConditionalCheckFailedException")
            self.response = response

    def __init__(self, endpoint: str) -> None:
        import threading
        import urllib.parse

        parsed = urllib.parse.urlsplit(endpoint)
        self._host, self._port = parsed.hostname or "127.0.0.1", parsed.port or 80
        self._host_header = parsed.netloc
        self._region = os.environ["AWS_DEFAULT_REGION"]
        self._access = os.environ["AWS_ACCESS_KEY_ID"]
        self._secret = os.environ["AWS_SECRET_ACCESS_KEY"]
        self._local = threading.local()
        self._keys: dict[str, bytes] = {}
        # boto3's shape: client.exceptions.ConditionalCheckFailedException
        self.exceptions = type(
            "exceptions", (), {"ConditionalCheckFailedException": self._ConditionalCheckFailed}
        )

    def get_item(self, **kwargs: Any) -> dict[str, Any]:
        return self._call("GetItem", kwargs)

    def update_item(self, **kwargs: Any) -> dict[str, Any]:
        return self._call("UpdateItem", kwargs)

    def _call(self, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        import http.client

        body = json.dumps(params, separators=(",", ":")).encode()
        headers = self._sign(operation, body)
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = http.client.HTTPConnection(self._host, self._port, timeout=10)
        try:
            conn.request("POST", "/", body, headers)
            response = conn.getresponse()
            raw = response.read()
        except (OSError, http.client.HTTPException):
            conn.close()
            self._local.conn = None
            raise
        data: dict[str, Any] = json.loads(raw) if raw else {}
        if response.status == 200:
            return data
        if "ConditionalCheckFailed" in str(data.get("__type", "")):
            raise self._ConditionalCheckFailed(data)
        raise RuntimeError(f"DynamoDB {operation} failed: {response.status} {data.get('__type')}")

    def _sign(self, operation: str, body: bytes) -> dict[str, str]:
        import datetime
        import hashlib
        import hmac

        stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
        day = stamp[:8]
        key = self._keys.get(day)
        if key is None:
            key = ("AWS4" + self._secret).encode()
            for part in (day, self._region, "dynamodb", "aws4_request"):
                key = hmac.new(key, part.encode(), hashlib.sha256).digest()
            self._keys = {day: key}
        target = f"DynamoDB_20120810.{operation}"
        signed = "content-type;host;x-amz-date;x-amz-target"
        canonical = (
            f"POST\n/\n\ncontent-type:application/x-amz-json-1.0\nhost:{self._host_header}\n"
            f"x-amz-date:{stamp}\nx-amz-target:{target}\n\n{signed}\n{hashlib.sha256(body).hexdigest()}"
        )
        scope = f"{day}/{self._region}/dynamodb/aws4_request"
        to_sign = f"AWS4-HMAC-SHA256\n{stamp}\n{scope}\n{hashlib.sha256(canonical.encode()).hexdigest()}"
        signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
        return {
            "content-type": "application/x-amz-json-1.0",
            "host": self._host_header,
            "x-amz-date": stamp,
            "x-amz-target": target,
            "authorization": f"AWS4-HMAC-SHA256 Credential={self._access}/{scope}, "
            f"SignedHeaders={signed}, Signature={signature}",
        }


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
    gw.add_argument("--variant", default="none", choices=tuple(VARIANTS))
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
