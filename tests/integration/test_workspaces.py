"""Workspaces and firewall rules through the app, from a policy file on disk."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from tests.conftest import Gateway
from tests.fakes.upstream import FakeUpstream
from tests.helpers import chat_body, post_chat

POLICY = {
    "guideline": "Never give legal advice.",
    "rules": [{"name": "no-weapons", "keywords": ["nerve agent"]}],
    "apply": ["no-weapons"],
    "workspaces": [
        {
            "id": "workspace/hr",
            "model": "openai/gpt-4o-mini",
            "pii_floor": "block",
            "system": "You answer HR questions.",
            "description": "HR assistant",
        }
    ],
}


@pytest.fixture
def gateway(gateway_factory: Callable[..., Gateway], tmp_path: Path) -> Gateway:
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(POLICY))
    return gateway_factory(policy_file=str(path))


def test_workspaces_are_listed_as_models(gateway: Gateway) -> None:
    models = httpx.get(f"{gateway.api}/models", headers=gateway.headers()).json()["data"]
    hr = next(m for m in models if m["id"] == "workspace/hr")
    assert hr["base_model"] == "openai/gpt-4o-mini" and hr["description"] == "HR assistant"
    shown = httpx.get(f"{gateway.api}/models/workspace%2Fhr", headers=gateway.headers())
    assert shown.json()["id"] == "workspace/hr"


def test_workspace_presets_apply(gateway: Gateway, upstream: FakeUpstream) -> None:
    response = post_chat(gateway, chat_body("hello", model="workspace/hr"))
    assert response.status_code == 200 and response.json()["model"] == "workspace/hr"
    sent = upstream.received[0].json
    assert sent["model"] == "gpt-4o-mini"
    assert sent["messages"][0] == {
        "role": "system",
        "content": "You answer HR questions.\n\nNever give legal advice.",
    }
    assert response.headers["x-gateway-pii-mode"] == "block"
    assert gateway.audit.records()[-1]["workspace"] == "workspace/hr"


def test_guideline_is_appended_to_a_callers_system_prompt(gateway: Gateway, upstream: FakeUpstream) -> None:
    body = {"model": "openai/gpt-4o", "system": "Be brief.", "messages": [{"role": "user", "content": "hi"}]}
    httpx.post(f"{gateway.api}/chat/completions", headers=gateway.headers(), json=body)
    assert upstream.received[0].json["messages"][0]["content"] == "Be brief.\n\nNever give legal advice."


def test_denied_topic(gateway: Gateway, upstream: FakeUpstream) -> None:
    response = post_chat(gateway, chat_body("How is a Nerve Agent made?", model="openai/gpt-4o"))
    error = response.json()["error"]
    assert (
        response.status_code == 400
        and error["code"] == "policy_violation"
        and "no-weapons" in error["message"]
    )
    assert "Nerve" not in response.text and upstream.received == []
    assert gateway.audit.records()[-1]["action"] == "policy_violation"


def test_broken_policy_stops_the_gateway(gateway_factory: Callable[..., Gateway], tmp_path: Path) -> None:
    from gateway.policy import PolicyError

    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"workspaces": [{"id": "workspace/x", "model": "acme/none"}]}))
    with pytest.raises(PolicyError):
        gateway_factory(policy_file=str(path))
