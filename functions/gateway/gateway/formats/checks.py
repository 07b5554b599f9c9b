"""Typed reads of a caller's JSON body, for the wire formats translated by hand.

The inbound translators walk a body field by field (a pydantic model per format would name
union branches and echo tags back); each read here either returns the value with its type or
raises a 400 that names the field the way the caller wrote it (`messages[2].content[0].type`)
and says what was expected, never what was sent.
"""

from __future__ import annotations

from typing import Any

from gateway.errors import InvalidRequest


def invalid(param: str, expected: str) -> InvalidRequest:
    return InvalidRequest(f"Invalid value for '{param}': expected {expected}.", param=param)


def text(value: Any, param: str) -> str:
    if not isinstance(value, str):
        raise invalid(param, "a string")
    return value


def optional_text(value: Any, param: str) -> str | None:
    return None if value is None else text(value, param)


def items(value: Any, param: str) -> list[Any]:
    if not isinstance(value, list):
        raise invalid(param, "a list")
    return value


def mapping(value: Any, param: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise invalid(param, "an object")
    return value


def flag(value: Any, param: str) -> bool:
    if not isinstance(value, bool):
        raise invalid(param, "true or false")
    return value


def kind(value: dict[str, Any], param: str) -> str:
    """A block's or item's `type`."""
    return text(value.get("type"), f"{param}.type")


def function_tool(tool: dict[str, Any], at: str, *, schema: str) -> dict[str, Any]:
    """A caller's function tool (`schema` names its parameter schema's field) as a chat tool."""
    function: dict[str, Any] = {"name": text(tool.get("name"), f"{at}.name")}
    if tool.get("description") is not None:
        function["description"] = text(tool["description"], f"{at}.description")
    if tool.get(schema) is not None:
        function["parameters"] = mapping(tool[schema], f"{at}.{schema}")
    if tool.get("strict") is not None:
        function["strict"] = flag(tool["strict"], f"{at}.strict")
    return {"type": "function", "function": function}


def unsupported(param: str, what: str) -> InvalidRequest:
    return InvalidRequest(f"Unsupported value for '{param}': this gateway accepts {what}.", param=param)
