"""The ASGI entry point for uvicorn: the web adapter's `run.sh` and local runs."""

from __future__ import annotations

import os

from gateway.app import create_app
from gateway.settings import Settings

app = create_app(Settings.from_env(os.environ))
