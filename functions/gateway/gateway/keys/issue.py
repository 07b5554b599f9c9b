"""Creating a key, the one way the admin API and the CLI both use."""

from __future__ import annotations

import time

from pydantic import BaseModel, ConfigDict, Field

from gateway.catalog import Catalog
from gateway.keys.format import NewKey, generate_key
from gateway.keys.record import KeyRecord
from gateway.keys.store import KeyStore
from gateway.policy import Policy
from masking import PiiMode


class KeySpec(BaseModel):
    """What an administrator may set on a new key."""

    model_config = ConfigDict(extra="forbid", strict=True)

    name: str = Field(min_length=1, max_length=100)
    models: list[str] = Field(default_factory=list, max_length=50)
    pii_floor: PiiMode | None = None
    expires_in_days: int | None = Field(default=None, ge=1, le=3650)
    rpm: int | None = Field(default=None, ge=1, le=1_000_000)
    tpd: int | None = Field(default=None, ge=1, le=10**12)


class UnknownModels(ValueError):
    """The key names models this gateway does not serve."""


async def issue_key(
    store: KeyStore, catalog: Catalog, policy: Policy, spec: KeySpec
) -> tuple[NewKey, KeyRecord]:
    unknown = [m for m in spec.models if catalog.resolve(m) is None and m not in policy.workspaces]
    if unknown:
        raise UnknownModels(", ".join(unknown))
    # Aliases are stored under the id they stand for, so checks compare like with like.
    models = tuple(_canonical(catalog, m) for m in spec.models)
    key = generate_key()
    expires = int(time.time()) + spec.expires_in_days * 86400 if spec.expires_in_days else None
    record = await store.put(
        key,
        name=spec.name,
        models=models,
        pii_floor=spec.pii_floor,
        expires_at=expires,
        rpm=spec.rpm,
        tpd=spec.tpd,
    )
    return key, record


def _canonical(catalog: Catalog, model_id: str) -> str:
    spec = catalog.resolve(model_id)
    return spec.id if spec is not None else model_id
