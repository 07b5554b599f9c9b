"""An entry point's init: no garbage collection while it imports, its objects frozen after.

Importing FastAPI, pydantic and the gateway makes some 60,000 objects that live as long as the
process (modules, classes, functions, compiled patterns). With the collector on, that import
sets off well over a hundred collections (one of them full) that walk those objects again and
again and find almost no garbage: about 10% of the cold import (bench/cold_start.py). Switching
the collector off only moves the bill: the first young collection afterwards walks the whole
init heap at once. So the objects made at init are moved to the permanent generation
(`gc.freeze`), which no collection walks: the first request does not pay for them, and no full
collection of a warm process does either. What init left as cyclic garbage stays (about
0.3 MiB, measured), which is the price of never walking the rest.

Lambda runs init on one thread, and uvicorn imports the app before it serves; nothing else
runs while the collector is off.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def init_phase() -> Iterator[None]:
    """The collector off for the block; on success, what exists then is frozen.

    A failed init leaves the collector as it found it and freezes nothing: the process is
    about to report the error, and a test that imports a broken entry point goes on as before.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
        gc.freeze()
    finally:
        if was_enabled:
            gc.enable()
