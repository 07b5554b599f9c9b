"""Values that are credentials because of where they sit: an assignment to a name such as
`DB_PASSWORD`, the userinfo of a URL, a command-line flag, an `Authorization` header, a
connection string, or a sentence that says so ("the secret access key is …").

These rows report only the value (group 1), so the placeholder replaces the secret and leaves
the name, the URL or the command readable. Their checks reject what only looks like a value:
templates (`${DB_PASSWORD}`, `<token>`), words, file paths (`PWD=/home/ec2-user`), pagination
cursors (`nextPageToken`), public keys and prose ("secret: SantaClaus2024 party").
"""

from __future__ import annotations

import re
from typing import Final

from masking.detectors.secret_rules import (
    SecretRule,
    entropy,
    has_digit_and_letter,
    high_entropy,
    is_path,
    looks_real,
    real,
    rule,
    short_real,
)

# Names that end in a secret word but hold something else.
_NOT_SECRET_NAME: Final = re.compile(
    r"(?i)(?:page|next|continuation|cursor|sync|resume|prev|previous|last|start|public|pub|max|min|"
    r"num|count|total|limit|csrf|xsrf|expected|sample|example|dummy|fake|test[_-]?data)[\w.-]{0,8}$"
)
_IDENTIFIER_CHARS: Final = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-")
_PROSE_AFTER: Final = re.compile(r"[ \t]+[a-z]")
_SYMBOL: Final = re.compile(r"[!@#$%^&*+=?~]")


def _identifier_before(m: re.Match[str]) -> str:
    """The rest of the name whose last word the match starts with (`NEXT_PAGE_` of
    `NEXT_PAGE_TOKEN`), at most 48 characters."""
    text, end = m.string, m.start()
    start = end
    while start > max(0, end - 48) and text[start - 1] in _IDENTIFIER_CHARS:
        start -= 1
    return text[start:end]


def _unquote(value: str) -> tuple[str, bool]:
    for quote in ('\\"', '"', "'"):
        if len(value) >= 2 * len(quote) and value.startswith(quote) and value.endswith(quote):
            return value[len(quote) : -len(quote)], True
    return value, False


def _assigned(m: re.Match[str], value: str) -> bool:
    """Quoted: any non-template value with a digit, symbol or capital. Unquoted: 8+ characters
    with letters and digits; after a password's own name (`password`, `pwd`, `DB_PASS`), 6+
    characters with a digit or a symbol (`password: hunter2`, `PIN`-like `pwd=123456`), since
    people's passwords are short. Never a path, a cursor name, or a word in a sentence."""
    prefix = _identifier_before(m)
    if prefix and _NOT_SECRET_NAME.search(prefix) is not None:
        return False
    inner, quoted = _unquote(m.group(2))  # `value` comes unquoted; the match still has them
    if not looks_real(inner) or is_path(inner):
        return False
    if quoted:
        return inner != inner.lower() or not inner.isalpha()
    keyword = m.group(1).lower()
    if keyword in _PASSWORD_NAMES:
        return any(c.isdigit() for c in inner) or _SYMBOL.search(inner) is not None
    if len(inner) < 8 or not has_digit_and_letter(inner):
        return False
    standalone = not prefix and keyword in ("secret", "token", "key")
    # "secret: SantaClaus2024 party": a bare word, a colon and more words is a sentence.
    return not (standalone and _PROSE_AFTER.match(m.string, m.end()) is not None)


def _uid_gid(m: re.Match[str], value: str) -> bool:
    """`-u alice:s3cret` is a password; `-u 1000:1000` is a user and group id."""
    user = m.group(2)
    return short_real(m, value) and not (user.isdigit() and value.isdigit())


def _stated(m: re.Match[str], value: str) -> bool:
    """A value a sentence gives for a password or key: mixed characters, not a word."""
    if not looks_real(value) or is_path(value):
        return False
    if not (has_digit_and_letter(value) or _SYMBOL.search(value)):
        return False
    keyword = m.group(1).lower()
    if keyword in ("secret", "token") and m.group(2) in (":", "="):
        return _PROSE_AFTER.match(m.string, m.end()) is None
    return entropy(value) >= 2.5


# The names an assignment's value is a secret for, longest first so `secret_key` wins over
# `secret`; each is also a trigger, so the regex is tried once where the name occurs. `pass`
# and `pw` count only as a whole last word (`DB_PASS`, `SMTP_PW`, not `bypass`).
_NAMES: Final = tuple(
    sorted(
        {
            "password", "passwd", "passphrase", "passcode", "pwd", "secret", "token", "credential",
            "credentials",
            *(f"{w}{sep}key" for w in ("api", "access", "private", "secret", "auth") for sep in "_- "),
            "apikey", "accesskey", "privatekey", "secretkey", "authkey",
        },
        key=len,
        reverse=True,
    )
)  # fmt: skip
# The names of a person's password (short values count after these; `pass` and `pw` as a last word).
_PASSWORD_NAMES: Final = frozenset({"password", "passwd", "passphrase", "passcode", "pwd", "pass", "pw"})
# "the api key is …": the names a sentence gives a secret for.
_STATED: Final = tuple(
    sorted(
        {
            "password", "passwd", "passphrase", "passcode", "token", "secret",
            *(f"{a}{sep}{b}" for a, b in (("api", "key"), ("access", "key"), ("access", "token"),
              ("auth", "token"), ("secret", "key")) for sep in (" ", "_", "-", "")),
        },
        key=len,
        reverse=True,
    )
)  # fmt: skip
_XML_NAMES: Final = (
    "password",
    "passwd",
    "secret",
    "token",
    "apikey",
    "api_key",
    "api-key",
    "access_key",
    "accesskey",
)


def _alternatives(names: tuple[str, ...]) -> str:
    return "|".join(re.escape(n) for n in names)


# A value: JSON-escaped quotes (in a log line), double or single quotes, or bare up to a
# delimiter, an HTML tag's `<` or `>` included (`<code>password: …</code>`); a bare value cut
# short by the 256 limit is no value.
_VALUE = (
    r"(\\\"[^\"\\\s]{1,256}+\\\"|\"[^\"\s]{1,256}+\"|'[^'\s]{1,256}+'"
    r"|[^\s\"'`,;()\[\]{}<>\\]{1,256}+(?![^\s\"'`,;)\]}<>\\]))"
)

_RULES: Final[tuple[SecretRule, ...]] = (
    rule(
        "aws_secret_access_key",
        ("secret",),
        r"secret[ _-]?(?:access[ _-]?)?key[\"'\\]{0,3}[\s:=>]{0,6}(?:(?:is|was|equals|of)[\s:=>\"'`]{1,6})?"
        r"[\"'`]?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])",
        group=1,
        ignore_case=True,
        check=high_entropy,
        offsets=(0,),
    ),
    rule("azure_storage_key", ("AccountKey=",), r"AccountKey=([A-Za-z0-9+/]{40,100}+={0,2})", group=1),
    rule(
        "azure_sas_signature", ("sig=",), r"[?&;]sig=([A-Za-z0-9%+/]{40,128}+={0,2})", group=1, offsets=(1,)
    ),
    rule(
        "url_password",
        ("://",),
        # Any scheme (`https`, `ftp`, `amqps`, `postgresql+psycopg2`): the userinfo's password.
        r"(?<=[A-Za-z0-9+.-])://[^\s:/@'\"<>]{0,128}+:([^\s@'\"/<>]{1,256}+)@[\w\[]",
        group=1,
        check=short_real,
        offsets=(0,),
    ),
    rule(
        "jdbc_password",
        ("jdbc:",),
        r"jdbc:[a-z0-9]{1,20}+:[^\s'\"]{0,256}?[;?&]password=([^;&\s'\"]{1,256}+)",
        group=1,
        ignore_case=True,
        check=real,
        offsets=(0,),
    ),
    rule(
        "connection_string_password",
        (";",),
        r";\s{0,2}(?:password|pwd)\s{0,2}=\s{0,2}([^;'\"\s]{1,256}+)",
        group=1,
        ignore_case=True,
        check=short_real,
        offsets=(0,),
    ),
    rule(
        "bearer_token",
        ("bearer",),
        r"\bbearer\s{1,3}([A-Za-z0-9._~+/-]{16,8192}+=*)(?![\w.~+/=-])",
        group=1,
        ignore_case=True,
        check=lambda m, v: has_digit_and_letter(v),
        offsets=(0,),
    ),
    rule(
        "basic_auth",
        ("authorization",),
        r"authorization[\"']?\s{0,3}[:=]\s{0,3}[\"']?basic\s{1,3}([A-Za-z0-9+/]{8,8192}+={0,2})",
        group=1,
        ignore_case=True,
        offsets=(0,),
    ),
    rule(
        "authorization_token",
        ("authorization",),
        r"authorization[\"']?\s{0,3}[:=]\s{0,3}[\"']?(?:token|apikey|api-key|key|sso-key)\s{1,3}"
        r"([A-Za-z0-9._~+/=:-]{16,8192}+)",
        group=1,
        ignore_case=True,
        check=lambda m, v: has_digit_and_letter(v),
        offsets=(0,),
    ),
    rule(
        "cli_password",
        ("--", "-pass", "-pw", "-secret", "-token", "-api", "-access", "-auth", "-client"),
        r"(?<!\S)--?(?:[\w-]{0,32}?[-_])?(?:password|passwd|pass|pwd|secret|token|api-?key|access-?key|"
        r"secret-?key|auth-?token|client-?secret)(?:=|[ \t]{1,3})(\"[^\"\s]{1,256}+\"|'[^'\s]{1,256}+'|"
        r"[^\s\"'-][^\s\"']{0,255}+)",
        group=1,
        ignore_case=True,
        check=lambda m, v: short_real(m, _unquote(v)[0]),
        offsets=(0,),
    ),
    rule(
        "cli_user_password",
        ("-u", "--user"),
        r"(?<!\S)(?:-u|--user)(?:=|[ \t]{1,3})(['\"]?)([^\s:'\"]{1,128}+):([^\s'\"]{1,256}+)\1",
        group=3,
        check=_uid_gid,
        offsets=(0,),
    ),
    rule(
        "mysql_password",
        ("mysql", "mariadb"),
        r"\b(?:mysql(?:dump|admin|sh|import)?|mariadb)\b[^\n]{0,36}?[ \t]-p"
        r"(['\"]?)([^\s'\"-][^\s'\"]{2,255}+)\1",
        group=2,
        check=short_real,
        offsets=(0,),
    ),
    rule(
        "tool_password_flag",
        ("docker", "podman", "nerdctl", "buildah", "finch", "redis-cli", "sqlcmd", "mongo"),
        # The one-letter password flags of tools that take one: `docker login -p`, `redis-cli -a`,
        # `sqlcmd -P`, `mongosh -p`. Elsewhere `-p` is a port, a path or "parents".
        r"\b(?:(?:docker|podman|nerdctl|buildah|finch)[ \t]{1,3}login\b[^\n]{0,80}?[ \t]-p"
        r"|redis-cli\b[^\n]{0,80}?[ \t]-a|sqlcmd\b[^\n]{0,80}?[ \t]-P|mongo(?:sh)?\b[^\n]{0,80}?[ \t]-p)"
        r"(?:[ \t]{1,3}|=)?(['\"]?)([^\s'\"-][^\s'\"]{2,255}+)\1",
        group=2,
        check=short_real,
        offsets=(0,),
    ),
    rule(
        "sshpass_password",
        ("sshpass",),
        r"\bsshpass[ \t]{1,3}-p[ \t]{0,3}(['\"]?)([^\s'\"]{3,256}+)\1",
        group=2,
        check=short_real,
        offsets=(0,),
    ),
    rule(
        "netrc_password",
        ("login",),
        r"\blogin[ \t]+\S{1,24}+[ \t]+password[ \t]+(\S{3,256}+)",
        group=1,
        check=short_real,
        offsets=(0,),
    ),
    rule(
        "xml_secret",
        tuple(f"{name}>" for name in _XML_NAMES),
        rf"(?:{_alternatives(_XML_NAMES)})>([^<\s]{{3,256}}+)</",
        group=1,
        ignore_case=True,
        check=short_real,
        offsets=(0,),
    ),
    rule(
        "config_secret",
        ("key=",),
        # .NET and NuGet configuration: <add key="ClearTextPassword" value="…" />
        r"key=[\"']([\w.:-]{0,40}?(?:password|passwd|pwd|secret|token|apikey|api_key|accesskey))[\"']"
        r"\s{1,3}value=[\"']([^\"'\s]{3,256}+)[\"']",
        group=2,
        ignore_case=True,
        check=short_real,
        offsets=(0,),
    ),
    rule(
        "assigned_secret",
        (*_NAMES, "pass", "pw"),
        rf"((?<![a-z])(?:pass|pw)(?![a-z])|{_alternatives(_NAMES)})"
        + r"(?:\\?[\"'])?\s{0,3}(?::=|=>|=|:)\s{0,3}"
        + _VALUE,
        group=2,
        ignore_case=True,
        check=_assigned,
        needs=":=",
        offsets=(0,),
    ),
    rule(
        "stated_secret",
        _STATED,
        rf"\b({_alternatives(_STATED)})[ \t]{{1,3}}(is|was|:|=)(?: now)?:?[ \t]{{1,3}}"
        r"[\"'`]?([^\s\"'`]{6,256}?)[\"'`]?(?=[\s.,;!?)]|$)",
        group=3,
        ignore_case=True,
        check=_stated,
        offsets=(0,),
    ),
)

# A name and its value, a header and its token: these findings may hold blanks.
CONTEXT_RULES: Final = tuple(r._replace(blanks=True) for r in _RULES)
