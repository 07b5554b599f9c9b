"""The API Gateway entry point: `gateway.lambda_handler.handler`.

`lifespan="off"` because Mangum would otherwise start and stop the app on every
invocation; long-lived clients are created once per process by `build_services`.
Mangum buffers the response, so streams arrive whole through this door; the
function URL door (web adapter + uvicorn) is the one that streams.

With SnapStart (template parameter `SnapStart=true`), Lambda runs this module's
init once, snapshots the process and restores copies of it. Whatever init made
that must differ per copy is renewed after each restore: the connection pool
(its connections died with the snapshot, and it would share TLS state across
copies) and the `random` module's state (the retry jitter would be the same
sequence in every copy). Nothing time-based is made at init: key and secret
caches fill on the first request, and AWS clients are made on first use.
"""

from __future__ import annotations

import logging
import os
import random
from collections.abc import Callable

from gateway.startup import init_phase

logger = logging.getLogger("gateway")


def renew_after_restore(pool: Pool, reseed: Callable[[], None] = random.seed) -> None:
    """SnapStart's after-restore hook: fresh connections and fresh randomness for this copy."""
    pool.renew()
    reseed()
    logger.info("snapstart restore: connection pool and random state renewed")


def register_restore_hooks(pool: Pool) -> bool:
    """Register with the runtime's SnapStart hooks; False where there are none (not on Lambda)."""
    try:
        # Shipped with Lambda's managed Python runtimes (snapshot-restore-py), not packaged here.
        from snapshot_restore_py import register_after_restore
    except ImportError:
        return False
    register_after_restore(renew_after_restore, pool)
    return True


# Everything heavy is imported and built inside this block (gateway.startup says why).
with init_phase():
    from mangum import Mangum

    from gateway.app import create_app
    from gateway.http_pool import Pool
    from gateway.settings import Settings

    app = create_app(Settings.from_env(os.environ))
    _pool = app.state.services.http
    if isinstance(_pool, Pool):
        register_restore_hooks(_pool)
    handler = Mangum(app, lifespan="off")
