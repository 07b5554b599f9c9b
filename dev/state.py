"""What `make dev` keeps between runs, under `.dev/` (gitignored, readable by you only).

- `state.json`: the dev API key and admin key, so an exported `GATEWAY_KEY` stays
  valid after a restart, and every item of the keys table (keys made with
  `make keys` or the admin API, with their usage counters). Written once the stack
  is seeded and again when `make dev` stops. Provider keys are never written: they
  come from the environment on each run.
- `stack.json`: where the running stack listens (moto's endpoint, the gateway),
  so `make keys` can find it. Removed when `make dev` stops.

Delete `.dev/` to start from scratch. `GATEWAY_DEV_DIR` puts it elsewhere (the tests
do, so that they never touch yours).
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from dev.processes import ROOT

STATE_DIR = Path(os.environ.get("GATEWAY_DEV_DIR") or ROOT / ".dev")


@dataclass
class DevState:
    api_key: str
    admin_key: str
    items: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Stack:
    gateway_url: str
    aws_endpoint_url: str
    region: str
    keys_table: str

    def environment(self) -> dict[str, str]:
        """What a shell (or the keys CLI) needs to reach this stack's AWS stand-in."""
        return {
            "AWS_ENDPOINT_URL": self.aws_endpoint_url,
            "AWS_DEFAULT_REGION": self.region,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "GATEWAY_KEYS_TABLE": self.keys_table,
            "GATEWAY_LOCAL_ECHO": "1",
        }


def load_state(directory: Path = STATE_DIR) -> DevState | None:
    path = directory / "state.json"
    if not path.exists():
        return None
    try:
        raw = json.loads(path.read_text())
        return DevState(api_key=raw["api_key"], admin_key=raw["admin_key"], items=list(raw["items"]))
    except (ValueError, KeyError, TypeError):
        return None  # unreadable (hand-edited, cut short): start afresh rather than refuse to start


def save_state(state: DevState, directory: Path = STATE_DIR) -> None:
    _write(directory / "state.json", asdict(state))


def load_stack(directory: Path = STATE_DIR) -> Stack | None:
    path = directory / "stack.json"
    try:
        return Stack(**json.loads(path.read_text()))
    except (OSError, ValueError, TypeError):
        return None


def save_stack(stack: Stack, directory: Path = STATE_DIR) -> None:
    _write(directory / "stack.json", asdict(stack))


def forget_stack(directory: Path = STATE_DIR) -> None:
    (directory / "stack.json").unlink(missing_ok=True)


def _write(path: Path, data: dict[str, Any]) -> None:
    """Atomically, readable by the owner only (the file holds dev keys)."""
    path.parent.mkdir(mode=0o700, exist_ok=True)
    partial = path.with_suffix(".tmp")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        json.dump(data, out, indent=1)
    partial.replace(path)
