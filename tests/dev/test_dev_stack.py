"""`make dev` as a newcomer meets it: `python -m dev.serve` and `python -m dev.keys` as processes.

One walk through the first hour: the stack starts and says what it is doing, the printed key
answers a first request on `local/echo`, `/models` lists only what can answer, `make keys`
creates a key, Ctrl-C saves the state, and after a restart the same key (and the new one)
still work, with their usage counted on. Moto runs in its own process with its instance
tracking off, so a long local run does not grow. State goes to a temporary directory
(`GATEWAY_DEV_DIR`), never to the developer's own `.dev/`.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from dev.processes import PYTHONPATH, ROOT, port_is_free
from tests.helpers import chat_body

pytestmark = pytest.mark.xdist_group("dev-stack")


def three_free_ports() -> int:
    for base in range(23000, 24000, 7):
        if all(port_is_free(base + i) for i in range(3)):
            return base
    raise RuntimeError("no three free ports in a row")


def listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    except OSError:
        return False
    return True


class DevStack:
    def __init__(self, state_dir: Path, port: int) -> None:
        self.state_dir, self.port = state_dir, port
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "GATEWAY_"))},
            "PYTHONPATH": PYTHONPATH,
            "GATEWAY_DEV_DIR": str(state_dir),
            "GATEWAY_PORT": str(port),
            "PYTHONUNBUFFERED": "1",
        }
        for name in ("OPENAI_API_KEY", "GEMINI_API_KEY", "XAI_API_KEY", "DEEPSEEK_API_KEY"):
            self.env.pop(name, None)
        self.process: subprocess.Popen[str] | None = None
        self.output = ""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> str:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "dev.serve"],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        assert self.process.stdout is not None
        lines = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                break
            lines.append(line)
            if "Uvicorn running on" in line:
                self.output = "".join(lines)
                return self.output
        raise AssertionError("make dev did not start:\n" + "".join(lines))

    def stop(self) -> str:
        """Ctrl-C, as a terminal sends it."""
        assert self.process is not None and self.process.stdout is not None
        self.process.send_signal(signal.SIGINT)
        rest = self.process.stdout.read()
        self.process.wait(30)
        return rest

    def keys(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "dev.keys", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[DevStack]:
    dev = DevStack(tmp_path / "dev-state", three_free_ports())
    yield dev
    if dev.process is not None and dev.process.poll() is None:
        dev.process.kill()
        dev.process.wait(10)


def chat(stack: DevStack, key: str, content: str) -> httpx.Response:
    body = chat_body(content, model="local/echo", pii="obfuscate")
    return httpx.post(
        f"{stack.url}/api/v1/chat/completions", headers={"authorization": f"Bearer {key}"}, json=body
    )


def test_the_first_hour(stack: DevStack) -> None:
    banner = stack.start()
    for progress in (
        "make dev: starting moto on 127.0.0.1:",
        "creating the keys table and secrets",
        "done (",
    ):
        assert progress in banner
    key = re.search(r"export GATEWAY_KEY=(sgw-\S+)", banner)
    assert key is not None
    api_key = key.group(1)
    assert f"moto:         http://127.0.0.1:{stack.port + 2}" in banner

    answer = chat(stack, api_key, "Hello, write to jane.doe@example.org")
    assert (
        answer.json()["choices"][0]["message"]["content"] == "You said: Hello, write to jane.doe@example.org"
    )
    models = httpx.get(f"{stack.url}/api/v1/models", headers={"authorization": f"Bearer {api_key}"}).json()
    assert [m["id"] for m in models["data"]] == ["local/echo"]  # no provider key: only what can answer
    missing = httpx.post(
        f"{stack.url}/api/v1/chat/completions",
        headers={"authorization": f"Bearer {api_key}"},
        json=chat_body("hi", model="openai/gpt-4o-mini"),
    )
    assert missing.status_code == 503 and "OPENAI_API_KEY" in missing.json()["error"]["message"]

    created = stack.keys("create", "--name", "alice", "--model", "local/echo")
    assert created.returncode == 0, created.stderr
    alice = json.loads(created.stdout)["key"]
    assert chat(stack, alice, "hi from alice").status_code == 200

    # moto's own process does not keep a copy of every item it ever stored.
    tracked = httpx.get(f"http://127.0.0.1:{stack.port + 2}/moto-api/data.json").json()["dynamodb"]
    assert tracked["Item"] == []

    ending = stack.stop()
    assert "saving keys and usage" in ending and stack.process is not None and stack.process.returncode == 0
    assert not any(listening(stack.port + i) for i in range(3))  # the children went with it
    assert (stack.state_dir / "state.json").stat().st_mode & 0o077 == 0  # it holds keys: yours only
    not_running = stack.keys("list")
    assert not_running.returncode == 1 and "make dev" in not_running.stderr

    banner = stack.start()
    assert "restoring keys and usage" in banner and f"export GATEWAY_KEY={api_key}" in banner
    assert chat(stack, api_key, "still me").status_code == 200
    assert chat(stack, alice, "alice again").status_code == 200
    listed = {row["name"]: row for row in json.loads(stack.keys("list").stdout)}
    assert listed["dev"]["request_count"] >= 3 and listed["alice"]["request_count"] == 2
    stack.stop()
