POSITIVE = [
    ("call +1 (415) 555-2671 now", "PHONE", "", "+1 (415) 555-2671"),
    ("call 415-555-2671.", "PHONE", "", "415-555-2671"),
    ("(415) 555 2671", "PHONE", "", "(415) 555 2671"),
    ("office: 415.555.2671", "PHONE", "", "415.555.2671"),
    ("London +44 20 7946 0958", "PHONE", "", "+44 20 7946 0958"),
    ("Berlin +49 30 901820", "PHONE", "", "+49 30 901820"),
    ("Paris +33 1 42 68 53 00", "PHONE", "", "+33 1 42 68 53 00"),
    ("mobile +4915123456789", "PHONE", "", "+4915123456789"),
    ("Room 12 (415) 555-2671", "PHONE", "", "(415) 555-2671"),
    ("numbers 415 555 2671 650 253 0000", "PHONE", "", "415 555 2671"),
]
NEGATIVE = [
    ("released on 2024-01-15 at 10:30", "date and time"),
    ("order 12345 shipped", "too short"),
    ("timestamp 1700000000123", "not a valid number"),
    ("call 123-456-7890", "US area codes cannot start with 1"),
    ("the value 3.14159265358979", "decimal"),
]
