"""Person names: (text, the names that must be found, the kind of the rule that finds them).

Each row names the exact text of every PERSON finding expected in it; a row with no names is a
hard negative (nothing in it may be taken for a name). Kinds: honorific, salutation, greeting,
strong, weak, namelabel, label, signoff, display, email, gazetteer.
"""

from __future__ import annotations

CUES = [
    ("Mr. Smith will call you back.", ["Smith"], "honorific"),
    ("Please forward it to Mrs Jane Whitfield today.", ["Jane Whitfield"], "honorific"),
    ("Dr. Zbigniew Brzeczyszczykiewicz reviewed it.", ["Zbigniew Brzeczyszczykiewicz"], "honorific"),
    ("Herr Müller und Frau Schröder kommen morgen.", ["Müller", "Schröder"], "honorific"),
    ("Prof. Ludwig van Beethoven composed it.", ["Ludwig van Beethoven"], "honorific"),
    ("Dear Marisol,\n\nthanks for the update.", ["Marisol"], "salutation"),
    ("Dear Mr. O'Brien, your order shipped.", ["O'Brien"], "salutation"),
    ("Sehr geehrte Frau Schmidt, vielen Dank.", ["Schmidt"], "salutation"),
    ("Hi Jordan, can you check the logs?", ["Jordan"], "greeting"),
    ("Hello Priya! The build is green.", ["Priya"], "greeting"),
    ("My name is Zofia Wójcik and I need help.", ["Zofia Wójcik"], "strong"),
    ("je m'appelle Amélie Poulain.", ["Amélie Poulain"], "strong"),
    ("I'm Jennifer Lopez, the new office manager.", ["Jennifer Lopez"], "weak"),
    ("Hey, I\u2019m Rahul from accounts.", ["Rahul"], "weak"),
    ("Name: Jane Doe\nPlan: enterprise", ["Jane Doe"], "namelabel"),
    ('{"name": "Carlos Mendoza", "plan": "pro"}', ["Carlos Mendoza"], "namelabel"),
    ("Surname: Brzeczyszczykiewicz\nAge: 40", ["Brzeczyszczykiewicz"], "namelabel"),
    ("NAME: JANE DOE", ["JANE DOE"], "namelabel"),
    ("name: jane doe", ["jane doe"], "namelabel"),
    ("Patient: Robert Kowalski, admitted Monday", ["Robert Kowalski"], "label"),
    ("Emergency contact: Maria Garcia", ["Maria Garcia"], "label"),
    ("Thanks for the quick fix.\n\nBest regards,\nKatarzyna Nowak", ["Katarzyna Nowak"], "signoff"),
    ("See attached.\n\nThanks,\nOluwaseun Adeyemi\nSenior Engineer", ["Oluwaseun Adeyemi"], "signoff"),
    ("Kind regards, Zofia Wójcik", ["Zofia Wójcik"], "signoff"),
    ("Cheers,\nDmitri Volkov | Platform team", ["Dmitri Volkov"], "signoff"),
    ("From: Xiomara Quintanilla <xq@example.com>", ["Xiomara Quintanilla"], "display"),
    ("cc Ngozi Okonjo-Iweala (ngozi@example.org)", ["Ngozi Okonjo-Iweala"], "display"),
]

EMAIL_DERIVED = [
    ("Write to zbigniew.brzeczyszczykiewicz@example.com. Zbigniew Brzeczyszczykiewicz is away.",
     ["Zbigniew Brzeczyszczykiewicz"]),
    ("Contact giel.vandeven@example.nl; Giel van de Ven signs the contract.", ["Giel van de Ven"]),
    ("hans-michael.etzold@example.de wrote: Hans-Michael Etzold agrees.", ["Hans-Michael Etzold"]),
    ("ping xq_tran@example.com, XQ TRAN is on call", []),  # two letters are no first name
    ("janedoe@example.com: JANE DOE approved, and so did Doe, Jane.", ["JANE DOE", "Doe, Jane"]),
    ("leo.dasneves@example.pt - Léo das Neves", ["Léo das Neves"]),
    ("support@example.com is watched by the team.", []),
    ("o.nwosu@example.com: sent by O. Nwosu", []),  # an initial is no name to search for
    ("Amara.Okafor@example.com — amara okafor will reply", ["amara okafor"]),
    ("sipho.dlamini@example.co.za ... Sipho Dlamini, Dlamini, Sipho", ["Sipho Dlamini", "Dlamini, Sipho"]),
]  # fmt: skip

GAZETTEER = [
    ("I had lunch with Jordan Smith yesterday.", ["Jordan Smith"]),
    ("The ticket was assigned to Maria Garcia last week.", ["Maria Garcia"]),
    ("We interviewed Sean O'Brien for the role.", ["Sean O'Brien"]),
    ("Ask Mary-Jane Smith-Jones about it.", ["Mary-Jane Smith-Jones"]),
    ("The memo from John F. Kennedy is famous.", ["John F. Kennedy"]),
    ("Yesterday Priya Patel approved the change.", ["Priya Patel"]),
    ("CEO Rebecca Thompson MD signed.", ["Rebecca Thompson"]),
    ("Please add Giuseppe Russo to the rotation.", ["Giuseppe Russo"]),
    ("According to Thiago Oliveira, it failed twice.", ["Thiago Oliveira"]),
    ("I met Rose Brown at the conference.", ["Rose Brown"]),
    # Names side by side in one capitalised run: the windows of two and three words must not
    # leave a name word behind (a name repeated, four name words, a surname in front).
    ("Jordan Whitfield Jordan Whitfield", ["Jordan Whitfield Jordan Whitfield"]),
    ("The badge says Jordan Whitfield Jordan Whitfield twice.", ["Jordan Whitfield Jordan Whitfield"]),
    ("I met Jordan Whitfield Maria Garcia today.", ["Jordan Whitfield Maria Garcia"]),
    ("Whitfield Jordan Whitfield signed.", ["Whitfield Jordan Whitfield"]),
    ("Priya Patel Priya Patel Priya Patel", ["Priya Patel", "Priya Patel", "Priya Patel"]),
    ("Jordan Whitfield Jordan Smith", ["Jordan Whitfield Jordan Smith"]),
]

NEGATIVE = [
    "Will this work on Windows and Linux?",
    "Grant access to the admin group before the audit.",
    "Main Street was busy this morning.",
    "Flights from New York to San Francisco were delayed.",
    "We switched from Wells Fargo to Morgan Stanley last year.",
    "Hello World is the first program people write.",
    "Hi Team, the deploy is done.",
    "Dear reader, this guide is for beginners.",
    "I am Sorry for the delay.",
    "name: Checkout code",
    "- name: Set up Python\n  uses: actions/setup-python@v5",
    "From: Marketing",
    "Cheers,\nThe Platform Team",
    "Best practices for Kubernetes deployments",
    "The Jackson Heights office and the Virginia Beach store",
    "Stanford University and Johns Hopkins University",
    "Apple Watch and Visual Studio Code",
    "Thanks for the help!",
    "Orlando and Hong Kong every day.",
    "def get_full_name(first_name, last_name): return first_name",
]
