"""Request-side protection: the gateway's edge around `masking.protect_request`.

`masking` is pure and knows nothing of HTTP; this module picks the effective PII
mode, scans and masks what will leave, translates masking's exceptions into
OpenAI errors, and fails closed: any other exception from a scanner becomes a 500
`scanner_error` and nothing is sent upstream. What the answer side needs from
here is the vault (to restore) and the mode; the relay owns everything after that
(`pipeline/guards.py`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import masking
from gateway.errors import (
    InvalidRequest,
    PiiDetected,
    ScannerError,
    SecretDetected,
    UnsupportedContent,
)
from gateway.settings import PII_MODES, Settings


def masking_config(
    settings: Settings, extra_detectors: tuple[masking.Detector, ...] = ()
) -> masking.MaskingConfig:
    """The deployment's masking settings; `extra_detectors` are a deployment's own (or a test's)."""
    return masking.MaskingConfig(
        pii_allow=settings.pii_allow,
        phone_regions=settings.phone_regions,
        restore_in_urls=settings.restore_in_urls,
        secrets_mode=settings.secrets_mode,
        allow_non_text=settings.allow_non_text,
        stream_holdback=settings.stream_holdback,
        extra_detectors=extra_detectors,
    )


_RANK: dict[str, int] = {mode: rank for rank, mode in enumerate(PII_MODES)}


def effective_mode(*modes: str | None) -> masking.PiiMode:
    """The strictest of the given modes (request, header, key floor, deployment floor)."""
    strictest = 0
    for mode in modes:
        if mode is None:
            continue
        if mode not in PII_MODES:
            raise InvalidRequest(f"PII mode must be one of {', '.join(PII_MODES)}.", param="pii")
        strictest = max(strictest, _RANK[mode])
    return PII_MODES[strictest]


@dataclass(frozen=True)
class Protected:
    """The request as it may leave, and what the answer's guard needs to undo."""

    payload: dict[str, Any]
    mode: masking.PiiMode
    vault: masking.Vault
    pii_counts: dict[str, int]
    secret_counts: dict[str, int]

    def headers(self) -> dict[str, str]:
        headers: dict[str, str] = {"x-gateway-pii-mode": self.mode}
        if self.pii_counts:
            headers["x-gateway-pii-masked"] = _counts(self.pii_counts)
        if self.secret_counts:
            headers["x-gateway-secrets"] = _counts(self.secret_counts)
        return headers


def protect(
    payload: dict[str, Any], mode: masking.PiiMode, config: masking.MaskingConfig, *, added_messages: int = 0
) -> Protected:
    """Scan and mask the upstream payload. `added_messages` is how many system
    messages the gateway put in front of the caller's, so locations in errors
    name the caller's own `messages[i]` (and `system` for ours)."""
    try:
        result = masking.protect_request(payload, mode, config)
    except masking.SecretDetected as exc:
        locations = [_caller_location(loc, added_messages) for loc in exc.locations]
        raise SecretDetected(
            f"The request contains credentials ({', '.join(exc.kinds)}) in {', '.join(locations)}. "
            "Remove them and try again; nothing was sent to the provider.",
            param=locations[0] if locations else None,
        ) from None
    except masking.PiiDetected as exc:
        raise PiiDetected(
            f"The request contains personal data ({_counts(exc.counts)}) and PII mode is "
            "'block'; nothing was sent to the provider.",
        ) from None
    except masking.UnsupportedContent as exc:
        raise UnsupportedContent(
            "Only text content can be scanned; this deployment refuses image, audio and file parts.",
            param=_caller_location(exc.location, added_messages),
        ) from None
    except Exception:
        raise ScannerError(
            "A scanner failed, so the request was stopped before reaching the provider."
        ) from None
    return Protected(
        payload=result.payload,
        mode=mode,
        vault=result.vault,
        pii_counts=dict(result.pii_counts),
        secret_counts=dict(result.secret_counts),
    )


def _caller_location(location: str, added: int) -> str:
    match = _MESSAGE_INDEX.match(location)
    if match is None or added == 0:
        return location
    index = int(match.group(1)) - added
    return "system" if index < 0 else f"messages[{index}]{location[match.end() :]}"


_MESSAGE_INDEX = re.compile(r"messages\[(\d+)\]")


def _counts(counts: dict[str, int]) -> str:
    return ",".join(f"{kind}={count}" for kind, count in sorted(counts.items()) if count)
