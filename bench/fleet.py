"""The benches' child processes: started pinned to a core, probed until ready, always stopped.

Plus what the benches read of a process from /proc: its CPU time (utime + stime, the
primary figure: stable on a noisy machine) and its resident memory.

Pinning: on a machine with two or more cores the measured server runs alone on
MEASURED_CORE (`taskset -c`), while the load generator, the provider and the DynamoDB
stand-in share SIDE_CORE. Other work on the machine is not excluded; compare figures
within one run.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from dev.ports import free_port

REPO = Path(__file__).resolve().parent.parent
PATHS = [REPO / "functions" / "gateway", REPO / "layers" / "masking", REPO]
CLK_TCK = os.sysconf("SC_CLK_TCK")
MEASURED_CORE, SIDE_CORE = 0, 1


def child_env(**extra: str) -> dict[str, str]:
    """The environment of every child: the repo on PYTHONPATH, dummy AWS credentials, no profile."""
    env = dict(os.environ)
    # Keep the caller's PYTHONPATH first (a development stub may sit there), then the repo.
    parts = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    parts += [str(p) for p in PATHS if str(p) not in parts]
    env["PYTHONPATH"] = os.pathsep.join(parts)
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
        env.pop(name, None)
    env.update(AWS_DEFAULT_REGION="us-east-1", AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing")
    env.update(extra)
    return env


class Pinning:
    def __init__(self) -> None:
        self.cores = os.cpu_count() or 1
        self.taskset = shutil.which("taskset")
        self.enabled = self.cores >= 2

    def prefix(self, core: int) -> list[str]:
        if self.enabled and self.taskset:
            return [self.taskset, "-c", str(core)]
        return []

    def preexec(self, core: int) -> Any:
        if self.enabled and not self.taskset:
            return lambda: os.sched_setaffinity(0, {core})
        return None

    def pin_self(self) -> None:
        if self.enabled:
            os.sched_setaffinity(0, {SIDE_CORE})

    def pin_pid(self, pid: int, core: int) -> None:
        if not self.enabled:
            return
        for tid in os.listdir(f"/proc/{pid}/task"):
            with contextlib.suppress(OSError):
                os.sched_setaffinity(int(tid), {core})

    def describe(self) -> str:
        if not self.enabled:
            return f"not pinned: only {self.cores} core(s); every process shares the CPU"
        how = "taskset -c" if self.taskset else "sched_setaffinity"
        return (
            f"measured server alone on core {MEASURED_CORE} ({how}); load generator, provider and "
            f"DynamoDB stand-in on core {SIDE_CORE}"
        )


@dataclass
class Server:
    name: str
    proc: subprocess.Popen[bytes]
    url: str
    log: Path

    @property
    def pid(self) -> int:
        return self.proc.pid

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def cpu_s(self) -> float:
        return process_cpu_s(self.pid)

    def rss_kb(self) -> int:
        return proc_status(self.pid, "VmRSS")


class Fleet:
    """Starts children and stops every one of them, whatever happens."""

    def __init__(self, pinning: Pinning, workdir: Path, env: dict[str, str] | None = None) -> None:
        self.pinning = pinning
        self.workdir = workdir
        self.servers: list[Server] = []
        self.env = env or child_env()

    def start(
        self,
        name: str,
        args: list[str],
        core: int,
        ready_path: str,
        ready_method: str = "GET",
        env: dict[str, str] | None = None,
    ) -> Server:
        port = free_port()
        args = [a.replace("{port}", str(port)) for a in args]
        log = self.workdir / f"{name}.log"
        proc = subprocess.Popen(
            [*self.pinning.prefix(core), sys.executable, *args],
            cwd=REPO,
            env=env or self.env,
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
            preexec_fn=self.pinning.preexec(core),  # noqa: PLW1509 - only sched_setaffinity, no locks
        )
        server = Server(name, proc, f"http://127.0.0.1:{port}", log)
        self.servers.append(server)
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"{name} exited at start:\n{log.read_text()[-3000:]}")
            try:
                httpx.request(ready_method, server.url + ready_path, timeout=2)
                return server
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{name} did not start:\n{log.read_text()[-3000:]}") from None
                time.sleep(0.05)

    def start_provider(self, chunks: int) -> Server:
        """The bench provider (bench/servers.py upstream), on the side core."""
        args = ["-m", "bench.servers", "upstream", "--port", "{port}", "--chunks", str(chunks)]
        return self.start("provider", args, SIDE_CORE, "/v1/chat/completions")

    def start_standin(self, latency_ms: float) -> Server:
        """The DynamoDB stand-in (bench/ddb_standin.py), on the side core."""
        args = ["-m", "bench.ddb_standin", "--port", "{port}", "--latency-ms", str(latency_ms)]
        return self.start("ddb-standin", args, SIDE_CORE, "/__standin")

    def stop(self, server: Server) -> None:
        server.stop()
        if server in self.servers:
            self.servers.remove(server)

    def stop_all(self) -> None:
        for server in reversed(list(self.servers)):
            self.stop(server)


@contextmanager
def fleet(pinning: Pinning, workdir: Path, env: dict[str, str] | None = None) -> Iterator[Fleet]:
    started = Fleet(pinning, workdir, env)
    try:
        yield started
    finally:
        started.stop_all()


def _ticks(stat_path: str) -> int:
    with open(stat_path) as fh:
        raw = fh.read()
    fields = raw[raw.rindex(")") + 2 :].split()
    # fields[0] is field 3 (state); utime and stime are fields 14 and 15.
    return int(fields[11]) + int(fields[12])


def process_cpu_s(pid: int) -> float:
    return _ticks(f"/proc/{pid}/stat") / CLK_TCK


def proc_status(pid: int, field_name: str) -> int:
    """A numeric field of /proc/<pid>/status (VmRSS in kB, Threads, ...); -1 if absent."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field_name}:"):
            return int(line.split()[1])
    return -1
