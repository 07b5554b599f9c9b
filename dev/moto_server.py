"""moto's server (Secrets Manager, DynamoDB) in its own process: `python -m dev.moto_server --port N`.

Its own process, never a thread of the gateway: moto uses more CPU than the
gateway under load, and the gateway must measure as the Lambda sandbox would.
`make dev`, the tests and the benchmarks all start it through `start_moto`.

Serial by default. moto's threaded server does not lock an item between a
condition check and the update, so two concurrent conditional updates can both
pass; real DynamoDB applies each conditional update atomically, and the usage
limits rely on exactly that. One request at a time gives moto the same guarantee
(and HTTP/1.0, so no client can hold the server with a kept-alive connection).
`--threaded` is for benchmarks that want throughput more than atomicity.

Untracked: moto's `BaseModel` appends every instance it ever creates to its
class's `instances_tracked` list (for moto's dashboard), and each DynamoDB
`UpdateItem` creates Item copies, about 6.7 KB per chat request kept forever. A
long local soak would grow without bound, so tracking is switched off here.
"""

from __future__ import annotations

import argparse
import logging
import threading
from typing import Any

from dev.processes import Child, exit_with_parent, start


def untrack_models() -> None:
    """Make moto's models stop recording every instance in `instances_tracked`."""
    from moto.core.common_models import BaseModel

    def untracked_new(cls: type[Any], *args: Any, **kwargs: Any) -> Any:
        return object.__new__(cls)

    BaseModel.__new__ = untracked_new  # type: ignore[method-assign]


def serve(port: int, *, threaded: bool) -> None:
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
    from werkzeug.serving import make_server

    untrack_models()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request otherwise
    app = DomainDispatcherApplication(create_backend_app)
    make_server("127.0.0.1", port, app, threaded=threaded).serve_forever()


class SerialMotoServer:
    """The same serial, untracked server on a thread of the calling process.

    Only for `tests/lambda/samharness` (outside issue 14's area), which asks for port 0
    and runs beside the functions it emulates; everything else starts `start_moto`'s
    process. Its `start`, `get_host_and_port` and `stop` are those of moto's
    `ThreadedMotoServer`, which it replaced.
    """

    def __init__(self, ip_address: str = "127.0.0.1", port: int = 0, verbose: bool = False) -> None:
        from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
        from werkzeug.serving import make_server

        untrack_models()
        self._server = make_server(ip_address, port, DomainDispatcherApplication(create_backend_app))
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True, name="moto")

    def start(self) -> None:
        self._thread.start()

    def get_host_and_port(self) -> tuple[str, int]:
        host, port = self._server.server_address[:2]
        return str(host), int(port)

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join()


def start_moto(port: int, *, threaded: bool = False, output: Any = None) -> Child:
    """Start the server as a child process on 127.0.0.1:`port` (call `wait_ready` before use)."""
    args = ["--port", str(port), *(["--threaded"] if threaded else [])]
    kwargs = {} if output is None else {"output": output}
    return start("moto", "dev.moto_server", args, port=port, ready_path="/moto-api/", **kwargs)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m dev.moto_server", description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--threaded", action="store_true", help="serve requests concurrently (benchmarks)")
    args = parser.parse_args()
    exit_with_parent()
    serve(args.port, threaded=args.threaded)


if __name__ == "__main__":
    main()
