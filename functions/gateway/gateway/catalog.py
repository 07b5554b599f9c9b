"""The model catalog: data, not code.

Every provider we speak to has an OpenAI-compatible chat-completions API, so the
differences between them are facts (base URL, upstream model name, what the model
accepts), kept here as rows. The upstream client reads these rows; it never asks
"which provider is this?".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from gateway.settings import Settings

DEFAULT_BASE_URLS: Mapping[str, str] = {
    "openai": "https://api.openai.com/v1",
    "google": "https://generativelanguage.googleapis.com/v1beta/openai",
    "xai": "https://api.x.ai/v1",
    "deepseek": "https://api.deepseek.com/v1",
}

# Parameters that reasoning models reject or silently ignore; we drop them so the
# provider never answers 400 for a request that would work elsewhere.
_REASONER_DROPS = frozenset(
    {"temperature", "top_p", "presence_penalty", "frequency_penalty", "logprobs", "top_logprobs"}
)


@dataclass(frozen=True)
class ModelSpec:
    """One public model id and how to reach it."""

    id: str
    provider: str
    upstream_model: str
    owned_by: str
    supports_tools: bool = True
    drop_params: frozenset[str] = frozenset()
    created: int = 1_700_000_000


# The public ids are the API: clients and keys' model lists name them, so they never change. The
# upstream names behind them do, when a provider retires a model: `gemini-2.0-flash-exp` and
# `grok-beta` were shut down, so those ids now reach each provider's current general-purpose model
# (checked against the providers' model and deprecation pages, November 2026). GATEWAY_MODEL_MAP
# points any id elsewhere without a release; docs/api.md lists the mapping.
MODELS: tuple[ModelSpec, ...] = (
    ModelSpec("openai/gpt-4o-mini", "openai", "gpt-4o-mini", "openai"),
    ModelSpec("openai/gpt-4o", "openai", "gpt-4o", "openai"),
    ModelSpec(
        "google/gemini-2.0-flash-exp",
        "google",
        "gemini-3.5-flash",
        "google",
        # Gemini's OpenAI-compatible endpoint rejects these with 400.
        drop_params=frozenset({"seed", "logprobs", "top_logprobs", "presence_penalty", "frequency_penalty"}),
    ),
    ModelSpec(
        "xai/grok-beta",
        "xai",
        "grok-4.3",
        "xai",
        # grok-4.3 reasons, and xAI's reasoning models answer 400 to these.
        drop_params=frozenset({"presence_penalty", "frequency_penalty", "stop"}),
    ),
    ModelSpec("deepseek/deepseek-chat", "deepseek", "deepseek-chat", "deepseek"),
    ModelSpec(
        "deepseek/deepseek-reasoner",
        "deepseek",
        "deepseek-reasoner",
        "deepseek",
        supports_tools=False,
        drop_params=_REASONER_DROPS | {"tools", "tool_choice", "response_format"},
    ),
)

# `grok/…` is what OneFirewall's documentation uses; it is the same model as `xai/…`.
ALIASES: Mapping[str, str] = {"grok/grok-beta": "xai/grok-beta"}

LOCAL_ECHO = ModelSpec("local/echo", "local", "echo", "secure-ai-gateway")


class Catalog:
    """The models this deployment serves, with upstream names and base URLs applied."""

    def __init__(self, settings: Settings) -> None:
        models = list(MODELS)
        if settings.local_echo:
            models.append(LOCAL_ECHO)
        self._models = {
            spec.id: replace(spec, upstream_model=settings.model_map.get(spec.id, spec.upstream_model))
            for spec in models
        }
        self._base_urls = {**DEFAULT_BASE_URLS, **settings.base_urls}
        if settings.local_echo:
            self._base_urls["local"] = settings.local_echo_url

    def resolve(self, model_id: str) -> ModelSpec | None:
        """The spec for a public id or alias, or None when we do not serve it."""
        return self._models.get(ALIASES.get(model_id, model_id))

    def models(self) -> list[ModelSpec]:
        return list(self._models.values())

    def base_url(self, provider: str) -> str:
        return self._base_urls[provider]
