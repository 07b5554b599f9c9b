"""FastAPI dependencies: how a route gets its collaborators and its caller.

Routes never import a client or read the environment; they declare what they need
here, and `create_app` decides what that is (tests hand in their own `Services`).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from gateway.keys.store import KeyRecord
from gateway.services import Services


def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


async def get_api_key(request: Request, services: ServicesDep) -> KeyRecord:
    """The caller's key, looked up and compared; 401 otherwise."""
    return await services.authenticator.authenticate(request.headers.get("authorization"))


ApiKeyDep = Annotated[KeyRecord, Depends(get_api_key)]
