"""The internal answer: what a provider said, as typed pieces, whatever the wire format.

A provider adapter reads its wire format into these (`upstream/read.py` for the
OpenAI-compatible APIs); the relay guards every model-written string in them; a route
writes them out in its own wire format (`pipeline/render.py` for chat completions).
Only the fields declared here exist past the adapter, so whatever a provider adds that
the gateway does not know, and so could not guard, is gone before the relay sees it:
DESIGN §5's answer allowlist holds by construction, not by a list of keys to delete.

One `Choice` type serves a whole message and a stream delta: a stream is the same
fields arriving in pieces. Provider ids (of the completion, of tool calls) are kept
only where the gateway itself needs them (the search loop answers its own tool calls);
the caller always gets the gateway's own ids.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

# The finish reasons a caller may see; anything else a provider sends reads as "stop".
FINISH_REASONS = frozenset(
    {"stop", "length", "tool_calls", "content_filter", "function_call", "insufficient_system_resource"}
)
# Usage numbers by name: top-level counts, and the two OpenAI detail objects.
USAGE_COUNTS = (
    "prompt_tokens",
    "completion_tokens",
    "total_tokens",
    "prompt_cache_hit_tokens",  # DeepSeek
    "prompt_cache_miss_tokens",  # DeepSeek
)
USAGE_DETAILS: dict[str, tuple[str, ...]] = {
    "prompt_tokens_details": ("cached_tokens", "audio_tokens"),
    "completion_tokens_details": (
        "reasoning_tokens",
        "audio_tokens",
        "accepted_prediction_tokens",
        "rejected_prediction_tokens",
    ),
}


@dataclass
class ToolCall:
    """One function call (or a piece of one, in a stream); `index` orders them in a choice."""

    index: int
    id: str | None = None  # the provider's: internal only
    name: str | None = None
    arguments: str | None = None


@dataclass
class Citation:
    """A `url_citation` annotation: the model points at a source."""

    url: str
    title: str
    start_index: int | None = None
    end_index: int | None = None


@dataclass
class Choice:
    """One choice's message (whole answer) or delta (stream chunk)."""

    index: int
    role: bool = False  # the piece opens the assistant's message
    content: str | list[str] | None = None  # a string, or the texts of content parts
    refusal: str | None = None
    reasoning: str | None = None
    tool_calls: list[ToolCall] = field(default_factory=list)
    function_call: ToolCall | None = None  # the legacy single call
    annotations: list[Citation] = field(default_factory=list)
    audio_transcript: str | None = None
    finish_reason: str | None = None

    def is_empty(self) -> bool:
        """Nothing to tell the caller (a stream delta whose text the guards still hold)."""
        return not (
            self.role
            or self.content is not None
            or self.refusal is not None
            or self.reasoning is not None
            or self.tool_calls
            or self.function_call is not None
            or self.annotations
            or self.audio_transcript is not None
            or self.finish_reason is not None
        )

    def texts(self) -> Iterator[str]:
        """Every model-written string, for sizing the work of guarding it."""
        if isinstance(self.content, str):
            yield self.content
        elif self.content is not None:
            yield from self.content
        for text in (self.refusal, self.reasoning, self.audio_transcript):
            if text is not None:
                yield text
        for call in (*self.tool_calls, *([self.function_call] if self.function_call else [])):
            yield call.name or ""
            yield call.arguments or ""
        for citation in self.annotations:
            yield citation.url
            yield citation.title


@dataclass
class Usage:
    """Token counts, numbers only (allowlisted names, see USAGE_COUNTS and USAGE_DETAILS)."""

    counts: dict[str, int] = field(default_factory=dict)
    details: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def total_tokens(self) -> int | None:
        return self.counts.get("total_tokens")

    def __add__(self, other: Usage) -> Usage:
        """Summed over search rounds: the caller pays for (and sees) every round."""
        counts = dict(self.counts)
        for name, value in other.counts.items():
            counts[name] = counts.get(name, 0) + value
        details = {name: dict(values) for name, values in self.details.items()}
        for name, values in other.details.items():
            mine = details.setdefault(name, {})
            for key, value in values.items():
                mine[key] = mine.get(key, 0) + value
        return Usage(counts, details)

    def as_dict(self) -> dict[str, int | dict[str, int]]:
        return {**self.counts, **self.details}


@dataclass
class Piece:
    """A whole answer (each choice's complete message) or one stream chunk."""

    choices: list[Choice] = field(default_factory=list)
    usage: Usage | None = None

    def text_size(self) -> int:
        return sum(len(text) for choice in self.choices for text in choice.texts())
