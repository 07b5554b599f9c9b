"""Built-in detectors. One module per family; `DEFAULT_DETECTORS` is the usual set.

Callers add their own detectors (anything with `find(text) -> list[Span]`) through
`MaskingConfig(extra_detectors=...)`, the way mangum takes `custom_handlers`.
"""

from __future__ import annotations

from typing import Final

from masking.detectors.card import CardDetector
from masking.detectors.email import EmailDetector
from masking.detectors.iban import IbanDetector
from masking.detectors.ip import IpDetector
from masking.detectors.pem import PrivateKeyDetector
from masking.detectors.phone import PhoneDetector
from masking.detectors.secrets import SecretDetector
from masking.detectors.ssn import SsnDetector
from masking.types import Detector

__all__ = [
    "DEFAULT_DETECTORS",
    "CardDetector",
    "EmailDetector",
    "IbanDetector",
    "IpDetector",
    "PhoneDetector",
    "PrivateKeyDetector",
    "SecretDetector",
    "SsnDetector",
    "blank_crossing",
    "build_detectors",
]

DEFAULT_DETECTORS: Final[tuple[Detector, ...]] = (
    SecretDetector(),
    PrivateKeyDetector(),
    CardDetector(),
    IbanDetector(),
    SsnDetector(),
    EmailDetector(),
    IpDetector(),
    PhoneDetector(("US",)),
)


def blank_crossing(detectors: tuple[Detector, ...]) -> tuple[Detector, ...]:
    """The detectors (or parts of them) whose findings can contain a blank: the stream guard
    only asks whether a finding crosses a blank run, and the others cannot say yes. A detector
    without a `crosses_blanks` attribute is assumed to cross them."""
    out: list[Detector] = []
    for detector in detectors:
        if not getattr(detector, "crosses_blanks", True):
            continue
        out.append(detector.blank_crossing() if isinstance(detector, SecretDetector) else detector)
    return tuple(out)


def build_detectors(phone_regions: tuple[str, ...], extra: tuple[Detector, ...] = ()) -> tuple[Detector, ...]:
    """The default set with the phone detector bound to the deployment's regions, plus extras."""
    base = tuple(
        PhoneDetector(phone_regions) if isinstance(d, PhoneDetector) else d for d in DEFAULT_DETECTORS
    )
    return base + extra
