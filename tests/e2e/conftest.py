"""The gateway as a real uvicorn process (`gateway.asgi:app`), configured only by
environment variables, as the web adapter runs it; its raw output is kept for
no-leak checks."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from dev import aws as dev_aws
from tests.conftest import ADMIN_KEY, PROVIDER_KEYS, AwsClients, free_port, provider_urls
from tests.fakes.upstream import FakeUpstream

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class GatewayProcess:
    url: str
    api_key: str
    output: Path

    def read_output(self) -> str:
        return self.output.read_text(errors="replace")


@pytest.fixture
def gateway_process(aws: AwsClients, upstream: FakeUpstream, tmp_path: Path) -> Iterator[GatewayProcess]:
    with start_gateway(aws, upstream, tmp_path) as process:
        yield process


@contextmanager
def start_gateway(
    aws: AwsClients, upstream: FakeUpstream, tmp_path: Path, extra_env: Mapping[str, str] | None = None
) -> Iterator[GatewayProcess]:
    seeded = dev_aws.seed(aws.dynamodb, aws.secretsmanager, provider_keys=PROVIDER_KEYS, admin_key=ADMIN_KEY)
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(
            [os.environ.get("PYTHONPATH", ""), str(ROOT / "layers/masking"), str(ROOT / "functions/gateway")]
        ),
        "AWS_ENDPOINT_URL": aws.endpoint,
        "GATEWAY_ENV": "prod",
        "GATEWAY_KEYS_TABLE": dev_aws.KEYS_TABLE,
        "GATEWAY_PROVIDERS_SECRET": dev_aws.PROVIDERS_SECRET,
        "GATEWAY_ADMIN_SECRET": dev_aws.ADMIN_SECRET,
        "GATEWAY_OPENAI_BASE_URL": upstream.base_url,
        "GATEWAY_DEEPSEEK_BASE_URL": upstream.base_url,
        "GATEWAY_ANTHROPIC_BASE_URL": provider_urls(upstream.base_url)["anthropic"],
        "GATEWAY_BEDROCK_BASE_URL": provider_urls(upstream.base_url)["bedrock"],
        "GATEWAY_DEADLINE_S": "10",
        **(extra_env or {}),
    }
    output = tmp_path / "gateway.log"
    with output.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "gateway.asgi:app", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                if httpx.get(f"{url}/health").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError(f"gateway did not start:\n{output.read_text()}")
            time.sleep(0.1)
        yield GatewayProcess(url, seeded.api_key.plaintext, output)
    finally:
        process.terminate()
        process.wait(10)
