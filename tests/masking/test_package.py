"""Package-level contracts: the public names, the import boundary, the extension point."""

from __future__ import annotations

import subprocess
import sys

import masking
from masking import MaskingConfig, Span, guard_text, protect_request, scan

PUBLIC = [
    "MaskingConfig",
    "PiiMode",
    "Span",
    "Vault",
    "ProtectedRequest",
    "protect_request",
    "ResponseGuard",
    "guard_text",
    "MaskingError",
    "SecretDetected",
    "PiiDetected",
    "UnsupportedContent",
]


def test_public_api() -> None:
    for name in PUBLIC:
        assert hasattr(masking, name), name
    for name in ("SecretDetected", "PiiDetected", "UnsupportedContent"):
        assert issubclass(getattr(masking, name), masking.MaskingError)


def test_import_boundary_and_lazy_validators() -> None:
    code = (
        "import sys, masking; masking.MaskingConfig();"
        "bad = [m for m in ('gateway', 'fastapi', 'boto3', 'pydantic', 'phonenumbers', 'stdnum') if m in sys.modules];"
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


class TicketDetector:
    """A caller's own detector: internal ticket ids treated as personal data."""

    def find(self, text: str) -> list[Span]:
        i = text.find("TCK-")
        return [] if i < 0 else [Span("TICKET", i, i + 10, "ticket")]


def test_extra_detectors_plug_in() -> None:
    cfg = MaskingConfig(extra_detectors=(TicketDetector(),))
    result = protect_request({"messages": [{"role": "user", "content": "see TCK-123456"}]}, "obfuscate", cfg)
    assert result.payload["messages"][0]["content"] == "see [REDACTED_TICKET_1]"
    assert guard_text("[REDACTED_TICKET_1]", result.vault, "obfuscate", cfg)[0] == "TCK-123456"
    assert [s.type for s in scan("TCK-999999", cfg.detectors)] == ["TICKET"]


def test_config_is_frozen() -> None:
    cfg = MaskingConfig()
    try:
        cfg.stream_holdback = 10  # type: ignore[misc]
    except AttributeError:
        pass
    else:
        raise AssertionError("MaskingConfig must be frozen")
    assert cfg == MaskingConfig() and hash(cfg) == hash(MaskingConfig())
