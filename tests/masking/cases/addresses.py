"""Postal addresses: (text, the exact address that must be found, the finding's kind), and hard
negatives. Kinds: us, uk, ca (read back from a validated postal code) and street (a street line
alone, with a suffix that nearly always ends a street name)."""

from __future__ import annotations

US = [
    ("Ship it to 1600 Pennsylvania Avenue NW, Washington, DC 20500 please.",
     "1600 Pennsylvania Avenue NW, Washington, DC 20500"),
    ("1777 Kramer Court\nJohnsonfurt, NE 80119", "1777 Kramer Court\nJohnsonfurt, NE 80119"),
    ("Send to 37406 Jacob Stream Suite 158\nRomeroborough, ME 37746-1234 today",
     "37406 Jacob Stream Suite 158\nRomeroborough, ME 37746-1234"),
    ("890 Bowers View Apt. 883, Herringfort, VI 48307", "890 Bowers View Apt. 883, Herringfort, VI 48307"),
    ("Office: 350 5th Ave, Suite 3400, New York, NY 10118", "350 5th Ave, Suite 3400, New York, NY 10118"),
    ("Mail: 12 W Main St #4, Springfield, Illinois 62704", "12 W Main St #4, Springfield, Illinois 62704"),
    ("Apt 2B\n221 Baker Rd\nAustin, TX 78701", "Apt 2B\n221 Baker Rd\nAustin, TX 78701"),
    ("PO Box 123\nJuneau, AK 99801", "PO Box 123\nJuneau, AK 99801"),
    ("Unit 8994 Box 0669, DPO AE 53549", "Unit 8994 Box 0669, DPO AE 53549"),
    ("USS Watkins\nFPO AP 62819", "USS Watkins\nFPO AP 62819"),
    ("We meet in Springfield, IL 62704 on Monday.", "Springfield, IL 62704"),
]  # fmt: skip
UK = [
    ("10 Downing Street, London SW1A 2AA", "10 Downing Street, London SW1A 2AA"),
    ("Flat 3, 12 High St, Camden, London, NW1 8NP", "Flat 3, 12 High St, Camden, London, NW1 8NP"),
    ("17 Jones Light\nNorth Holly\nS6 7LJ", "17 Jones Light\nNorth Holly\nS6 7LJ"),
    ("Studio 25J\nHopkins Shore\nPort Benhaven\nIG70 0NZ", "Studio 25J\nHopkins Shore\nPort Benhaven\nIG70 0NZ"),
    ("4 Rose Mews, Bath BA1 2QH", "4 Rose Mews, Bath BA1 2QH"),
    ("2 Park Crescent\nLeeds\nLS6 3QR", "2 Park Crescent\nLeeds\nLS6 3QR"),
    ("7 Willow Close, Oxford, Oxfordshire, OX2 6JX", "7 Willow Close, Oxford, Oxfordshire, OX2 6JX"),
    ("Manchester M1 1AE is the office.", "Manchester M1 1AE"),
    ("Glasgow, G4 7YW", "Glasgow, G4 7YW"),
    ("Girobank, GIR 0AA", "Girobank, GIR 0AA"),
    ("Our office moved to Studio 73b, Hayley View, East Timothy, G4 7YW last month.",
     "Studio 73b, Hayley View, East Timothy, G4 7YW"),
]  # fmt: skip
CA = [
    ("24 Sussex Drive, Ottawa, ON K1M 1M4", "24 Sussex Drive, Ottawa, ON K1M 1M4"),
    ("0837 Tran Key\nLake Jeffery, NU A2S3Y5", "0837 Tran Key\nLake Jeffery, NU A2S3Y5"),
    ("1000 Rue Sherbrooke, Montréal, QC H3A-3G4", "1000 Rue Sherbrooke, Montréal, QC H3A-3G4"),
    ("Vancouver, British Columbia V6B 1A1", "Vancouver, British Columbia V6B 1A1"),
    ("100 Queen St W, Suite 200\nToronto, Ontario M5H 2N2", "100 Queen St W, Suite 200\nToronto, Ontario M5H 2N2"),
    ("Mail to Halifax, NS B3H 1A1 by Friday.", "Halifax, NS B3H 1A1"),
    ("070 Warner Ridges Suite 228\nNorth Kaylee, ON R6X 8P5", "070 Warner Ridges Suite 228\nNorth Kaylee, ON R6X 8P5"),
    ("Regina SK S4P 3Y2", "Regina SK S4P 3Y2"),
    ("ON K1A 0B1", "ON K1A 0B1"),
    ("Calgary T2P 2M5", "Calgary T2P 2M5"),
]  # fmt: skip
STREET = [
    ("I live at 742 Evergreen Terrace.", "742 Evergreen Terrace"),
    ("Meet me at 221B Baker Street tomorrow", "221B Baker Street"),
    ("The shop is at 55 W 42nd St, near the park", "55 W 42nd St"),
    ("Flat 3, 12 High St is ours", "Flat 3, 12 High St"),
    ("Drop it at 9 Acacia Avenue", "9 Acacia Avenue"),
    ("our house, 14 Willow Close, has a garden", "14 Willow Close"),
    ("deliver to 1 Infinite Loop", "1 Infinite Loop"),
    ("it's at 400 Park Avenue South, 3rd floor", "400 Park Avenue South"),
    ("HQ: 1 Hacker Way", "1 Hacker Way"),
    ("Send it to 77 Sunset Blvd. please", "77 Sunset Blvd."),
]

NEGATIVE = [
    "Main Street was busy this morning.",
    "We moved 3 Key Points into the appendix.",
    "Top 10 Ways to learn Python",
    "Route 66 is famous for its diners.",
    "Release v2.3.1 shipped on 2024-03-01.",
    "Order 12345 totals $1,234.56 with tax.",
    "IL 62704",  # a state and five digits alone
    "QV1 1AA is no postcode",  # Q cannot start a UK postcode
    "XY12 3AB is no postcode",  # no such postcode area
    "D1A 1A1 is no postal code",  # D never appears in a Canadian postal code
    "A1A 1A1",  # a Canadian code with nothing around it
    "Chapter 12 covers Wall Street history.",
    "Meet me at 10:30 on March 5 in room 204.",
    "Abbey Road is a Beatles album.",
]
