"""Soak: tens of thousands of mixed requests, and the gateway's memory after each round (DESIGN §12).

    python -m bench.soak [--requests 50000] [--rounds 10] [--concurrency 16]
                         [--mangum-events 10000] [--json OUT.json]

Both doors, each as Lambda runs it, each in its own process:
  * the stream function: `functions/gateway/run.sh` itself (uvicorn as under the web
    adapter), `--requests` requests from this process at `--concurrency`;
  * the API function: `gateway.lambda_handler.handler` (Mangum) in a child that feeds it
    `--mangum-events` HTTP API events one after the other, as the Lambda runtime does.
Beside them, the bench provider (echo answers, 20-chunk streams) and the DynamoDB
stand-in (moto, no added latency: memory is the point here).

The requests cycle through a fixed mix, each with the status it must get: non-stream
and stream, PII modes disabled, obfuscate and block, a prompt with personal data, one
with a credential (400 secret_detected), one refused in block mode (400 pii_detected)
and a bad key (401). After each round the gateway's resident memory (VmRSS), threads
and open descriptors are read from /proc. The first round is the warm-up (pools, caches,
lazy imports); growth is counted from its end to the last round. Targets: growth at most
5 MB, and resident memory after warm-up at most 100 MB under uvicorn.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bench.common import loadavg, machine, seed_moto, table
from bench.fleet import (
    MEASURED_CORE,
    PATHS,
    REPO,
    Pinning,
    child_env,
    fleet,
    proc_status,
    process_cpu_s,
)

GROWTH_TARGET_MB = 5.0
RSS_TARGET_MB = 100.0
CHUNKS = 20
PII = "Reply to jane.doe@example.com or call +1 415 555 0132 about order 1234."
SECRET = "Deploy with key AKIAZ7SQDF3KQWRTY2UV and secret Xq8vT2mLr9Pz4Nw7Kd1Bf6Hy3Jc5Gs0Ea9Ru2Mt now."
PLAIN = "Write two friendly sentences about the weather in spring."


@dataclass(frozen=True)
class Kind:
    name: str
    body: dict[str, Any]
    status: int
    good_key: bool = True


def _chat(content: str, *, stream: bool = False, pii: str = "disabled") -> dict[str, Any]:
    return {
        "model": "openai/gpt-4o-mini",
        "messages": [{"role": "user", "content": content}],
        "stream": stream,
        "pii": pii,
    }


MIX = (
    Kind("non-stream, disabled", _chat(PLAIN), 200),
    Kind("stream, obfuscate, PII", _chat(PII, stream=True, pii="obfuscate"), 200),
    Kind("non-stream, obfuscate, PII", _chat(PII, pii="obfuscate"), 200),
    Kind("stream, disabled", _chat(PLAIN, stream=True), 200),
    Kind("non-stream, block, PII refused", _chat(PII, pii="block"), 400),
    Kind("non-stream, credential refused", _chat(SECRET), 400),
    Kind("stream, block, no PII", _chat(PLAIN, stream=True, pii="block"), 200),
    Kind("bad key", _chat(PLAIN), 401, good_key=False),
)


@dataclass
class Round:
    index: int
    requests: int
    wall_s: float
    cpu_s: float
    rss_kb: int
    threads: int
    fds: int
    errors: dict[str, int] = field(default_factory=dict)


# --------------------------------------------------------------------------- uvicorn door


async def _round(url: str, key: str, n: int, start: int, concurrency: int) -> tuple[float, dict[str, int]]:
    errors: dict[str, int] = {}
    issued = start
    end = start + n
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:

        async def worker() -> None:
            nonlocal issued
            while issued < end:
                kind = MIX[issued % len(MIX)]
                issued += 1
                headers = {"authorization": f"Bearer {key if kind.good_key else 'sgw-000000000000-nope'}"}
                try:
                    response = await client.post(url, json=kind.body, headers=headers)
                    ok = response.status_code == kind.status
                    if ok and kind.status == 200 and kind.body["stream"]:
                        ok = response.text.endswith("data: [DONE]\n\n") and '"error"' not in response.text
                except httpx.HTTPError:
                    ok = False
                if not ok:
                    errors[kind.name] = errors.get(kind.name, 0) + 1

        began = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return time.perf_counter() - began, errors


def soak_uvicorn(args: argparse.Namespace, servers: Any, env: dict[str, str], key: str) -> list[Round]:
    venv_bin = str(Path(sys.executable).parent)
    run_env = {
        **env,
        "PATH": f"{venv_bin}{os.pathsep}{env.get('PATH', '')}",
        "LAMBDA_TASK_ROOT": str(REPO / "functions" / "gateway"),
    }
    gateway = servers.start(
        "gateway-uvicorn",
        ["-c", "import os, sys; os.environ['PORT'] = sys.argv[1]; os.execvp('bash', ['bash', sys.argv[2]])",
         "{port}", str(REPO / "functions" / "gateway" / "run.sh")],
        MEASURED_CORE,
        "/health",
        env=run_env,
    )  # fmt: skip
    url = gateway.url + "/api/v1/chat/completions"
    per_round = max(len(MIX), args.requests // args.rounds)
    rounds: list[Round] = []
    for index in range(args.rounds):
        cpu0 = process_cpu_s(gateway.pid)
        wall, errors = asyncio.run(_round(url, key, per_round, index * per_round, args.concurrency))
        time.sleep(0.2)  # closed connections settle before /proc is read
        rounds.append(
            Round(
                index + 1,
                per_round,
                wall,
                process_cpu_s(gateway.pid) - cpu0,
                proc_status(gateway.pid, "VmRSS"),
                proc_status(gateway.pid, "Threads"),
                len(os.listdir(f"/proc/{gateway.pid}/fd")),
                errors,
            )
        )
        print(f"... uvicorn round {index + 1}: {rounds[-1].rss_kb / 1024:.1f} MiB, errors {errors or 'none'}",
              file=sys.stderr, flush=True)  # fmt: skip
    servers.stop(gateway)
    return rounds


# --------------------------------------------------------------------------- Mangum door


def _event(kind: Kind, key: str) -> dict[str, Any]:
    body = json.dumps(kind.body)
    token = key if kind.good_key else "sgw-000000000000-nope"
    return {
        "version": "2.0",
        "routeKey": "ANY /{proxy+}",
        "rawPath": "/api/v1/chat/completions",
        "rawQueryString": "",
        "headers": {
            "authorization": f"Bearer {token}",
            "content-type": "application/json",
            "content-length": str(len(body)),
            "host": "abc123defg.execute-api.us-east-1.amazonaws.com",
        },
        "requestContext": {
            "http": {"method": "POST", "path": "/api/v1/chat/completions", "protocol": "HTTP/1.1",
                     "sourceIp": "203.0.113.10", "userAgent": "bench"},
            "requestId": "soak", "routeKey": "ANY /{proxy+}", "stage": "$default",
        },
        "body": body,
        "isBase64Encoded": False,
    }  # fmt: skip


def mangum_child(events: int, rounds: int, key: str) -> None:
    """In the child: the API function's handler, fed events one at a time; one JSON line per round.

    The gateway writes its audit lines to stdout (CloudWatch on Lambda): they go to
    /dev/null here, still written, and the round lines to the parent on the real stdout."""
    results = os.fdopen(os.dup(1), "w")
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.close(devnull)
    from gateway.lambda_handler import handler

    class Context:
        aws_request_id = "soak"

        @staticmethod
        def get_remaining_time_in_millis() -> int:
            return 30_000

    per_round = max(len(MIX), events // rounds)
    for index in range(rounds):
        errors: dict[str, int] = {}
        wall0, cpu0 = time.perf_counter(), time.process_time()
        for i in range(index * per_round, (index + 1) * per_round):
            kind = MIX[i % len(MIX)]
            answer = handler(_event(kind, key), Context())
            if answer["statusCode"] != kind.status:
                errors[kind.name] = errors.get(kind.name, 0) + 1
        line = {
            "index": index + 1,
            "requests": per_round,
            "wall_s": time.perf_counter() - wall0,
            "cpu_s": time.process_time() - cpu0,
            "rss_kb": proc_status(os.getpid(), "VmRSS"),
            "threads": proc_status(os.getpid(), "Threads"),
            "fds": len(os.listdir("/proc/self/fd")),
            "errors": errors,
        }
        print(json.dumps(line), file=results, flush=True)


def soak_mangum(args: argparse.Namespace, env: dict[str, str], key: str, pinning: Pinning) -> list[Round]:
    import subprocess

    cmd = [*pinning.prefix(MEASURED_CORE), sys.executable, "-m", "bench.soak", "--mangum-child",
           str(args.mangum_events), "--rounds", str(args.rounds), "--key", key]  # fmt: skip
    rounds: list[Round] = []
    with subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.PIPE, text=True) as child:
        assert child.stdout is not None
        for line in child.stdout:
            data = json.loads(line)
            rounds.append(Round(**data))
            print(f"... Mangum round {data['index']}: {data['rss_kb'] / 1024:.1f} MiB, errors "
                  f"{data['errors'] or 'none'}", file=sys.stderr, flush=True)  # fmt: skip
        if child.wait() != 0:
            raise RuntimeError(f"the Mangum soak child failed with status {child.returncode}")
    return rounds


# --------------------------------------------------------------------------- report


def summarize(rounds: list[Round]) -> dict[str, Any]:
    rss = [r.rss_kb for r in rounds]
    steady = rss[0]  # after the warm-up round
    requests = sum(r.requests for r in rounds)
    errors: dict[str, int] = {}
    for r in rounds:
        for name, count in r.errors.items():
            errors[name] = errors.get(name, 0) + count
    return {
        "requests": requests,
        "errors": errors,
        "rss_mb_after_rounds": [kb / 1024 for kb in rss],
        "rss_mb_after_warmup": steady / 1024,
        "rss_mb_peak": max(rss) / 1024,
        "growth_mb": (rss[-1] - steady) / 1024,
        "threads": [r.threads for r in rounds],
        "fds": [r.fds for r in rounds],
        "cpu_ms_per_request": 1000 * sum(r.cpu_s for r in rounds) / max(1, requests),
        "requests_per_s": requests / max(1e-9, sum(r.wall_s for r in rounds)),
    }


def report(door: str, rounds: list[Round], s: dict[str, Any], rss_target: float | None) -> str:
    rows = [
        [str(r.index), str(r.requests), f"{r.wall_s:.1f}", f"{1000 * r.cpu_s / r.requests:.2f}",
         f"{r.rss_kb / 1024:.1f}", str(r.threads), str(r.fds), str(sum(r.errors.values()))]
        for r in rounds
    ]  # fmt: skip
    lines = [
        f"{door}: {s['requests']} requests; errors {s['errors'] or 'none'}; "
        f"{s['requests_per_s']:.0f} req/s, {s['cpu_ms_per_request']:.2f} ms CPU per request",
        table(["round", "requests", "wall s", "CPU ms/req", "RSS MiB", "threads", "fds", "errors"], rows),
        f"RSS after warm-up {s['rss_mb_after_warmup']:.1f} MiB, peak {s['rss_mb_peak']:.1f}, growth after "
        f"warm-up {s['growth_mb']:+.1f} MiB (target <= {GROWTH_TARGET_MB:g}: "
        f"{'met' if s['growth_mb'] <= GROWTH_TARGET_MB else 'MISSED'})"
        + (
            f"; after warm-up <= {rss_target:g} MiB: "
            f"{'met' if s['rss_mb_after_warmup'] <= rss_target else 'MISSED'}"
            if rss_target
            else ""
        ),
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=50_000, help="through uvicorn (run.sh)")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument(
        "--mangum-events", type=int, default=10_000, help="through the Mangum handler; 0: skip"
    )
    parser.add_argument("--json", help="also write the figures here")
    parser.add_argument("--mangum-child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--key", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.mangum_child is not None:
        mangum_child(args.mangum_child, args.rounds, args.key)
        return

    from bench.servers import PROVIDER_KEYS
    from dev import aws

    pinning = Pinning()
    pinning.pin_self()
    began = time.monotonic()
    load_start = loadavg()
    out: dict[str, Any] = {"machine": machine()}
    texts: list[str] = []
    with tempfile.TemporaryDirectory(prefix="bench-soak-") as tmp, fleet(pinning, Path(tmp)) as servers:
        provider = servers.start_provider(CHUNKS)
        standin = servers.start_standin(0)
        key = seed_moto(standin.url, PROVIDER_KEYS).seeded.api_key.plaintext
        env = child_env(
            AWS_ENDPOINT_URL=standin.url,
            GATEWAY_ENV="prod",
            GATEWAY_KEYS_TABLE=aws.KEYS_TABLE,
            GATEWAY_PROVIDERS_SECRET=aws.PROVIDERS_SECRET,
            GATEWAY_ADMIN_SECRET=aws.ADMIN_SECRET,
            GATEWAY_OPENAI_BASE_URL=provider.url + "/v1",
            GATEWAY_DEFAULT_RPM=str(10**9),
            GATEWAY_DEFAULT_TPD=str(10**15),
        )
        env["PYTHONPATH"] = os.pathsep.join(str(p) for p in PATHS)
        uvicorn_rounds = soak_uvicorn(args, servers, env, key)
        out["uvicorn"] = summarize(uvicorn_rounds)
        door = "stream function (run.sh: uvicorn)"
        texts.append(report(door, uvicorn_rounds, out["uvicorn"], RSS_TARGET_MB))
        if args.mangum_events:
            mangum_rounds = soak_mangum(args, env, key, pinning)
            out["mangum"] = summarize(mangum_rounds)
            texts.append(report("API function (Mangum handler)", mangum_rounds, out["mangum"], None))
    print()
    print("=== Secure AI Gateway: soak (bench/soak.py) ===")
    print(f"machine: {machine()}; load at start {load_start}, at end {loadavg()}; took "
          f"{time.monotonic() - began:.0f} s; pinning: {pinning.describe()}")  # fmt: skip
    print("mix (cycled): " + "; ".join(f"{k.name} -> {k.status}" for k in MIX))
    for text in texts:
        print()
        print(text)
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=2))
    failed = any(out[door]["errors"] for door in ("uvicorn", "mangum") if door in out)
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
