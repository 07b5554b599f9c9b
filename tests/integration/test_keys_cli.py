"""`python -m gateway.keys` against DynamoDB (moto over HTTP), as an operator runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx

from dev import aws as dev_aws
from tests.conftest import AwsClients, Gateway

ROOT = Path(__file__).resolve().parents[2]


def cli(aws: AwsClients, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "AWS_ENDPOINT_URL": aws.endpoint,
        "GATEWAY_KEYS_TABLE": dev_aws.KEYS_TABLE,
        "PYTHONPATH": os.pathsep.join([str(ROOT / "functions/gateway"), os.environ.get("PYTHONPATH", "")]),
    }
    return subprocess.run(
        [sys.executable, "-m", "gateway.keys", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_create_use_list_revoke(gateway: Gateway) -> None:
    aws = gateway.aws
    created = cli(
        aws, "create", "--name", "alice", "--model", "openai/gpt-4o-mini", "--pii-floor", "obfuscate"
    )
    assert created.returncode == 0, created.stderr
    record = json.loads(created.stdout)
    key = record["key"]
    assert key.startswith("sgw-") and record["name"] == "alice" and record["models"] == ["openai/gpt-4o-mini"]

    models = httpx.get(f"{gateway.api}/models", headers=gateway.headers(key))
    assert models.status_code == 200 and [m["id"] for m in models.json()["data"]] == ["openai/gpt-4o-mini"]

    listed = cli(aws, "list")
    assert listed.returncode == 0 and key not in listed.stdout
    rows = {row["id"]: row for row in json.loads(listed.stdout)}
    assert rows[record["id"]]["name"] == "alice" and "key_hash" not in listed.stdout
    assert all(row.keys() >= {"request_count", "last_used_at", "created"} for row in rows.values())

    revoked = cli(aws, "revoke", record["id"])
    assert revoked.returncode == 0
    # The lookup is cached, but the usage update re-checks revocation on every chat.
    chat = httpx.post(
        f"{gateway.api}/chat/completions",
        headers=gateway.headers(key),
        json={"model": "openai/gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]},
    )
    assert chat.status_code == 401


def test_cli_errors(aws: AwsClients) -> None:
    dev_aws.create_table(aws.dynamodb)
    assert cli(aws, "revoke", "000000000000").returncode == 1
    bad_model = cli(aws, "create", "--name", "x", "--model", "acme/none")
    assert bad_model.returncode == 2 and "acme/none" in bad_model.stderr
    assert cli(aws, "create").returncode == 2
