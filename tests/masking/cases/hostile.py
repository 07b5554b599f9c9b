"""Hostile texts: runs built to trip every detector's trigger, 100 KB each. Shared by
tests/masking/test_hostile_inputs.py (a wide-margin guard) and bench/masking.py (the figures)."""

SIZE = 100_000
# Escapes in nearly every token: each level of decoding reads the whole text again.
# bench/masking.py also prints the worst of these on its own.
ESCAPE_DENSE = {
    # JSON inside JSON (tool-call arguments), escaped one to three levels deep
    "json_in_json": r"{\\\"password\\\": \\\"x\\\"}, " * (SIZE // 31),
    "json_in_json_secrets": r"{\\\"password\\\": \\\"hunter2\\\"}, " * (SIZE // 37),
    "json_thrice": '{%s"password%s": %s"x%s"}, '.replace("%s", "\\" * 7) * (SIZE // 47),
    "mixed_levels": r"{\\\"email\\\": \\\"jane\\u0040x.io\\\", \"n\": \"a%40b.c\"} &#64; " * (SIZE // 67),
    # escaped at signs, alone and in addresses
    "u0040_dense": "\\u0040" * (SIZE // 6),
    "u0040_emails": "jane\\u0040example.com " * (SIZE // 22),
    "pct40_dense": "%40" * (SIZE // 3),
    "pct40_emails": "bob%40example.com " * (SIZE // 18),
    "amp64_dense": "&#64;" * (SIZE // 5),
    "amp64_emails": "bob&#64;example.com " * (SIZE // 20),
}
HOSTILE = {
    "iban_runs": "DE89 " * (SIZE // 5),
    "iban_lower": "de89 3704 " * (SIZE // 10),
    "api_key_quote": "api_key = '" * (SIZE // 11),
    "bearer": "bearer " * (SIZE // 7),
    "percent": "%41" * (SIZE // 3),
    "email_fragments": "a@a." * (SIZE // 4),
    "email_dots": "a" * 100 + "@" + "a." * (SIZE // 2),
    "openai_prefix": "sk-" * (SIZE // 3),
    "digits_dashes": "1234-5678-" * (SIZE // 10),
    "digits_spaces": "12 34 56 78 90 " * (SIZE // 15),
    "digits_commas": "4111,1111," * (SIZE // 10),
    "long_digits": "7" * SIZE,
    "pem_no_end": "-----BEGIN RSA PRIVATE KEY-----\n" * (SIZE // 32),
    "begin_no_end": "-----BEGIN" * (SIZE // 10),
    "base64": "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0MjE3" * (SIZE // 40),
    "placeholders": "[REDACTED_EMAIL_" * (SIZE // 16),
    "assignments": "password=" * (SIZE // 9),
    "secret_words": "secret token key password " * (SIZE // 26),
    "url_userinfo": "x://a:b@" * (SIZE // 8),
    "ipv6_colons": "1:" * (SIZE // 2),
    "nbsp_digits": "41\u00a011 " * (SIZE // 6),
    "zero_width": "4\u200b1" * (SIZE // 3),
    "fullwidth": "\uff14\uff11\uff20" * (SIZE // 3),
    "tags": "<a href=" * (SIZE // 8),
    "whitespace": " " * SIZE,
    "entities": "&#65;" * (SIZE // 5),
    "backslash_escapes": "\\u0041\\x41" * (SIZE // 10),
    # escapes inside escapes (read three levels deep)
    "nested_escapes": "%25" + "25" * (SIZE // 2 - 2),
    "double_escapes": "\\\\u0041\\\\\\\\u0040" * (SIZE // 16),
    # a JSON document pasted as text (its `\"` asks for no decoding)
    "json_as_text": r"{\"password\": \"x\"}, " * (SIZE // 23),
    **ESCAPE_DENSE,
    # the phone separators that must use one separator throughout a window
    "slashed_digits": "12/25/2024 " * (SIZE // 11),
    "spaced_dashes": "2015 - 2019 - " * (SIZE // 14),
    # spaced dots and dashes mixed with plain spaces (a window may hold both)
    "spaced_dots": "415 . 555 . " * (SIZE // 12),
    "mixed_spaced": "(415) 555 - 26 " * (SIZE // 15),
    "half_spaced": "415 -555- " * (SIZE // 10),
    "spelled_at": "a at b dot " * (SIZE // 11),
    "spaced_at": "a.b @ c . " * (SIZE // 10),
    "dotted_digits": "4111.1111." * (SIZE // 10),
}
