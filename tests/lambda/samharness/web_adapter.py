"""What the AWS Lambda Web Adapter does around our start script, minus Lambda.

The adapter's `/opt/bootstrap` (AWS_LAMBDA_EXEC_WRAPPER) execs
`$LAMBDA_TASK_ROOT/$_HANDLER`, i.e. the built run.sh, then polls the readiness path
on AWS_LWA_PORT until it answers below 500, and then turns each invocation event into
an HTTP request to 127.0.0.1:PORT, adding `x-amzn-request-context` and
`x-amzn-lambda-context` headers; in response_stream mode it relays the body as it
arrives, in buffered mode (what env.json sets for sam local) it answers once the body
is complete. As in Lambda, the function's process finds the Extensions API at
AWS_LAMBDA_RUNTIME_API (`samharness.extensions_api`), and an invocation ends when the
response is complete and every extension that registered has asked for its next event. The adapter is a binary from AWS's layer, which cannot be fetched here,
so this stands in for it; everything it starts is the build output. `/opt/python`
does not exist here, so the built layer's python/ directory is put on PYTHONPATH in
its place (run.sh keeps what it is given), and `python` on PATH runs with `-S`, so
only the build, the layer and the runtime directory can be imported.
"""

from __future__ import annotations

import base64
import json
import os
import signal
import subprocess
import sys
import time
import urllib.parse
import uuid
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import httpx

from dev.ports import free_port
from samharness.extensions_api import ExtensionsApi, extensions_api


@dataclass
class StreamedResponse:
    status: int
    headers: httpx.Headers
    chunks: list[tuple[float, bytes]] = field(default_factory=list)
    completed_at: float = 0.0  # time.monotonic() when the last byte arrived
    invocation_ended_at: float = 0.0  # ... when the last extension asked for its next event

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
    invoke_mode: str
    extensions: ExtensionsApi

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def request_for(self, event: Mapping[str, Any], request_id: str = "") -> httpx.Request:
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
                "request_id": request_id or str(uuid.uuid4()),
                "deadline": self.deadline_ms(),
                "invoked_function_arn": f"arn:aws:lambda:us-east-1:123456789012:function:{self.function_name}",
                "xray_trace_id": None,
                "client_context": None,
                "identity": None,
                "env_config": {"function_name": self.function_name, "memory": 512, "version": "$LATEST"},
            }
        )
        url = f"{self.base_url}{path}" + (f"?{query}" if query else "")
        return httpx.Request(method, url, headers=headers, content=body)

    def deadline_ms(self) -> int:
        return int((time.time() + self.timeout_s) * 1000)

    def invoke(
        self, event: Mapping[str, Any], *, mode: str | None = None, on_chunk: Any = None
    ) -> StreamedResponse:
        """One invocation; `mode` is AWS_LWA_INVOKE_MODE (default: the function's environment).

        Returns once the invocation has ended: the response is complete and every
        registered extension has asked for its next event."""
        mode = mode or self.invoke_mode
        request_id = str(uuid.uuid4())
        calls = (
            self.extensions.invoke_event(request_id, self.deadline_ms()) if self.extensions.registered else 0
        )
        with httpx.Client(timeout=30) as client:
            response = client.send(self.request_for(event, request_id), stream=True)
            try:
                result = StreamedResponse(response.status_code, response.headers)
                if mode == "buffered":
                    result.chunks.append((time.monotonic(), response.read()))
                else:
                    for chunk in response.iter_raw():
                        result.chunks.append((time.monotonic(), chunk))
                        if on_chunk is not None:
                            on_chunk(result)
            finally:
                response.close()
        result.completed_at = time.monotonic()
        result.invocation_ended_at = result.completed_at
        if self.extensions.registered:
            result.invocation_ended_at = self.extensions.wait_next_call(calls, self.timeout_s + 5)
        return result

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")


@contextmanager
def start(
    *,
    task_root: Path,
    handler: str,
    layer_dirs: tuple[Path, ...],
    runtime_dir: Path,
    env: Mapping[str, str],
    log_dir: Path,
    function_name: str,
    timeout_s: int,
    readiness_timeout_s: float = 20.0,
) -> Iterator[RunningAdapter]:
    script = task_root / handler
    if not os.access(script, os.X_OK):
        raise AssertionError(f"{script} is not executable: the adapter's bootstrap execs it directly")
    port = free_port()
    stack = ExitStack()  # closed last: the function may ask for events until it is stopped
    extensions = stack.enter_context(extensions_api())
    child_env = dict(env)
    child_env["AWS_LAMBDA_RUNTIME_API"] = extensions.address
    # Lambda would use the template's port; parallel test runs need a free one.
    child_env["PORT"] = str(port)
    if "AWS_LWA_PORT" in child_env:
        child_env["AWS_LWA_PORT"] = str(port)
    bin_dir = log_dir / f"{function_name}-bin"
    bin_dir.mkdir(exist_ok=True)
    python = bin_dir / "python"
    python.write_text(f'#!/bin/sh\nexec "{sys.executable}" -S "$@"\n')
    python.chmod(0o755)
    child_env["PATH"] = f"{bin_dir}:/usr/local/bin:/usr/bin:/bin"
    child_env["LAMBDA_TASK_ROOT"] = str(task_root)
    child_env["LAMBDA_RUNTIME_DIR"] = str(runtime_dir)
    child_env["_HANDLER"] = handler
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
    mode = env.get("AWS_LWA_INVOKE_MODE", "buffered")
    adapter = RunningAdapter(port, process, log_path, function_name, timeout_s, mode, extensions)
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
        stack.close()


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
