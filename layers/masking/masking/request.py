"""Request side: refuse or mask secrets, then block or mask personal data, on every forwarded
string of a chat-completions body.

Two passes over the same traversal: the first scans everything (and refuses before anything is
rewritten, so a refusal costs no allocation of placeholders), the second substitutes. Secrets
are checked in every PII mode, because a credential leaving is never acceptable.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from masking.config import MaskingConfig
from masking.errors import PiiDetected, SecretDetected
from masking.payload import map_payload
from masking.placeholders import NUMBERED
from masking.scan import scan
from masking.types import SECRET, PiiMode, Span
from masking.vault import Vault


class ProtectedRequest:
    """The body to send upstream, the vault to restore from, and header counts (never values)."""

    def __init__(
        self,
        payload: dict[str, Any],
        vault: Vault,
        pii_counts: dict[str, int] | None = None,
        secret_counts: dict[str, int] | None = None,
    ) -> None:
        self.payload = payload
        self.vault = vault
        self.pii_counts: dict[str, int] = pii_counts or {}
        self.secret_counts: dict[str, int] = secret_counts or {}

    def __repr__(self) -> str:
        return f"ProtectedRequest(pii_counts={self.pii_counts!r}, secret_counts={self.secret_counts!r})"


class _Finding(NamedTuple):
    location: str
    text: str
    spans: list[Span]


def _collect(payload: dict[str, Any], config: MaskingConfig) -> tuple[list[_Finding], frozenset[str]]:
    findings: list[_Finding] = []
    reserved: set[str] = set()

    def visit(location: str, text: str) -> str:
        if "[REDACTED_" in text:
            reserved.update(m.group(0) for m in NUMBERED.finditer(text))
        spans = [s for s in scan(text, config.detectors) if not config.allowlist.allows(s, text)]
        findings.append(_Finding(location, text, spans))
        return text

    map_payload(payload, visit, config.allow_non_text)
    return findings, frozenset(reserved)


def _check(findings: list[_Finding], mode: PiiMode, config: MaskingConfig) -> None:
    secret_kinds: set[str] = set()
    secret_locations: list[str] = []
    pii: dict[str, set[str]] = {}
    for f in findings:
        for s in f.spans:
            if s.type == SECRET:
                secret_kinds.add(s.kind or "secret")
                if f.location not in secret_locations:
                    secret_locations.append(f.location)
            else:
                pii.setdefault(s.type, set()).add(s.normalised(f.text))
    if secret_kinds and config.secrets_mode == "block":
        raise SecretDetected(tuple(sorted(secret_kinds)), tuple(secret_locations))
    blocked = {t: v for t, v in pii.items() if t in config.blocked_types}
    if blocked or (pii and mode == "block"):
        # A deployment's `block` entities are refused in every mode, like a secret.
        raise PiiDetected({t: len(v) for t, v in sorted((blocked or pii).items())})


def _substitute(text: str, spans: list[Span], vault: Vault, mode: PiiMode, kinds: dict[str, set[str]]) -> str:
    pieces: list[str] = []
    pos = 0
    for s in spans:
        if s.type != SECRET and mode != "obfuscate":
            continue
        norm = s.normalised(text)
        placeholder = vault.placeholder(s.type, norm, s.value(text))
        if s.type == SECRET:
            kinds.setdefault(s.kind or "secret", set()).add(norm)
        pieces.append(text[pos : s.start])
        pieces.append(placeholder)
        pos = s.end
    pieces.append(text[pos:])
    return "".join(pieces)


def protect_request(payload: dict[str, Any], mode: PiiMode, config: MaskingConfig) -> ProtectedRequest:
    """Scan every forwarded string; raise, or return a new body with values replaced by placeholders.

    The input dict is never mutated. Raises SecretDetected, PiiDetected or UnsupportedContent.
    """
    if mode not in ("disabled", "obfuscate", "block"):
        raise ValueError("unknown PII mode")
    findings, reserved = _collect(payload, config)
    _check(findings, mode, config)
    vault = Vault(reserved=reserved)
    if not any(f.spans for f in findings):
        return ProtectedRequest(map_payload(payload, lambda _loc, text: text, True), vault)
    queue = iter(findings)
    secret_kinds: dict[str, set[str]] = {}

    def rewrite(_location: str, text: str) -> str:
        finding = next(queue)
        if not finding.spans:
            return text
        return _substitute(text, finding.spans, vault, mode, secret_kinds)

    new_payload = map_payload(payload, rewrite, config.allow_non_text)
    pii_counts = {t: n for t, n in vault.counts().items() if t != SECRET}
    secret_counts = {k: len(v) for k, v in sorted(secret_kinds.items())}
    return ProtectedRequest(new_payload, vault, pii_counts, secret_counts)
