"""The process's AWS credentials for the clients that sign their own requests (DynamoDB,
Secrets Manager, Bedrock).

In Lambda the function role's credentials are in the environment
(`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`), valid for the life of
the execution environment, and so are `make dev`'s and the tests' stand-ins: reading them
there keeps boto3 (about 20 MB resident once a client exists) out of the serving process.
Only where the environment holds none (a laptop with a profile or SSO, a SnapStart
function, whose credentials come from the container endpoint) is boto3's default chain
imported, on the first signed call.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from gateway.aws.sigv4 import Credentials


def default_chain(environ: Mapping[str, str]) -> Callable[[], Credentials | None]:
    """Current credentials on each call: the environment's, else boto3's chain (refreshable
    ones, an assumed role, refresh inside it)."""
    static = from_environment(environ)
    if static is not None:
        return lambda: static
    return _boto3_chain()


def from_environment(environ: Mapping[str, str]) -> Credentials | None:
    access_key = environ.get("AWS_ACCESS_KEY_ID")
    secret_key = environ.get("AWS_SECRET_ACCESS_KEY")
    if not access_key or not secret_key:
        return None
    return Credentials(access_key, secret_key, environ.get("AWS_SESSION_TOKEN") or None)


def _boto3_chain() -> Callable[[], Credentials | None]:
    found: list[Any] = []

    def current() -> Credentials | None:
        if not found:
            import boto3

            found.append(boto3.session.Session().get_credentials())
        if found[0] is None:
            return None
        frozen = found[0].get_frozen_credentials()
        return Credentials(frozen.access_key or "", frozen.secret_key or "", frozen.token)

    return current
