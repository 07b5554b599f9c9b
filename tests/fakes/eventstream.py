"""Encoding AWS event-stream messages, for the fake Bedrock (the gateway only decodes them).

Written from the format's description; `tests/unit/test_bedrock_wire.py` checks that botocore's
own decoder reads what this writes, so the fake speaks the real framing.
"""

from __future__ import annotations

import struct
import zlib


def encode(headers: dict[str, str], payload: bytes) -> bytes:
    raw_headers = b""
    for name, value in headers.items():
        encoded = value.encode()
        raw_headers += (
            bytes([len(name)]) + name.encode() + b"\x07" + struct.pack(">H", len(encoded)) + encoded
        )
    total = 12 + len(raw_headers) + len(payload) + 4
    prelude = struct.pack(">II", total, len(raw_headers))
    message = prelude + struct.pack(">I", zlib.crc32(prelude)) + raw_headers + payload
    return message + struct.pack(">I", zlib.crc32(message))
