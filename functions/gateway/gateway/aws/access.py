"""Where the gateway's AWS calls go and what signs them, read from the environment the
way the AWS SDKs read it, so the serving process needs no SDK.

The region is `AWS_REGION` (set by Lambda) or `AWS_DEFAULT_REGION`. A service's endpoint
is `AWS_ENDPOINT_URL_<SERVICE>` (e.g. `AWS_ENDPOINT_URL_DYNAMODB`,
`AWS_ENDPOINT_URL_SECRETS_MANAGER`), else `AWS_ENDPOINT_URL` (moto under `make dev` and
the tests), else the service's regional endpoint.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from gateway.aws.credentials import default_chain
from gateway.aws.sigv4 import Credentials

# The service's name in AWS_ENDPOINT_URL_<NAME> (the SDKs' service id, upper snake case).
_ENV_NAMES = {"dynamodb": "DYNAMODB", "secretsmanager": "SECRETS_MANAGER"}


class MissingRegion(RuntimeError):
    """No region is configured, so no AWS endpoint can be named."""


class MissingCredentials(RuntimeError):
    """No AWS credentials were found to sign a request with."""


@dataclass(frozen=True)
class AwsAccess:
    region: str | None
    credentials: Callable[[], Credentials | None]
    endpoint_url: str | None = None
    service_endpoints: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> AwsAccess:
        return cls(
            region=environ.get("AWS_REGION") or environ.get("AWS_DEFAULT_REGION") or None,
            credentials=default_chain(environ),
            endpoint_url=environ.get("AWS_ENDPOINT_URL") or None,
            service_endpoints={
                service: url
                for service, name in _ENV_NAMES.items()
                if (url := environ.get(f"AWS_ENDPOINT_URL_{name}"))
            },
        )

    @classmethod
    def unconfigured(cls) -> AwsAccess:
        """No region, no credentials: every AWS call fails (and the gateway answers 503)."""
        return cls(region=None, credentials=lambda: None)

    def endpoint(self, service: str) -> str:
        """The URL that `service`'s calls go to."""
        configured = self.service_endpoints.get(service) or self.endpoint_url
        if configured:
            return configured
        if not self.region:
            raise MissingRegion("no AWS region: set AWS_REGION or AWS_DEFAULT_REGION")
        suffix = "amazonaws.com.cn" if self.region.startswith("cn-") else "amazonaws.com"
        return f"https://{service}.{self.region}.{suffix}"

    def signing_region(self) -> str:
        if not self.region:
            raise MissingRegion("no AWS region: set AWS_REGION or AWS_DEFAULT_REGION")
        return self.region

    def current_credentials(self) -> Credentials:
        credentials = self.credentials()
        if credentials is None:
            raise MissingCredentials("no AWS credentials found")
        return credentials
