"""Secrets Manager reads through the gateway's own client, against moto's server."""

from __future__ import annotations

import asyncio
import json

import pytest

from dev import aws as dev_aws
from gateway.aws.json_api import SECRETS_MANAGER, AwsError, connect
from gateway.secret_store import AdminKey, ProviderKeys, SecretNotJson, SecretReader
from tests.conftest import AwsClients


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def reader(aws: AwsClients, clock: Clock) -> SecretReader:
    client = connect(aws.access, SECRETS_MANAGER)
    return SecretReader(lambda: client, max_age_s=60, clock=clock)


def test_values_are_read_and_cached_for_their_max_age(aws: AwsClients) -> None:
    dev_aws.create_secrets(aws.secretsmanager, {"openai": "sk-one"}, "admin-one")
    clock = Clock()

    async def main() -> list[object]:
        secrets = reader(aws, clock)
        keys = ProviderKeys(secrets, dev_aws.PROVIDERS_SECRET, {})
        admin = AdminKey(secrets, dev_aws.ADMIN_SECRET)
        seen: list[object] = [
            await keys.get("openai"),
            await keys.get("anthropic"),
            await admin.matches("admin-one"),
        ]
        aws.secretsmanager.put_secret_value(
            SecretId=dev_aws.PROVIDERS_SECRET, SecretString=json.dumps({"openai": "sk-two"})
        )
        seen.append(await keys.get("openai"))  # still cached
        clock.now = 61
        seen.append(await keys.get("openai"))
        return seen

    assert asyncio.run(main()) == ["sk-one", None, True, "sk-one", "sk-two"]


def test_failures_name_neither_the_secret_nor_its_value(aws: AwsClients) -> None:
    aws.secretsmanager.create_secret(Name=dev_aws.PROVIDERS_SECRET, SecretString="sk-not-json-value")

    async def read(name: str) -> object:
        return await reader(aws, Clock()).read(name, as_json=True)

    with pytest.raises(SecretNotJson) as not_json:
        asyncio.run(read(dev_aws.PROVIDERS_SECRET))
    with pytest.raises(AwsError) as missing:
        asyncio.run(read("no/such-secret"))
    assert missing.value.code == "ResourceNotFoundException"
    for error in (not_json.value, missing.value):
        assert "sk-not-json" not in str(error) and "such-secret" not in str(error)
        assert dev_aws.PROVIDERS_SECRET not in str(error)
        assert error.__cause__ is None and error.__context__ is None  # no chained error keeps the text
