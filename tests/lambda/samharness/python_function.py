"""A warm 'sandbox' for a Python-handler function: one child process, many invokes."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

RUNNER = Path(__file__).with_name("runner.py")


@dataclass
class PythonFunction:
    process: subprocess.Popen[str]
    start: dict[str, Any]
    log_path: Path

    def invoke(self, event: Mapping[str, Any]) -> dict[str, Any]:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps(event) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise AssertionError(f"function process died:\n{self.log_path.read_text()}")
        result = json.loads(line)
        if "invoke_error" in result:
            raise AssertionError(f"handler raised:\n{result['invoke_error']}")
        return dict(result["response"])


def decode_body(response: Mapping[str, Any]) -> bytes:
    body = response.get("body") or ""
    return base64.b64decode(body) if response.get("isBase64Encoded") else body.encode()


def response_headers(response: Mapping[str, Any]) -> dict[str, str]:
    headers = {k.lower(): v for k, v in (response.get("headers") or {}).items()}
    for key, values in (response.get("multiValueHeaders") or {}).items():
        headers.setdefault(key.lower(), ", ".join(values))
    return headers


@contextmanager
def start(
    *,
    handler: str,
    task_root: Path,
    layer_dirs: tuple[Path, ...],
    env: Mapping[str, str],
    log_dir: Path,
    name: str,
    timeout_s: int,
    module_checks: tuple[str, ...] = (),
    python: str = sys.executable,
) -> Iterator[PythonFunction]:
    spec = {
        "handler": handler,
        "task_root": str(task_root),
        "layer_dirs": [str(d) for d in layer_dirs],
        "module_checks": list(module_checks),
        "timeout_s": timeout_s,
    }
    log_path = log_dir / f"{name}.log"
    log: IO[str] = log_path.open("w")
    process = subprocess.Popen(
        [python, "-I", str(RUNNER), json.dumps(spec)],
        env=dict(env),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        started = json.loads(line) if line else {"init_error": "no output"}
        if "init_error" in started:
            process.wait(10)
            raise AssertionError(
                f"{name} failed to initialise:\n{started['init_error']}\n{log_path.read_text()}"
            )
        yield PythonFunction(process, started, log_path)
    finally:
        if process.stdin:
            process.stdin.close()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
