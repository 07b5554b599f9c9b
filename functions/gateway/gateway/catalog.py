"""The model catalog: data, not code.

Each row says which provider serves a public id and which API that provider speaks:
an OpenAI-compatible chat-completions API (OpenAI, Google, xAI, DeepSeek, the local
echo), Anthropic's Messages API, or Amazon Bedrock's Converse API. The differences
between models are facts (base URL, upstream model name, what the model accepts,
fields a model needs sent), kept here as rows. The upstream clients read these rows;
they never ask "which model is this?".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from gateway.settings import Settings

DEFAULT_BASE_URLS: Mapping[str, str] = {
    "openai": "https://api.openai.com/v1",
    "google": "https://generativelanguage.googleapis.com/v1beta/openai",
    "xai": "https://api.x.ai/v1",
    "deepseek": "https://api.deepseek.com/v1",
    "anthropic": "https://api.anthropic.com/v1",
}

# Parameters that reasoning models reject or silently ignore; we drop them so the
# provider never answers 400 for a request that would work elsewhere.
_REASONER_DROPS = frozenset(
    {"temperature", "top_p", "presence_penalty", "frequency_penalty", "logprobs", "top_logprobs"}
)


# Claude 4.7 and later answer 400 to a temperature or top_p other than the default (the
# gateway always sends a temperature), and think by default: thinking blocks carry a signature
# over their text, which the answer guard may change, so they cannot be sent back in the next
# turn, and a tool-use turn without them is refused. Thinking is switched off for them.
_CLAUDE_FIXED_SAMPLING = frozenset({"temperature", "top_p"})
_CLAUDE_NO_THINKING: Mapping[str, Any] = {"thinking": {"type": "disabled"}}

Api = Literal["openai", "anthropic", "bedrock"]


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
    api: Api = "openai"  # the provider's wire format (gateway/upstream/providers.py)
    # Fields this model needs in every upstream body, as the provider's API names them.
    upstream_params: Mapping[str, Any] = field(default_factory=dict, hash=False, compare=False)


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
    # Anthropic's current models (the Claude API's model overview, November 2026). Fable 5.1 is not
    # offered: its thinking is always on and cannot be disabled (see _CLAUDE_NO_THINKING).
    ModelSpec(
        "anthropic/claude-opus-5",
        "anthropic",
        "claude-opus-5",
        "anthropic",
        api="anthropic",
        drop_params=_CLAUDE_FIXED_SAMPLING,
        upstream_params=_CLAUDE_NO_THINKING,
    ),
    ModelSpec(
        "anthropic/claude-sonnet-5",
        "anthropic",
        "claude-sonnet-5",
        "anthropic",
        api="anthropic",
        drop_params=_CLAUDE_FIXED_SAMPLING,
        upstream_params=_CLAUDE_NO_THINKING,
    ),
    ModelSpec("anthropic/claude-haiku-4-5", "anthropic", "claude-haiku-4-5", "anthropic", api="anthropic"),
    # Bedrock's Converse API serves Claude models with ARN-versioned ids (the newest of those are
    # 4.6 and Haiku 4.5), through global cross-region inference profiles, which work from every
    # commercial region. The template's BedrockModels parameter grants exactly these models.
    ModelSpec(
        "bedrock/claude-sonnet-4-6",
        "bedrock",
        "global.anthropic.claude-sonnet-4-6",
        "anthropic",
        api="bedrock",
    ),
    ModelSpec(
        "bedrock/claude-opus-4-6",
        "bedrock",
        "global.anthropic.claude-opus-4-6-v1",
        "anthropic",
        api="bedrock",
    ),
    ModelSpec(
        "bedrock/claude-haiku-4-5",
        "bedrock",
        "global.anthropic.claude-haiku-4-5-20251001-v1:0",
        "anthropic",
        api="bedrock",
    ),
    ModelSpec("bedrock/nova-2-lite", "bedrock", "global.amazon.nova-2-lite-v1:0", "amazon", api="bedrock"),
)

# `grok/…` is what OneFirewall's documentation uses; it is the same model as `xai/…`.
ALIASES: Mapping[str, str] = {
    "grok/grok-beta": "xai/grok-beta",
    # Anthropic's own names, so Claude Code works through the gateway with no model settings.
    "claude-opus-5": "anthropic/claude-opus-5",
    "claude-sonnet-5": "anthropic/claude-sonnet-5",
    "claude-haiku-4-5": "anthropic/claude-haiku-4-5",
    "claude-haiku-4-5-20251001": "anthropic/claude-haiku-4-5",
}

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
        self._base_urls = dict(DEFAULT_BASE_URLS)
        if settings.bedrock_region:
            self._base_urls["bedrock"] = f"https://bedrock-runtime.{settings.bedrock_region}.amazonaws.com"
        self._base_urls.update(settings.base_urls)
        if settings.local_echo:
            self._base_urls["local"] = settings.local_echo_url

    def resolve(self, model_id: str) -> ModelSpec | None:
        """The spec for a public id or alias, or None when we do not serve it."""
        return self._models.get(ALIASES.get(model_id, model_id))

    def models(self) -> list[ModelSpec]:
        return list(self._models.values())

    def base_url(self, provider: str) -> str:
        return self._base_urls[provider]

    def has_base_url(self, provider: str) -> bool:
        """Bedrock has one only once a region (or an override) is configured."""
        return provider in self._base_urls
