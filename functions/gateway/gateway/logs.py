"""The gateway's operational log lines (`gateway.*` loggers) and how much of them: LOG_LEVEL.

Operational lines say what went wrong where (a provider's host and status, an
error's type), never content. LOG_LEVEL (the template's `LogLevel` parameter)
sets how many: DEBUG adds each retry, INFO and WARNING show failures, ERROR only
gateway faults. Audit records are not log lines in this sense: they are written
whatever the level (an audit trail a verbosity knob could switch off would not be
one), by `audit.py` in Powertools Logger's line shape.

In Lambda the runtime's root handler already ships lines to CloudWatch; elsewhere
(uvicorn under the web adapter, `make dev`) nothing would print them below
WARNING, so a plain stderr handler is added once.
"""

from __future__ import annotations

import logging
import sys

_HANDLER_NAME = "gateway-stderr"


def configure_logging(level: str) -> None:
    logger = logging.getLogger("gateway")
    logger.setLevel(level)
    has_root_handler = bool(logging.getLogger().handlers)
    if has_root_handler or any(h.get_name() == _HANDLER_NAME for h in logger.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(logging.Formatter("%(levelname)s:     %(name)s: %(message)s"))
    logger.addHandler(handler)
