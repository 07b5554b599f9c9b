"""The shape of a gateway API key.

A key reads `sgw-<id>-<secret>`: the 12-hex-digit public id lets us fetch exactly one
item, and only the SHA-256 of the whole key is stored, so a leaked table holds no
usable key. The id is not secret (it appears in listings and audit records).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass

PREFIX = "sgw-"
_KEY = re.compile(r"sgw-([0-9a-f]{12})-([A-Za-z0-9_-]{43})")


@dataclass(frozen=True)
class NewKey:
    plaintext: str
    key_id: str
    key_hash: str


def hash_key(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode("utf-8")).hexdigest()


def key_id_of(plaintext: str) -> str | None:
    """The public id inside a well-formed key, or None for anything else."""
    match = _KEY.fullmatch(plaintext)
    return match.group(1) if match else None


def generate_key() -> NewKey:
    plaintext = f"{PREFIX}{secrets.token_hex(6)}-{secrets.token_urlsafe(32)}"
    return from_plaintext(plaintext)


def from_plaintext(plaintext: str) -> NewKey:
    """Wrap a chosen key (for `make dev`'s GATEWAY_DEV_API_KEY); rejects malformed ones."""
    key_id = key_id_of(plaintext)
    if key_id is None:
        raise ValueError("an API key must look like sgw-<12 hex>-<43 url-safe characters>")
    return NewKey(plaintext=plaintext, key_id=key_id, key_hash=hash_key(plaintext))
