"""The API Gateway entry point: `gateway.lambda_handler.handler`.

`lifespan="off"` because Mangum would otherwise start and stop the app on every
invocation; long-lived clients are created once per process by `build_services`.
Mangum buffers the response, so streams arrive whole through this door; the
function URL door (web adapter + uvicorn) is the one that streams.
"""

from __future__ import annotations

import os

from mangum import Mangum

from gateway.app import create_app
from gateway.settings import Settings

handler = Mangum(create_app(Settings.from_env(os.environ)), lifespan="off")
