"""A free loopback TCP port, for the servers that `make dev`, the tests and the benchmarks start."""

from __future__ import annotations

import socket


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that the OS reports free right now.

    The probe socket is closed before returning, so another process could take the
    port before the caller binds it; good enough for loopback servers started at once.
    """
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port
