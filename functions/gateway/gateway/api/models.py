"""`GET /models` and `GET /models/{id}` in OpenAI's list and object shapes."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from gateway.catalog import Catalog, ModelSpec
from gateway.deps import ApiKeyDep, ServicesDep
from gateway.errors import ModelNotAllowed, ModelNotFound
from gateway.keys.store import KeyRecord

router = APIRouter()


def resolve_model(catalog: Catalog, model_id: str, key: KeyRecord) -> ModelSpec:
    """The spec a key may use under this id; 404 or 403 otherwise.

    The id is not echoed in the error: error messages never repeat what a caller sent.
    """
    spec = catalog.resolve(model_id)
    if spec is None:
        raise ModelNotFound(
            "That model does not exist on this gateway; GET /v1/models lists them.",
            param="model",
        )
    if key.models and spec.id not in key.models:
        raise ModelNotAllowed("This API key may not use that model.", param="model")
    return spec


def _model_object(spec: ModelSpec) -> dict[str, Any]:
    return {"id": spec.id, "object": "model", "created": spec.created, "owned_by": spec.owned_by}


@router.get("/models")
async def list_models(key: ApiKeyDep, services: ServicesDep) -> dict[str, Any]:
    specs = services.catalog.models()
    data = [_model_object(s) for s in specs if not key.models or s.id in key.models]
    return {"object": "list", "data": data}


# `:path` lets ids with a slash through, raw or percent-encoded (`openai%2Fgpt-4o`).
@router.get("/models/{model_id:path}")
async def get_model(model_id: str, key: ApiKeyDep, services: ServicesDep) -> dict[str, Any]:
    return _model_object(resolve_model(services.catalog, model_id, key))
