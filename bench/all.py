"""Every benchmark in one command, and one table of their headline figures (DESIGN §12).

    python -m bench.all [--quick] [--out DIR] [--only overhead,cold_start,masking,detection,search,load,soak]

Runs, each as its own subprocess and one after the other (they measure CPU and would disturb
each other): bench.overhead (the gateway against the provider called directly and two floors:
FastAPI + the gateway's pool, and that plus the design's two DynamoDB updates through a stand-in
with a 3 ms round trip; CPU per request and per 50-chunk stream at c1 and c32, added latency,
req/s at c32, each check with its target and ratio), bench.cold_start (cold import vs a bare
FastAPI+Mangum app, first request), bench.masking (MB/s vs scrubadub, stream guard, layer size),
bench.detection (precision and recall per type on a labelled Faker corpus, beside scrubadub and
Presidio), bench.search (one web search round), bench.load (200 concurrent streams, memory across
rounds) and bench.soak (50,000 mixed requests through run.sh and 10,000 through the Mangum handler,
resident memory per round). Each one's full output is saved in --out (default: a temporary
directory, its path printed) and echoed to stderr as it runs; stdout gets the consolidated table.
--quick runs smaller versions (a few minutes in all) for a smoke check; figures from it are
noisier. A bench that fails or whose output cannot be read shows as "n/a" with the reason; the
exit status is non-zero then.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.common import loadavg, machine

REPO = Path(__file__).resolve().parent.parent
PATHS = [REPO / "functions" / "gateway", REPO / "layers" / "masking", REPO]


@dataclass
class Bench:
    name: str
    args: list[str]
    quick_args: list[str]
    parse: Callable[[str, Path], list[tuple[str, str]]]
    timeout_s: float
    output: str = ""
    status: str = "not run"
    seconds: float = 0.0
    rows: list[tuple[str, str]] = field(default_factory=list)


# --------------------------------------------------------------------------- parsers


def _table_rows(text: str, header_start: str) -> dict[str, list[str]]:
    """Rows of a whitespace-aligned table whose header line starts with `header_start`:
    {first cell: other cells}. Cells are separated by two or more spaces."""
    lines = text.splitlines()
    rows: dict[str, list[str]] = {}
    for i, line in enumerate(lines):
        if line.startswith(header_start):
            for row in lines[i + 2 :]:
                if not row.strip():
                    break
                cells = re.split(r"\s{2,}", row.strip())
                rows[cells[0]] = cells[1:]
            break
    return rows


def _header(text: str, header_start: str) -> list[str]:
    for line in text.splitlines():
        if line.startswith(header_start):
            return re.split(r"\s{2,}", line.strip())[1:]
    return []


def parse_overhead(_: str, out_dir: Path) -> list[tuple[str, str]]:
    """Both floors and the gateway (CPU per request and per stream, req/s at c32), then each
    check against its target with its ratio, from the summary bench.overhead writes."""
    s: dict[str, Any] = json.loads((out_dir / "overhead.json").read_text())
    out: list[tuple[str, str]] = []
    for label, t in s["targets"].items():
        cpu = {phase: statistics.median(values) for phase, values in t["cpu_ms"].items()}
        out.append(
            (
                f"overhead: {label}",
                f"CPU {cpu['ns1']:.2f} / {cpu['ns32']:.2f} ms per request (c1 / c32), "
                f"{cpu['st1']:.2f} / {cpu['st32']:.2f} ms per stream; {t['rps_c32']:.0f} req/s c32",
            )
        )
    for check in s["checks"]:
        verdict = "met" if check["met"] else "MISSED"
        out.append(
            (
                f"overhead: {check['figure']}",
                f"{check['value']}, target {check['target']}: {check['ratio']}, {verdict}",
            )
        )
    return out


_COLD_ROW = re.compile(
    r"^(bare FastAPI\+Mangum app[^\d]*?|gateway\.lambda_handler \(ApiFunction\)"
    r"|gateway\.asgi \(StreamFunction app\))"
    r"\s+([\d.]+)\s+[\d.]+\s+([\d.]+)\s+([\d.]+)\s+(\d+)\s*([\d.]*)"
)


def parse_cold_start(text: str, _: Path) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for line in text.splitlines():
        m = _COLD_ROW.match(line)
        if m:
            label = m.group(1).strip()
            ratio = f", {m.group(6)}x the bare app's CPU" if m.group(6) else ""
            out.append(
                (
                    f"cold import: {label}",
                    f"{m.group(2)} ms ({m.group(3)} ms CPU, process {m.group(4)} ms,"
                    f" {m.group(5)} modules{ratio})",
                )
            )
    verdict = re.search(r"cold import verdict: (.*)", text)
    if verdict:
        out.append(("cold import: built ApiFunction vs bare FastAPI+Mangum (target 1.3x)", verdict.group(1)))
    totals = re.findall(r"total to first chat answer\s+([\d.]+) ms", text)
    if totals:
        out.append(("cold start: import to first chat answer (as Lambda sees it)", f"{totals[-1]} ms"))
    return out


def parse_masking(text: str, _: Path) -> list[tuple[str, str]]:
    patterns = [
        ("masking: scan PII + secrets", r"scan \(PII \+ secrets\): .*= ([\d.]+ MB/s)"),
        ("masking: protect_request obfuscate", r"protect_request obfuscate: ([\d.]+ MB/s)"),
        ("masking: guard_text", r"guard_text \(restore \+ foreign scan\): ([\d.]+ MB/s)"),
        ("masking: scrubadub default Scrubber", r"scrubadub [\d.]+ default Scrubber: ([\d.]+ MB/s)"),
        ("masking: ours / scrubadub", r"ratio ours / scrubadub: ([\d.]+x)"),
        ("masking: stream guard, 16-char chunks", r"stream guard, 16-char chunks: ([\d.]+ us/chunk)"),
        ("masking: cold import", r"import masking ([\d.]+ ms \(\+[\d.]+ ms\))"),
        ("masking: names+addresses config build, gazetteer load", r"names\+addresses \(median.*?: (.*)$"),
        (
            "masking: prose with names+addresses on (request/whole/stream)",
            r"^names \+ addresses\s.*  (\S+x off)$",
        ),
        ("size: layer unzipped", r"layer unzipped: (.*)$"),
    ]
    out = []
    for label, pattern in patterns:
        m = re.search(pattern, text, re.M)
        out.append((label, m.group(1) if m else "n/a"))
    return out


_CELL = re.compile(r"(\d\.\d{3}|n/a)(?: \(>= ([\d.]+)\s+(ok|MISS)\))?")


def parse_detection(text: str, _: Path) -> list[tuple[str, str]]:
    """Our precision and recall beside each target (bench/detection.py prints the full table,
    scrubadub's and Presidio's columns included)."""
    out: list[tuple[str, str]] = []
    for type_, row in (
        ("PERSON", "all"),
        ("PERSON", "cue"),
        ("PERSON", "bare"),
        ("ADDRESS", "US"),
        ("ADDRESS", "UK"),
        ("ADDRESS", "CA"),
        ("NATIONAL_ID", "all"),
    ):
        m = re.search(rf"^{type_}\s+{row}\s+\d+\s+(.*)$", text, re.M)
        cells = _CELL.findall(m.group(1))[:2] if m else []
        shown = [f"{v} (target {t}: {verdict})" if t else v for v, t, verdict in cells]
        out.append((f"detection: {type_} {row} precision / recall", " / ".join(shown) if shown else "n/a"))
    return out


def parse_search(text: str, _: Path) -> list[tuple[str, str]]:
    m = re.search(r"^added by one round \(p50\): ([\d.]+ ms)", text, re.M)
    return [("web search: added latency of one round (p50)", m.group(1) if m else "n/a")]


def parse_load(text: str, out_dir: Path) -> list[tuple[str, str]]:
    try:
        s: dict[str, Any] = json.loads((out_dir / "load.json").read_text())
    except (OSError, ValueError):
        return [("load", "n/a (no summary written)")]
    rss = ", ".join(f"{kb / 1024:.1f}" for kb in s["rss_after_rounds_kb"])
    return [
        (
            f"load: {s['concurrency']} concurrent streams x {s['rounds']} rounds",
            f"{s['intact']}/{s['streams']} intact, errors: {s['errors'] or 'none'}",
        ),
        (
            "load: latency p50 / p99",
            f"{s['total_p50_ms']:.0f} / {s['total_p99_ms']:.0f} ms "
            f"(provider alone {s['provider_stream_ms']:.0f} ms)",
        ),
        ("load: first byte p50 / p99", f"{s['first_byte_p50_ms']:.0f} / {s['first_byte_p99_ms']:.0f} ms"),
        (
            "load: first text p50 / p99",
            f"{s['first_content_p50_ms']:.0f} / {s['first_content_p99_ms']:.0f} ms",
        ),
        ("load: gateway CPU per stream", f"{s['gateway_cpu_ms_per_stream']:.2f} ms"),
        (
            "load: gateway RSS after each round",
            f"{rss} MiB (steady growth {s['rss_steady_growth_kb'] / 1024:+.1f} MiB)",
        ),
    ]


def parse_soak(_: str, out_dir: Path) -> list[tuple[str, str]]:
    """RSS over the soak of each door, against the targets (growth <= 5 MiB; <= 100 MiB under uvicorn)."""
    from bench.soak import GROWTH_TARGET_MB, RSS_TARGET_MB

    s: dict[str, Any] = json.loads((out_dir / "soak.json").read_text())
    out: list[tuple[str, str]] = []
    for door, label in (("uvicorn", "stream function, run.sh"), ("mangum", "API function, Mangum")):
        if door not in s:
            continue
        d = s[door]
        rss = ", ".join(f"{mb:.1f}" for mb in d["rss_mb_after_rounds"])
        growth_ok = "met" if d["growth_mb"] <= GROWTH_TARGET_MB else "MISSED"
        line = (
            f"{d['requests']} requests, errors {d['errors'] or 'none'}; RSS per round {rss} MiB; growth "
            f"{d['growth_mb']:+.1f} MiB (target <= {GROWTH_TARGET_MB:g}: {growth_ok})"
        )
        if door == "uvicorn":
            after = d["rss_mb_after_warmup"]
            line += (
                f"; after warm-up {after:.1f} MiB (target <= {RSS_TARGET_MB:g}: "
                f"{after / RSS_TARGET_MB:.2f}x, {'met' if after <= RSS_TARGET_MB else 'MISSED'})"
            )
        out.append((f"soak: {label}", line))
    return out


# --------------------------------------------------------------------------- sizes and machine


def function_size() -> tuple[str, str]:
    code = REPO / "functions" / "gateway" / "gateway"
    total = sum(f.stat().st_size for f in code.rglob("*") if f.is_file() and "__pycache__" not in f.parts)
    return (
        "size: function code (gateway package, source)",
        f"{total / 1e3:.0f} KB (dependencies: see make sam-check)",
    )


# --------------------------------------------------------------------------- main


def run(bench: Bench, quick: bool, out_dir: Path, env: dict[str, str]) -> None:
    args = bench.quick_args if quick else bench.args
    cmd = [sys.executable, "-m", f"bench.{bench.name}", *args]
    print(f"\n### {' '.join(cmd[1:])}", file=sys.stderr, flush=True)
    started = time.monotonic()
    log = out_dir / f"{bench.name}.txt"
    try:
        with log.open("w") as sink:
            proc = subprocess.Popen(
                cmd, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
            )
            assert proc.stdout is not None
            for line in proc.stdout:
                sink.write(line)
                sys.stderr.write(line)
            proc.wait(timeout=bench.timeout_s)
        bench.status = "ok" if proc.returncode == 0 else f"exit {proc.returncode}"
    except subprocess.TimeoutExpired:
        proc.kill()
        bench.status = f"timed out after {bench.timeout_s:.0f} s"
    bench.seconds = time.monotonic() - started
    bench.output = log.read_text()
    try:
        bench.rows = bench.parse(bench.output, out_dir)
    except Exception as exc:  # a parser must not hide the other benches' figures
        bench.rows = [(bench.name, f"n/a (could not read its output: {type(exc).__name__})")]
    if not bench.rows:
        bench.rows = [(bench.name, "n/a (no figures found in its output)")]


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.all", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller runs (about a minute), noisier figures")
    parser.add_argument("--out", help="directory for each bench's full output (default: a temporary one)")
    parser.add_argument(
        "--only", help="comma-separated subset: overhead,cold_start,masking,detection,search,load,soak"
    )
    args = parser.parse_args()
    out_dir = Path(args.out or tempfile.mkdtemp(prefix="bench-all-"))
    out_dir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    parts = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    env["PYTHONPATH"] = os.pathsep.join(parts + [str(p) for p in PATHS if str(p) not in parts])
    load_json = str(out_dir / "load.json")
    overhead = ["--no-profile", "--json", str(out_dir / "overhead.json")]
    soak = ["--json", str(out_dir / "soak.json")]
    benches = [
        Bench("overhead", overhead, [*overhead, "--scale", "0.2", "--repeats", "2"], parse_overhead, 1200),
        Bench("cold_start", [], ["-n", "5"], parse_cold_start, 900),
        Bench("masking", [], ["--quick"], parse_masking, 600),
        Bench("detection", [], ["--scale", "0.3"], parse_detection, 600),
        Bench("search", [], ["--requests", "30"], parse_search, 300),
        Bench("load", ["--json", load_json], ["--json", load_json, "--rounds", "3"], parse_load, 300),
        Bench(
            "soak",
            soak,
            [*soak, "--requests", "4000", "--rounds", "4", "--mangum-events", "400"],
            parse_soak,
            3600,
        ),
    ]
    if args.only:
        wanted = set(args.only.split(","))
        benches = [b for b in benches if b.name in wanted]
    description = f"{machine()}, load average at start {loadavg()}"
    began = time.monotonic()
    for bench in benches:
        run(bench, args.quick, out_dir, env)
    rows = [(label, value) for bench in benches for label, value in bench.rows]
    rows.append(function_size())
    width = max(len(label) for label, _ in rows)
    print()
    print(
        "=== Secure AI Gateway: benchmarks (python -m bench.all"
        + (" --quick" if args.quick else "")
        + ") ==="
    )
    print(f"machine: {description}")
    took = time.monotonic() - began
    print(
        f"date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; took {took:.0f} s; outputs in {out_dir}"
    )
    print("runs: " + "; ".join(f"{b.name} {b.status} ({b.seconds:.0f} s)" for b in benches))
    print()
    print(f"{'figure':<{width}}  value")
    print(f"{'-' * width}  {'-' * 40}")
    for label, value in rows:
        print(f"{label:<{width}}  {value}")
    if any(b.status != "ok" for b in benches):
        sys.exit(1)


if __name__ == "__main__":
    main()
