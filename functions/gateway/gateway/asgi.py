"""The ASGI entry point for uvicorn: the web adapter's `run.sh` and local runs."""

from __future__ import annotations

import os

from gateway.startup import init_phase

# Everything heavy is imported and built inside this block (gateway.startup says why).
with init_phase():
    from gateway.app import create_app
    from gateway.settings import Settings

    app = create_app(Settings.from_env(os.environ))
