"""What the AWS Lambda Web Adapter does around our start script, minus Lambda.

The adapter's `/opt/bootstrap` (AWS_LAMBDA_EXEC_WRAPPER) execs
`$LAMBDA_TASK_ROOT/$_HANDLER`, i.e. run.sh, then polls the readiness path on
PORT until it answers below 500, and then turns each invocation event into an
HTTP request to 127.0.0.1:PORT, adding `x-amzn-request-context` and
`x-amzn-lambda-context` headers, and (in response_stream mode) relays the body
as it arrives. `/opt/python` does not exist here, so each local layer directory
is put on PYTHONPATH in its place (run.sh keeps what it is given).
"""

from __future__ import annotations

import base64
import json
import os
import signal
import subprocess
import time
import urllib.parse
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import httpx


@dataclass
class StreamedResponse:
    status: int
    headers: httpx.Headers
    chunks: list[tuple[float, bytes]] = field(default_factory=list)

    @property
    def body(self) -> bytes:
        return b"".join(chunk for _, chunk in self.chunks)

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class RunningAdapter:
    port: int
    process: subprocess.Popen[bytes]
    log_path: Path
    function_name: str
    timeout_s: int

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def request_for(self, event: Mapping[str, Any]) -> httpx.Request:
        """Translate a function URL / HTTP API v2 or REST v1 event into the adapter's request."""
        if event.get("version") == "2.0":
            http = event["requestContext"]["http"]
            method, path, query = http["method"], event["rawPath"], event.get("rawQueryString", "")
            headers = dict(event.get("headers") or {})
            if event.get("cookies"):
                headers["cookie"] = "; ".join(event["cookies"])
        else:
            method, path = event["httpMethod"], event["path"]
            multi = event.get("multiValueQueryStringParameters") or {}
            single = event.get("queryStringParameters") or {}
            pairs = [(k, v) for k, vs in multi.items() for v in vs] or list(single.items())
            query = urllib.parse.urlencode(pairs)
            headers = {k: ", ".join(v) for k, v in (event.get("multiValueHeaders") or {}).items()}
            headers.update(event.get("headers") or {})
        body = event.get("body") or b""
        if isinstance(body, str):
            body = base64.b64decode(body) if event.get("isBase64Encoded") else body.encode()
        headers = {k.lower(): v for k, v in headers.items() if k.lower() not in ("content-length", "host")}
        headers["x-amzn-request-context"] = json.dumps(event.get("requestContext", {}))
        headers["x-amzn-lambda-context"] = json.dumps(
            {
                "request_id": str(uuid.uuid4()),
                "deadline": int((time.time() + self.timeout_s) * 1000),
                "invoked_function_arn": f"arn:aws:lambda:us-east-1:123456789012:function:{self.function_name}",
                "xray_trace_id": None,
                "client_context": None,
                "identity": None,
                "env_config": {"function_name": self.function_name, "memory": 512, "version": "$LATEST"},
            }
        )
        url = f"{self.base_url}{path}" + (f"?{query}" if query else "")
        return httpx.Request(method, url, headers=headers, content=body)

    def invoke(self, event: Mapping[str, Any], *, on_chunk: Any = None) -> StreamedResponse:
        with httpx.Client(timeout=30) as client:
            response = client.send(self.request_for(event), stream=True)
            try:
                result = StreamedResponse(response.status_code, response.headers)
                for chunk in response.iter_raw():
                    result.chunks.append((time.monotonic(), chunk))
                    if on_chunk is not None:
                        on_chunk(result)
                return result
            finally:
                response.close()

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def start(
    *,
    task_root: Path,
    handler: str,
    layer_dirs: tuple[Path, ...],
    env: Mapping[str, str],
    python_bin_dir: str,
    log_dir: Path,
    function_name: str,
    timeout_s: int,
    readiness_timeout_s: float = 20.0,
) -> Iterator[RunningAdapter]:
    script = task_root / handler
    if not os.access(script, os.X_OK):
        raise AssertionError(f"{script} is not executable: the adapter's bootstrap execs it directly")
    port = _free_port()
    child_env = dict(env)
    # Lambda would set PORT from the template; the test needs a free one.
    child_env["PORT"] = str(port)
    if "AWS_LWA_PORT" in child_env:
        child_env["AWS_LWA_PORT"] = str(port)
    child_env["PATH"] = f"{python_bin_dir}:/usr/local/bin:/usr/bin:/bin"
    child_env["PYTHONPATH"] = ":".join(str(d) for d in layer_dirs)
    log_path = log_dir / f"{function_name}.log"
    log: IO[bytes] = log_path.open("wb")
    process = subprocess.Popen(
        [str(script)],
        cwd=task_root,
        env=child_env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    adapter = RunningAdapter(port, process, log_path, function_name, timeout_s)
    try:
        _wait_ready(adapter, env.get("AWS_LWA_READINESS_CHECK_PATH", "/"), readiness_timeout_s)
        yield adapter
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        log.close()


def _wait_ready(adapter: RunningAdapter, path: str, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if adapter.process.poll() is not None:
            raise AssertionError(
                f"start script exited with {adapter.process.returncode}:\n{adapter.output()}"
            )
        try:
            response = httpx.get(f"{adapter.base_url}{path}", timeout=1)
        except httpx.TransportError:
            time.sleep(0.05)
            continue
        # The adapter's rule: any status below 500 counts as ready.
        if response.status_code < 500:
            return
        time.sleep(0.05)
    raise AssertionError(f"no answer below 500 on {path} within {timeout_s}s:\n{adapter.output()}")
