"""Our SigV4 signer against botocore's, byte for byte, on DynamoDB-shaped requests."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials as BotoCredentials

from gateway.aws.sigv4 import Credentials, sign

NOW = datetime(2026, 11, 25, 21, 44, 25, tzinfo=UTC)


@pytest.mark.parametrize("token", [None, "session-token-value"])
@pytest.mark.parametrize(
    ("url", "host", "path"),
    [
        ("https://dynamodb.eu-west-1.amazonaws.com/", "dynamodb.eu-west-1.amazonaws.com", "/"),
        ("http://127.0.0.1:4566/", "127.0.0.1:4566", "/"),
    ],
)
def test_matches_botocore(token: str | None, url: str, host: str, path: str) -> None:
    body = b'{"TableName":"t","Key":{"pk":{"S":"key#0123456789ab"}}}'
    headers = {"content-type": "application/x-amz-json-1.0", "x-amz-target": "DynamoDB_20120810.UpdateItem"}
    ours = sign(
        method="POST",
        host=host,
        path=path,
        headers=headers,
        body=body,
        region="eu-west-1",
        service="dynamodb",
        credentials=Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", token),
        now=NOW,
    )
    # botocore's signing steps, fed the same timestamp (add_auth would read the clock).
    auth = SigV4Auth(
        BotoCredentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", token),
        "dynamodb",
        "eu-west-1",
    )
    request = AWSRequest(method="POST", url=url, data=body, headers=dict(headers))
    request.context["timestamp"] = "20261125T214425Z"
    request.headers["X-Amz-Date"] = "20261125T214425Z"
    if token:
        request.headers["X-Amz-Security-Token"] = token
    canonical = auth.canonical_request(request)
    signature = auth.signature(auth.string_to_sign(request, canonical), request)
    assert ours["x-amz-date"] == "20261125T214425Z"
    assert ours["authorization"].endswith(f"Signature={signature}")
    assert f"SignedHeaders={auth.signed_headers(auth.headers_to_sign(request))}," in ours["authorization"]
    assert ours.get("x-amz-security-token") == token
