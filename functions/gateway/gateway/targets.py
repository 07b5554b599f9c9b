"""Resolving models and workspaces: what a request's `model` names, and what a key may see.

A `model` is either a catalog id (`openai/gpt-4o`, or an alias) or a workspace
id from the policy file (`workspace/hr`), which names a base model plus presets.
A key restricted to some models may use exactly those, and the workspaces built
on them or named in its list.
"""

from __future__ import annotations

from dataclasses import dataclass

from gateway.catalog import Catalog, ModelSpec
from gateway.errors import ModelNotAllowed, ModelNotFound
from gateway.keys.record import KeyRecord
from gateway.policy import Policy, Workspace


@dataclass(frozen=True)
class Target:
    spec: ModelSpec
    workspace: Workspace | None = None

    @property
    def public_id(self) -> str:
        return self.workspace.id if self.workspace else self.spec.id


def resolve(catalog: Catalog, policy: Policy, model_id: str, key: KeyRecord) -> Target:
    """The target a key may use under this id; 404 or 403 otherwise.

    The id is not echoed in the error: error messages never repeat what a caller sent.
    """
    workspace = policy.workspaces.get(model_id)
    spec = catalog.resolve(workspace.model if workspace else model_id)
    if spec is None:
        raise ModelNotFound(
            "That model does not exist on this gateway; GET /v1/models lists them.", param="model"
        )
    target = Target(spec, workspace)
    if not may_use(target, key):
        raise ModelNotAllowed("This API key may not use that model.", param="model")
    return target


def may_use(target: Target, key: KeyRecord) -> bool:
    if not key.models:
        return True
    allowed = set(key.models)
    return target.spec.id in allowed or (target.workspace is not None and target.workspace.id in allowed)


def visible_targets(catalog: Catalog, policy: Policy, key: KeyRecord) -> list[Target]:
    """Plain models, then workspaces, that this key may use."""
    targets = [Target(spec) for spec in catalog.models()]
    for workspace in policy.workspaces.values():
        spec = catalog.resolve(workspace.model)
        if spec is not None:
            targets.append(Target(spec, workspace))
    return [t for t in targets if may_use(t, key)]
