"""`make keys ARGS="create --name alice"`: the keys CLI against the running `make dev` stack.

`make dev` writes where its stack listens to `.dev/stack.json`; this reads it, points
the AWS SDK at that moto (with its region and dummy credentials) and runs
`python -m gateway.keys` with the same arguments. `local/echo` is a model there.
"""

from __future__ import annotations

import os
import sys

import httpx

from dev.state import load_stack
from gateway.keys.__main__ import PROG
from gateway.keys.__main__ import main as keys_main


def main() -> int:
    stack = load_stack()
    if stack is None:
        print(
            "make keys: the dev stack is not running; start `make dev` in another terminal", file=sys.stderr
        )
        return 1
    try:
        httpx.get(f"{stack.aws_endpoint_url}/moto-api/", timeout=2)
    except httpx.TransportError:
        print(
            f"make keys: nothing answers at {stack.aws_endpoint_url}: restart `make dev` and run this again",
            file=sys.stderr,
        )
        return 1
    os.environ.update(stack.environment())
    os.environ.pop("AWS_PROFILE", None)
    sys.argv[0] = PROG
    return keys_main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
