"""The credential rule type and the value checks the rule tables share.

A rule's regex only runs when one of its triggers occurs in the text (a C-speed substring
test), so a typical chat message costs a few dozen `in` checks. Rows with `group` report only
that group as the value (the password inside a URL, the token after `Bearer`), keeping the
rest of the text readable; the whole match stays the span's context. Every quantifier is
bounded and the long runs are possessive, so no row can backtrack on hostile input.

The tables are data: `secret_tokens` (credentials recognisable by their own shape, mostly a
provider prefix) and `secret_context` (values that are secrets because of where they sit: an
assignment, a URL's userinfo, a command-line flag, a header). Adding a kind is adding a row and
a case in tests/masking/cases/secrets.py. gitleaks' default rule set is the checklist of kinds.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable
from typing import Final, NamedTuple

Check = Callable[[re.Match[str], str], bool]  # (match, the reported value) -> is it a secret?


class SecretRule(NamedTuple):
    """`pattern` is compiled on first use (`regex`): a table of a hundred rows compiled at
    import would cost tens of milliseconds of every cold start, and most rows never run."""

    kind: str
    triggers: tuple[str, ...]
    pattern: str
    flags: int
    group: int = 0
    check: Check | None = None
    offsets: tuple[int, ...] = ()
    needs: str = ""
    blanks: bool = False  # can a finding (with its context) contain a blank?

    @property
    def regex(self) -> re.Pattern[str]:
        return _compile(self.pattern, self.flags)

    @property
    def ignore_case(self) -> bool:
        return bool(self.flags & re.IGNORECASE)


@functools.cache
def _compile(pattern: str, flags: int) -> re.Pattern[str]:
    return re.compile(pattern, flags)


def rule(
    kind: str,
    triggers: tuple[str, ...],
    pattern: str,
    *,
    group: int = 0,
    ignore_case: bool = False,
    check: Check | None = None,
    offsets: tuple[int, ...] = (),
    needs: str = "",
    blanks: bool = False,
) -> SecretRule:
    """`offsets`: every match starts exactly this many characters before an occurrence of a
    trigger (usually 0: the regex begins with the trigger), so the regex is only tried there,
    once per occurrence, instead of searched for over the whole text (for triggers common in
    prose, such as `token` or `;`, and for text made of triggers).
    `needs`: one of these characters must follow the trigger within 24 characters (the `=` or
    `:` of an assignment), which rules out almost every prose occurrence without a regex."""
    flags = re.IGNORECASE if ignore_case else 0
    return SecretRule(kind, triggers, pattern, flags, group, check, offsets, needs, blanks)


# --- value checks ---------------------------------------------------------------------------

# Words that stand for a secret in documentation and templates, never a secret themselves.
PLACEHOLDER_WORDS: Final = frozenset(
    {
        "password", "passwd", "pass", "pwd", "secret", "token", "changeme", "example", "xxxxxxxx",
        "yourpassword", "your_password", "mypassword", "placeholder", "redacted", "none", "null",
        "undefined", "string", "required", "optional", "hidden", "masked", "true", "false", "user",
        "username", "admin", "guest", "test", "default", "secret123", "password123", "changeit",
    }
)  # fmt: skip
# Markers of a documented example or a fill-in: AWS's `…EXAMPLE` keys, `your-key-here`,
# `xxxx`, `****`, `<token>`, `${VAR}`, `{{ var }}`, an ellipsis, our own placeholders.
_FILLER: Final = re.compile(
    r"(?i)x{5,}|\*{3,}|\.{3}|\u2026|<[^<>]{0,64}>|\$\{|\{\{|%\(|\[REDACTED_|example|placeholder|your[_-]|"
    r"(?<![a-z])(?:here|dummy|changeme|insert|replace[_-]?me|sample|fake)(?![a-z])"
)
_TEMPLATE_START: Final = tuple("$<{%*[(`#")
_CODE_START: Final = ("os.environ", "process.env", "env.", "getenv", "settings.", "config.", "self.", "this.")
_PATH: Final = re.compile(
    r"(?:[~.]{0,2}/|[A-Za-z]:\\)|.*\.(?:pem|key|pub|crt|cer|p12|pfx|json|ya?ml|txt|env|ini|cfg|conf|toml)$"
)


def entropy(value: str) -> float:
    """Shannon entropy in bits per character."""
    if not value:
        return 0.0
    counts: dict[str, int] = {}
    for ch in value:
        counts[ch] = counts.get(ch, 0) + 1
    n = len(value)
    return -sum(c / n * math.log2(c / n) for c in counts.values())


def is_filler(value: str) -> bool:
    """A documented example, a template or a low-entropy fill rather than a credential."""
    if _FILLER.search(value) is not None:
        return True
    return len(value) >= 12 and (len(set(value)) <= 4 or entropy(value) < 2.0)


def looks_real(value: str, min_length: int = 6) -> bool:
    """Reject template values: `${VAR}`, `<token>`, `%(pw)s`, `****`, `os.environ[...]`, words."""
    v = value.strip("\"'")
    if len(v) < min_length or v.startswith(_TEMPLATE_START) or v.lower() in PLACEHOLDER_WORDS:
        return False
    if len(set(v)) <= 2 or is_filler(v):
        return False
    return not v.lower().startswith(_CODE_START)


def has_digit_and_letter(value: str) -> bool:
    return any(c.isdigit() for c in value) and any(c.isalpha() for c in value)


def random_looking(value: str) -> bool:
    """Base62-ish key bodies have digits and mixed case; English-like slugs do not."""
    has_digit = any(c.isdigit() for c in value)
    return has_digit and any(c.isupper() for c in value) and any(c.islower() for c in value)


def is_path(value: str) -> bool:
    return _PATH.match(value) is not None


# Checks in the (match, value) shape the rules take.
def real(m: re.Match[str], value: str) -> bool:
    return looks_real(value)


def short_real(m: re.Match[str], value: str) -> bool:
    """For values whose position alone says "password" (a URL's userinfo, `-p`): 3+ characters."""
    return looks_real(value, min_length=3) and not is_path(value)


def mixed(m: re.Match[str], value: str) -> bool:
    return has_digit_and_letter(value)


def random_body(m: re.Match[str], value: str) -> bool:
    return random_looking(value)


def high_entropy(m: re.Match[str], value: str) -> bool:
    return random_looking(value) and entropy(value) >= 3.5
