"""A deployment's own identifiers (an employee id, a customer number, a project code name),
declared in the policy file and detected like the built-in types everywhere: request, answer,
stream guard, restore, audit counts.

Each entity has a name (its placeholder type: `EMPLOYEE_ID` gives `[REDACTED_EMPLOYEE_ID_1]`),
a pattern, an optional validator (`luhn`, `mod97`, or `stdnum:<module>` such as
`stdnum:gb.vat`), optional context words that must stand within 32 characters before a match,
and an action: `mask` (personal data: masked in `obfuscate`, refused in `block`) or `block`
(refused in every mode, redacted from every answer, like a secret).

Patterns are compiled with RE2 (`google-re2`), which matches in time linear in the text for
every pattern, so a deployment cannot configure a regex that backtracks catastrophically; a
pattern RE2 cannot compile (backreferences, lookarounds) is refused at start-up with the
entity's name. RE2 is imported only when a deployment declares entities.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from typing import Any, Final, Literal, NamedTuple

from masking.boundaries import clear_after, clear_before, context_before
from masking.detectors.card import luhn_ok
from masking.types import PII_TYPES, SECRET, Span

Action = Literal["mask", "block"]
_NAME: Final = re.compile(r"[A-Z][A-Z0-9_]{1,30}")
_RESERVED: Final = frozenset({*PII_TYPES, SECRET, "NATIONAL_ID", "PERSON", "ADDRESS"})
_MAX_PATTERN: Final = 500
# A pattern that could match a blank (or anything at all) may join words: the stream guard then
# judges every blank with the detectors instead of cutting after ordinary words.
_BLANK_CAPABLE: Final = re.compile(r"\\s|\\W|\\S|\.|\[\^| |\\x20|\\t|\\p|\\P")


class EntityError(ValueError):
    """A custom entity cannot be used; the message names it and says why."""


class CustomEntity(NamedTuple):
    name: str
    pattern: str
    validator: str = ""
    context: tuple[str, ...] = ()
    action: Action = "mask"


def _mod97(value: str) -> bool:
    """ISO 7064 MOD 97-10 on the value as written (letters count 10-35), remainder 1."""
    compact = "".join(ch for ch in value.upper() if ch.isalnum())
    return len(compact) > 2 and int("".join(str(int(ch, 36)) for ch in compact)) % 97 == 1


def _luhn(value: str) -> bool:
    digits = "".join(ch for ch in value if ch.isdigit())
    return len(digits) > 1 and luhn_ok(digits)


def _validator(entity: CustomEntity) -> Callable[[str], bool] | None:
    spec = entity.validator
    if not spec:
        return None
    if spec == "luhn":
        return _luhn
    if spec == "mod97":
        return _mod97
    if spec.startswith("stdnum:"):
        module_name = spec.removeprefix("stdnum:")
        try:
            module: Any = importlib.import_module(f"stdnum.{module_name}")
        except ImportError:
            raise EntityError(f"custom entity {entity.name}: unknown validator {spec!r}") from None
        if not callable(getattr(module, "is_valid", None)):
            raise EntityError(f"custom entity {entity.name}: {spec!r} has no is_valid()")
        return lambda value: bool(module.is_valid(value))
    raise EntityError(f"custom entity {entity.name}: validator must be luhn, mod97 or stdnum:<module>")


class _Compiled(NamedTuple):
    entity: CustomEntity
    regex: Any  # an re2 pattern: no type information ships with google-re2
    valid: Callable[[str], bool] | None
    context: tuple[str, ...]


class CustomEntityDetector:
    """All of a deployment's (or a workspace's) entities in one detector."""

    def __init__(self, entities: tuple[CustomEntity, ...]) -> None:
        import re2  # type: ignore[import-untyped]  # linear-time matching for patterns we did not write

        names: set[str] = set()
        compiled: list[_Compiled] = []
        for entity in entities:
            if not _NAME.fullmatch(entity.name) or entity.name in _RESERVED:
                raise EntityError(
                    f"custom entity {entity.name!r}: the name must be UPPER_SNAKE_CASE (2-31 characters) "
                    "and not a built-in type"
                )
            if entity.name in names:
                raise EntityError(f"custom entity {entity.name}: declared twice")
            names.add(entity.name)
            if entity.action not in ("mask", "block"):
                raise EntityError(f"custom entity {entity.name}: action must be mask or block")
            if not entity.pattern or len(entity.pattern) > _MAX_PATTERN:
                raise EntityError(
                    f"custom entity {entity.name}: the pattern must be 1-{_MAX_PATTERN} characters"
                )
            try:
                regex = re2.compile(entity.pattern)
            except Exception as exc:  # re2 raises its own error type; only the reason matters here
                raise EntityError(
                    f"custom entity {entity.name}: the pattern is refused ({type(exc).__name__}); "
                    "RE2 syntax, without backreferences or lookarounds, is required"
                ) from None
            if regex.search("") is not None:
                raise EntityError(f"custom entity {entity.name}: the pattern matches the empty string")
            context = tuple(word.lower() for word in entity.context if word.strip())
            compiled.append(_Compiled(entity, regex, _validator(entity), context))
        self._entities = tuple(compiled)
        self.types: frozenset[str] = frozenset(names)
        self.blocked_types: frozenset[str] = frozenset(
            c.entity.name for c in compiled if c.entity.action == "block"
        )
        self.crosses_blanks = any(_BLANK_CAPABLE.search(c.entity.pattern) for c in compiled) or any(
            c.context for c in compiled
        )
        self.starts_with_words = any(_BLANK_CAPABLE.search(c.entity.pattern) for c in compiled)
        self.cue_words: frozenset[str] = frozenset(
            w for c in compiled for phrase in c.context for w in phrase.split()
        )

    def find(self, text: str) -> list[Span]:
        spans: list[Span] = []
        lowered = ""
        for item in self._entities:
            outer_needed = bool(item.context)
            if outer_needed:
                lowered = lowered or text.lower()
                if not any(word in lowered for word in item.context):
                    continue
            for m in item.regex.finditer(text):
                start, end = m.span()
                if end <= start or not (clear_before(text, start) and clear_after(text, end)):
                    continue
                value = text[start:end]
                outer = -1
                if outer_needed:
                    outer = context_before(lowered, start, item.context)
                    if outer < 0:
                        continue
                if item.valid is not None and not item.valid(value):
                    continue
                spans.append(Span(item.entity.name, start, end, item.entity.name.lower(), value, outer))
        return spans
