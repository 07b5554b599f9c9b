"""Load on loopback: many concurrent streams through the gateway under uvicorn (DESIGN §12, issue 7).

    python -m bench.load [--concurrency 200] [--rounds 5] [--tokens 24] [--delay-ms 20]
                         [--max-seconds 100] [--json OUT.json]

Three child processes: moto's server (`dev/moto_server.py --threaded`, seeded with dev/aws.py), the
tests' FakeUpstream serving every request a stream of `--tokens` numbered tokens `--delay-ms`
apart, and the gateway (`gateway.asgi:app` under uvicorn, configured by environment as under
the web adapter, access log off as in run.sh; auth, the usage update and PII mode `obfuscate` on).
This process opens `--concurrency` streaming requests at once, `--rounds` times. Each stream
must come back intact: its content equals the tokens the provider sent, it has no error event
and it ends with `data: [DONE]`. After each round the gateway's resident memory (VmRSS),
threads and open descriptors are read from /proc: flat across rounds means nothing leaks per
request. Everything is bounded: a round that takes longer than its share of --max-seconds is
cut off and reported as errors.

Latency is wall clock in this process: total (request to [DONE]), first byte (the first SSE
event: the role chunk, sent as soon as the provider's first chunk arrives) and first content
(the first answer text: later, because the response guard holds back up to
GATEWAY_STREAM_HOLDBACK characters of plain text before releasing them).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bench.common import machine, ms, pct, seed_moto, table
from bench.servers import RUN_SH_UVICORN
from dev.ports import free_port

REPO = Path(__file__).resolve().parent.parent
PATHS = [REPO / "functions" / "gateway", REPO / "layers" / "masking", REPO]
MODEL = "openai/gpt-4o-mini"
PROVIDER_KEYS = {
    "openai": "sk-load-openai",
    "google": "load-google",
    "xai": "xai-load",
    "deepseek": "sk-load-ds",
}


def tokens(n: int) -> list[str]:
    return [f"tok{i:03d} " for i in range(n)]


# --------------------------------------------------------------------------- children


def _env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    parts = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    parts += [str(p) for p in PATHS if str(p) not in parts]
    env["PYTHONPATH"] = os.pathsep.join(parts)
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN"):
        env.pop(name, None)
    env.update(AWS_DEFAULT_REGION="us-east-1", AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing")
    env.update(extra)
    return env


@dataclass
class Child:
    name: str
    proc: subprocess.Popen[bytes]
    url: str
    log: Path

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def proc_status(self, field_name: str) -> int:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith(f"{field_name}:"):
                return int(line.split()[1])
        return -1

    def fds(self) -> int:
        return len(os.listdir(f"/proc/{self.proc.pid}/fd"))

    def cpu_s(self) -> float:
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def children(workdir: Path) -> Iterator[list[Child]]:
    started: list[Child] = []
    try:
        yield started
    finally:
        for child in reversed(started):
            child.stop()


def start(
    started: list[Child], workdir: Path, name: str, args: list[str], probe: str, env: dict[str, str]
) -> Child:
    port = free_port()
    log = workdir / f"{name}.log"
    argv = [sys.executable, *[a.replace("{port}", str(port)) for a in args]]
    with log.open("wb") as sink:
        proc = subprocess.Popen(argv, stdout=sink, stderr=subprocess.STDOUT, env=env, cwd=REPO)
    child = Child(name, proc, f"http://127.0.0.1:{port}", log)
    started.append(child)
    deadline = time.monotonic() + 30
    while True:
        try:
            httpx.get(child.url + probe, timeout=1)
            return child
        except httpx.TransportError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"{name} did not start:\n{log.read_text()[-2000:]}")
        time.sleep(0.1)


def upstream_main(port: int, n_tokens: int, delay_ms: float) -> None:
    """Child: the fake provider, every request answered with the same trickled stream."""
    import uvicorn

    from tests.fakes.upstream import FakeUpstream, Stream

    fake = FakeUpstream()
    fake.received = deque(maxlen=16)  # type: ignore[assignment]  # bounded: a bench sends thousands
    fake.default = Stream(pieces=tokens(n_tokens), delay_s=delay_ms / 1000)
    uvicorn.run(fake.app, host="127.0.0.1", port=port, log_level="warning", access_log=False, lifespan="off")


# --------------------------------------------------------------------------- load


@dataclass
class Result:
    ok: bool
    total_s: float
    first_byte_s: float | None = None
    first_content_s: float | None = None
    error: str = ""


@dataclass
class Round:
    index: int
    results: list[Result]
    wall_s: float
    rss_kb: int
    threads: int
    fds: int
    cpu_s: float
    errors: dict[str, int] = field(default_factory=dict)


async def one_stream(client: httpx.AsyncClient, url: str, headers: dict[str, str], expected: str) -> Result:
    body = {
        "model": MODEL,
        "stream": True,
        "pii": "obfuscate",
        "messages": [{"role": "user", "content": "count"}],
    }
    started = time.perf_counter()
    first_byte = first_content = None
    buffer = ""
    try:
        async with client.stream("POST", url, json=body, headers=headers) as response:
            if response.status_code != 200:
                await response.aread()
                return Result(False, time.perf_counter() - started, error=f"HTTP {response.status_code}")
            async for text in response.aiter_text():
                now = time.perf_counter() - started
                if first_byte is None:
                    first_byte = now
                buffer += text
                if first_content is None and '"content":"tok' in buffer:
                    first_content = now
    except httpx.HTTPError as exc:
        return Result(False, time.perf_counter() - started, error=type(exc).__name__)
    total = time.perf_counter() - started
    content, error = "", ""
    frames = [f for f in buffer.split("\n\n") if f]
    if not frames or frames[-1] != "data: [DONE]":
        error = "no [DONE]"
    for frame in frames[:-1]:
        event = json.loads(frame.removeprefix("data: "))
        if "error" in event:
            error = f"error event {event['error'].get('code')}"
        for choice in event.get("choices", []):
            content += choice["delta"].get("content") or ""
    if not error and content != expected:
        error = "content differs"
    return Result(not error, total, first_byte, first_content, error)


async def run_round(
    url: str, api_key: str, concurrency: int, expected: str, timeout_s: float
) -> tuple[list[Result], float]:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    headers = {"authorization": f"Bearer {api_key}"}
    async with httpx.AsyncClient(limits=limits, timeout=httpx.Timeout(timeout_s)) as client:
        started = time.perf_counter()
        tasks = [asyncio.create_task(one_stream(client, url, headers, expected)) for _ in range(concurrency)]
        done, pending = await asyncio.wait(tasks, timeout=timeout_s)
        for task in pending:
            task.cancel()
        results = [t.result() for t in done]
        results += [Result(False, timeout_s, error="cut off at the round's time limit")] * len(pending)
        return results, time.perf_counter() - started


# --------------------------------------------------------------------------- report


def summarize(rounds: list[Round], args: argparse.Namespace, baseline_rss: int) -> dict[str, Any]:
    results = [r for rnd in rounds for r in rnd.results]
    ok = [r for r in results if r.ok]
    errors: dict[str, int] = {}
    for r in results:
        if not r.ok:
            errors[r.error] = errors.get(r.error, 0) + 1
    rss = [rnd.rss_kb for rnd in rounds]
    # Growth from the end of round 2 (pools and caches are warm) to the last round.
    steady = rss[1:] if len(rss) > 2 else rss
    return {
        "concurrency": args.concurrency,
        "rounds": len(rounds),
        "streams": len(results),
        "intact": len(ok),
        "errors": errors,
        "total_p50_ms": pct([r.total_s for r in ok], 50) * 1000,
        "total_p99_ms": pct([r.total_s for r in ok], 99) * 1000,
        "first_byte_p50_ms": pct([r.first_byte_s for r in ok if r.first_byte_s is not None], 50) * 1000,
        "first_byte_p99_ms": pct([r.first_byte_s for r in ok if r.first_byte_s is not None], 99) * 1000,
        "first_content_p50_ms": pct([r.first_content_s for r in ok if r.first_content_s is not None], 50)
        * 1000,
        "first_content_p99_ms": pct([r.first_content_s for r in ok if r.first_content_s is not None], 99)
        * 1000,
        "provider_stream_ms": args.tokens * args.delay_ms,
        "streams_per_s": len(ok) / sum(rnd.wall_s for rnd in rounds),
        "gateway_cpu_ms_per_stream": 1000 * sum(rnd.cpu_s for rnd in rounds) / max(1, len(results)),
        "rss_start_kb": baseline_rss,
        "rss_after_rounds_kb": rss,
        "rss_steady_growth_kb": steady[-1] - steady[0],
        "threads_after_rounds": [rnd.threads for rnd in rounds],
        "fds_after_rounds": [rnd.fds for rnd in rounds],
        "machine": machine(),
    }


def report(rounds: list[Round], summary: dict[str, Any], args: argparse.Namespace) -> str:
    rows = []
    for rnd in rounds:
        ok = [r for r in rnd.results if r.ok]
        fb = [r.first_byte_s for r in ok if r.first_byte_s is not None]
        fc = [r.first_content_s for r in ok if r.first_content_s is not None]
        rows.append(
            [
                str(rnd.index),
                f"{len(ok)}/{len(rnd.results)}",
                ms(pct([r.total_s for r in ok], 50), 0),
                ms(pct([r.total_s for r in ok], 99), 0),
                ms(pct(fb, 50), 0),
                ms(pct(fb, 99), 0),
                ms(pct(fc, 50), 0),
                ms(pct(fc, 99), 0),
                f"{rnd.wall_s:.2f}",
                f"{rnd.cpu_s * 1000 / max(1, len(rnd.results)):.2f}",
                f"{rnd.rss_kb / 1024:.1f}",
                str(rnd.threads),
                str(rnd.fds),
            ]
        )
    lines = [
        "=== Secure AI Gateway: streaming load (bench/load.py) ===",
        f"machine: {summary['machine']}",
        f"{args.concurrency} concurrent streams x {len(rounds)} rounds; "
        f"provider trickles {args.tokens} tokens {args.delay_ms:g} ms apart "
        f"({args.tokens * args.delay_ms:.0f} ms per stream); PII mode obfuscate, "
        "auth + usage update on; gateway: one uvicorn process, access log off",
        "",
        table(
            [
                "round",
                "intact",
                "p50 ms",
                "p99 ms",
                "1st byte p50",
                "p99",
                "1st text p50",
                "p99",
                "wall s",
                "cpu ms/stream",
                "RSS MiB",
                "threads",
                "fds",
            ],
            rows,
        ),
        "",
        f"all rounds: {summary['intact']}/{summary['streams']} intact; errors: {summary['errors'] or 'none'}",
        f"latency p50/p99 {summary['total_p50_ms']:.0f}/{summary['total_p99_ms']:.0f} ms "
        f"(provider alone: {summary['provider_stream_ms']:.0f} ms); first byte p50/p99 "
        f"{summary['first_byte_p50_ms']:.0f}/{summary['first_byte_p99_ms']:.0f} ms; first text p50/p99 "
        f"{summary['first_content_p50_ms']:.0f}/{summary['first_content_p99_ms']:.0f} ms (guard hold-back)",
        f"gateway RSS: {summary['rss_start_kb'] / 1024:.1f} MiB before, "
        + ", ".join(f"{kb / 1024:.1f}" for kb in summary["rss_after_rounds_kb"])
        + " MiB after each round; growth from round 2 to the last: "
        + f"{summary['rss_steady_growth_kb'] / 1024:+.1f} MiB",
    ]
    return "\n".join(lines)


# --------------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.split("\n")[0])
    parser.add_argument("--concurrency", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--tokens", type=int, default=24)
    parser.add_argument("--delay-ms", type=float, default=20.0)
    parser.add_argument("--max-seconds", type=float, default=100.0, help="bound on the whole load phase")
    parser.add_argument("--json", help="also write the summary here")
    parser.add_argument("--serve-upstream", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    for path in PATHS:
        if str(path) not in sys.path:
            sys.path.append(str(path))
    if args.serve_upstream:
        upstream_main(args.serve_upstream, args.tokens, args.delay_ms)
        return

    from dev import aws

    expected = "".join(tokens(args.tokens))
    began = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp, children(Path(tmp)) as started:
        work = Path(tmp)
        env = _env()
        moto = start(
            started,
            work,
            "moto",
            ["-m", "dev.moto_server", "--port", "{port}", "--threaded"],
            "/moto-api/",
            env,
        )
        seeded = seed_moto(moto.url, PROVIDER_KEYS).seeded
        upstream = start(
            started,
            work,
            "upstream",
            ["-m", "bench.load", "--serve-upstream", "{port}", "--tokens", str(args.tokens),
             "--delay-ms", str(args.delay_ms)],
            "/",
            env,
        )  # fmt: skip
        gateway_env = _env(
            AWS_ENDPOINT_URL=moto.url,
            GATEWAY_ENV="prod",
            GATEWAY_KEYS_TABLE=aws.KEYS_TABLE,
            GATEWAY_PROVIDERS_SECRET=aws.PROVIDERS_SECRET,
            GATEWAY_ADMIN_SECRET=aws.ADMIN_SECRET,
            GATEWAY_OPENAI_BASE_URL=upstream.url + "/v1",
            GATEWAY_DEFAULT_RPM=str(10**9),
            GATEWAY_DEADLINE_S="60",
        )
        gateway = start(
            started,
            work,
            "gateway",
            ["-m", "uvicorn", "gateway.asgi:app", "--host", "127.0.0.1", "--port", "{port}",
             "--no-access-log", "--timeout-keep-alive", "60", "--loop", RUN_SH_UVICORN[0],
             "--http", RUN_SH_UVICORN[1], "--ws", "none"],
            "/health",
            gateway_env,
        )  # fmt: skip
        url = f"{gateway.url}/api/v1/chat/completions"
        # Warm up: key cache, secret cache, pools, lazy imports.
        asyncio.run(run_round(url, seeded.api_key.plaintext, 10, expected, 30))
        baseline_rss = gateway.proc_status("VmRSS")
        rounds: list[Round] = []
        per_round = max(5.0, args.max_seconds / max(1, args.rounds))
        for index in range(1, args.rounds + 1):
            if time.monotonic() - began > args.max_seconds:
                print(f"stopping after {index - 1} rounds: --max-seconds reached", file=sys.stderr)
                break
            cpu0 = gateway.cpu_s()
            results, wall = asyncio.run(
                run_round(url, seeded.api_key.plaintext, args.concurrency, expected, per_round)
            )
            cpu = gateway.cpu_s() - cpu0
            time.sleep(0.3)  # let closed connections settle before reading /proc
            rounds.append(
                Round(
                    index,
                    results,
                    wall,
                    gateway.proc_status("VmRSS"),
                    gateway.proc_status("Threads"),
                    gateway.fds(),
                    cpu,
                )
            )
            print(
                f"... round {index}: {sum(r.ok for r in results)}/{len(results)} intact in {wall:.1f} s",
                file=sys.stderr,
            )
        alive = gateway.proc.poll() is None
    summary = summarize(rounds, args, baseline_rss)
    summary["gateway_alive_at_end"] = alive
    summary["elapsed_s"] = time.monotonic() - began
    print(report(rounds, summary, args))
    print(f"elapsed {summary['elapsed_s']:.1f} s")
    if args.json:
        Path(args.json).write_text(json.dumps(summary, indent=2))
    if summary["intact"] != summary["streams"] or not alive:
        sys.exit(1)


if __name__ == "__main__":
    main()
