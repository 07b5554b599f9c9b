"""The --parameter-overrides for `make deploy`: saved answers, then this build's Architecture.

    python scripts/deploy_parameters.py samconfig.toml Architecture=arm64 [Name=value ...]

`sam deploy --parameter-overrides` on the command line replaces what `sam deploy --guided` saved
in samconfig.toml, which would silently put every other parameter (PiiFloor, say) back to its
default. So the saved overrides are read and kept, and only the names given here replace theirs.
Prints `Name=value` pairs separated by spaces (values with spaces are not supported).
"""

from __future__ import annotations

import shlex
import sys
import tomllib
from pathlib import Path


def saved_overrides(samconfig: Path, env: str = "default") -> dict[str, str]:
    if not samconfig.is_file():
        return {}
    config = tomllib.loads(samconfig.read_text())
    raw = config.get(env, {}).get("deploy", {}).get("parameters", {}).get("parameter_overrides", [])
    pairs = shlex.split(raw) if isinstance(raw, str) else [str(item) for item in raw]
    return dict(_pair(item) for item in pairs)


def _pair(item: str) -> tuple[str, str]:
    name, sep, value = item.partition("=")
    if not sep or not name:
        raise SystemExit(f"not a Name=value parameter: {item!r}")
    return name, value


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    merged = saved_overrides(Path(argv[0]))
    merged.update(_pair(item) for item in argv[1:])
    bad = [name for name, value in merged.items() if any(c.isspace() for c in value)]
    if bad:
        raise SystemExit(f"parameters with spaces in their value are not supported here: {bad}")
    print(" ".join(f"{name}={value}" for name, value in merged.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
