"""`GET /models` and `GET /models/{id}` in OpenAI's list and object shapes.

Workspaces from the policy file are listed next to plain models: to a client
they are models with presets. Each object also says whether `web_search` can be
on for it (a search backend is configured and its workspace does not turn search
off), which is how the playground knows to offer the box.

In dev (`GATEWAY_ENV=dev`) the list holds only what can answer: models whose
provider has a key, and `local/echo`. Deployed, it is the whole catalog: checking
keys costs a Secrets Manager read that `/models` otherwise never needs, and the
operator configures every provider the catalog offers.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from gateway.deps import ApiKeyDep, ServicesDep
from gateway.targets import Target, resolve, visible_targets

router = APIRouter()


def _model_object(target: Target, search_configured: bool) -> dict[str, Any]:
    spec = target.spec
    body: dict[str, Any] = {"id": target.public_id, "object": "model", "created": spec.created}
    body["web_search"] = search_configured and (
        target.workspace is None or target.workspace.web_search is not False
    )
    if target.workspace is None:
        body["owned_by"] = spec.owned_by
    else:
        body["owned_by"] = "workspace"
        body["base_model"] = spec.id
        body["description"] = target.workspace.description
    return body


@router.get("/models")
async def list_models(key: ApiKeyDep, services: ServicesDep) -> dict[str, Any]:
    targets = visible_targets(services.catalog, services.policy, key)
    if services.settings.env == "dev":
        targets = [t for t in targets if await services.upstream.can_answer(t.spec)]
    search = services.search is not None
    return {"object": "list", "data": [_model_object(t, search) for t in targets]}


# `:path` lets ids with a slash through, raw or percent-encoded (`openai%2Fgpt-4o`).
@router.get("/models/{model_id:path}")
async def get_model(model_id: str, key: ApiKeyDep, services: ServicesDep) -> dict[str, Any]:
    return _model_object(
        resolve(services.catalog, services.policy, model_id, key), services.search is not None
    )
