"""Key administration: create (shown once), list, show, revoke. Admin key only.

Served only where `GATEWAY_ADMIN_ROUTES` is true: the API function behind API
Gateway, not the public streaming function URL.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable
from typing import Any

from fastapi import APIRouter, Request
from pydantic import ValidationError

from gateway.deps import AdminDep, ServicesDep
from gateway.errors import GatewayError, InvalidRequest, NotFound
from gateway.keys.auth import store_unavailable
from gateway.keys.issue import KeySpec, UnknownModels, issue_key
from gateway.validation import param_of

router = APIRouter(tags=["admin"])


async def _reach[T](operation: str, call: Awaitable[T]) -> T:
    """A key-store call: when the store does not answer, the documented 503
    `key_store_unavailable` (worth a retry), as on the request path, never a bare 500."""
    try:
        return await call
    except (GatewayError, UnknownModels):
        raise
    except Exception as exc:  # AwsError, OSError, TimeoutError, no credentials or region, ...
        raise store_unavailable(operation, exc) from None


@router.post("/keys", status_code=201)
async def create_key(request: Request, _: AdminDep, services: ServicesDep) -> dict[str, Any]:
    try:
        spec = KeySpec.model_validate(json.loads(await request.body()))
    except ValueError as exc:  # JSON and pydantic errors alike
        if isinstance(exc, ValidationError):
            error = exc.errors(include_url=False, include_input=False)[0]
            param = param_of(error["loc"])
            raise InvalidRequest(f"Invalid value for '{param}': {error['msg']}.", param=param) from None
        raise InvalidRequest("The request body is not valid JSON.") from None
    try:
        key, record = await _reach(
            "key creation", issue_key(services.keys, services.catalog, services.policy, spec)
        )
    except UnknownModels:
        raise InvalidRequest("Some of those models do not exist on this gateway.", param="models") from None
    return {**record.public(), "key": key.plaintext}


@router.get("/keys")
async def list_keys(_: AdminDep, services: ServicesDep) -> dict[str, Any]:
    records = await _reach("key listing", services.keys.list())
    return {"object": "list", "data": [r.public() for r in records]}


@router.get("/keys/{key_id}")
async def get_key(key_id: str, _: AdminDep, services: ServicesDep) -> dict[str, Any]:
    record = await _reach("key lookup", services.keys.get(key_id)) if _is_id(key_id) else None
    if record is None:
        raise NotFound("No key with that id.")
    return record.public()


@router.delete("/keys/{key_id}")
async def revoke_key(key_id: str, _: AdminDep, services: ServicesDep) -> dict[str, Any]:
    if not _is_id(key_id) or not await _reach("key revocation", services.keys.revoke(key_id)):
        raise NotFound("No key with that id.")
    return {"id": key_id, "object": "api_key", "revoked": True}


def _is_id(key_id: str) -> bool:
    return len(key_id) == 12 and all(c in "0123456789abcdef" for c in key_id)
