"""IPv4 and IPv6 addresses, validated with the standard `ipaddress` module.

Decisions: loopback and unspecified addresses (127.0.0.0/8, 0.0.0.0, ::1, ::) identify nobody
and fill code samples, so they are left alone. A dotted quad directly after a version word
(`v1.2.3.4`, `version 10.0.0.1`, `ver. 1.2.3.4`, `OID 2.5.4.3`) or a product token
(`Chrome/120.0.0.0`) is a version, not an address; elsewhere a valid
dotted quad is treated as an address, because guessing "version" from distant context would let
real addresses through. Three-part and five-part dotted numbers never match.
IPv6 candidates need a digit and two non-empty groups, so C++ `a::b` paths stay untouched.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Final

from masking.boundaries import clear_after, clear_before
from masking.types import Span

if TYPE_CHECKING:
    import ipaddress

# The look-behind sits after the first digit so the engine can skip to digits quickly. A
# fifth dotted part on either side makes it something else (an OID, a long version).
_V4: Final = re.compile(
    r"([0-9](?<![0-9][0-9])(?<![0-9]\.[0-9])[0-9]{0,2}+(?:\.[0-9]{1,3}+){3})(?![0-9]|\.[0-9])"
)
# A colon before the address is another group, unless it ends a label that cannot be one
# (`tel:`, `ip:`, `[IPv6:…]`, `addr:`: a letter past `f`, perhaps and a digit); a `_` on either
# side is emphasis (`_2001:db8::7_`).
_V6: Final = re.compile(
    r"(?:(?<![^\W_]|[:.])|(?<=[G-Zg-z]:)|(?<=[G-Zg-z][0-9]:))"
    r"((?:[0-9A-Fa-f]{0,4}+:){2,7}+(?:\d{1,3}+(?:\.\d{1,3}+){3}|[0-9A-Fa-f]{1,4}+)?+)"
    r"(?![^\W_]|[:-]|\.\w)"
)
_VERSION_BEFORE: Final = re.compile(
    r"(?i)(?:\bv|\bver\.?|\bversion|\brelease|\bbuild|\boid|\bsnmp)[\s:=]{0,2}$"
    # a product token: `Chrome/120.0.0.0`, `Edg/120.0.2210.91` (user agents, package pins)
    r"|[A-Za-z][\w.-]{0,31}/$"
)


def _is_version(text: str, start: int) -> bool:
    return _VERSION_BEFORE.search(text, max(0, start - 33), start) is not None


def _ip_ok(addr: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return not (addr.is_loopback or addr.is_unspecified)


_HEX: Final = frozenset("0123456789abcdefABCDEF")


def _v6_candidates(text: str) -> Iterator[re.Match[str]]:
    """`_V6` matches, tried only at the hex digits before each colon: searching the pattern over
    prose would try every letter a-f as the start of an address."""
    pos = text.find(":")
    while pos != -1:
        start = pos
        while start > 0 and pos - start < 4 and text[start - 1] in _HEX:
            start -= 1
        m = _V6.match(text, start)
        if m is not None:
            yield m
        pos = text.find(":", m.end() if m is not None else pos + 1)


class IpDetector:
    crosses_blanks = False

    def find(self, text: str) -> list[Span]:
        import ipaddress  # lazily: keeps `import masking` under the cold-start budget

        spans: list[Span] = []
        if "." in text:
            for m in _V4.finditer(text):
                try:
                    # Leading zeros (`010.000.000.001`) are refused by `ipaddress` but accepted by
                    # most tools (some read them as octal): the address is there either way.
                    v4 = ipaddress.IPv4Address(".".join(str(int(part)) for part in m.group(1).split(".")))
                except ValueError:
                    continue
                if (
                    _ip_ok(v4)
                    and clear_before(text, m.start())
                    and clear_after(text, m.end())
                    and not _is_version(text, m.start())
                ):
                    spans.append(Span("IP_ADDRESS", m.start(), m.end(), "ipv4", str(v4)))
        if "::" in text or text.count(":") >= 7:
            for m in _v6_candidates(text):
                cand = m.group(1)
                groups = [g for g in cand.split(":") if g]
                if len(groups) < 2 or not any(c.isdigit() for c in cand):
                    continue
                try:
                    v6 = ipaddress.IPv6Address(cand)
                except ValueError:
                    continue
                if _ip_ok(v6):
                    spans.append(Span("IP_ADDRESS", m.start(), m.end(), "ipv6", v6.compressed))
        return spans
