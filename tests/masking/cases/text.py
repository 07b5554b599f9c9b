"""Ordinary prose and code that must stay untouched by every detector."""

POSITIVE: list[tuple[str, str, str, str]] = []
NEGATIVE = [
    ("Version 1.2.3 fixed issue #4521 on 2024-03-01 at 14:05.", "release note"),
    ("for i in range(10): total += i * 3.5", "code"),
    ("Temperatures ranged from -5 to 12 degrees; 37% humidity.", "numbers in prose"),
    ("Call me maybe, said nobody in 1999.", "year"),
    ("See RFC 7231 section 6.5.1 and ISO 8601.", "standards"),
    ("pip install requests==2.31.0 numpy>=1.26", "pins"),
    ("The quick brown fox jumps over the lazy dog.", "pangram"),
    ("https://example.com/docs/v2/getting-started?page=3#install", "plain URL"),
]
