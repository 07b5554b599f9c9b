"""The ASGI entry point for uvicorn: the web adapter's `run.sh` and local runs.

In Lambda (under the web adapter) the app also registers an internal extension that
keeps each invocation open until its request is over (`gateway.aws.invocation_hold`).
"""

from __future__ import annotations

import os

from gateway.startup import init_phase

# Everything heavy is imported and built inside this block (gateway.startup says why).
with init_phase():
    from gateway.app import create_app
    from gateway.aws.invocation_hold import with_invocation_hold
    from gateway.settings import Settings

    app = with_invocation_hold(create_app(Settings.from_env(os.environ)), os.environ)
