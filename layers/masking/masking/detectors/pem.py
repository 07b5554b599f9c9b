"""Private key blocks: PEM (RSA, EC, DSA, OPENSSH, PKCS#8, ENCRYPTED, SSH2…), PGP armour and
PuTTY `.ppk` files.

Headers are found with one regex and footers with another, each in a single pass; a header is
paired with the first footer after it within 8 KB by bisecting the footer list, so text full
of headers and no footers costs the same as any other text. A header without a footer (a key
cut off mid-paste) still counts when a base64 body follows it, and the body is what is masked.
Literal `\\n` sequences are accepted inside the block, for keys pasted inside JSON strings.
"""

from __future__ import annotations

import bisect
import re
from typing import Final

from masking.types import SECRET, Span

MAX_BLOCK: Final = 8192
_KIND: Final = r"(?:[A-Z0-9_-]{1,16}+ ){0,3}?PRIVATE KEY(?: BLOCK)?"
_HEADER: Final = re.compile(rf"-----BEGIN ({_KIND})-----")
_FOOTER: Final = re.compile(rf"-----END ({_KIND})-----")
_BODY: Final = re.compile(r"(?:[A-Za-z0-9+/=:,\-\s]|\\n|\\r){0,8192}+")
_MIN_BODY: Final = 32
# PuTTY: from the header through the MAC line, or the private lines of a file cut short. Lines
# end in a line break or, inside a JSON string, in its escape (no line of the file holds a `\`).
_NL: Final = r"(?:\r?\n|\\r\\n|\\n)"
_PUTTY: Final = re.compile(
    rf"PuTTY-User-Key-File-\d{{1,2}}: [^\n\\]{{1,64}}{_NL}(?:[^\n\\]{{0,256}}{_NL}){{1,64}}?"
    r"Private-MAC: [0-9a-fA-F]{16,128}+"
)
_PUTTY_PRIVATE: Final = re.compile(
    rf"Private-Lines: \d{{1,3}}{_NL}(?:[A-Za-z0-9+/=]{{4,128}}+{_NL}?){{1,64}}+"
)


def _kind(label: str) -> str:
    head = label.split(" ", maxsplit=1)[0]
    return {"RSA": "rsa", "EC": "ec", "DSA": "dsa", "OPENSSH": "openssh", "ENCRYPTED": "encrypted"}.get(
        head, "pgp" if head == "PGP" else "pkcs8"
    ) + "_private_key"


class PrivateKeyDetector:
    def find(self, text: str) -> list[Span]:
        spans = self._putty(text) if "PuTTY-User-Key-File-" in text or "Private-Lines:" in text else []
        if "-----BEGIN" not in text:
            return spans
        footers = [(m.start(), m.end()) for m in _FOOTER.finditer(text)]
        starts = [f[0] for f in footers]
        last_end = 0
        for head in _HEADER.finditer(text):
            if head.start() < last_end:
                continue
            i = bisect.bisect_left(starts, head.end())
            if i < len(footers) and footers[i][1] - head.start() <= MAX_BLOCK:
                end = footers[i][1]
            else:
                body = _BODY.match(text, head.end())
                end = body.end() if body else head.end()
                if sum(c.isalnum() for c in text[head.end() : end]) < _MIN_BODY:
                    continue
                while end > head.end() and text[end - 1].isspace():
                    end -= 1
            kind = _kind(head.group(1))
            spans.append(Span(SECRET, head.start(), end, kind, text[head.start() : end]))
            last_end = end
        return spans

    @staticmethod
    def _putty(text: str) -> list[Span]:
        spans: list[Span] = []
        covered = 0
        for m in _PUTTY.finditer(text):
            spans.append(Span(SECRET, m.start(), m.end(), "putty_private_key", m.group(0)))
            covered = m.end()
        for m in _PUTTY_PRIVATE.finditer(text, covered):
            end = m.end()
            while end > m.start() and text[end - 1].isspace():
                end -= 1
            spans.append(Span(SECRET, m.start(), end, "putty_private_key", text[m.start() : end]))
        return spans
