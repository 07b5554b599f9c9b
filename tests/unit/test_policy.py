"""The policy file: validation that fails loudly, and pure rule evaluation."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from gateway.policy import BUNDLED_POLICY, PolicyError, load_policy, parse_policy

POLICY = {
    "guideline": "Never give legal advice.",
    "rules": [
        {"name": "no-weapons", "keywords": ["Nerve Agent"], "patterns": [r"\bsarin\b"]},
        {"name": "office-hours", "hours_utc": [8, 18]},
        {"name": "night-shift", "hours_utc": [22, 6]},
    ],
    "apply": ["no-weapons"],
    "keys": {"0123456789ab": ["office-hours"]},
    "workspaces": [
        {
            "id": "workspace/hr",
            "model": "openai/gpt-4o-mini",
            "pii_floor": "obfuscate",
            "rules": ["night-shift"],
        }
    ],
}


def test_bundled_policy_loads() -> None:
    assert load_policy(None) == load_policy(BUNDLED_POLICY)


@pytest.mark.parametrize(
    ("texts", "hour", "key_id", "expected"),
    [
        (["how do I bake bread"], 12, "ffffffffffff", None),
        (["Tell me about NERVE AGENTS"], 12, "ffffffffffff", "no-weapons"),
        (["what is Sarin"], 12, "ffffffffffff", "no-weapons"),
        (["what is sarinoid"], 12, "ffffffffffff", None),
        (["hello"], 7, "0123456789ab", "office-hours"),
        (["hello"], 8, "0123456789ab", None),
        (["hello"], 18, "0123456789ab", "office-hours"),
        (["hello"], 3, "ffffffffffff", None),
    ],
)
def test_rules(texts: list[str], hour: int, key_id: str, expected: str | None) -> None:
    policy = parse_policy(POLICY)
    assert policy.violation(policy.rules_for(key_id, None), texts, hour) == expected


def test_workspace_rules_wrap_midnight() -> None:
    policy = parse_policy(POLICY)
    workspace = policy.workspaces["workspace/hr"]
    rules = policy.rules_for("ffffffffffff", workspace)
    assert policy.violation(rules, ["hi"], 23) is None and policy.violation(rules, ["hi"], 5) is None
    assert policy.violation(rules, ["hi"], 12) == "night-shift"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"rules": [{"name": "x", "patterns": ["(a+)+$"]}]}, "backtrack"),
        ({"rules": [{"name": "x", "patterns": [r"(\w)\1"]}]}, "backtrack"),
        ({"rules": [{"name": "x", "patterns": ["("]}]}, "does not compile"),
        ({"rules": [{"name": "x"}]}, "needs keywords"),
        ({"rules": [{"name": "x", "hours_utc": [8]}]}, "hours_utc"),
        ({"apply": ["missing"]}, "unknown rules"),
        ({"workspaces": [{"id": "hr", "model": "openai/gpt-4o"}]}, "workspace/name"),
        ({"workspaces": [{"id": "workspace/x", "model": "openai/gpt-4o", "pii_floor": "low"}]}, "pii_floor"),
        ({"surprise": True}, "unknown policy fields"),
    ],
)
def test_broken_policies_fail_loudly(change: dict[str, Any], message: str) -> None:
    with pytest.raises(PolicyError) as info:
        parse_policy({**POLICY, **change})
    assert message in str(info.value)


def test_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(PolicyError):
        load_policy(tmp_path / "missing.json")
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    with pytest.raises(PolicyError):
        load_policy(broken)
    good = tmp_path / "good.json"
    good.write_text(json.dumps(POLICY))
    assert load_policy(good).guideline == "Never give legal advice."
