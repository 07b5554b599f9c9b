"""FastAPI dependencies: how a route gets its collaborators and its caller.

Routes never import a client or read the environment; they declare what they need
here, and `create_app` decides what that is (tests hand in their own `Services`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from gateway.audit import AuditRecord
from gateway.errors import InvalidApiKey, PermissionDenied
from gateway.keys.format import key_id_of
from gateway.keys.record import KeyRecord
from gateway.services import Services


async def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


def _authorization(request: Request) -> str | None:
    """The presented key as an Authorization value. Anthropic's clients send it as
    `x-api-key` (Claude Code with ANTHROPIC_API_KEY), everyone else as a bearer token."""
    authorization = request.headers.get("authorization")
    api_key = request.headers.get("x-api-key")
    if not authorization and api_key:
        return f"Bearer {api_key}"
    return authorization


async def get_api_key(request: Request, services: ServicesDep) -> KeyRecord:
    """The caller's key, looked up and compared; 401 otherwise."""
    return await services.authenticator.authenticate(_authorization(request))


ApiKeyDep = Annotated[KeyRecord, Depends(get_api_key)]


async def require_admin(request: Request, services: ServicesDep) -> None:
    """The admin key, compared in constant time; a user key gets 403, anything else 401."""
    scheme, _, presented = (request.headers.get("authorization") or "").partition(" ")
    presented = presented.strip()
    if scheme.lower() == "bearer" and presented and await services.admin_key.matches(presented):
        return
    if key_id_of(presented) is not None:
        raise PermissionDenied("Administration needs the admin key; API keys cannot manage keys.")
    raise InvalidApiKey("Incorrect or missing admin key.")


AdminDep = Annotated[None, Depends(require_admin)]


async def get_audit(request: Request) -> AuditRecord:
    """The request's audit record; declared first so even a 401 is recorded.

    Dependencies here are `async def` even without awaits: FastAPI runs plain
    functions in a worker thread, a hop that costs more than the function itself."""
    record = AuditRecord(request_id=request.scope["state"]["request_id"], route=request.url.path)
    request.state.audit = record
    return record


AuditDep = Annotated[AuditRecord, Depends(get_audit)]


@dataclass(frozen=True)
class Caller:
    """What a chat request needs before its body is read: its audit record, its key, the services."""

    audit: AuditRecord
    key: KeyRecord
    services: Services


async def get_caller(request: Request) -> Caller:
    """The audit record, then the key (a 401 is recorded), without FastAPI's dependency
    machinery: it resolves each declared dependency with its own bookkeeping (tens of
    microseconds each), and the walk every model request takes calls this itself."""
    services: Services = request.app.state.services
    audit = await get_audit(request)
    key = await services.authenticator.authenticate(_authorization(request))
    return Caller(audit, key, services)
