"""Added latency of one web search round, measured against the same gateway without it.

Everything on loopback: moto (DynamoDB, Secrets Manager) in its own process, and in
this one the fake provider from tests/fakes/upstream.py and the fake SearXNG from
tests/fakes/search_backends.py, the gateway under uvicorn. For each request the
provider is scripted either to answer at once (search off) or to call
`web_search` once and then answer (one round). The difference between the two
medians is what a round adds: the second provider call, the search, the result
formatting and scrubbing. Prints figures; asserts nothing.

Run: python -m bench.search [--requests 100]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time

import httpx

from bench.common import pct, seed_moto
from dev import aws as dev_aws
from dev.moto_server import start_moto
from dev.ports import free_port
from dev.processes import wait_ready
from dev.threaded_server import ThreadedServer
from gateway.app import create_app
from gateway.services import build_services
from gateway.settings import Settings
from tests.fakes.search_backends import FakeSearxng
from tests.fakes.upstream import FakeUpstream, Reply


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100)
    args = parser.parse_args()

    os.environ.update(
        {"AWS_DEFAULT_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "x"}
    )
    port = free_port()
    moto = start_moto(port)
    wait_ready(moto)
    endpoint = f"http://127.0.0.1:{port}"
    moto_aws = seed_moto(endpoint, {"openai": "sk-bench"})
    seeded = moto_aws.seeded
    upstream, searxng = FakeUpstream().start(), FakeSearxng().start()
    settings = Settings(
        env="dev",
        keys_table=dev_aws.KEYS_TABLE,
        providers_secret=dev_aws.PROVIDERS_SECRET,
        base_urls={"openai": upstream.base_url},
        search_backend="searxng",
        search_url=searxng.url,
        default_rpm=10**6,
        aws=dev_aws.moto_access(endpoint),
    )
    audit_sink = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the gateway below
    services = build_services(settings, audit_stream=audit_sink)
    gateway = ThreadedServer(create_app(settings, services)).start()
    call = {
        "id": "c1",
        "type": "function",
        "function": {"name": "web_search", "arguments": json.dumps({"query": "q"})},
    }
    body = {
        "model": "openai/gpt-4o-mini",
        "messages": [{"role": "user", "content": "What is new in Python?"}],
    }
    headers = {"authorization": f"Bearer {seeded.api_key.plaintext}"}

    timings: dict[str, list[float]] = {"off": [], "one round": []}
    with httpx.Client(base_url=gateway.url, headers=headers, timeout=30) as client:
        for i in range(args.requests + 10):
            for label, values in timings.items():
                if label == "one round":
                    upstream.queue(Reply(content="", tool_calls=[call]), Reply(content="Python 3.14 [1]."))
                else:
                    upstream.queue(Reply(content="Python 3.14."))
                started = time.perf_counter()
                response = client.post(
                    "/api/v1/chat/completions", json={**body, "web_search": label != "off"}
                )
                elapsed = (time.perf_counter() - started) * 1000
                response.raise_for_status()
                if i >= 10:  # warm-up
                    values.append(elapsed)
    gateway.stop()
    upstream.stop()
    searxng.stop()
    moto.stop()

    print(f"web search round latency, {args.requests} sequential requests each (loopback fakes)")
    print(f"{'mode':<12}{'p50 ms':>10}{'p90 ms':>10}{'p99 ms':>10}")
    for label, values in timings.items():
        p50, p90, p99 = statistics.median(values), pct(values, 90), pct(values, 99)
        print(f"{label:<12}{p50:>10.2f}{p90:>10.2f}{p99:>10.2f}")
    added = statistics.median(timings["one round"]) - statistics.median(timings["off"])
    print(f"added by one round (p50): {added:.2f} ms (second provider call, search, formatting, scrubbing)")


if __name__ == "__main__":
    main()
