POSITIVE = [
    ("SSN 219-09-9998", "SSN", "", "219-09-9998"),
    ("ssn: 536 22 1234", "SSN", "", "536 22 1234"),
    ("ssn 536221234.", "SSN", "", "536221234"),
    ("(772-12-3456)", "SSN", "", "772-12-3456"),
    # Separated forms: every area but 000 and 666 (ITINs and the test range 900-999 included).
    ("ITIN 912-12-3456", "SSN", "", "912-12-3456"),
    ("ssn 987 65 4320", "SSN", "", "987 65 4320"),
    ("specimen 078-05-1120", "SSN", "", "078-05-1120"),
    ("test 123-45-6789", "SSN", "", "123-45-6789"),
    ("mixed 536-22 1234", "SSN", "", "536-22 1234"),
    ("dotted 536.22.1234", "SSN", "", "536.22.1234"),
    # Unseparated after a label: specimens and 9xx areas too, since the label says what it is.
    ("SSN 123456789", "SSN", "", "123456789"),
    ("My SSN is 123456789.", "SSN", "", "123456789"),
    ("social security number: 078051120", "SSN", "", "078051120"),
    ("ssn=912345678", "SSN", "", "912345678"),
]
NEGATIVE = [
    ("000-12-3456", "area 000"),
    ("666-12-3456", "area 666"),
    ("536-00-1234", "group 00"),
    ("536-22-0000", "serial 0000"),
    ("912123456", "unseparated: area 9xx is not an issued SSN"),
    ("078051120", "unseparated: famous specimen"),
    ("123456789", "unseparated: a counting sequence"),
    ("536-221234", "one separator only"),
    ("1536221234", "ten digits"),
    ("SSNs 123456789", "a longer word is no label"),
    ("ssn 000123456", "a label does not make area 000 issued"),
]
