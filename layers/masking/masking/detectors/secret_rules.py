"""The credential rule table: one row per kind, each with cheap trigger strings.

A rule's regex only runs when one of its triggers occurs in the text (a C-speed substring test),
so a typical chat message costs a few dozen `in` checks. Rows with `group` report only that
group as the value (the password inside a URL, the token after `Bearer`), keeping the rest of
the text readable; the whole match stays the span's context. Every quantifier is bounded and
the long runs are possessive, so no row can backtrack on hostile input.
Rows are data: adding a provider is adding a row and a case in tests/masking/cases/secrets.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Final, NamedTuple

_PLACEHOLDER_WORDS: Final = frozenset(
    {
        "password", "passwd", "pass", "pwd", "secret", "token", "changeme", "example", "xxxxxxxx",
        "yourpassword", "your_password", "mypassword", "placeholder", "redacted", "none", "null",
        "undefined", "string", "required", "optional", "hidden", "masked",
    }
)  # fmt: skip


def _looks_real(value: str) -> bool:
    """Reject template values: `${VAR}`, `<token>`, `%(pw)s`, `****`, `os.environ[...]`, words."""
    v = value.strip("\"'")
    if len(v) < 6 or v[0] in "$<{%*[(`#" or v.lower() in _PLACEHOLDER_WORDS:
        return False
    if len(set(v)) <= 2:
        return False
    lowered = v.lower()
    return not lowered.startswith(("your", "os.environ", "process.env", "env.", "getenv", "settings."))


def _has_digit_and_letter(value: str) -> bool:
    return any(c.isdigit() for c in value) and any(c.isalpha() for c in value)


def _random_looking(value: str) -> bool:
    """Base62-ish key bodies have digits and mixed case; English-like slugs do not."""
    has_digit = any(c.isdigit() for c in value)
    return has_digit and any(c.isupper() for c in value) and any(c.islower() for c in value)


def _assigned_value_ok(value: str) -> bool:
    """Quoted: any non-template value with a digit, symbol or capital. Unquoted: letters and digits."""
    if not _looks_real(value):
        return False
    if value[0] in "\"'":
        inner = value[1:-1]
        return inner != inner.lower() or not inner.isalpha()
    return _has_digit_and_letter(value)


class SecretRule(NamedTuple):
    kind: str
    triggers: tuple[str, ...]
    regex: re.Pattern[str]
    group: int = 0
    check: Callable[[str], bool] | None = None
    back: int = -1
    needs: str = ""

    @property
    def ignore_case(self) -> bool:
        return bool(self.regex.flags & re.IGNORECASE)


def rule(
    kind: str,
    triggers: tuple[str, ...],
    pattern: str,
    *,
    group: int = 0,
    ignore_case: bool = False,
    check: Callable[[str], bool] | None = None,
    back: int = -1,
    needs: str = "",
) -> SecretRule:
    """`back` >= 0: every match starts at most `back` characters before an occurrence of a
    trigger, so the regex is only tried there (for triggers common in prose: `key`, `;`).
    `needs`: one of these characters must follow the trigger within 24 characters (the `=` or
    `:` of an assignment), which rules out almost every prose occurrence without a regex."""
    flags = re.IGNORECASE if ignore_case else 0
    return SecretRule(kind, triggers, re.compile(pattern, flags), group, check, back, needs)


_B64URL = "A-Za-z0-9_-"
_END = rf"(?![{_B64URL}])"

RULES: Final[tuple[SecretRule, ...]] = (
    rule(
        "aws_access_key_id",
        ("AKIA", "ASIA", "ABIA", "ACCA", "AGPA", "AIDA", "AROA", "AIPA", "ANPA", "ANVA", "APKA"),
        r"(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|APKA)[A-Z0-9]{16}(?![A-Za-z0-9])",
    ),
    rule(
        "aws_secret_access_key",
        ("secret",),
        r"aws_?secret(?:_?access)?_?key[\"']?\s{0,3}(?::=|=>|=|:)\s{0,3}[\"']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])",
        group=1,
        ignore_case=True,
        needs=":=",
        back=4,
    ),
    rule("google_api_key", ("AIza",), rf"AIza[{_B64URL}]{{35}}{_END}"),
    rule(
        "anthropic_api_key",
        ("sk-ant-",),
        rf"(?<![\w-])sk-ant-[{_B64URL}]{{32,300}}+{_END}",
        check=_has_digit_and_letter,
    ),
    rule(
        "openai_api_key",
        ("sk-",),
        rf"(?<![\w-])sk-(?!ant-)(?:proj-|svcacct-|admin-|None-)?[{_B64URL}]{{20,300}}+{_END}",
        check=_random_looking,
    ),
    rule("xai_api_key", ("xai-",), r"(?<![\w-])xai-[A-Za-z0-9]{32,120}+(?![\w-])", check=_random_looking),
    rule(
        "github_token",
        ("ghp_", "gho_", "ghu_", "ghs_", "ghr_"),
        r"(?<!\w)gh[pousr]_[A-Za-z0-9]{36,251}+(?!\w)",
    ),
    rule("github_fine_grained_pat", ("github_pat_",), r"(?<!\w)github_pat_\w{22,255}+(?!\w)"),
    rule("gitlab_token", ("glpat-",), rf"(?<![\w-])glpat-[{_B64URL}]{{20,100}}+{_END}"),
    rule(
        "slack_token",
        ("xox",),
        r"(?<![\w-])xox[abposre]-[A-Za-z0-9-]{10,250}+(?![\w-])",
        check=_has_digit_and_letter,
    ),
    rule(
        "slack_webhook",
        ("hooks.slack.com",),
        r"https://hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9_/-]{20,200}+",
    ),
    rule(
        "stripe_key",
        ("sk_live_", "sk_test_", "rk_live_", "rk_test_"),
        r"(?<!\w)[sr]k_(?:live|test)_[A-Za-z0-9]{16,247}+(?!\w)",
    ),
    rule("sendgrid_api_key", ("SG.",), rf"(?<![\w.])SG\.[{_B64URL}]{{22}}\.[{_B64URL}]{{43}}{_END}"),
    rule("npm_token", ("npm_",), r"(?<!\w)npm_[A-Za-z0-9]{36}(?!\w)"),
    rule("pypi_token", ("pypi-AgE",), rf"(?<![\w-])pypi-AgE[{_B64URL}]{{50,300}}+{_END}"),
    rule("huggingface_token", ("hf_",), r"(?<!\w)hf_[A-Za-z0-9]{30,40}+(?!\w)", check=_random_looking),
    rule("azure_storage_key", ("AccountKey=",), r"AccountKey=([A-Za-z0-9+/]{40,100}+={0,2})", group=1),
    rule(
        "database_url_password",
        ("://",),
        r"\b(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|amqps?|mssql|sqlserver|oracle)"
        r"://[^\s:/@'\"]{0,128}+:([^\s@'\"/]{1,256}+)@",
        group=1,
        ignore_case=True,
        check=_looks_real,
        back=12,
    ),
    rule(
        "jdbc_password",
        ("jdbc:",),
        r"jdbc:[a-z0-9]{1,20}+:[^\s'\"]{0,256}?[;?&]password=([^;&\s'\"]{1,256}+)",
        group=1,
        ignore_case=True,
        check=_looks_real,
        back=0,
    ),
    rule(
        "connection_string_password",
        (";",),
        r";\s{0,2}(?:password|pwd)\s{0,2}=\s{0,2}([^;'\"\s]{1,256}+)",
        group=1,
        ignore_case=True,
        check=_looks_real,
        back=0,
    ),
    rule(
        "jwt",
        ("eyJ",),
        rf"(?<![\w-])eyJ[{_B64URL}]{{8,2048}}+\.eyJ[{_B64URL}]{{2,4096}}+\.[{_B64URL}]{{8,1024}}+{_END}",
    ),
    rule(
        "bearer_token",
        ("bearer",),
        r"\bbearer\s{1,3}([A-Za-z0-9._~+/-]{16,1024}+=*)(?![\w.~+/=-])",
        group=1,
        ignore_case=True,
        check=_has_digit_and_letter,
        back=0,
    ),
    rule(
        "basic_auth",
        ("basic",),
        r"authorization[\"']?\s{0,3}[:=]\s{0,3}[\"']?basic\s{1,3}([A-Za-z0-9+/]{8,1024}+={0,2})",
        group=1,
        ignore_case=True,
        back=24,
    ),
    rule(
        "assigned_secret",
        ("pass", "pwd", "secret", "token", "key"),
        r"(?:password|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|"
        r"secret[_-]?key|auth[_-]?key)[\"']?\s{0,3}(?::=|=>|=|:)\s{0,3}"
        r"(\"[^\"\s]{6,256}+\"|'[^'\s]{6,256}+'|[^\s\"'`,;()\[\]{}<>]{8,256}+(?![^\s\"'`,;)\]}]))",
        group=1,
        ignore_case=True,
        check=_assigned_value_ok,
        needs=":=",
        back=12,
    ),
    rule("gateway_api_key", ("sgw-",), r"(?<![\w-])sgw-[0-9a-f]{12}-[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])"),
)
