"""moto's server for Secrets Manager and DynamoDB, handling one request at a time.

moto's ThreadedMotoServer serves requests on many threads, and its DynamoDB
backend does not lock an item between a condition check and the update, so two
concurrent conditional updates can both pass. Real DynamoDB applies each
conditional update atomically, and our limits rely on exactly that; serving one
request at a time gives moto the same guarantee (and HTTP/1.0, so no client can
hold the server with a kept-alive connection).
"""

from __future__ import annotations

from moto.moto_server.threaded_moto_server import ThreadedMotoServer
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import make_server


class SerialMotoServer(ThreadedMotoServer):
    def _server_entry(self) -> None:
        app = DomainDispatcherApplication(create_backend_app)
        self._server = make_server(self._ip_address, self._port, app, threaded=False)
        self._server_ready_event.set()
        self._server.serve_forever()
