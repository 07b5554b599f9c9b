"""Secret detection, PII masking with restore, and a stream-safe response guard.

Pure library: no I/O, clock or randomness, and no dependency on the gateway. Build one
`MaskingConfig` per process; per request call `protect_request`, then guard the answer with
`guard_text` (whole) or one `ResponseGuard` per streamed text field.
"""

from masking.config import MaskingConfig
from masking.detectors import DEFAULT_DETECTORS
from masking.errors import MaskingError, PiiDetected, SecretDetected, UnsupportedContent
from masking.request import ProtectedRequest, protect_request
from masking.scan import scan
from masking.stream import ResponseGuard, guard_text
from masking.types import PII_TYPES, SECRET, Detector, PiiMode, SecretsMode, Span
from masking.vault import Vault

__all__ = [
    "DEFAULT_DETECTORS",
    "PII_TYPES",
    "SECRET",
    "Detector",
    "MaskingConfig",
    "MaskingError",
    "PiiDetected",
    "PiiMode",
    "ProtectedRequest",
    "ResponseGuard",
    "SecretDetected",
    "SecretsMode",
    "Span",
    "UnsupportedContent",
    "Vault",
    "guard_text",
    "protect_request",
    "scan",
]
