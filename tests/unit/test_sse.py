import json

import pytest

from gateway.sse import DONE_FRAME, SSEDecoder, frame


def decode(lines: list[str]) -> list[str]:
    decoder = SSEDecoder()
    out = [data for line in lines for data in decoder.feed(line)]
    return out + list(decoder.close())


@pytest.mark.parametrize(
    ("lines", "events"),
    [
        (['data: {"a":1}', ""], ['{"a":1}']),
        (["data:{}", ""], ["{}"]),
        ([": keep-alive", "", "data: x", ""], ["x"]),
        (["event: message", "id: 1", "data: x", ""], ["x"]),
        (["data: one", "data: two", ""], ["one\ntwo"]),
        (["data: [DONE]", ""], ["[DONE]"]),
        (["data: unterminated"], ["unterminated"]),
        (["", "", "retry: 5", ""], []),
        (["data", ""], [""]),  # a field without a colon has an empty value
        (["database: x", "data:  two", ""], [" two"]),  # only one space is the separator's
    ],
)
def test_decoder(lines: list[str], events: list[str]) -> None:
    assert decode(lines) == events


def test_frame_is_one_event_with_compact_json() -> None:
    raw = frame({"a": "é", "b": [1, 2]})
    assert raw.endswith(b"\n\n") and raw.startswith(b"data: ")
    assert json.loads(raw[6:]) == {"a": "é", "b": [1, 2]}
    assert DONE_FRAME == b"data: [DONE]\n\n"
