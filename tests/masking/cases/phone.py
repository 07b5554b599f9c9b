POSITIVE = [
    ("call +1 (415) 555-2671 now", "PHONE", "", "+1 (415) 555-2671"),
    ("call 415-555-2671.", "PHONE", "", "415-555-2671"),
    ("(415) 555 2671", "PHONE", "", "(415) 555 2671"),
    ("office: 415.555.2671", "PHONE", "", "415.555.2671"),
    ("London +44 20 7946 0958", "PHONE", "", "+44 20 7946 0958"),
    ("Berlin +49 30 901820", "PHONE", "", "+49 30 901820"),
    # the trunk prefix in parentheses, glued to the country code or not
    ("Berlin +49(0)30 901820", "PHONE", "", "+49(0)30 901820"),
    ("Berlin +49 (0) 30 901820", "PHONE", "", "+49 (0) 30 901820"),
    ("London +44(0)20 7946 0958", "PHONE", "", "+44(0)20 7946 0958"),
    ("London +44 (0)20 7946 0958", "PHONE", "", "+44 (0)20 7946 0958"),
    ("Paris +33 1 42 68 53 00", "PHONE", "", "+33 1 42 68 53 00"),
    ("mobile +4915123456789", "PHONE", "", "+4915123456789"),
    ("Room 12 (415) 555-2671", "PHONE", "", "(415) 555-2671"),
    ("numbers 415 555 2671 650 253 0000", "PHONE", "", "415 555 2671"),
    # Parentheses are paired, not counted: an unpaired "(" after the number (here opening a card
    # number that the candidate pattern merges in) must not cost the number its own "(".
    ("(212) 555-0147 (4111 1111 1111 1111", "PHONE", "", "(212) 555-0147"),
    ("(212) 555-0147 (see below", "PHONE", "", "(212) 555-0147"),
    ("the (212) 555-0147 (4111 1111 1111 1111", "PHONE", "", "(212) 555-0147"),
    ("x (212) 555-0147) and", "PHONE", "", "(212) 555-0147"),
    ("(+1 415 555 2671) (212) 555-0147", "PHONE", "", "(212) 555-0147"),
    ("(+1 415 555 2671) ok", "PHONE", "", "+1 415 555 2671"),
    ("see ((212) 555-0147)", "PHONE", "", "(212) 555-0147"),
    # A "(" glued to a word: the span still starts at the "(" (same spelling as after a blank).
    ("tel:x(212) 555-0147", "PHONE", "", "(212) 555-0147"),
    ("call(212) 555-0147", "PHONE", "", "(212) 555-0147"),
    # an extension glued on ends the number without hiding it
    ("call 415.555.2671x123", "PHONE", "", "415.555.2671"),
    ("call 415-555-2671ext.12 now", "PHONE", "", "415-555-2671"),
    # a phone number next to a longer digit run or a card number
    ("call 415-555-2671 4111111111111111", "PHONE", "", "415-555-2671"),
    ("+1 415 555 2671 4111 1111 1111 1111", "PHONE", "", "+1 415 555 2671"),
]
NEGATIVE = [
    ("released on 2024-01-15 at 10:30", "date and time"),
    ("order 12345 shipped", "too short"),
    ("timestamp 1700000000123", "not a valid number"),
    ("call 123-456-7890", "US area codes cannot start with 1"),
    ("the value 3.14159265358979", "decimal"),
    ("pi and e: 3.14159 2.71828", "two decimals"),
    ("lat 37.7749, lon -122.4194", "coordinates"),
]
