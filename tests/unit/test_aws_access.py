"""Where the gateway's own AWS calls go, read from the environment as the SDKs read it."""

from __future__ import annotations

import pytest

from gateway.aws.access import AwsAccess, MissingCredentials, MissingRegion
from gateway.aws.credentials import from_environment
from gateway.aws.sigv4 import Credentials

KEYS = {
    "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE",
    "AWS_SECRET_ACCESS_KEY": "very-secret",
    "AWS_SESSION_TOKEN": "tok",
}


@pytest.mark.parametrize(
    ("environ", "dynamodb", "secretsmanager"),
    [
        ({"AWS_REGION": "eu-west-1"}, "https://dynamodb.eu-west-1.amazonaws.com", None),
        ({"AWS_DEFAULT_REGION": "cn-north-1"}, "https://dynamodb.cn-north-1.amazonaws.com.cn", None),
        (
            {"AWS_REGION": "eu-west-1", "AWS_DEFAULT_REGION": "us-east-1"},
            "https://dynamodb.eu-west-1.amazonaws.com",
            "https://secretsmanager.eu-west-1.amazonaws.com",
        ),
        (
            {"AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL": "http://127.0.0.1:5000"},
            "http://127.0.0.1:5000",
            None,
        ),
        (
            {
                "AWS_REGION": "us-east-1",
                "AWS_ENDPOINT_URL": "http://127.0.0.1:5000",
                "AWS_ENDPOINT_URL_DYNAMODB": "http://127.0.0.1:6000",
            },
            "http://127.0.0.1:6000",
            "http://127.0.0.1:5000",
        ),
        (
            {"AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL_SECRETS_MANAGER": "http://127.0.0.1:7000"},
            "https://dynamodb.us-east-1.amazonaws.com",
            "http://127.0.0.1:7000",
        ),
    ],
)
def test_endpoints_follow_the_sdk_variables(
    environ: dict[str, str], dynamodb: str, secretsmanager: str | None
) -> None:
    access = AwsAccess.from_env(environ | KEYS)
    assert access.endpoint("dynamodb") == dynamodb
    if secretsmanager is not None:
        assert access.endpoint("secretsmanager") == secretsmanager


def test_no_region_fails_the_call_not_the_start() -> None:
    access = AwsAccess.from_env(KEYS)
    with pytest.raises(MissingRegion):
        access.endpoint("dynamodb")
    with pytest.raises(MissingRegion):
        AwsAccess.from_env({**KEYS, "AWS_ENDPOINT_URL": "http://127.0.0.1:5000"}).signing_region()


def test_credentials_come_from_the_environment() -> None:
    access = AwsAccess.from_env({**KEYS, "AWS_REGION": "us-east-1"})
    assert access.current_credentials() == Credentials("AKIDEXAMPLE", "very-secret", "tok")
    assert from_environment({"AWS_ACCESS_KEY_ID": "AKIDEXAMPLE"}) is None  # half a pair is none
    assert from_environment({**KEYS, "AWS_SESSION_TOKEN": ""}) == Credentials("AKIDEXAMPLE", "very-secret")


def test_unconfigured_access_fails_closed() -> None:
    access = AwsAccess.unconfigured()
    with pytest.raises(MissingCredentials):
        access.current_credentials()
    with pytest.raises(MissingRegion):
        access.endpoint("dynamodb")


def test_no_secret_in_the_repr() -> None:
    shown = repr(Credentials("AKIDEXAMPLE", "very-secret", "session-token"))
    assert "AKIDEXAMPLE" in shown and "very-secret" not in shown and "session-token" not in shown
