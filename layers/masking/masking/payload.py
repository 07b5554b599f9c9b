"""Which strings of a chat-completions body are forwarded, in which order, under which name.

One traversal serves both passes of `protect_request` (collect, then rewrite), so the order that
numbers placeholders ("system first, then messages in order") is defined in exactly one place.
Locations (`messages[1].content[0].text`) go into error messages; values never do.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Final

from masking.errors import UnsupportedContent

Rewrite = Callable[[str, str], str]  # (location, text) -> new text

# Message keys that carry protocol values, not text; everything else that is a string is scanned.
# Dict keys appear in locations only when they cannot carry a value (letters and underscores).
_SAFE_KEY: Final = re.compile(r"[A-Za-z_]{1,32}")
# `tool_call_id` and `id` are caller-chosen strings that are forwarded, so they are scanned like
# the `tool_calls[].id` they refer to (one vault: both get the same placeholder).
_STRUCTURAL: Final = frozenset({"role", "type"})
_TEXT_PART_FIELDS: Final = {"text": "text", "refusal": "refusal"}
# Top-level keys whose strings reach the provider, in numbering order after `messages`.
SCANNED_KEYS: Final = (
    "system", "messages", "tools", "functions", "tool_choice", "response_format", "stop", "user",
)  # fmt: skip


def number_text(value: int | float) -> str:
    """A JSON number as a person would read it: `4111111111111111.0` is the card number."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    return repr(value)


def _deep(value: Any, location: str, fn: Rewrite) -> Any:
    """Every string inside JSON-like data, dict keys included (schema property names are sent
    too), and every number as its text: a card number or an SSN is the same data written as a
    JSON number (`"enum": [4111111111111111]`). A number that comes back changed becomes the
    replacement string; one that comes back unchanged stays a number."""
    if isinstance(value, str):
        return fn(location, value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        text = number_text(value)
        new = fn(location, text)
        return value if new == text else new
    if isinstance(value, dict):
        out: dict[Any, Any] = {}
        for k, v in value.items():
            shown = k if isinstance(k, str) and _SAFE_KEY.fullmatch(k) else "<key>"
            key = fn(f"{location}.<key>", k) if isinstance(k, str) else k
            out[key] = _deep(v, f"{location}.{shown}", fn)
        return out
    if isinstance(value, list):
        return [_deep(v, f"{location}[{i}]", fn) for i, v in enumerate(value)]
    return value


def _content(content: Any, location: str, fn: Rewrite, allow_non_text: bool) -> Any:
    if isinstance(content, str):
        return fn(location, content)
    if not isinstance(content, list):
        return content
    parts: list[Any] = []
    for i, part in enumerate(content):
        where = f"{location}[{i}]"
        part_type = part.get("type") if isinstance(part, dict) else None
        field = _TEXT_PART_FIELDS.get(part_type) if isinstance(part_type, str) else None
        if isinstance(part, dict) and field is not None:
            # Every field of a text part is forwarded (clients add their own, e.g. cache_control),
            # so every string in it is scanned, not only the text.
            parts.append(_deep(part, where, fn))
        elif allow_non_text:
            parts.append(part)
        else:
            raise UnsupportedContent(where, part_type if isinstance(part_type, str) else "")
    return parts


def _message(message: Any, location: str, fn: Rewrite, allow_non_text: bool) -> Any:
    if not isinstance(message, dict):
        return message
    out: dict[str, Any] = {}
    for key, value in message.items():
        where = f"{location}.{key}"
        if key == "content":
            out[key] = _content(value, where, fn, allow_non_text)
        elif key in _STRUCTURAL:
            out[key] = value
        else:
            out[key] = _deep(value, where, fn)
    return out


def map_payload(payload: dict[str, Any], fn: Rewrite, allow_non_text: bool) -> dict[str, Any]:
    """A new body with `fn` applied to every forwarded string; other keys are copied as they are."""
    out = dict(payload)
    for key in SCANNED_KEYS:
        if key not in payload:
            continue
        value = payload[key]
        if key == "messages" and isinstance(value, list):
            out[key] = [_message(m, f"messages[{i}]", fn, allow_non_text) for i, m in enumerate(value)]
        else:
            out[key] = _deep(value, key, fn)
    return out
