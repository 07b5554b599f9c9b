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
from masking.detectors.custom import CustomEntity


def masking_config(
    settings: Settings,
    extra_detectors: tuple[masking.Detector, ...] = (),
    entities: tuple[CustomEntity, ...] = (),
) -> masking.MaskingConfig:
    """The deployment's masking settings with the policy's own `entities` (and a workspace's);
    `extra_detectors` are a deployment's own detectors (or a test's)."""
    return masking.MaskingConfig(
        pii_allow=settings.pii_allow,
        phone_regions=settings.phone_regions,
        restore_in_urls=settings.restore_in_urls,
        secrets_mode=settings.secrets_mode,
        allow_non_text=settings.allow_non_text,
        stream_holdback=settings.stream_holdback,
        locales=settings.pii_locales,
        names=settings.pii_names,
        addresses=settings.pii_addresses,
        custom_entities=entities,
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
    config: masking.MaskingConfig  # what protected the request guards its answer too

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
        why = "PII mode is 'block'"
        if set(exc.counts) & config.blocked_types:
            why = "this deployment refuses them in every mode"
        raise PiiDetected(
            f"The request contains personal data ({_counts(exc.counts)}) and {why}; "
            "nothing was sent to the provider.",
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
    _check_seed(payload.get("seed"), mode, config)
    return Protected(
        payload=result.payload,
        mode=mode,
        vault=result.vault,
        pii_counts=dict(result.pii_counts),
        secret_counts=dict(result.secret_counts),
        config=config,
    )


def _check_seed(seed: Any, mode: masking.PiiMode, config: masking.MaskingConfig) -> None:
    """`seed` is forwarded as the integer the API requires, so it cannot be masked: a seed
    that is personal data (an SSN, a phone number written as one) is refused unless PII is
    allowed out. The other numeric fields the gateway forwards have ranges no such value fits."""
    if not isinstance(seed, int) or mode == "disabled":
        return
    try:
        found = sorted({s.type for s in masking.scan(str(seed), config.detectors)})
    except Exception:
        raise ScannerError(
            "A scanner failed, so the request was stopped before reaching the provider."
        ) from None
    if not found:
        return
    if mode == "block":
        raise PiiDetected(
            f"The request contains personal data ({','.join(found)} in seed) and PII mode is 'block'; "
            "nothing was sent to the provider."
        )
    raise InvalidRequest(
        f"seed reads as personal data ({','.join(found)}) and cannot be masked; use another seed.",
        param="seed",
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
