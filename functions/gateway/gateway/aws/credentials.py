"""The process's AWS credentials for the clients that sign their own requests (DynamoDB, Bedrock).

boto3's default chain finds them (in Lambda, the function role's environment credentials;
elsewhere a profile, SSO, or the environment). boto3 is imported on first use: it is the
slowest import of a cold start, and `/health` and `/models` never sign anything.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gateway.aws.sigv4 import Credentials


def default_chain() -> Callable[[], Credentials | None]:
    """Current credentials on each call (refreshable ones, an assumed role, refresh inside)."""
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
