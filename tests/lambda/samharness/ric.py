"""A warm sandbox for a Python-handler function: the built code run by the real `awslambdaric`.

The process gets what Lambda's python3.12 runtime gives a function: `/var/task` (the
function's `sam build` output) first on the module path, then the layer's `python/`
directory (what Lambda mounts at /opt/python), then the runtime's own directory (the
runtime interface client, the SnapStart hooks library, boto3) and the standard
library. `-S` keeps this interpreter's site-packages off the path, so nothing the
build left out can be found by accident. One process serves every invocation, as a
warm sandbox does.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from samharness.runtime_api import RuntimeApi, runtime_api


@dataclass
class Sandbox:
    process: subprocess.Popen[bytes]
    api: RuntimeApi
    log_path: Path
    timeout_s: int

    def invoke(self, event: Mapping[str, Any]) -> dict[str, Any]:
        result = self.api.invoke(event, timeout_s=self.timeout_s, alive=lambda: self.process.poll() is None)
        assert isinstance(result, dict), result
        return result

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")


def lambda_path(task_root: Path, layer_dirs: tuple[Path, ...], runtime_dir: Path) -> str:
    """Lambda's module search order for python3.12: task, layers' python/, runtime."""
    return os.pathsep.join([str(task_root), *(str(d) for d in layer_dirs), str(runtime_dir)])


@contextmanager
def start(
    *,
    handler: str,
    task_root: Path,
    layer_dirs: tuple[Path, ...],
    runtime_dir: Path,
    env: Mapping[str, str],
    log_path: Path,
    timeout_s: int,
    snap_start: bool = False,
) -> Iterator[Sandbox]:
    with runtime_api() as api:
        child_env = {
            **env,
            "AWS_LAMBDA_RUNTIME_API": api.address,
            "AWS_EXECUTION_ENV": "AWS_Lambda_python3.12",
            "LAMBDA_TASK_ROOT": str(task_root),
            "LAMBDA_RUNTIME_DIR": str(runtime_dir),
            "_HANDLER": handler,
            "TZ": ":UTC",
            "LANG": "en_US.UTF-8",
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "PYTHONPATH": lambda_path(task_root, layer_dirs, runtime_dir),
        }
        if snap_start:
            child_env["AWS_LAMBDA_INITIALIZATION_TYPE"] = "snap-start"
        log: IO[bytes] = log_path.open("wb")
        process = subprocess.Popen(
            [sys.executable, "-S", "-m", "awslambdaric", handler],
            cwd=task_root,
            env=child_env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            yield Sandbox(process, api, log_path, timeout_s)
        finally:
            process.kill()
            process.wait()
            log.close()
