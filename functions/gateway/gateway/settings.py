"""Deployment settings, read from the environment in exactly one place.

Everything else receives a `Settings` instance (through `create_app` or a FastAPI
dependency), so tests build the object they need instead of patching os.environ.
Bad values fail loudly at start-up: a gateway that silently falls back to a weaker
setting is worse than one that does not start.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

PiiMode = Literal["disabled", "obfuscate", "block"]
PII_MODES: tuple[PiiMode, ...] = ("disabled", "obfuscate", "block")

PROVIDER_BASE_URL_VARS = {
    "openai": "GATEWAY_OPENAI_BASE_URL",
    "google": "GATEWAY_GOOGLE_BASE_URL",
    "xai": "GATEWAY_XAI_BASE_URL",
    "deepseek": "GATEWAY_DEEPSEEK_BASE_URL",
}
# Local-dev fallbacks, used only when no providers secret is configured.
PROVIDER_KEY_VARS = {
    "openai": "OPENAI_API_KEY",
    "google": "GEMINI_API_KEY",
    "xai": "XAI_API_KEY",
    "deepseek": "DEEPSEEK_API_KEY",
    "tavily": "TAVILY_API_KEY",
    "brave": "BRAVE_API_KEY",
}


class SettingsError(ValueError):
    """A setting has a value the gateway refuses to run with."""


@dataclass(frozen=True)
class Settings:
    env: Literal["dev", "prod"] = "prod"
    keys_table: str = "secure-ai-gateway-keys"
    providers_secret: str | None = None
    admin_secret: str | None = None
    base_urls: Mapping[str, str] = field(default_factory=dict)
    model_map: Mapping[str, str] = field(default_factory=dict)
    provider_keys_env: Mapping[str, str] = field(default_factory=dict)
    pii_floor: PiiMode = "disabled"
    secrets_mode: Literal["block", "obfuscate"] = "block"
    pii_allow: tuple[str, ...] = ()
    phone_regions: tuple[str, ...] = ("US",)
    restore_in_urls: bool = False
    allow_non_text: bool = False
    stream_holdback: int = 96
    max_body_bytes: int = 1_048_576
    deadline_s: float = 300.0
    connect_timeout_s: float = 5.0
    idle_timeout_s: float = 60.0
    max_retries: int = 2
    key_cache_s: float = 30.0
    secret_cache_s: float = 300.0
    default_rpm: int = 60
    default_tpd: int = 1_000_000
    admin_routes: bool = True
    policy_file: str | None = None
    search_backend: str | None = None
    tavily_base_url: str | None = None
    brave_base_url: str | None = None
    searxng_url: str | None = None
    web_search_max_rounds: int = 3
    service_name: str = "secure-ai-gateway"
    metrics_namespace: str = "SecureAIGateway"
    local_echo: bool = False
    local_echo_url: str = "http://127.0.0.1:3001/v1"

    @property
    def docs_enabled(self) -> bool:
        return self.env == "dev"

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> Settings:
        """Build settings from an environment mapping (pass `os.environ`)."""

        def get(name: str, default: str) -> str:
            value = environ.get(name, "").strip()
            return value or default

        def choice(name: str, default: str, allowed: tuple[str, ...]) -> str:
            value = get(name, default).lower()
            if value not in allowed:
                raise SettingsError(f"{name} must be one of {', '.join(allowed)}")
            return value

        def number(name: str, default: float, minimum: float) -> float:
            raw = get(name, str(default))
            try:
                value = float(raw)
            except ValueError:
                raise SettingsError(f"{name} must be a number") from None
            if value < minimum:
                raise SettingsError(f"{name} must be at least {minimum}")
            return value

        def flag(name: str) -> bool:
            return choice(name, "false", ("true", "false", "1", "0", "yes", "no")) in (
                "true",
                "1",
                "yes",
            )

        def csv(name: str, default: str = "") -> tuple[str, ...]:
            return tuple(part.strip() for part in get(name, default).split(",") if part.strip())

        model_map_raw = get("GATEWAY_MODEL_MAP", "{}")
        try:
            model_map = json.loads(model_map_raw)
        except json.JSONDecodeError:
            raise SettingsError("GATEWAY_MODEL_MAP must be a JSON object") from None
        if not isinstance(model_map, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in model_map.items()
        ):
            raise SettingsError("GATEWAY_MODEL_MAP must map model ids to upstream names")

        return cls(
            env="dev" if choice("GATEWAY_ENV", "prod", ("dev", "prod")) == "dev" else "prod",
            keys_table=get("GATEWAY_KEYS_TABLE", cls.keys_table),
            providers_secret=environ.get("GATEWAY_PROVIDERS_SECRET") or None,
            admin_secret=environ.get("GATEWAY_ADMIN_SECRET") or None,
            base_urls={
                provider: environ[var].rstrip("/")
                for provider, var in PROVIDER_BASE_URL_VARS.items()
                if environ.get(var)
            },
            model_map=model_map,
            provider_keys_env={
                provider: environ[var] for provider, var in PROVIDER_KEY_VARS.items() if environ.get(var)
            },
            pii_floor=_pii_mode(choice("GATEWAY_PII_FLOOR", "disabled", PII_MODES)),
            secrets_mode="obfuscate"
            if choice("GATEWAY_SECRETS", "block", ("block", "obfuscate")) == "obfuscate"
            else "block",
            pii_allow=csv("GATEWAY_PII_ALLOW"),
            phone_regions=tuple(r.upper() for r in csv("GATEWAY_PHONE_REGIONS", "US")),
            restore_in_urls=flag("GATEWAY_RESTORE_IN_URLS"),
            allow_non_text=flag("GATEWAY_ALLOW_NON_TEXT"),
            stream_holdback=int(number("GATEWAY_STREAM_HOLDBACK", 96, 16)),
            max_body_bytes=int(number("GATEWAY_MAX_BODY_BYTES", 1_048_576, 1024)),
            deadline_s=number("GATEWAY_DEADLINE_S", 300, 1),
            connect_timeout_s=number("GATEWAY_CONNECT_TIMEOUT_S", 5, 0.1),
            idle_timeout_s=number("GATEWAY_IDLE_TIMEOUT_S", 60, 0.1),
            max_retries=int(number("GATEWAY_MAX_RETRIES", 2, 0)),
            key_cache_s=number("GATEWAY_KEY_CACHE_S", 30, 0),
            default_rpm=int(number("GATEWAY_DEFAULT_RPM", 60, 1)),
            default_tpd=int(number("GATEWAY_DEFAULT_TPD", 1_000_000, 1)),
            admin_routes=choice("GATEWAY_ADMIN_ROUTES", "true", ("true", "false")) == "true",
            policy_file=environ.get("GATEWAY_POLICY_FILE") or None,
            search_backend=_none_if_none(
                choice("GATEWAY_SEARCH_BACKEND", "none", ("none", "tavily", "brave", "searxng"))
            ),
            tavily_base_url=environ.get("GATEWAY_TAVILY_BASE_URL") or None,
            brave_base_url=environ.get("GATEWAY_BRAVE_BASE_URL") or None,
            searxng_url=environ.get("GATEWAY_SEARXNG_URL") or None,
            web_search_max_rounds=int(number("GATEWAY_WEB_SEARCH_MAX_ROUNDS", 3, 1)),
            service_name=get("POWERTOOLS_SERVICE_NAME", cls.service_name),
            metrics_namespace=get("POWERTOOLS_METRICS_NAMESPACE", cls.metrics_namespace),
            local_echo=flag("GATEWAY_LOCAL_ECHO"),
            local_echo_url=get("GATEWAY_LOCAL_ECHO_URL", cls.local_echo_url).rstrip("/"),
        )


def _none_if_none(value: str) -> str | None:
    return None if value == "none" else value


def _pii_mode(value: str) -> PiiMode:
    for mode in PII_MODES:
        if mode == value:
            return mode
    raise SettingsError(f"unknown PII mode {value!r}")
