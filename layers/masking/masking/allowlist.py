"""The deployment allowlist (`GATEWAY_PII_ALLOW`): email domains (`@corp.example`, which also
covers its subdomains), IP networks in CIDR form, and literal values.

Literal values are compared raw, lower-cased and normalised (a phone written any way matches its
E.164 form), so an allowlisted value is recognised however the prompt spells it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from masking.types import Span

if TYPE_CHECKING:
    import ipaddress

    Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class Allowlist:
    def __init__(self, entries: Iterable[str], normalised: Iterable[str] = ()) -> None:
        import ipaddress  # lazily: ~4 ms of cold start for a feature many deployments skip

        literals: set[str] = set()
        domains: list[str] = []
        networks: list[Network] = []
        for raw in entries:
            entry = raw.strip()
            if not entry:
                continue
            if entry.startswith("@") and len(entry) > 1:
                domains.append(entry[1:].lower())
                continue
            if "/" in entry:
                try:
                    networks.append(ipaddress.ip_network(entry, strict=False))
                    continue
                except ValueError:
                    pass
            literals.add(entry)
            literals.add(entry.lower())
        self.domains: tuple[str, ...] = tuple(domains)
        self.networks: tuple[Network, ...] = tuple(networks)
        self.literals = frozenset(literals | set(normalised))

    def __bool__(self) -> bool:
        return bool(self.domains or self.networks or self.literals)

    def allows(self, span: Span, text: str) -> bool:
        value = span.value(text)
        if value in self.literals or value.lower() in self.literals or span.norm in self.literals:
            return True
        if span.type == "EMAIL" and self.domains:
            domain = span.normalised(text).rsplit("@", 1)[-1]
            return any(domain == d or domain.endswith("." + d) for d in self.domains)
        if span.type == "IP_ADDRESS" and self.networks:
            import ipaddress

            try:
                addr = ipaddress.ip_address(span.normalised(text))
            except ValueError:
                return False
            return any(addr.version == net.version and addr in net for net in self.networks)
        return False
