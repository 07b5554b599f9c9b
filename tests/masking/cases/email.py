POSITIVE = [
    ("write to bob@example.com today", "EMAIL", "", "bob@example.com"),
    ("Bob.Smith+tag@Mail.Example.co.uk.", "EMAIL", "", "Bob.Smith+tag@Mail.Example.co.uk"),
    ("<alice_99@sub-domain.example.org>", "EMAIL", "", "alice_99@sub-domain.example.org"),
    ('{"email":"x.y@example.io"}', "EMAIL", "", "x.y@example.io"),
    ("mailto:carol%40example.com", "EMAIL", "", "carol%40example.com"),
]
NEGATIVE = [
    ("ping me @bob on slack", "handle, not an address"),
    ("a@b", "no domain dot"),
    ("user@localhost", "no TLD"),
    ("x@-bad-.com", "label starts with a dash"),
    ("version@1.2.3", "numeric TLD"),
]
