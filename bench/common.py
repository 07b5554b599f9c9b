"""Helpers the benchmarks share: percentiles, plain-text tables, the machine line, moto seeding.

Only the standard library is imported at module level: bench.load imports this module in
its light `--serve-upstream` child too. boto3 and dev.aws are imported when moto is seeded.
"""

from __future__ import annotations

import os
import platform
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dev.aws import Seeded


def pct(values: list[float], q: float) -> float:
    """The `q`-th percentile (0 to 100) of `values` by nearest rank; nan when there are none."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def ms(seconds: float, digits: int = 2) -> str:
    """`seconds` as milliseconds with `digits` decimals, no unit."""
    return f"{seconds * 1000:.{digits}f}"


def table(headers: list[str], rows: list[list[str]]) -> str:
    """A whitespace-aligned table: first column left-aligned, the others right-aligned.

    The header line is followed by a rule and then one line per row (bench.all's parser
    relies on that layout: header, rule, rows, blank line).
    """
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(headers)]
    line = "  ".join(
        h.rjust(w) if i else h.ljust(w) for i, (h, w) in enumerate(zip(headers, widths, strict=True))
    )
    out = [line, "-" * len(line)]
    for row in rows:
        out.append(
            "  ".join(
                c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )
    return "\n".join(out)


def machine() -> str:
    """One line describing this machine: CPU model, cores, RAM, OS and Python."""
    cpu = platform.processor() or "unknown cpu"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.1f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    system = f"{platform.system()} {platform.release()}, python {platform.python_version()}"
    return f"{cpu}, {os.cpu_count()} cores{mem}, {system}"


def loadavg() -> str:
    """The 1, 5 and 15 minute load averages from /proc/loadavg, or "?"."""
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


@dataclass(frozen=True)
class SeededMoto:
    """boto3 clients bound to a moto server, and what dev.aws.seed created in it."""

    dynamodb: Any
    secretsmanager: Any
    seeded: Seeded


def seed_moto(endpoint: str, provider_keys: Mapping[str, str]) -> SeededMoto:
    """Bind DynamoDB and Secrets Manager clients to the moto server at `endpoint` (dummy
    credentials, us-east-1) and seed the gateway's table and secrets with dev.aws.seed."""
    import boto3

    from dev import aws

    clients = {
        name: boto3.client(
            name,
            endpoint_url=endpoint,
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        for name in ("dynamodb", "secretsmanager")
    }
    seeded = aws.seed(clients["dynamodb"], clients["secretsmanager"], provider_keys=provider_keys)
    return SeededMoto(clients["dynamodb"], clients["secretsmanager"], seeded)
