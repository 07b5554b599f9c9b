"""moto in place of AWS, with the template's own table and secrets in it.

The table is created from the template's KeySchema and attribute definitions, so a
template that disagrees with the app's key layout fails here rather than after a
deploy. Secrets are created empty-shaped the way the template creates them, then
seeded with test values.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import boto3

from dev.moto_server import SerialMotoServer

REGION = "us-east-1"
DUMMY_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
}


@dataclass(frozen=True)
class Moto:
    endpoint: str

    def client(self, service: str) -> Any:
        return boto3.client(  # type: ignore[call-overload]  # service is chosen at run time
            service,
            endpoint_url=self.endpoint,
            region_name=REGION,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )


@contextmanager
def moto_server() -> Iterator[Moto]:
    # werkzeug logs every request moto serves; that is noise in test and bench output.
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = SerialMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield Moto(f"http://{host}:{port}")
    finally:
        server.stop()


def create_stack_resources(
    moto: Moto, template: Mapping[str, Any], secret_values: Mapping[str, str]
) -> tuple[dict[str, str], dict[tuple[str, str], str]]:
    """Create every table and secret of the template; return Ref and GetAtt stand-ins."""
    refs: dict[str, str] = {}
    attrs: dict[tuple[str, str], str] = {}
    dynamodb = moto.client("dynamodb")
    secrets = moto.client("secretsmanager")
    for logical_id, res in template["Resources"].items():
        props = res.get("Properties", {})
        if res["Type"] == "AWS::DynamoDB::Table":
            name = f"sam-local-{logical_id}"
            kwargs: dict[str, Any] = {
                "TableName": name,
                "AttributeDefinitions": props["AttributeDefinitions"],
                "KeySchema": props["KeySchema"],
                "BillingMode": props.get("BillingMode", "PROVISIONED"),
            }
            table = dynamodb.create_table(**kwargs)["TableDescription"]
            ttl = props.get("TimeToLiveSpecification")
            if ttl:
                dynamodb.update_time_to_live(TableName=name, TimeToLiveSpecification=ttl)
            refs[logical_id] = name
            attrs[(logical_id, "Arn")] = table["TableArn"]
        elif res["Type"] == "AWS::SecretsManager::Secret":
            name = f"sam-local-{logical_id}"
            value = secret_values.get(logical_id)
            if value is None:
                value = props.get("SecretString", "generated-" + logical_id)
            arn = secrets.create_secret(Name=name, SecretString=value)["ARN"]
            refs[logical_id] = arn
    return refs, attrs


def providers_secret(openai_key: str) -> str:
    return json.dumps(
        {"openai": openai_key, "google": "", "xai": "", "deepseek": "", "tavily": "", "brave": ""}
    )
