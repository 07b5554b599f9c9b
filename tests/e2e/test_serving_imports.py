"""The serving process never imports boto3 (DESIGN §12: it is about 20 MB of resident
memory). The gateway runs as uvicorn with `-X importtime` on, so every import it ever
makes, lazy ones included, is a line of its output; the requests below take every path
that reaches AWS: key lookup and usage updates (DynamoDB), provider keys and the admin
key (Secrets Manager), the admin API's scan, get, put and update."""

from __future__ import annotations

import re
from pathlib import Path

import httpx

from tests.conftest import ADMIN_KEY, AwsClients
from tests.e2e.conftest import start_gateway
from tests.fakes.upstream import FakeUpstream
from tests.helpers import chat_body


def test_no_aws_sdk_is_imported_while_serving(
    aws: AwsClients, upstream: FakeUpstream, tmp_path: Path
) -> None:
    with start_gateway(aws, upstream, tmp_path, {"PYTHONPROFILEIMPORTTIME": "1"}) as gateway:
        chat = f"{gateway.url}/api/v1/chat/completions"
        user = {"authorization": f"Bearer {gateway.api_key}"}
        admin = {"authorization": f"Bearer {ADMIN_KEY}"}
        assert (
            httpx.post(
                chat, headers=user, json=chat_body("mail jane@example.com", pii="obfuscate")
            ).status_code
            == 200
        )
        assert httpx.post(chat, headers=user, json=chat_body(stream=True)).status_code == 200
        assert (
            httpx.post(chat, headers={"authorization": "Bearer sgw-nope"}, json=chat_body()).status_code
            == 401
        )
        created = httpx.post(f"{gateway.url}/api/v1/keys", headers=admin, json={"name": "imports"})
        assert created.status_code == 201, created.text
        key_id = created.json()["id"]
        assert httpx.get(f"{gateway.url}/api/v1/keys", headers=admin).status_code == 200
        assert httpx.get(f"{gateway.url}/api/v1/keys/{key_id}", headers=admin).status_code == 200
        assert httpx.delete(f"{gateway.url}/api/v1/keys/{key_id}", headers=admin).status_code == 200
        output = gateway.read_output()
    imported = re.findall(r"^import time:\s+\d+ \|\s+\d+ \|\s+(\S+)$", output, re.MULTILINE)
    assert "gateway.app" in imported and "gateway.aws.json_api" in imported  # the check sees imports
    assert not [name for name in imported if name.split(".")[0] in ("boto3", "botocore", "aioboto3")]
