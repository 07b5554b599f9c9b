"""Parsing a request body into a `ChatCompletionRequest`, with OpenAI-style errors.

FastAPI's automatic 422 body is not what OpenAI clients understand, so the route
reads raw bytes and this module turns every failure into a 400 that names the
offending field the way OpenAI does (`messages[0].content`). Error messages name
fields and expectations only, never the value that was sent.
"""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import ValidationError

from gateway.errors import InvalidRequest
from gateway.schemas import ChatCompletionRequest

_MAX_DEPTH = 64


def parse_chat_request(raw: bytes) -> ChatCompletionRequest:
    return validate_chat(load_object(raw))


def load_object(raw: bytes) -> dict[str, Any]:
    """The body as a JSON object, bounded in depth and free of lone surrogates (every route)."""
    if not raw.strip():
        raise InvalidRequest("The request body is empty; send a JSON object.")
    try:
        body: Any = json.loads(raw)
    except (ValueError, RecursionError):
        raise InvalidRequest("The request body is not valid JSON.") from None
    if not isinstance(body, dict):
        raise InvalidRequest("The request body must be a JSON object.")
    _check_structure(body)
    return body


def validate_chat(body: dict[str, Any]) -> ChatCompletionRequest:
    """A chat-completions body (the caller's, or one another wire format was translated into)."""
    try:
        return ChatCompletionRequest.model_validate(body)
    except ValidationError as exc:
        error = exc.errors(include_url=False, include_input=False)[0]
        param = param_of(error["loc"])
        raise InvalidRequest(f"Invalid value for '{param}': {error['msg']}.", param=param) from None


def param_of(loc: tuple[int | str, ...]) -> str:
    """`("messages", 0, "content", "str")` -> `messages[0].content`.

    Pydantic adds the name of each union branch it tried to the location; those
    are type names, not fields, and are left out.
    """
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _FIELD.fullmatch(part) and part not in _TYPE_TAGS:
            out += f".{part}" if out else part
    return out or "body"


_FIELD = re.compile(r"[a-z_][a-z0-9_]*")
_TYPE_TAGS = frozenset({"str", "int", "float", "bool", "dict", "list", "none"})


_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _check_structure(body: Any) -> None:
    """One walk over the parsed body: bounded nesting, and no lone UTF-16 surrogate
    (valid JSON as `"\\ud800"`, but no UTF-8 can carry it upstream)."""
    stack: list[tuple[Any, int]] = [(body, 1)]
    while stack:
        item, level = stack.pop()
        if level > _MAX_DEPTH:
            raise InvalidRequest("The request body is nested too deeply.")
        if isinstance(item, str):
            if not item.isascii() and _SURROGATE.search(item):
                raise InvalidRequest(
                    "The request body contains a lone UTF-16 surrogate, which is not valid text."
                )
        elif isinstance(item, dict):
            stack.extend((k, level + 1) for k in item)
            stack.extend((v, level + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, level + 1) for v in item)
