"""Request models for the OpenAI-compatible API. No I/O here.

The models validate shape and ranges; they accept unknown fields (clients such as
LangChain add their own) but only the fields declared here are ever forwarded.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from masking import PiiMode

MAX_TOKENS = 1_048_576


class _Lenient(BaseModel):
    # strict: "yes" is not a boolean and "0.5" is not a number, as with OpenAI itself.
    model_config = ConfigDict(extra="allow", strict=True)


class FunctionCall(_Lenient):
    name: str
    arguments: str


class ToolCall(_Lenient):
    id: str
    type: Literal["function"] = "function"
    function: FunctionCall


class ContentPart(_Lenient):
    type: str
    text: str | None = None


class Message(_Lenient):
    role: Literal["system", "developer", "user", "assistant", "tool"]
    content: str | list[ContentPart] | None = None
    name: str | None = None
    tool_calls: list[ToolCall] | None = None
    tool_call_id: str | None = None


class StreamOptions(_Lenient):
    include_usage: bool = False


class ChatCompletionRequest(_Lenient):
    model: str = Field(min_length=1, max_length=200)
    messages: list[Message] = Field(min_length=1, max_length=10_000)
    stream: bool = False
    stream_options: StreamOptions | None = None
    # Gateway fields (DESIGN §4).
    system: str | None = None
    web_search: bool | None = None
    pii: PiiMode | None = None
    # Opt-in: the answer also carries the messages exactly as sent upstream (placeholders only).
    show_upstream: bool = False
    # Standard OpenAI fields we forward when the model accepts them.
    temperature: float = Field(default=0.7, ge=0, le=2)
    # Numbers the gateway forwards as numbers: their ranges leave no room for personal data
    # (a nine-digit SSN is no token count); `seed` is scanned instead (protection._check_seed).
    max_tokens: int | None = Field(default=None, ge=1, le=MAX_TOKENS)
    max_completion_tokens: int | None = Field(default=None, ge=1, le=MAX_TOKENS)
    top_p: float | None = Field(default=None, ge=0, le=1)
    stop: str | list[str] | None = None
    seed: int | None = Field(default=None, ge=-(2**63), le=2**63 - 1)
    presence_penalty: float | None = Field(default=None, ge=-2, le=2)
    frequency_penalty: float | None = Field(default=None, ge=-2, le=2)
    response_format: dict[str, Any] | None = None
    tools: list[dict[str, Any]] | None = None
    tool_choice: str | dict[str, Any] | None = None
    parallel_tool_calls: bool | None = None
    user: str | None = Field(default=None, max_length=256)
    n: int | None = Field(default=None, ge=1, le=8)

    @field_validator("stop")
    @classmethod
    def _stop_is_short(cls, value: str | list[str] | None) -> str | list[str] | None:
        if isinstance(value, list) and len(value) > 4:
            raise ValueError("at most 4 stop sequences")
        return value

    def texts(self) -> list[str]:
        """The caller's own words: the `system` field and every text of every message."""
        out = [self.system] if self.system else []
        for message in self.messages:
            if isinstance(message.content, str):
                out.append(message.content)
            elif message.content:
                out.extend(part.text for part in message.content if part.text)
        return out

    def has_custom_system_prompt(self) -> bool:
        return self.system is not None or any(m.role in ("system", "developer") for m in self.messages)


# Fields forwarded upstream as given (after the catalog drops what a model rejects).
FORWARDED_FIELDS: tuple[str, ...] = (
    "temperature",
    "max_tokens",
    "max_completion_tokens",
    "top_p",
    "stop",
    "seed",
    "presence_penalty",
    "frequency_penalty",
    "response_format",
    "tools",
    "tool_choice",
    "parallel_tool_calls",
    "user",
    "n",
)
