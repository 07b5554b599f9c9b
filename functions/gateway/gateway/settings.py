"""Deployment settings, read from the environment in exactly one place.

Everything else receives a `Settings` instance (through `create_app` or a FastAPI
dependency), so tests build the object they need instead of patching os.environ.
Bad values fail loudly at start-up: a gateway that silently falls back to a weaker
setting is worse than one that does not start.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal, get_args

from gateway.aws.access import AwsAccess
from masking import PiiMode

# Weakest to strictest: the effective mode is the strictest of those that apply.
PII_MODES: tuple[PiiMode, ...] = get_args(PiiMode)
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")

PROVIDER_BASE_URL_VARS = {
    "openai": "GATEWAY_OPENAI_BASE_URL",
    "google": "GATEWAY_GOOGLE_BASE_URL",
    "xai": "GATEWAY_XAI_BASE_URL",
    "deepseek": "GATEWAY_DEEPSEEK_BASE_URL",
    "anthropic": "GATEWAY_ANTHROPIC_BASE_URL",
    "bedrock": "GATEWAY_BEDROCK_BASE_URL",
}
# Local-dev fallbacks for the LLM providers' keys, used only when no providers secret is
# configured (search backends declare their own, see gateway/search/factory.py).
PROVIDER_KEY_VARS = {
    "openai": "OPENAI_API_KEY",
    "google": "GEMINI_API_KEY",
    "xai": "XAI_API_KEY",
    "deepseek": "DEEPSEEK_API_KEY",
    "anthropic": "ANTHROPIC_API_KEY",
}


def key_variables() -> dict[str, str]:
    """Every local-dev key variable by its name in the providers secret (LLMs and search)."""
    from gateway.search.factory import BACKENDS

    search = {name: b.key_variable for name, b in BACKENDS.items() if b.key_variable}
    return {**PROVIDER_KEY_VARS, **search}


class SettingsError(ValueError):
    """A setting has a value the gateway refuses to run with."""


@dataclass(frozen=True)
class Settings:
    """Every default is written here, once: `from_env` falls back to these."""

    env: Literal["dev", "prod"] = "prod"
    log_level: str = "INFO"
    keys_table: str = "secure-ai-gateway-keys"
    providers_secret: str | None = None
    admin_secret: str | None = None
    base_urls: Mapping[str, str] = field(default_factory=dict)
    model_map: Mapping[str, str] = field(default_factory=dict)
    provider_keys_env: Mapping[str, str] = field(default_factory=dict)
    pii_floor: PiiMode = "disabled"
    secrets_mode: Literal["block", "obfuscate"] = "block"
    pii_allow: tuple[str, ...] = ()
    pii_locales: tuple[str, ...] = ("us",)
    pii_names: bool = False
    pii_addresses: bool = False
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
    search_url: str | None = None  # the configured backend's base URL (its own variable)
    web_search_max_rounds: int = 3
    service_name: str = "secure-ai-gateway"
    metrics_namespace: str = "SecureAIGateway"
    local_echo: bool = False
    local_echo_url: str = "http://127.0.0.1:3001/v1"
    # Bedrock needs no key, only a region (the Lambda's own, or GATEWAY_BEDROCK_REGION): without
    # one and without GATEWAY_BEDROCK_BASE_URL, Bedrock models are not offered.
    bedrock_region: str | None = None
    # Region, endpoints and credentials of the gateway's own AWS calls (the SDKs' variables).
    aws: AwsAccess = field(default_factory=AwsAccess.unconfigured)

    @property
    def docs_enabled(self) -> bool:
        return self.env == "dev"

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> Settings:
        """Build settings from an environment mapping (pass `os.environ`)."""
        # The registry of search backends names their variables; imported here so that
        # reading settings does not import every backend for callers that never search.
        from gateway.search.factory import BACKENDS

        d = cls()
        read = _Reader(environ)
        backend = read.choice("GATEWAY_SEARCH_BACKEND", "none", ("none", *BACKENDS))
        locales = _locales(read.csv("GATEWAY_PII_LOCALES", d.pii_locales))
        return cls(
            env="dev" if read.choice("GATEWAY_ENV", d.env, ("dev", "prod")) == "dev" else "prod",
            log_level=read.choice("LOG_LEVEL", d.log_level, LOG_LEVELS, str.upper),
            keys_table=read.text("GATEWAY_KEYS_TABLE", d.keys_table),
            providers_secret=read.optional("GATEWAY_PROVIDERS_SECRET"),
            admin_secret=read.optional("GATEWAY_ADMIN_SECRET"),
            base_urls={
                provider: environ[var].strip().rstrip("/")
                for provider, var in PROVIDER_BASE_URL_VARS.items()
                if environ.get(var, "").strip()
            },
            model_map=read.model_map("GATEWAY_MODEL_MAP"),
            provider_keys_env={p: environ[v] for p, v in key_variables().items() if environ.get(v)},
            pii_floor=_pii_mode(read.choice("GATEWAY_PII_FLOOR", d.pii_floor, PII_MODES)),
            secrets_mode="obfuscate"
            if read.choice("GATEWAY_SECRETS", d.secrets_mode, ("block", "obfuscate")) == "obfuscate"
            else "block",
            pii_allow=read.csv("GATEWAY_PII_ALLOW", d.pii_allow),
            pii_locales=locales,
            pii_names=read.flag("GATEWAY_PII_NAMES", d.pii_names),
            pii_addresses=read.flag("GATEWAY_PII_ADDRESSES", d.pii_addresses),
            # Phone numbers without a country code follow the locales unless set on their own.
            phone_regions=tuple(
                r.upper() for r in read.csv("GATEWAY_PHONE_REGIONS", _phone_regions(locales))
            ),
            restore_in_urls=read.flag("GATEWAY_RESTORE_IN_URLS", d.restore_in_urls),
            allow_non_text=read.flag("GATEWAY_ALLOW_NON_TEXT", d.allow_non_text),
            stream_holdback=int(read.number("GATEWAY_STREAM_HOLDBACK", d.stream_holdback, 16)),
            max_body_bytes=int(read.number("GATEWAY_MAX_BODY_BYTES", d.max_body_bytes, 1024)),
            deadline_s=read.number("GATEWAY_DEADLINE_S", d.deadline_s, 1),
            connect_timeout_s=read.number("GATEWAY_CONNECT_TIMEOUT_S", d.connect_timeout_s, 0.1),
            idle_timeout_s=read.number("GATEWAY_IDLE_TIMEOUT_S", d.idle_timeout_s, 0.1),
            max_retries=int(read.number("GATEWAY_MAX_RETRIES", d.max_retries, 0)),
            key_cache_s=read.number("GATEWAY_KEY_CACHE_S", d.key_cache_s, 0),
            default_rpm=int(read.number("GATEWAY_DEFAULT_RPM", d.default_rpm, 1)),
            default_tpd=int(read.number("GATEWAY_DEFAULT_TPD", d.default_tpd, 1)),
            admin_routes=read.flag("GATEWAY_ADMIN_ROUTES", d.admin_routes),
            policy_file=read.optional("GATEWAY_POLICY_FILE"),
            search_backend=None if backend == "none" else backend,
            search_url=read.optional(BACKENDS[backend].url_variable) if backend != "none" else None,
            web_search_max_rounds=int(
                read.number("GATEWAY_WEB_SEARCH_MAX_ROUNDS", d.web_search_max_rounds, 1)
            ),
            service_name=read.text("POWERTOOLS_SERVICE_NAME", d.service_name),
            metrics_namespace=read.text("POWERTOOLS_METRICS_NAMESPACE", d.metrics_namespace),
            local_echo=read.flag("GATEWAY_LOCAL_ECHO", d.local_echo),
            local_echo_url=read.text("GATEWAY_LOCAL_ECHO_URL", d.local_echo_url).rstrip("/"),
            bedrock_region=read.optional("GATEWAY_BEDROCK_REGION") or read.optional("AWS_REGION"),
            aws=AwsAccess.from_env(environ),
        )


class _Reader:
    """Typed reads of environment variables; every default is passed in by the caller."""

    def __init__(self, environ: Mapping[str, str]) -> None:
        self._environ = environ

    def optional(self, name: str) -> str | None:
        return self._environ.get(name, "").strip() or None

    def text(self, name: str, default: str) -> str:
        return self.optional(name) or default

    def choice(
        self, name: str, default: str, allowed: tuple[str, ...], fold: Callable[[str], str] = str.lower
    ) -> str:
        value = fold(self.text(name, default))
        if value not in allowed:
            raise SettingsError(f"{name} must be one of {', '.join(allowed)}")
        return value

    def number(self, name: str, default: float, minimum: float) -> float:
        raw = self.optional(name)
        if raw is None:
            return default
        try:
            value = float(raw)
        except ValueError:
            raise SettingsError(f"{name} must be a number") from None
        if value < minimum:
            raise SettingsError(f"{name} must be at least {minimum:g}")
        return value

    def flag(self, name: str, default: bool) -> bool:
        allowed = ("true", "false", "1", "0", "yes", "no", "on", "off")
        return self.choice(name, "true" if default else "false", allowed) in ("true", "1", "yes", "on")

    def csv(self, name: str, default: tuple[str, ...]) -> tuple[str, ...]:
        raw = self.optional(name)
        if raw is None:
            return default
        return tuple(part.strip() for part in raw.split(",") if part.strip())

    def model_map(self, name: str) -> dict[str, str]:
        try:
            value = json.loads(self.text(name, "{}"))
        except json.JSONDecodeError:
            raise SettingsError(f"{name} must be a JSON object") from None
        if not isinstance(value, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()
        ):
            raise SettingsError(f"{name} must map model ids to upstream names")
        return value


def _locales(names: tuple[str, ...]) -> tuple[str, ...]:
    from masking.detectors.national_ids import LOCALES

    locales = tuple(dict.fromkeys(name.lower() for name in names))
    unknown = [name for name in locales if name not in LOCALES]
    if unknown or not locales:
        raise SettingsError(f"GATEWAY_PII_LOCALES must name locales from {', '.join(sorted(LOCALES))}")
    return locales


def _phone_regions(locales: tuple[str, ...]) -> tuple[str, ...]:
    from masking.detectors.national_ids import PHONE_REGIONS

    return tuple(PHONE_REGIONS[locale] for locale in locales)


def _pii_mode(value: str) -> PiiMode:
    for mode in PII_MODES:
        if mode == value:
            return mode
    raise SettingsError(f"unknown PII mode {value!r}")
