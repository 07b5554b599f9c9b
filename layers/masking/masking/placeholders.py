"""Placeholder syntax (DESIGN §5): `[REDACTED_<TYPE>_<n>]` for the caller's own values,
`[REDACTED_<TYPE>]` for redacted foreign ones. One regex recognises the numbered form; only the
exact spelling is ever restored, so a mangled placeholder stays as the model wrote it."""

from __future__ import annotations

import re
from typing import Final

NUMBERED: Final = re.compile(r"\[REDACTED_([A-Z][A-Z_]{0,30}?)_([1-9][0-9]{0,8})\]")


def numbered(type_: str, n: int) -> str:
    return f"[REDACTED_{type_}_{n}]"


def foreign(type_: str) -> str:
    return f"[REDACTED_{type_}]"
