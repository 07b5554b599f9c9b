"""What ships, built for this machine: `make build` output, the runtime stand-in, AWS's own events.

The harness runs the `sam build` artifacts, not the source folders. They are built for
the host's architecture (an arm64 `.so` cannot load on an x86_64 machine; the SAM checks
build and check the template's architecture separately) with the same `make build` a
user runs, so the pinned template and the `.so` checks come along. `--cached` makes a
rebuild with unchanged sources a copy. A file lock keeps parallel test workers from
building at once.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import platform
import shutil
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[3]
HOST_ARCH = "arm64" if platform.machine() in ("aarch64", "arm64") else "x86_64"
WORK = ROOT / ".aws-sam" / "host"
BUILD_DIR = WORK / "build"
RUNTIME_DIR = WORK / "runtime"
SAM_PYTHON = ROOT / ".venv-sam" / "bin" / "python"
SAM = ROOT / ".venv-sam" / "bin" / "sam"

# `sam local generate-event` events (AWS's own shapes, not ours): name -> (service, type, options).
GENERATED_EVENTS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "generated-httpapi-health": ("apigateway", "http-api-proxy", ("--method", "GET", "--path", "health")),
    "generated-httpapi-models": (
        "apigateway",
        "http-api-proxy",
        ("--method", "GET", "--path", "api/v1/models"),
    ),
    # The default event: POST /path/to/resource with a base64 body.
    "generated-httpapi-default": ("apigateway", "http-api-proxy", ()),
    "generated-rest-health": ("apigateway", "aws-proxy", ("--method", "GET", "--path", "health")),
    "generated-rest-models": ("apigateway", "aws-proxy", ("--method", "GET", "--path", "api/v1/models")),
}


@contextmanager
def _locked() -> Iterator[None]:
    WORK.mkdir(parents=True, exist_ok=True)
    with (WORK / ".lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _run(cmd: list[str], what: str) -> str:
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise AssertionError(
            f"{what} failed ({proc.returncode}):\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"
        )
    return proc.stdout


# What a build is made from: when none of it changed, the last build stands.
BUILD_INPUTS = ("template.yaml", "functions/gateway", "layers/masking", "scripts/check_build.py")


def _inputs_digest() -> str:
    digest = hashlib.sha256()
    for name in BUILD_INPUTS:
        root = ROOT / name
        for path in sorted([root] if root.is_file() else root.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def host_build() -> Path:
    """`make build ARCH=<host> BUILD_DIR=.aws-sam/host/build`, unless its inputs are unchanged.

    Skipping an up-to-date build matters beyond speed: `sam build` empties its build
    directory first, so a second test worker rebuilding would pull the artifacts from
    under the first one's running functions.
    """
    if not SAM.exists():
        raise AssertionError("the SAM CLI is missing: run `make sam-tools` (make test does)")
    stamp = WORK / "build.inputs-sha256"
    with _locked():
        digest = _inputs_digest()
        if not (stamp.is_file() and stamp.read_text() == digest and (BUILD_DIR / "template.yaml").is_file()):
            stamp.unlink(missing_ok=True)
            _run(
                ["make", "--no-print-directory", "build", f"ARCH={HOST_ARCH}", f"BUILD_DIR={BUILD_DIR}"],
                "make build",
            )
            stamp.write_text(digest)
    return BUILD_DIR


def runtime_dir() -> Path:
    """The stand-in for what Lambda's runtime puts on the path (requirements/runtime.txt)."""
    lock = ROOT / "requirements" / "runtime.txt"
    digest = hashlib.sha256(lock.read_bytes()).hexdigest()
    stamp = RUNTIME_DIR / ".lock-sha256"
    with _locked():
        if not (stamp.is_file() and stamp.read_text() == digest):
            shutil.rmtree(RUNTIME_DIR, ignore_errors=True)
            _run(
                [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                 "--require-hashes", "--no-deps", "--only-binary=:all:", "--target", str(RUNTIME_DIR),
                 "-r", str(lock)],
                "installing requirements/runtime.txt",
            )  # fmt: skip
            stamp.write_text(digest)
    return RUNTIME_DIR


def generated_events() -> dict[str, dict[str, Any]]:
    """Each GENERATED_EVENTS entry, made by `sam local generate-event` now."""

    def generate(spec: tuple[str, str, tuple[str, ...]]) -> dict[str, Any]:
        service, kind, options = spec
        out = _run([str(SAM), "local", "generate-event", service, kind, *options], "sam local generate-event")
        return dict(json.loads(out))

    with ThreadPoolExecutor(max_workers=3) as pool:
        events = list(pool.map(generate, GENERATED_EVENTS.values()))
    return dict(zip(GENERATED_EVENTS, events, strict=True))


def sam_view(template: Path, env_json: Path, env: dict[str, str]) -> dict[str, Any]:
    """SAM CLI's own view of the built stack and env.json (samharness/sam_view.py)."""
    script = Path(__file__).with_name("sam_view.py")
    proc = subprocess.run(
        [str(SAM_PYTHON), str(script), str(template), str(env_json)],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if proc.returncode != 0:
        raise AssertionError(f"sam_view.py failed:\n{proc.stderr[-4000:]}")
    return dict(json.loads(proc.stdout))
