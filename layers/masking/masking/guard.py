"""Response side, one piece of text at a time: restore this request's placeholders and redact
foreign values.

Foreign means "not sent by the caller": PII is redacted only in `obfuscate` and `block` modes,
secrets (and a deployment's `block` entities) in every mode. Values the caller sent (the vault
knows them) and allowlisted values are left alone. Restored values are JSON-escaped when the
text is a JSON document (tool-call arguments) and not restored at all where a renderer would
fetch or link (`masking.urls`) unless the deployment allows it; `context` is the text emitted
before this piece, so a link opened there still counts.
"""

from __future__ import annotations

from masking.config import MaskingConfig
from masking.placeholders import NUMBERED, foreign
from masking.scan import scan
from masking.types import SECRET, PiiMode
from masking.urls import in_url, links_onward
from masking.vault import Vault


def _json_escape(value: str) -> str:
    import json  # only tool-call arguments need it; keeps `import masking` light

    return json.dumps(value, ensure_ascii=False)[1:-1]


def process_piece(
    text: str,
    *,
    vault: Vault,
    mode: PiiMode,
    config: MaskingConfig,
    json_context: bool,
    redactions: dict[str, int],
    context: str = "",
) -> str:
    """Guard a piece that no finding crosses; `redactions` is updated in place."""
    edits: list[tuple[int, int, str]] = []
    taken: list[tuple[int, int]] = []
    if "[REDACTED_" in text:
        for m in NUMBERED.finditer(text):
            taken.append(m.span())
            original = vault.original(m.group(0))
            if original is None or (
                not config.restore_in_urls
                and (
                    in_url(context + text[: m.start()], len(context) + m.start(), json_context=json_context)
                    or links_onward(text, m.end())
                )
            ):
                continue
            edits.append((m.start(), m.end(), _json_escape(original) if json_context else original))
    for span in scan(text, config.detectors):
        if any(span.start < b and a < span.end for a, b in taken):
            continue
        if span.type != SECRET and span.type not in config.blocked_types and mode == "disabled":
            continue
        if vault.knows(span.type, span.normalised(text)) or config.allowlist.allows(span, text):
            continue
        edits.append((span.start, span.end, foreign(span.type)))
        redactions[span.type] = redactions.get(span.type, 0) + 1
    if not edits:
        return text
    edits.sort()
    out: list[str] = []
    pos = 0
    for start, end, replacement in edits:
        out.append(text[pos:start])
        out.append(replacement)
        pos = end
    out.append(text[pos:])
    return "".join(out)
