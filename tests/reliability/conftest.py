"""Helpers for the reliability suite: raw sockets, and the gateway as a child process.

The in-process `gateway`/`gateway_factory` fixtures (tests/conftest.py) serve most fault tests:
they are fast and their audit lines are captured. Tests that watch the process itself (file
descriptors, threads, memory, raw stdout/stderr) use `GatewayProcess` children started here,
configured by environment only, as the web adapter runs `gateway.asgi:app`.

Children live for a whole module, so those modules never use the `aws` fixture (it resets moto)
and group themselves on one xdist worker.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import boto3
import httpx
import pytest

from dev import aws as dev_aws
from tests.conftest import PROVIDER_KEYS, free_port, provider_urls

ROOT = Path(__file__).resolve().parents[2]


# --------------------------------------------------------------------------- raw HTTP


def raw_request(
    url: str,
    head: bytes,
    body_parts: list[bytes] = (),  # type: ignore[assignment]
    *,
    delay_s: float = 0.0,
    timeout_s: float = 15.0,
) -> tuple[int, bytes]:
    """Send a hand-made request (head without the blank line) and read the whole answer.

    Returns the status and the body (de-chunked when chunked). The server's `Connection:
    close` is asked for, so the answer ends when the socket does.
    """
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=timeout_s) as sock:
        sock.sendall(head.rstrip(b"\r\n") + b"\r\nconnection: close\r\n\r\n")
        try:
            for part in body_parts:
                sock.sendall(part)
                if delay_s:
                    time.sleep(delay_s)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered early (413) and closed: read what it said
        data = b""
        try:
            while chunk := sock.recv(65536):
                data += chunk
        except ConnectionResetError:
            pass
    head_bytes, _, body = data.partition(b"\r\n\r\n")
    status = int(head_bytes.split(b" ", 2)[1]) if head_bytes else 0
    if b"transfer-encoding: chunked" in head_bytes.lower():
        body = _dechunk(body)
    return status, body


def _dechunk(data: bytes) -> bytes:
    out = b""
    while data:
        size_line, _, rest = data.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            break
        out += rest[:size]
        data = rest[size + 2 :]
    return out


class DroppingServer:
    """Accepts TCP connections and drops each one at once (RST), before any answer."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.accepted = 0
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}/v1"

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted += 1
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            conn.close()

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def dropping_server() -> Iterator[DroppingServer]:
    server = DroppingServer()
    yield server
    server.close()


# --------------------------------------------------------------------------- child processes


@dataclass
class GatewayProcess:
    url: str
    api_key: str
    output: Path
    process: subprocess.Popen[bytes]
    env: dict[str, str] = field(default_factory=dict)

    @property
    def api(self) -> str:
        return f"{self.url}/api/v1"

    @property
    def pid(self) -> int:
        return self.process.pid

    def headers(self, **extra: str) -> dict[str, str]:
        return {"authorization": f"Bearer {self.api_key}", **extra}

    def read_output(self) -> str:
        return self.output.read_text(errors="replace")

    def fds(self) -> int:
        return len(os.listdir(f"/proc/{self.pid}/fd"))

    def status(self, name: str) -> int:
        """A number from /proc/<pid>/status (`VmRSS` in kB, `Threads`)."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith(f"{name}:"):
                return int(line.split()[1])
        raise KeyError(name)

    def alive(self) -> bool:
        return self.process.poll() is None


def start_gateway_process(
    moto_endpoint: str, upstream_url: str, api_key: str, output: Path, **env_overrides: str
) -> GatewayProcess:
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(
            [str(ROOT / "layers/masking"), str(ROOT / "functions/gateway"), str(ROOT)]
        ),
        "AWS_ENDPOINT_URL": moto_endpoint,
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "GATEWAY_ENV": "prod",
        "GATEWAY_KEYS_TABLE": dev_aws.KEYS_TABLE,
        "GATEWAY_PROVIDERS_SECRET": dev_aws.PROVIDERS_SECRET,
        "GATEWAY_ADMIN_SECRET": dev_aws.ADMIN_SECRET,
        "GATEWAY_OPENAI_BASE_URL": upstream_url,
        "GATEWAY_DEEPSEEK_BASE_URL": upstream_url,
        "GATEWAY_ANTHROPIC_BASE_URL": provider_urls(upstream_url)["anthropic"],
        "GATEWAY_BEDROCK_BASE_URL": provider_urls(upstream_url)["bedrock"],
        "GATEWAY_DEADLINE_S": "10",
        "GATEWAY_IDLE_TIMEOUT_S": "5",
        "GATEWAY_DEFAULT_RPM": "100000",
        **env_overrides,
    }
    access_log = env.pop("_ACCESS_LOG", "on")
    cmd = [sys.executable, "-m", "uvicorn", "gateway.asgi:app", "--host", "127.0.0.1", "--port", str(port)]
    if access_log == "off":
        cmd.append("--no-access-log")
    with output.open("ab") as sink:
        process = subprocess.Popen(cmd, env=env, stdout=sink, stderr=sink, cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            raise RuntimeError(f"gateway did not start:\n{output.read_text()}")
        time.sleep(0.1)
    return GatewayProcess(url, api_key, output, process, env)


def stop_gateway_process(gateway: GatewayProcess) -> None:
    if gateway.alive():
        gateway.process.terminate()
        try:
            gateway.process.wait(10)
        except subprocess.TimeoutExpired:
            gateway.process.kill()
            gateway.process.wait(5)


def seed_moto(moto_endpoint: str, api_key: str | None = None) -> str:
    """Reset moto and seed table, secrets and one key; returns the key's plaintext."""
    httpx.post(f"{moto_endpoint}/moto-api/reset")
    seeded = dev_aws.seed(
        boto3.client("dynamodb", endpoint_url=moto_endpoint),
        boto3.client("secretsmanager", endpoint_url=moto_endpoint),
        provider_keys=PROVIDER_KEYS,
        api_key=api_key,
    )
    return seeded.api_key.plaintext


ProcessFactory = Callable[..., GatewayProcess]


@pytest.fixture(scope="module")
def process_factory(
    moto_endpoint: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[..., GatewayProcess]]:
    """Start gateway children sharing one freshly seeded moto for the whole module."""
    api_key = seed_moto(moto_endpoint)
    started: list[GatewayProcess] = []
    workdir = tmp_path_factory.mktemp("gateway-process")

    def make(upstream_url: str, name: str = "gateway", **env: str) -> GatewayProcess:
        output = workdir / f"{name}-{len(started)}.log"
        gateway = start_gateway_process(moto_endpoint, upstream_url, api_key, output, **env)
        started.append(gateway)
        return gateway

    yield make
    for gateway in started:
        stop_gateway_process(gateway)
