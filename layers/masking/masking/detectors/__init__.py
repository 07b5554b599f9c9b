"""Built-in detectors. One module per family; `DEFAULT_DETECTORS` is the usual set.

Callers add their own detectors (anything with `find(text) -> list[Span]`) through
`MaskingConfig(extra_detectors=...)`, the way mangum takes `custom_handlers`.
"""

from __future__ import annotations

from typing import Final

from masking.detectors.card import CardDetector
from masking.detectors.custom import CustomEntity, CustomEntityDetector
from masking.detectors.email import EmailDetector, SpelledEmailDetector
from masking.detectors.iban import IbanDetector
from masking.detectors.ip import IpDetector
from masking.detectors.national_ids import NationalIdDetector
from masking.detectors.pem import PrivateKeyDetector
from masking.detectors.phone import PhoneDetector
from masking.detectors.secrets import SecretDetector
from masking.detectors.ssn import SsnDetector
from masking.types import Detector

__all__ = [
    "DEFAULT_DETECTORS",
    "CardDetector",
    "CustomEntity",
    "CustomEntityDetector",
    "EmailDetector",
    "IbanDetector",
    "IpDetector",
    "NationalIdDetector",
    "PhoneDetector",
    "PrivateKeyDetector",
    "SecretDetector",
    "SpelledEmailDetector",
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
    SpelledEmailDetector(),
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


def build_detectors(
    phone_regions: tuple[str, ...],
    locales: tuple[str, ...] = ("us",),
    custom: tuple[CustomEntity, ...] = (),
    extra: tuple[Detector, ...] = (),
    *,
    names: bool = False,
    addresses: bool = False,
) -> tuple[Detector, ...]:
    """The default set with the phone detector bound to the deployment's regions, the national
    identifiers of its locales (the SSN detector is the `us` pack), person names and postal
    addresses when switched on, its own entities, and extras."""
    base: list[Detector] = []
    for detector in DEFAULT_DETECTORS:
        if isinstance(detector, PhoneDetector):
            base.append(PhoneDetector(phone_regions))
        elif isinstance(detector, SsnDetector):
            if "us" in locales:
                base.append(detector)
        else:
            base.append(detector)
    national = NationalIdDetector(locales)
    if national.rules:
        base.append(national)
    # Imported here, not at `import masking`: their patterns take tens of milliseconds to
    # compile, and most deployments leave names and addresses off.
    if names:
        from masking.detectors.names import PersonDetector

        base.append(PersonDetector())
    if addresses:
        from masking.detectors.addresses import AddressDetector

        base.append(AddressDetector())
    if custom:
        base.append(CustomEntityDetector(custom))
    return (*base, *extra)
