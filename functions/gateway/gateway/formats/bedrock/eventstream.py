"""The `application/vnd.amazon.eventstream` framing of ConverseStream, decoded as pure code.

Each message is: total length and headers length (two big-endian uint32), a CRC32 of those
eight bytes, the headers, the payload, and a CRC32 of everything before it. Headers are a
name (one length byte), a type byte and a typed value; ConverseStream uses strings
(`:event-type`, `:message-type`, `:exception-type`, `:content-type`), the others are decoded
only to be skipped. botocore has a decoder, and the Lambda runtime ships botocore, but the
function does not package it and `make dev` should not depend on what a runtime provides:
this is sixty lines, fed bytes as they arrive, tested against botocore's own decoder.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

_PRELUDE = 12
_MAX_MESSAGE = 16 * 1024 * 1024  # the format's own limit


class EventStreamError(ValueError):
    """Bytes that are not a well-formed event stream (a bad length or checksum)."""


@dataclass(frozen=True)
class EventMessage:
    headers: dict[str, str | int | bool | bytes]
    payload: bytes


# Fixed sizes of the non-string header value types: bool true/false, byte, short, int, long,
# timestamp, uuid. Types 6 (bytes) and 7 (string) carry a two-byte length.
_FIXED = {0: 0, 1: 0, 2: 1, 3: 2, 4: 4, 5: 8, 8: 8, 9: 16}


class EventStreamDecoder:
    def __init__(self) -> None:
        self._buffer = b""

    def feed(self, data: bytes) -> Iterator[EventMessage]:
        self._buffer += data
        while len(self._buffer) >= _PRELUDE:
            total, headers_length, prelude_crc = struct.unpack(">III", self._buffer[:_PRELUDE])
            if zlib.crc32(self._buffer[:8]) != prelude_crc:
                raise EventStreamError("prelude checksum")
            if total > _MAX_MESSAGE or total < _PRELUDE + headers_length + 4:
                raise EventStreamError("message length")
            if len(self._buffer) < total:
                return
            message, self._buffer = self._buffer[:total], self._buffer[total:]
            if zlib.crc32(message[:-4]) != struct.unpack(">I", message[-4:])[0]:
                raise EventStreamError("message checksum")
            headers = _headers(message[_PRELUDE : _PRELUDE + headers_length])
            yield EventMessage(headers, message[_PRELUDE + headers_length : -4])

    @property
    def pending(self) -> bool:
        """Bytes of an unfinished message are waiting (a stream cut short)."""
        return bool(self._buffer)


def _headers(raw: bytes) -> dict[str, str | int | bool | bytes]:
    headers: dict[str, str | int | bool | bytes] = {}
    i = 0
    try:
        while i < len(raw):
            name_length = raw[i]
            name = raw[i + 1 : i + 1 + name_length].decode()
            i += 1 + name_length
            kind = raw[i]
            i += 1
            if kind in (6, 7):
                (length,) = struct.unpack(">H", raw[i : i + 2])
                value = raw[i + 2 : i + 2 + length]
                headers[name] = value.decode() if kind == 7 else value
                i += 2 + length
            elif kind in _FIXED:
                size = _FIXED[kind]
                headers[name] = (
                    kind == 0 if kind < 2 else int.from_bytes(raw[i : i + size], "big", signed=True)
                )
                i += size
            else:
                raise EventStreamError("header type")
    except (IndexError, UnicodeDecodeError, struct.error):
        raise EventStreamError("headers") from None
    return headers
