"""Bedrock's wire against botocore, the reference implementation the Lambda runtime ships: the
event-stream framing (what the fake writes, botocore reads; what botocore reads, the gateway's
decoder reads the same, in any chunking) and SigV4 for Converse paths holding `:` and `/`."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime
from urllib.parse import quote, urlsplit

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials as BotoCredentials
from botocore.eventstream import EventStreamBuffer
from hypothesis import given
from hypothesis import strategies as st

from gateway.aws.sigv4 import Credentials, sign
from gateway.formats.bedrock.eventstream import EventStreamDecoder, EventStreamError
from tests.fakes.eventstream import encode

MESSAGES = [
    ({":event-type": "messageStart", ":message-type": "event"}, b'{"role":"assistant"}'),
    (
        {":event-type": "contentBlockDelta", ":message-type": "event"},
        json.dumps({"delta": {"text": "h\u00e9"}}).encode(),
    ),
    ({":message-type": "exception", ":exception-type": "throttlingException"}, b'{"message":"slow down"}'),
    ({":event-type": "metadata", ":message-type": "event"}, b""),
]
RAW = b"".join(encode(headers, payload) for headers, payload in MESSAGES)


def test_botocore_reads_what_the_fake_writes() -> None:
    buffer = EventStreamBuffer()
    buffer.add_data(RAW)
    decoded = [(dict(m.headers), m.payload) for m in buffer]
    assert decoded == MESSAGES


@given(st.lists(st.integers(min_value=0, max_value=len(RAW)), max_size=12))
def test_the_decoder_reads_every_chunking_alike(cuts: list[int]) -> None:
    points = sorted({0, len(RAW), *cuts})
    decoder = EventStreamDecoder()
    decoded = []
    for start, end in itertools.pairwise(points):
        decoded += [(m.headers, m.payload) for m in decoder.feed(RAW[start:end])]
    assert decoded == MESSAGES and not decoder.pending


@pytest.mark.parametrize("damage", [3, 20, len(RAW) - 1])
def test_a_damaged_stream_is_refused(damage: int) -> None:
    broken = bytearray(RAW)
    broken[damage] ^= 0x55
    with pytest.raises(EventStreamError):
        list(EventStreamDecoder().feed(bytes(broken)))


def test_a_cut_stream_is_pending() -> None:
    decoder = EventStreamDecoder()
    assert len(list(decoder.feed(RAW[:-5]))) == 3 and decoder.pending


@pytest.mark.parametrize(
    "model",
    [
        "global.anthropic.claude-haiku-4-5-20251001-v1:0",
        "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.amazon.nova-2-lite-v1:0",
    ],
)
def test_sigv4_matches_botocore_for_converse_paths(model: str) -> None:
    """The path as the gateway sends it (':' raw, '/' encoded), signed like botocore signs it."""
    url = f"https://bedrock-runtime.eu-west-1.amazonaws.com/model/{quote(model, safe=':')}/converse"
    body = b'{"messages":[]}'
    headers = {"content-type": "application/json", "accept": "application/json"}
    now = datetime(2026, 11, 20, 12, 30, tzinfo=UTC)
    creds = Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "session-token")
    parts = urlsplit(url)
    ours = sign(
        method="POST",
        host=parts.netloc,
        path=quote(parts.path, safe="/-_.~"),
        headers=headers,
        body=body,
        region="eu-west-1",
        service="bedrock",
        credentials=creds,
        now=now,
    )
    # botocore's signing steps, fed the same timestamp (add_auth would read the clock).
    auth = SigV4Auth(BotoCredentials(creds.access_key, creds.secret_key, creds.token), "bedrock", "eu-west-1")
    request = AWSRequest(method="POST", url=url, data=body, headers=dict(headers))
    request.context["timestamp"] = ours["x-amz-date"]
    request.headers["X-Amz-Date"] = ours["x-amz-date"]
    request.headers["X-Amz-Security-Token"] = creds.token
    canonical = auth.canonical_request(request)
    signature = auth.signature(auth.string_to_sign(request, canonical), request)
    assert ours["authorization"].endswith(f"Signature={signature}")
