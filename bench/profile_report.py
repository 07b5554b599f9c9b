"""Reading a CPU profile of the gateway (bench/servers.py --profile) into tables.

The profile is a JSON list of functions with their call counts, self time (`tsub`) and
inclusive time (`ttot`). The tables spread the unprofiled CPU per request over what
the profile saw: by package or area, by gateway step (inclusive), the top functions by
self time, and by thread. A profiler slows call-heavy code most, so shares are
approximate; they are what the closing note compares before and after a change.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from bench.common import table
from bench.fleet import REPO

BOTO = "boto3/botocore (only where the environment has no AWS credentials)"
AIOHTTP = "aiohttp (connection pool)"
BUCKETS = [
    ("botocore", BOTO),
    ("boto3", BOTO),
    ("urllib3", "urllib3 (boto3's HTTP)"),
    # Before "httpx": the transport's package name contains it.
    ("httpx_aiohttp", AIOHTTP),
    ("aiohttp", AIOHTTP),
    ("aiohappyeyeballs", AIOHTTP),
    ("yarl", AIOHTTP),
    ("multidict", AIOHTTP),
    ("propcache", AIOHTTP),
    ("frozenlist", AIOHTTP),
    ("httpcore", "httpx/httpcore (client API)"),
    ("httpx", "httpx/httpcore (client API)"),
    ("anyio", "anyio (starlette glue)"),
    ("h11", "h11 (uvicorn's HTTP/1.1 parsing)"),
    ("httptools", "httptools (uvicorn's HTTP/1.1 parsing)"),
    ("uvloop", "uvloop event loop"),
    ("uvicorn", "uvicorn"),
    ("fastapi", "fastapi/starlette"),
    ("starlette", "fastapi/starlette"),
    ("pydantic", "pydantic"),
    ("/masking/", "masking"),
    ("/gateway/", "gateway code"),
    ("/json/", "json (stdlib)"),
    ("asyncio", "asyncio event loop"),
    ("concurrent/futures", "threads (to_thread hand-off)"),
    ("threading", "threads (to_thread hand-off)"),
    ("selectors", "asyncio event loop"),
    ("/ssl", "ssl"),
    ("/http/", "stdlib http/email/urllib"),
    ("/email/", "stdlib http/email/urllib"),
    ("/urllib/", "stdlib http/email/urllib"),
    ("/logging/", "logging"),
    ("/uuid", "uuid/hashlib/hmac"),
    ("/hmac", "uuid/hashlib/hmac"),
    ("/hashlib", "uuid/hashlib/hmac"),
]
BUILTIN_BUCKETS = [
    ("socket", "socket syscalls"),
    ("send", "socket syscalls"),
    ("recv", "socket syscalls"),
    ("epoll", "asyncio event loop"),
    ("select", "asyncio event loop"),
    ("_json", "json (stdlib)"),
    ("json", "json (stdlib)"),
    ("lock", "threads (to_thread hand-off)"),
    ("_thread", "threads (to_thread hand-off)"),
    ("sha", "uuid/hashlib/hmac"),
    ("hmac", "uuid/hashlib/hmac"),
    ("compare_digest", "uuid/hashlib/hmac"),
]


def _bucket(module: str, name: str) -> str:
    text = module.replace("\\", "/")
    for needle, bucket in BUCKETS:
        if needle in text:
            return bucket
    lowered = f"{module} {name}".lower()
    for needle, bucket in BUILTIN_BUCKETS:
        if needle in lowered:
            return bucket
    if text in ("", "~") or text.startswith("<"):
        return "other builtins"
    return "other python"


def report(data: dict[str, Any], requests: int, real_ms: float, top: int = 20) -> str:
    """The profile's tables; `real_ms` is the unprofiled CPU per request of the same mix."""
    n = requests
    functions = data["functions"]
    total = sum(f["tsub"] for f in functions) or 1e-9
    buckets: dict[str, float] = defaultdict(float)
    for f in functions:
        buckets[_bucket(f["module"], f["name"])] += f["tsub"]
    lines = [
        f"Profile: {data['tool']}. 'share' = of all profiled CPU (all threads); '~ms/req' = share x "
        f"the unprofiled CPU per request of the same mix ({real_ms:.2f} ms; approximate).",
        "",
    ]
    rows = [
        [name, f"{100 * t / total:.1f}%", f"{real_ms * t / total:.3f}"]
        for name, t in sorted(buckets.items(), key=lambda kv: -kv[1])
        if t / total >= 0.005
    ]
    lines.append(table(["package / area (self time)", "share", "~ms/req"], rows))
    lines.append("")
    focus = [
        ("usage: UsageCounter.admit (conditional UpdateItem)", "usage.py", "admit"),
        ("usage: UsageCounter.add_tokens (UpdateItem)", "usage.py", "add_tokens"),
        ("aws: AwsJson.call (sign + POST; DynamoDB, Secrets Manager)", "aws/json_api.py", "call"),
        ("dynamodb: sigv4.sign", "aws/sigv4.py", "sign"),
        ("secrets: provider key, SecretReader.read (in-loop cache)", "secret_store.py", "read"),
        ("auth: Authenticator.authenticate (cached lookup + hash)", "auth.py", "authenticate"),
        ("auth: KeyStore.get (GetItem, cache miss)", "keys/store.py", "get"),
        ("audit: Auditor.write (audit JSON + EMF metrics)", "audit.py", "write"),
        ("parse_chat_request (json + pydantic)", "validation.py", "parse_chat_request"),
        ("build_payload", "payload.py", "build_payload"),
        ("protect (masking.protect_request)", "protection.py", "protect"),
        ("AnswerGuard.whole (answer guard, whole answers)", "pipeline/guards.py", "whole"),
        ("AnswerGuard.feed (answer guard, stream pieces)", "pipeline/guards.py", "feed"),
        ("relay_stream (per stream, inclusive)", "pipeline/relay.py", "relay_stream"),
        ("finish (tokens + audit)", "pipeline/finish.py", "finish"),
        ("fastapi solve_dependencies", "dependencies/utils.py", "solve_dependencies"),
        ("starlette run_in_threadpool (sync code in the threadpool)", "concurrency.py", "run_in_threadpool"),
    ]
    rows = []
    for label, file_part, name in focus:
        hits = [f for f in functions if f["module"].endswith(file_part) and f["name"].split(".")[-1] == name]
        if hits:
            ttot = sum(f["ttot"] for f in hits)
            if ttot < sum(f["tsub"] for f in hits):
                # cProfile reported less inclusive than own time (seen for prepare's scan, which
                # runs while the usage update's eager task is pending): no figure beats a wrong one.
                rows.append([label, f"{_calls(hits, n)}", "n/a", "n/a (cProfile)"])
                continue
            rows.append(
                [label, f"{_calls(hits, n)}", f"{100 * ttot / total:.1f}%", f"{real_ms * ttot / total:.3f}"]
            )
    lines.append(
        table(
            ["gateway step (inclusive of callees; sync code only is exact)", "calls/req", "share", "~ms/req"],
            rows,
        )
    )
    lines.append("")
    ranked = sorted(functions, key=lambda f: -f["tsub"])[:top]
    rows = [
        [
            _short(f["module"], f["name"], f["line"]),
            f"{f['ncall'] / n:.1f}",
            f"{100 * f['tsub'] / total:.1f}%",
        ]
        for f in ranked
    ]
    lines.append(table([f"function (top {top} by self time)", "calls/req", "self share"], rows))
    if data.get("threads"):
        lines.append("")
        groups: dict[str, list[float]] = defaultdict(list)
        for t in data["threads"]:
            groups[t["name"]].append(t["ttot"])
        thread_total = sum(sum(v) for v in groups.values()) or 1e-9
        names = {
            "_MainThread": "main thread (event loop)",
            "Thread": "asyncio default executor (asyncio.to_thread: key lookup, secret read on a miss)",
            "WorkerThread": "anyio threadpool (starlette run_in_threadpool)",
        }
        rows = [
            [
                names.get(name, name),
                str(len(v)),
                f"{100 * sum(v) / thread_total:.1f}%",
                f"{real_ms * sum(v) / thread_total:.3f}",
            ]
            for name, v in sorted(groups.items(), key=lambda kv: -sum(kv[1]))
        ]
        lines.append(table(["profiled threads", "count", "share", "~ms/req"], rows))
    return "\n".join(lines)


def _calls(hits: list[dict[str, Any]], n: int) -> str:
    return f"{sum(f['ncall'] for f in hits) / n:.2f}"


def _short(module: str, name: str, line: int) -> str:
    text = module.replace("\\", "/")
    for marker in ("site-packages/", "/functions/gateway/", "/layers/masking/", "/lib/python3"):
        if marker in text:
            text = text.split(marker, 1)[1]
            break
    text = text.replace(str(REPO) + "/", "")
    return f"{text}:{line} {name}"[:90]
