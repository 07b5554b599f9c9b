"""Firewall rules and workspaces: the deployment's policy file, validated at start-up.

The file is JSON (no YAML parser ships with the Lambda runtime, and we keep the
package small). A broken policy raises `PolicyError` while the app is built, so a
deployment with a typo fails loudly instead of running without its rules.
Evaluation is pure: text and a clock reading in, a decision out.

    {
      "guideline": "Text appended to every system prompt.",
      "rules": [
        {"name": "no-weapons", "keywords": ["nerve agent"], "patterns": ["\\bsarin\\b"]},
        {"name": "office-hours", "hours_utc": [8, 18]}
      ],
      "apply": ["no-weapons"],
      "keys": {"0123456789ab": ["office-hours"]},
      "workspaces": [
        {"id": "workspace/hr", "model": "openai/gpt-4o-mini", "pii_floor": "obfuscate",
         "web_search": false, "system": "You answer HR questions.", "rules": ["office-hours"]}
      ]
    }

`apply` lists rules for every request, `keys` adds rules per key id, and a
workspace adds its own `rules`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gateway.settings import PII_MODES
from masking.detectors.custom import CustomEntity

BUNDLED_POLICY = Path(__file__).with_name("policy.json")
_MAX_PATTERN = 200
# Nested quantifiers such as (a+)+ or (a*)* are what make a regex backtrack
# exponentially; refusing them (and backreferences) keeps matching linear enough.
_NESTED_QUANTIFIER = re.compile(r"\([^()]*[+*}][^()]*\)\s*[+*{]")
_BACKREFERENCE = re.compile(r"\\[1-9]|\(\?P=")


class PolicyError(ValueError):
    """The policy file is invalid; the gateway refuses to start with it."""


@dataclass(frozen=True)
class Rule:
    name: str
    keywords: tuple[str, ...] = ()
    patterns: tuple[re.Pattern[str], ...] = ()
    hours_utc: tuple[int, int] | None = None

    def denies_text(self, lowered: str, original: str) -> bool:
        return any(k in lowered for k in self.keywords) or any(p.search(original) for p in self.patterns)

    def denies_hour(self, hour: int) -> bool:
        if self.hours_utc is None:
            return False
        start, end = self.hours_utc
        inside = start <= hour < end if start < end else hour >= start or hour < end
        return not inside


@dataclass(frozen=True)
class Workspace:
    id: str
    model: str
    pii_floor: str | None = None
    web_search: bool | None = None
    system: str | None = None
    rules: tuple[str, ...] = ()
    description: str = ""
    entities: tuple[CustomEntity, ...] = ()  # detected for this workspace, beside the policy's


@dataclass(frozen=True)
class Policy:
    guideline: str | None = None
    rules: Mapping[str, Rule] = field(default_factory=dict)
    apply: tuple[str, ...] = ()
    keys: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    workspaces: Mapping[str, Workspace] = field(default_factory=dict)
    entities: tuple[CustomEntity, ...] = ()  # the deployment's own identifiers (masking.detectors.custom)

    def rules_for(self, key_id: str, workspace: Workspace | None) -> list[Rule]:
        names = [*self.apply, *self.keys.get(key_id, ()), *(workspace.rules if workspace else ())]
        return [self.rules[name] for name in dict.fromkeys(names)]

    def violation(self, rules: Iterable[Rule], texts: Iterable[str], hour_utc: int) -> str | None:
        """The name of the first rule the request breaks, or None."""
        rules = list(rules)
        for rule in rules:
            if rule.denies_hour(hour_utc):
                return rule.name
        text_rules = [r for r in rules if r.keywords or r.patterns]
        if not text_rules:
            return None
        for text in texts:
            lowered = text.lower()
            for rule in text_rules:
                if rule.denies_text(lowered, text):
                    return rule.name
        return None


def load_policy(path: str | Path | None) -> Policy:
    """Read and validate a policy file (the bundled one when no path is given)."""
    source = Path(path) if path else BUNDLED_POLICY
    try:
        raw = json.loads(source.read_text(encoding="utf-8"))
    except OSError as exc:
        raise PolicyError(f"cannot read policy file {source}: {exc.strerror}") from None
    except ValueError as exc:
        raise PolicyError(f"policy file {source} is not valid JSON: {exc}") from None
    return parse_policy(raw)


def parse_policy(raw: Any) -> Policy:
    if not isinstance(raw, dict):
        raise PolicyError("the policy must be a JSON object")
    unknown = set(raw) - {"guideline", "rules", "apply", "keys", "workspaces", "entities"}
    if unknown:
        raise PolicyError(f"unknown policy fields: {', '.join(sorted(unknown))}")
    rules = {rule.name: rule for rule in (_rule(r) for r in _list(raw, "rules"))}
    if len(rules) != len(_list(raw, "rules")):
        raise PolicyError("rule names must be unique")

    def known(names: Any, where: str) -> tuple[str, ...]:
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise PolicyError(f"{where} must be a list of rule names")
        missing = [n for n in names if n not in rules]
        if missing:
            raise PolicyError(f"{where} names unknown rules: {', '.join(missing)}")
        return tuple(names)

    keys = raw.get("keys", {})
    if not isinstance(keys, dict):
        raise PolicyError("keys must map key ids to rule names")
    workspaces = [_workspace(w, known) for w in _list(raw, "workspaces")]
    guideline = raw.get("guideline")
    if guideline is not None and not isinstance(guideline, str):
        raise PolicyError("guideline must be a string")
    return Policy(
        guideline=guideline or None,
        rules=rules,
        apply=known(raw.get("apply", []), "apply"),
        keys={key_id: known(names, f"keys.{key_id}") for key_id, names in keys.items()},
        workspaces={w.id: w for w in workspaces},
        entities=_entities(raw.get("entities", []), "entities"),
    )


def _list(raw: dict[str, Any], name: str) -> list[Any]:
    value = raw.get(name, [])
    if not isinstance(value, list):
        raise PolicyError(f"{name} must be a list")
    return value


def _rule(raw: Any) -> Rule:
    if not isinstance(raw, dict) or not isinstance(raw.get("name"), str) or not raw["name"]:
        raise PolicyError("every rule needs a name")
    name = raw["name"]
    unknown = set(raw) - {"name", "keywords", "patterns", "hours_utc"}
    if unknown:
        raise PolicyError(f"rule {name}: unknown fields {', '.join(sorted(unknown))}")
    keywords = raw.get("keywords", [])
    patterns = raw.get("patterns", [])
    if not all(isinstance(k, str) and k for k in keywords):
        raise PolicyError(f"rule {name}: keywords must be non-empty strings")
    hours = raw.get("hours_utc")
    if hours is not None and not (
        isinstance(hours, list)
        and len(hours) == 2
        and all(isinstance(h, int) and 0 <= h <= 24 for h in hours)
    ):
        raise PolicyError(f"rule {name}: hours_utc must be [start, end] hours from 0 to 24")
    if not keywords and not patterns and hours is None:
        raise PolicyError(f"rule {name}: needs keywords, patterns or hours_utc")
    return Rule(
        name=name,
        keywords=tuple(k.lower() for k in keywords),
        patterns=tuple(_pattern(name, p) for p in patterns),
        hours_utc=(hours[0], hours[1]) if hours is not None else None,
    )


def _pattern(rule: str, pattern: Any) -> re.Pattern[str]:
    if not isinstance(pattern, str) or not pattern or len(pattern) > _MAX_PATTERN:
        raise PolicyError(f"rule {rule}: patterns must be strings of 1 to {_MAX_PATTERN} characters")
    if _NESTED_QUANTIFIER.search(pattern) or _BACKREFERENCE.search(pattern):
        raise PolicyError(f"rule {rule}: pattern {pattern!r} may backtrack without bound")
    try:
        return re.compile(pattern, re.IGNORECASE)
    except re.error as exc:
        raise PolicyError(f"rule {rule}: pattern {pattern!r} does not compile: {exc}") from None


def _workspace(raw: Any, known: Any) -> Workspace:
    if not isinstance(raw, dict) or not isinstance(raw.get("id"), str) or "/" not in raw["id"]:
        raise PolicyError("every workspace needs an id like 'workspace/name'")
    wid = raw["id"]
    unknown = set(raw) - {
        "id",
        "model",
        "pii_floor",
        "web_search",
        "system",
        "rules",
        "description",
        "entities",
    }
    if unknown:
        raise PolicyError(f"workspace {wid}: unknown fields {', '.join(sorted(unknown))}")
    if not isinstance(raw.get("model"), str):
        raise PolicyError(f"workspace {wid}: model is required")
    floor = raw.get("pii_floor")
    if floor is not None and floor not in PII_MODES:
        raise PolicyError(f"workspace {wid}: pii_floor must be one of {', '.join(PII_MODES)}")
    web_search = raw.get("web_search")
    if web_search is not None and not isinstance(web_search, bool):
        raise PolicyError(f"workspace {wid}: web_search must be true or false")
    system = raw.get("system")
    if system is not None and not isinstance(system, str):
        raise PolicyError(f"workspace {wid}: system must be a string")
    return Workspace(
        id=wid,
        model=raw["model"],
        pii_floor=floor,
        web_search=web_search,
        system=system,
        rules=known(raw.get("rules", []), f"workspace {wid} rules"),
        description=str(raw.get("description", "")),
        entities=_entities(raw.get("entities", []), f"workspace {wid} entities"),
    )


_ENTITY_FIELDS = frozenset({"name", "pattern", "validator", "context", "action"})


def _entities(raw: Any, where: str) -> tuple[CustomEntity, ...]:
    """Shapes only: names, patterns and validators are checked when the masking
    configuration is built (`services.build_services`), with the entity's name in the error."""
    if not isinstance(raw, list):
        raise PolicyError(f"{where} must be a list")
    out: list[CustomEntity] = []
    for item in raw:
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise PolicyError(f"{where}: every entity needs a name")
        name = item["name"]
        unknown = set(item) - _ENTITY_FIELDS
        if unknown:
            raise PolicyError(f"entity {name}: unknown fields {', '.join(sorted(unknown))}")
        pattern, validator = item.get("pattern"), item.get("validator", "")
        context, action = item.get("context", []), item.get("action", "mask")
        if not isinstance(pattern, str) or not isinstance(validator, str):
            raise PolicyError(f"entity {name}: pattern (and validator) must be strings")
        if not isinstance(context, list) or not all(isinstance(w, str) and w.strip() for w in context):
            raise PolicyError(f"entity {name}: context must be a list of words")
        if action not in ("mask", "block"):
            raise PolicyError(f"entity {name}: action must be mask or block")
        out.append(CustomEntity(name, pattern, validator, tuple(context), action))
    return tuple(out)
