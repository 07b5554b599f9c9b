"""Gateway overhead (DESIGN §12): the gateway against the provider called directly and two floors.

    python -m bench.overhead [--scale 1.0] [--repeats 3] [--latency-ms 3] [--modes obfuscate]
                             [--uvicorn LOOP,HTTP] [--no-profile] [--json OUT.json]

In one run, on loopback, each server its own process:
  * the bench provider (bench/servers.py: echo answers, 50-chunk streams),
  * the DynamoDB stand-in (bench/ddb_standin.py: moto behind a fixed round trip,
    `--latency-ms`, kept-alive connections as in AWS), seeded with dev/aws.py,
  * floor 1 (bench/floor_proxy.py): FastAPI + the gateway's pool, body forwarded as is,
  * floor 2: floor 1 plus the DynamoDB calls the design makes (the usage/limit update
    before the provider call, the token update sent before the last byte and its reply
    awaited after it), through the
    gateway's own usage counter and DynamoDB client,
  * the gateway under uvicorn (bench/servers.py) with everything on: auth (cached
    lookup), both updates, the request scan in PII mode `obfuscate` (the prompt holds
    an email and a phone number, masked on the way out and restored in the echo),
    the answer guard, the audit record and its metrics.
Every server runs uvicorn as functions/gateway/run.sh does, unless --uvicorn says otherwise.

The measured server runs alone on core 0; the load generator (this process), the
provider and the stand-in share core 1. Each target gets the same requests: a prompt
of about 1 KB, non-stream and stream (50 content chunks), at concurrency 1 and 32,
`--repeats` times. CPU per request is the server process's utime+stime delta from
/proc over a phase divided by its requests: the primary figure, stable on a busy
machine; the spread over the repeats is printed with it. Latencies are wall clock in
the load generator at concurrency 1 (requests 25 ms apart: `C1_GAP_S`); "added" is
against calling the provider directly,
and the stand-in's own round trip (measured by it in the same phase) is printed beside
them, since the targets are stated in round trips.

Then, unless --no-profile, a fresh gateway runs under a CPU profiler (yappi if installed,
else cProfile) and the top costs are printed (bench/profile_report.py).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bench import profile_report
from bench.common import loadavg, machine, pct, seed_moto, table
from bench.fleet import MEASURED_CORE, SIDE_CORE, Fleet, Pinning, Server, fleet, process_cpu_s

MODEL = "openai/gpt-4o-mini"
# About 1 KB of an ordinary request with one email address and one phone number in it.
PROMPT = (
    "Please help me write a friendly reply to a customer who contacted our support team "
    "yesterday about a delayed order. She ordered two pairs of running shoes and a rain jacket "
    "on the fourth of the month, paid for express delivery, and the parcel has not arrived yet. "
    "Our warehouse says the parcel left on time, but the courier lost track of it somewhere "
    "between the sorting centre and her town. We would like to apologise, offer a full refund "
    "of the delivery charge and a discount code for her next order, and tell her that a "
    "replacement parcel will be sent today with tracking. She can reach us by email at "
    "jane.doe@example.com or by phone on +1 415 555 0132 if anything is still missing. Keep the "
    "tone warm and professional, avoid jargon, and make sure the reply is no longer than three "
    "short paragraphs. Mention that we value her as a customer and that we have asked the "
    "courier to investigate what went wrong. Sign the reply from the customer care team, and "
    "add a short line at the end thanking her for her patience while we sort this out."
)
BODY = {
    "model": MODEL,
    "messages": [{"role": "user", "content": PROMPT}],
    "stream_options": {"include_usage": True},
}
STREAM_BODY = {**BODY, "stream": True}
CHUNKS = 50
PHASES = ("ns1", "ns32", "st1", "st32")
TARGET_NS_MS = 2.0
TARGET_NS_FLOOR_RATIO = 1.5
TARGET_ST_MS = 4.0
TARGET_NS_ADDED_RT = 2.0  # ms above one round trip
# At concurrency 1 requests go one at a time with this pause between them: the latency of
# one request to an idle server. Back to back, the next request's usage update would queue
# in the stand-in behind the last one's token update (its one moto answers one call at a
# time, on the load generator's core), where DynamoDB answers both at once.
C1_GAP_S = 0.025
TARGET_ST_ADDED_RT = 3.0


# --------------------------------------------------------------------------- load


@dataclass
class Phase:
    requests: int
    wall_s: float
    latencies: list[float]
    first_chunks: list[float]
    errors: Counter[str]  # why requests failed: status, exception type, or an unfinished stream
    cpu_s: float
    round_trip_ms: float | None = None  # the stand-in's own (arrival to answer), p50
    observed_rt_ms: float | None = None  # the usage update as floor 2 waited for it, p50

    @property
    def rps(self) -> float:
        return self.requests / self.wall_s

    @property
    def cpu_ms(self) -> float:
        return 1000 * self.cpu_s / self.requests


async def _load(
    url: str,
    headers: dict[str, str],
    body: bytes,
    *,
    stream: bool,
    n: int,
    concurrency: int,
    gap_s: float = 0.0,
) -> tuple[float, list[float], list[float], Counter[str]]:
    latencies: list[float] = []
    firsts: list[float] = []
    errors: Counter[str] = Counter()
    issued = 0
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:

        async def worker() -> None:
            nonlocal issued
            while issued < n:
                issued += 1
                start = time.perf_counter()
                first = None
                tail = b""
                try:
                    async with client.stream("POST", url, content=body, headers=headers) as response:
                        async for chunk in response.aiter_raw():
                            if first is None:
                                first = time.perf_counter()
                            tail = (tail + chunk)[-16:]
                        end = time.perf_counter()
                    if response.status_code != 200:
                        failure = f"status {response.status_code}"
                    elif stream and not tail.endswith(b"[DONE]\n\n"):
                        failure = "stream without [DONE]"
                    else:
                        failure = ""
                except httpx.HTTPError as exc:
                    failure = type(exc).__name__
                if failure:
                    errors[failure] += 1
                    continue
                latencies.append(end - start)
                firsts.append((first or end) - start)
                if gap_s:
                    await asyncio.sleep(gap_s)

        began = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        wall = time.perf_counter() - began
    return wall, latencies, firsts, errors


def run_phase(url: str, headers: dict[str, str], pid: int, stream: bool, n: int, concurrency: int) -> Phase:
    body = json.dumps(STREAM_BODY if stream else BODY).encode()
    gap_s = C1_GAP_S if concurrency == 1 else 0.0
    cpu0 = process_cpu_s(pid)
    wall, latencies, firsts, errors = asyncio.run(
        _load(url, headers, body, stream=stream, n=n, concurrency=concurrency, gap_s=gap_s)
    )
    time.sleep(0.05)  # let the server finish closing streams before the CPU snapshot
    return Phase(n, wall, latencies, firsts, errors, process_cpu_s(pid) - cpu0)


@dataclass
class Target:
    label: str
    url: str
    pid: int
    headers: dict[str, str]
    makes_ddb_calls: bool
    base: str = ""
    reports_round_trip: bool = False  # floor 2: GET /__floor
    runs: dict[str, list[Phase]] = field(default_factory=lambda: {name: [] for name in PHASES})

    def cpu_ms(self, phase: str) -> float:
        return statistics.median(p.cpu_ms for p in self.runs[phase])

    def cpu_spread(self, phase: str) -> str:
        values = [p.cpu_ms for p in self.runs[phase]]
        return f"{min(values):.2f}-{max(values):.2f}"

    def pooled(self, phase: str, what: str) -> list[float]:
        return [v for p in self.runs[phase] for v in getattr(p, what)]

    def p50_ms(self, phase: str, what: str = "latencies") -> float:
        return 1000 * pct(self.pooled(phase, what), 50)

    def rps(self, phase: str) -> float:
        return statistics.median(p.rps for p in self.runs[phase])

    def round_trip_ms(self) -> float | None:
        return self._c1_median("round_trip_ms")

    def observed_rt_ms(self) -> float | None:
        return self._c1_median("observed_rt_ms")

    def _c1_median(self, what: str) -> float | None:
        values = [v for name in ("ns1", "st1") for p in self.runs[name] if (v := getattr(p, what))]
        return statistics.median(values) if values else None


def _standin(standin: Server, method: str = "GET", latency_ms: float | None = None) -> dict[str, Any]:
    query = f"?latency_ms={latency_ms}" if latency_ms is not None else ""
    return dict(httpx.request(method, f"{standin.url}/__standin{query}", timeout=5).json())


def measure(target: Target, sizes: dict[str, int], repeats: int, standin: Server, latency_ms: float) -> None:
    plan = {"ns1": (False, 1), "ns32": (False, 32), "st1": (True, 1), "st32": (True, 32)}
    run_phase(target.url, target.headers, target.pid, False, sizes["warmup"], 8)
    run_phase(target.url, target.headers, target.pid, True, sizes["warmup"] // 2, 8)
    for _ in range(repeats):
        for name, (stream, concurrency) in plan.items():
            _standin(standin, "POST", latency_ms)  # resets its counts
            if target.reports_round_trip:
                httpx.get(f"{target.base}/__floor", timeout=5)  # and floor 2's
            phase = run_phase(target.url, target.headers, target.pid, stream, sizes[name], concurrency)
            if target.makes_ddb_calls:
                phase.round_trip_ms = _standin(standin)["round_trip_p50_ms"]
            if target.reports_round_trip:
                phase.observed_rt_ms = httpx.get(f"{target.base}/__floor", timeout=5).json()[
                    "usage_update_p50_ms"
                ]
            if phase.errors:
                raise RuntimeError(f"{target.label}: failed requests in {name}: {dict(phase.errors)}")
            target.runs[name].append(phase)


# --------------------------------------------------------------------------- report


def stack_versions(uvicorn_stack: tuple[str, str]) -> str:
    import aiohttp
    import fastapi
    import uvicorn

    return (
        f"python {platform.python_version()}  fastapi {fastapi.__version__}  uvicorn {uvicorn.__version__} "
        f"(loop={uvicorn_stack[0]}, http={uvicorn_stack[1]})  httpx {httpx.__version__}  "
        f"aiohttp {aiohttp.__version__}"
    )


def absolute_table(targets: list[Target]) -> str:
    headers = [
        "target",
        "CPU ms/req c1",
        "c32",
        "CPU ms/stream c1",
        "c32",
        "p50 ms c1",
        "p99 ms c1",
        "stream 1st chunk p50 c1",
        "req/s c32",
        "streams/s c32",
        "DynamoDB RT p50 (stand-in / as waited for)",
    ]
    rows = []
    for t in targets:
        rt = t.round_trip_ms()
        rows.append(
            [
                t.label,
                f"{t.cpu_ms('ns1'):.2f} ({t.cpu_spread('ns1')})",
                f"{t.cpu_ms('ns32'):.2f} ({t.cpu_spread('ns32')})",
                f"{t.cpu_ms('st1'):.2f} ({t.cpu_spread('st1')})",
                f"{t.cpu_ms('st32'):.2f} ({t.cpu_spread('st32')})",
                f"{t.p50_ms('ns1'):.2f}",
                f"{1000 * pct(t.pooled('ns1', 'latencies'), 99):.2f}",
                f"{t.p50_ms('st1', 'first_chunks'):.2f}",
                f"{t.rps('ns32'):.0f}",
                f"{t.rps('st32'):.0f}",
                (f"{rt:.2f}" if rt else "-") + (f" / {seen:.2f}" if (seen := t.observed_rt_ms()) else ""),
            ]
        )
    return table(headers, rows)


@dataclass
class Check:
    figure: str
    value: str
    target: str
    ratio: str
    met: bool


def checks(direct: Target, floor2: Target, gateway: Target) -> list[Check]:
    out: list[Check] = []
    for phase, label in (("ns1", "c1"), ("ns32", "c32")):
        value, floor = gateway.cpu_ms(phase), floor2.cpu_ms(phase)
        out.append(
            Check(
                f"gateway CPU per request, {label}",
                f"{value:.2f} ms ({gateway.cpu_spread(phase)})",
                f"<= {TARGET_NS_MS} ms and <= {TARGET_NS_FLOOR_RATIO}x floor 2 ({floor:.2f} ms)",
                f"{value / floor:.2f}x floor 2",
                value <= TARGET_NS_MS and value <= TARGET_NS_FLOOR_RATIO * floor,
            )
        )
    for phase, label in (("st1", "c1"), ("st32", "c32")):
        value, floor = gateway.cpu_ms(phase), floor2.cpu_ms(phase)
        out.append(
            Check(
                f"gateway CPU per {CHUNKS}-chunk stream, {label}",
                f"{value:.2f} ms ({gateway.cpu_spread(phase)})",
                f"<= {TARGET_ST_MS} ms",
                f"{value / floor:.2f}x floor 2 ({floor:.2f} ms)",
                value <= TARGET_ST_MS,
            )
        )
    # One round trip: a DynamoDB call as floor 2 waited for it (same client and pool as the gateway).
    rt = floor2.observed_rt_ms() or gateway.round_trip_ms() or 0.0
    added = gateway.p50_ms("ns1") - direct.p50_ms("ns1")
    out.append(
        Check(
            "added latency p50, non-stream c1",
            f"{added:.2f} ms",
            f"<= 1 round trip ({rt:.2f} ms) + {TARGET_NS_ADDED_RT} ms",
            f"{added / rt:.2f} round trips" if rt else "-",
            added <= rt + TARGET_NS_ADDED_RT,
        )
    )
    added = gateway.p50_ms("st1", "first_chunks") - direct.p50_ms("st1", "first_chunks")
    out.append(
        Check(
            "added latency p50, stream first chunk c1",
            f"{added:.2f} ms",
            f"<= 1 round trip ({rt:.2f} ms) + {TARGET_ST_ADDED_RT} ms",
            f"{added / rt:.2f} round trips" if rt else "-",
            added <= rt + TARGET_ST_ADDED_RT,
        )
    )
    return out


def checks_table(found: list[Check]) -> str:
    rows = [[c.figure, c.value, c.target, c.ratio, "met" if c.met else "MISSED"] for c in found]
    return table(["figure", "gateway", "target", "ratio", "verdict"], rows)


def summary(targets: list[Target], found: list[Check], extra: dict[str, Any]) -> dict[str, Any]:
    return {
        **extra,
        "targets": {
            t.label: {
                "cpu_ms": {name: [p.cpu_ms for p in t.runs[name]] for name in PHASES},
                "p50_ms_c1": t.p50_ms("ns1"),
                "stream_first_chunk_p50_ms_c1": t.p50_ms("st1", "first_chunks"),
                "rps_c32": t.rps("ns32"),
                "streams_per_s_c32": t.rps("st32"),
                "round_trip_ms": t.round_trip_ms(),
            }
            for t in targets
        },
        "checks": [c.__dict__ for c in found],
    }


# --------------------------------------------------------------------------- profile


def profile_gateway(
    fleet_: Fleet, gateway_args: list[str], headers: dict[str, str], sizes: dict[str, int], workdir: Path,
    reference: Target,
) -> str:  # fmt: skip
    out_file = workdir / "gateway-profile.json"
    server = fleet_.start(
        "gateway-profiled", [*gateway_args, "--profile", str(out_file)], MEASURED_CORE, "/health"
    )
    url = server.url + "/v1/chat/completions"
    run_phase(url, headers, server.pid, False, sizes["warmup"], 8)
    n_ns, n_st = sizes["prof_ns"], sizes["prof_st"]
    cpu0 = process_cpu_s(server.pid)
    run_phase(url, headers, server.pid, False, n_ns, 32)
    run_phase(url, headers, server.pid, True, n_st, 32)
    cpu = process_cpu_s(server.pid) - cpu0
    fleet_.stop(server)
    data = json.loads(out_file.read_text())
    real = (n_ns * reference.cpu_ms("ns32") + n_st * reference.cpu_ms("st32")) / (n_ns + n_st)
    return "\n".join(
        [
            f"Profiled: {n_ns} non-stream + {n_st} stream requests at c32 after {sizes['warmup']} warm-up, "
            f"gateway as above; profiled CPU {1000 * cpu / (n_ns + n_st):.2f} ms/req.",
            profile_report.report(data, n_ns + n_st + sizes["warmup"], real),
        ]
    )


# --------------------------------------------------------------------------- main


def main() -> None:
    from bench.servers import PROVIDER_KEYS, RUN_SH_UVICORN, uvicorn_stack

    parser = argparse.ArgumentParser(prog="python -m bench.overhead", description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every phase's request count")
    parser.add_argument("--repeats", type=int, default=3, help="runs of each phase per target")
    parser.add_argument("--latency-ms", type=float, default=3.0, help="the DynamoDB stand-in's round trip")
    parser.add_argument("--modes", default="obfuscate", help="gateway PII modes to measure, comma-separated")
    parser.add_argument(
        "--uvicorn", type=uvicorn_stack, default=RUN_SH_UVICORN, help="LOOP,HTTP for every server"
    )
    parser.add_argument("--no-profile", action="store_true", help="skip the profiled gateway run")
    parser.add_argument("--json", help="also write the figures here")
    args = parser.parse_args()
    scale = max(0.05, args.scale)
    base = {"warmup": 100, "ns1": 150, "ns32": 600, "st1": 100, "st32": 300, "prof_ns": 600, "prof_st": 200}
    sizes = {k: max(10, int(v * scale)) for k, v in base.items()}
    stack = ",".join(args.uvicorn)

    load_start = loadavg()
    pinning = Pinning()
    pinning.pin_self()
    began = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="bench-overhead-") as tmp, fleet(pinning, Path(tmp)) as servers:
        provider = servers.start_provider(CHUNKS)
        standin = servers.start_standin(args.latency_ms)
        seeded = seed_moto(standin.url, PROVIDER_KEYS).seeded
        auth = {"authorization": f"Bearer {seeded.api_key.plaintext}"}
        provider_v1 = provider.url + "/v1"
        floor_args = [
            "-m",
            "bench.floor_proxy",
            "--port",
            "{port}",
            "--upstream",
            provider_v1,
            "--uvicorn",
            stack,
        ]
        gateway_args = [
            "-m", "bench.servers", "gateway", "--port", "{port}", "--upstream", provider_v1,
            "--moto", standin.url, "--uvicorn", stack,
        ]  # fmt: skip
        plan: list[tuple[str, list[str], str, bool]] = [
            ("direct (provider)", [], "", False),
            ("floor 1 (FastAPI + the pool)", floor_args, "/", False),
            (
                "floor 2 (floor 1 + the 2 DynamoDB updates)",
                [*floor_args, "--dynamodb", standin.url, "--key-id", seeded.api_key.key_id],
                "/",
                True,
            ),
        ]
        for mode in args.modes.split(","):
            plan.append((f"gateway pii={mode}", [*gateway_args, "--pii-floor", mode], "/health", True))

        targets: list[Target] = []
        for label, cmd, ready, ddb in plan:
            print(f"... measuring {label}", file=sys.stderr, flush=True)
            if not cmd:
                # The provider is the target: move it to the measured core for its own phases.
                pinning.pin_pid(provider.pid, MEASURED_CORE)
                target = Target(label, provider_v1 + "/chat/completions", provider.pid, auth, ddb)
                measure(target, sizes, args.repeats, standin, args.latency_ms)
                pinning.pin_pid(provider.pid, SIDE_CORE)
            else:
                server = servers.start(label.split()[0], cmd, MEASURED_CORE, ready)
                target = Target(label, server.url + "/v1/chat/completions", server.pid, auth, ddb, server.url)
                target.reports_round_trip = "--dynamodb" in cmd
                measure(target, sizes, args.repeats, standin, args.latency_ms)
                servers.stop(server)
            targets.append(target)

        profile_text = ""
        if not args.no_profile:
            print("... profiling the gateway", file=sys.stderr, flush=True)
            mode = args.modes.split(",")[0]
            profile_text = profile_gateway(
                servers, [*gateway_args, "--pii-floor", mode], auth, sizes, Path(tmp), targets[3]
            )
        elapsed = time.monotonic() - began

    direct, floor2, gateway = targets[0], targets[2], targets[3]
    found = checks(direct, floor2, gateway)
    print()
    print("=== Secure AI Gateway: overhead benchmark (bench/overhead.py) ===")
    print(f"machine: {machine()}")
    print(stack_versions(args.uvicorn))
    print(f"pinning: {pinning.describe()}")
    print(f"machine load (/proc/loadavg) at start: {load_start}; at end: {loadavg()}")
    print(
        f"requests: prompt of {len(PROMPT)} characters with an email and a phone number; streams of "
        f"{CHUNKS} content chunks; per repeat non-stream c1={sizes['ns1']} c32={sizes['ns32']}, stream "
        f"c1={sizes['st1']} c32={sizes['st32']}; {args.repeats} repeats after {sizes['warmup']} + "
        f"{sizes['warmup'] // 2} warm-up; run took {elapsed:.0f} s"
    )
    print(
        f"DynamoDB stand-in: moto behind a {args.latency_ms:g} ms round trip, kept-alive connections "
        "(its measured round trip is in the last column)"
    )
    print()
    print("CPU = the server process's CPU time per request: median of the repeats (min-max); latency at c1")
    print(absolute_table(targets))
    print()
    print(checks_table(found))
    if profile_text:
        print()
        print(profile_text)
    if args.json:
        extra = {
            "machine": machine(),
            "uvicorn": stack,
            "latency_ms": args.latency_ms,
            "repeats": args.repeats,
        }
        Path(args.json).write_text(json.dumps(summary(targets, found, extra), indent=2))


if __name__ == "__main__":
    main()
