POSITIVE = [
    ("write to bob@example.com today", "EMAIL", "", "bob@example.com"),
    ("Bob.Smith+tag@Mail.Example.co.uk.", "EMAIL", "", "Bob.Smith+tag@Mail.Example.co.uk"),
    ("<alice_99@sub-domain.example.org>", "EMAIL", "", "alice_99@sub-domain.example.org"),
    ('{"email":"x.y@example.io"}', "EMAIL", "", "x.y@example.io"),
    ("mailto:carol%40example.com", "EMAIL", "", "carol%40example.com"),
    # spelled out with bracketed `at` and `dot`
    ("bob(at)example.com", "EMAIL", "", "bob(at)example.com"),
    ("write bob [at] example [dot] com.", "EMAIL", "", "bob [at] example [dot] com"),
    ("jane.roe{at}mail{dot}example{dot}org", "EMAIL", "", "jane.roe{at}mail{dot}example{dot}org"),
    ("x <AT> example <DOT> io", "EMAIL", "", "x <AT> example <DOT> io"),
    # any script in the local part
    ("écrire à josé@example.fr", "EMAIL", "", "josé@example.fr"),
]
NEGATIVE = [
    ("ping me @bob on slack", "handle, not an address"),
    ("a@b", "no domain dot"),
    ("user@localhost", "no TLD"),
    ("x@-bad-.com", "label starts with a dash"),
    ("version@1.2.3", "numeric TLD"),
    ("look at this dot com bubble", "bare at/dot words are prose"),
    ("meet [at] noon", "no domain"),
]
