"""Tool-call arguments as JSON objects, for the APIs that carry them that way (Anthropic, Bedrock).

Chat completions carries a call's arguments as a string; Anthropic's `tool_use.input` and
Bedrock's `toolUse.input` are objects. The string usually parses, with one exception the gateway
itself causes: a number that is personal data (a card number written as a JSON number) is
replaced by its placeholder, unquoted, which is no longer JSON. Such placeholders are quoted
here, so the value reaches the provider as the placeholder string. Arguments that still do not
form an object (a caller's or a model's own invalid JSON) are kept whole as `{"arguments": text}`
rather than dropped: the text was scanned like any other.
"""

from __future__ import annotations

import json
import re
from typing import Any

_PLACEHOLDER = re.compile(r"\[REDACTED_[A-Z0-9_]+\]")


def arguments_object(arguments: str | None) -> dict[str, Any]:
    if not arguments or not arguments.strip():
        return {}
    for text in (arguments, _quote_bare_placeholders(arguments)):
        try:
            value = json.loads(text)
        except ValueError:
            continue
        if isinstance(value, dict):
            return value
        break
    return {"arguments": arguments}


def _quote_bare_placeholders(text: str) -> str:
    """Placeholders outside JSON strings, quoted (one pass over the text, tracking strings)."""
    if "[REDACTED_" not in text:
        return text
    out: list[str] = []
    i, in_string, escaped = 0, False, False
    while i < len(text):
        char = text[i]
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        else:
            match = _PLACEHOLDER.match(text, i)
            if match:
                out.append(json.dumps(match.group(0)))
                i = match.end()
                continue
        out.append(char)
        i += 1
    return "".join(out)
