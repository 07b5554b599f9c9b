"""`python -m gateway.keys` against DynamoDB (moto over HTTP), as an operator runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from dev import aws as dev_aws
from tests.conftest import AwsClients, Gateway

ROOT = Path(__file__).resolve().parents[2]


def cli(aws: AwsClients | None, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """`python -m gateway.keys` in a fresh process; `aws=None` leaves AWS unconfigured."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "GATEWAY_"))}
    if aws is not None:
        base.update(
            AWS_ENDPOINT_URL=aws.endpoint,
            AWS_DEFAULT_REGION="us-east-1",
            AWS_ACCESS_KEY_ID="testing",
            AWS_SECRET_ACCESS_KEY="testing",
            GATEWAY_KEYS_TABLE=dev_aws.KEYS_TABLE,
        )
    return subprocess.run(
        [sys.executable, "-m", "gateway.keys", *args],
        env={
            **base,
            # Nothing from this machine's own AWS setup may answer for the test.
            "AWS_CONFIG_FILE": "/nonexistent",
            "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
            "AWS_EC2_METADATA_DISABLED": "true",
            "PYTHONPATH": os.pathsep.join([str(ROOT / "functions/gateway"), str(ROOT / "layers/masking")]),
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    """The failure's explanation: exactly one line, never a traceback."""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert result.returncode != 0
    return lines[0]


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
    assert "no key with id" in one_line(cli(aws, "revoke", "000000000000"))
    bad_model = one_line(cli(aws, "create", "--name", "x", "--model", "acme/none"))
    assert "acme/none" in bad_model and "models" in bad_model
    assert "--name" in one_line(cli(aws, "create"))
    assert "--rpm" in one_line(cli(aws, "create", "--name", "x", "--rpm", "0"))


def test_local_echo_is_a_model_where_the_echo_model_is_offered(aws: AwsClients) -> None:
    dev_aws.create_table(aws.dynamodb)
    created = cli(aws, "create", "--name", "echo-only", "--model", "local/echo", GATEWAY_LOCAL_ECHO="1")
    assert created.returncode == 0 and json.loads(created.stdout)["models"] == ["local/echo"]


@pytest.mark.parametrize(
    ("env", "says"),
    [
        ({}, "no AWS region: set AWS_DEFAULT_REGION"),
        ({"AWS_DEFAULT_REGION": "us-east-1"}, "no AWS credentials"),
        (
            {
                "AWS_DEFAULT_REGION": "us-east-1",
                "AWS_ACCESS_KEY_ID": "x",
                "AWS_SECRET_ACCESS_KEY": "x",
                "AWS_ENDPOINT_URL": "http://127.0.0.1:9",
                "AWS_MAX_ATTEMPTS": "1",
            },
            "cannot reach http://127.0.0.1:9: is `make dev` running?",
        ),
        (
            {"GATEWAY_PII_FLOOR": "lenient", "AWS_DEFAULT_REGION": "us-east-1"},
            "GATEWAY_PII_FLOOR must be one of",
        ),
    ],
)
def test_setup_problems_are_one_line_that_says_what_to_do(env: dict[str, str], says: str) -> None:
    assert says in one_line(cli(None, "list", **env))


def test_a_missing_table_names_the_setting(aws: AwsClients) -> None:
    line = one_line(cli(aws, "list", GATEWAY_KEYS_TABLE="no-such-table"))
    assert "no-such-table does not exist" in line and "GATEWAY_KEYS_TABLE" in line
