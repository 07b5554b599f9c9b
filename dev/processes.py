"""Loopback servers as child processes: moto and the echo provider, for `make dev`, tests and benches.

A child runs `python -m <module>` in its own session, so the Ctrl-C that a terminal
sends to `make dev` reaches only the parent, which then saves the dev state and
stops its children in order. A child started by a parent that dies without
stopping it (killed, a crashed test worker) notices and exits by itself
(`exit_with_parent`), so no orphan keeps a port.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO

import httpx

ROOT = Path(__file__).resolve().parents[1]
PYTHONPATH = os.pathsep.join(str(ROOT / part) for part in ("functions/gateway", "layers/masking", "."))


class ChildFailed(RuntimeError):
    """A child did not come up; the message says which and how to look."""


class Child:
    def __init__(self, name: str, process: subprocess.Popen[bytes], url: str) -> None:
        self.name = name
        self.process = process
        self.url = url

    def stop(self, timeout_s: float = 10) -> None:
        if self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout_s)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout_s)


def port_is_free(port: int) -> bool:
    """Nothing listens on it. SO_REUSEADDR as the servers set it, so the TIME_WAIT left by
    a stopped `make dev` does not count as taken."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def start(
    name: str,
    module: str,
    args: Sequence[str],
    *,
    port: int,
    ready_path: str = "/",
    env: Mapping[str, str] | None = None,
    output: IO[bytes] | int | None = subprocess.DEVNULL,
) -> Child:
    """Start `python -m module args` serving on 127.0.0.1:`port`; `wait_ready` before use."""
    if not port_is_free(port):
        raise ChildFailed(f"{name}: port {port} is in use (another `make dev`?); stop it or pick other ports")
    environ = {**os.environ, "PYTHONPATH": PYTHONPATH, **(env or {})}
    process = subprocess.Popen(
        [sys.executable, "-m", module, *args],
        env=environ,
        cwd=ROOT,
        stdout=output,
        stderr=output,
        start_new_session=True,
    )
    return Child(name, process, f"http://127.0.0.1:{port}{ready_path}")


def wait_ready(child: Child, timeout_s: float = 30) -> None:
    """Poll the child's URL until it answers (any HTTP status), or fail with its exit status."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            httpx.get(child.url, timeout=2)
            return
        except httpx.TransportError:
            pass
        code = child.process.poll()
        if code is not None:
            raise ChildFailed(f"{child.name} exited with status {code} before it was ready")
        if time.monotonic() > deadline:
            child.stop()
            raise ChildFailed(f"{child.name} did not answer within {timeout_s:g} s")
        time.sleep(0.05)


def exit_with_parent(poll_s: float = 0.5) -> None:
    """In a child: exit as soon as the process that started it is gone."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(poll_s)
        os._exit(0)

    threading.Thread(target=watch, daemon=True, name="exit-with-parent").start()
