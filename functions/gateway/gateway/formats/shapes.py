"""Typed reads of a provider's answer, shared by the Anthropic and Bedrock readers.

A known field of the wrong type is an answer the gateway cannot vouch for: `WrongShape`, which
the upstream client reports as a 502 (as `upstream/read.py` does for OpenAI-compatible
answers). Missing fields and nulls read as empty.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gateway.upstream.read import WrongShape


def text(value: Any) -> str:
    if value is None or isinstance(value, str):
        return value or ""
    raise WrongShape("expected a string")


def obj(value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise WrongShape("expected an object")
    return value


def index(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise WrongShape("expected an index")
    return value


def count(value: Any) -> int:
    """A token count; anything else reads as 0 (usage never decides what the caller reads)."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0


def finish(value: Any, reasons: Mapping[str, str]) -> str | None:
    """A provider's stop reason as a chat finish reason (unknown ones read as "stop")."""
    if value is None:
        return None
    return reasons.get(value, "stop") if isinstance(value, str) else "stop"
