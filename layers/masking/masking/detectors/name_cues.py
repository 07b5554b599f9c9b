"""Word lists of the person-name detector: the cues that announce a name, the words that are
never part of one, and the words after which a capitalised pair is a place or an organisation.

Kept apart from the matching code (`names.py`) because they are data a reader checks line by
line, in English and in the languages of the locale packs (de, fr, es, it, nl, pt).
"""

from __future__ import annotations

from typing import Final

# Titles before a name: "Dr. Smith", "Mrs Jane Doe", "Herr Müller". Matched with a capital
# first letter only ("dr" in running text is more often "drive").
HONORIFICS: Final = frozenset(
    {
        "Mr", "Mrs", "Ms", "Miss", "Mx", "Mister", "Dr", "Doctor", "Prof", "Professor", "Sir", "Dame",
        "Lady", "Lord", "Rev", "Reverend", "Fr", "Pastor", "Rabbi", "Imam", "Capt", "Captain", "Col",
        "Colonel", "Lt", "Lieutenant", "Sgt", "Sergeant", "Gen", "General", "Adm", "Cmdr", "Maj", "Major",
        "Officer", "Det", "Detective", "Agent", "Judge", "Senator", "Sen", "Rep", "Gov", "Governor",
        "Mayor", "President", "Coach", "Nurse", "Uncle", "Aunt", "Auntie", "Grandma", "Grandpa",
        "Herr", "Frau", "Hr", "Mme", "Mlle", "Monsieur", "Madame", "Mademoiselle", "Sr", "Sra", "Srta",
        "Señor", "Señora", "Señorita", "Doña", "Dña", "Sig", "Sig.ra", "Signor", "Signora",
        "Dott", "Dott.ssa", "Ing", "Avv", "Dhr", "Mevr", "Mevrouw", "Meneer", "Shri", "Smt", "Sri",
    }
)  # fmt: skip

# "Dear Jane", "Sehr geehrte Frau …": the next capitalised words are a name unless they are a
# group ("Dear Team", "Dear Hiring Manager").
SALUTATIONS: Final = (
    "dear", "dearest", "liebe", "lieber", "sehr geehrte", "sehr geehrter", "geehrte", "geehrter",
    "cher", "chère", "estimado", "estimada", "querido", "querida", "caro", "cara", "gentile",
    "egregio", "beste", "geachte", "prezado", "prezada",
)  # fmt: skip
# Greetings are weaker cues ("Hello World", "Hi Team"): the word after must be a known name.
GREETINGS: Final = ("hi", "hello", "hey", "hallo", "bonjour", "hola", "ciao", "olá", "ola")
# Phrases after which a name is said: strong ones take any capitalised words, weak ones a known
# first name ("I'm Sorry" is not a name, "I'm Jane" is). Phrases made of the commonest words
# ("this is", "I am", "call me") are left out: the stream guard asks the detectors after every
# cue word, and these would make it ask after most sentences.
STRONG_PHRASES: Final = (
    "my name is", "my name's", "name is", "name's", "ich heiße", "ich heisse", "mein name ist",
    "name ist", "je m'appelle", "je m\u2019appelle", "m'appelle", "m\u2019appelle", "mi nombre es",
    "nombre es", "mi chiamo", "il mio nome è", "mio nome è", "nome è", "mijn naam is", "naam is",
    "ik heet", "heet", "meu nome é",
)  # fmt: skip
WEAK_PHRASES: Final = ("i'm", "i\u2019m")
# Labels of a form, a record or a header ("Name: Jane Doe", `"name": "Jane Doe"`), followed by
# `:` or `=`. After the NAME_LABELS any capitalised word is a name; after the others ("From:",
# "Contact:", "Owner:") one word must be a known name ("From: Marketing" is a department).
NAME_LABELS: Final = (
    "name", "full name", "first name", "last name", "surname", "given name", "family name",
    "legal name", "maiden name", "nombre", "apellido", "apellidos", "nom", "prénom", "prenom",
    "vorname", "nachname", "nome", "cognome", "naam", "voornaam", "achternaam", "sobrenome",
)  # fmt: skip
LABELS: Final = (
    "contact", "contact name", "contact person", "customer",
    "customer name", "client", "client name", "patient", "patient name", "employee", "employee name",
    "applicant", "candidate", "student", "passenger", "guest", "tenant", "landlord", "recipient",
    "sender", "cardholder", "card holder", "account holder", "account name", "beneficiary", "payee",
    "author", "signature", "signed", "attn", "attention", "from", "to", "cc", "owner", "assignee",
    "reporter", "requester", "requested by", "approved by", "prepared by", "emergency contact",
    "next of kin", "spouse", "father", "mother", "parent", "guardian", "witness", "physician",
    "doctor", "titular", "inhaber",
)  # fmt: skip
# A sign-off before the name's line (or before a comma and the name on the same line). A
# phrase's last words are listed alone too ("regards" for "kind regards"): the stream guard may cut
# between two ordinary words, and what is left must still be the same cue.
SIGN_OFFS: Final = (
    "best regards", "kind regards", "warm regards", "warmest regards", "regards", "best wishes",
    "wishes", "best", "cheers", "thanks", "sincerely", "yours sincerely", "sincerely yours",
    "yours faithfully", "faithfully", "respectfully", "cordially", "xoxo",
    "mit freundlichen grüßen", "mit freundlichen grüssen", "freundlichen grüßen",
    "freundlichen grüssen", "viele grüße", "liebe grüße", "beste grüße", "grüße", "cordialement",
    "bien cordialement", "saludos", "un saludo", "saludo", "atentamente", "cordiali saluti",
    "distinti saluti", "saluti", "un saluto", "saluto", "met vriendelijke groet",
    "met vriendelijke groeten", "vriendelijke groet", "vriendelijke groeten", "groeten",
    "atenciosamente", "abraços", "um abraço", "abraço",
)  # fmt: skip

# Capitalised words that end a name or show it is none: function words, pronouns, greetings,
# days and months (a sentence-initial "The", "May I", "Monday").
STOP_WORDS: Final = frozenset(
    {
        "The", "A", "An", "And", "Or", "But", "Nor", "Of", "In", "On", "At", "To", "For", "From", "With",
        "By", "As", "Into", "Over", "Under", "About", "After", "Before", "If", "Then", "So", "Not",
        "No", "Yes", "Is", "Was", "Are", "Were", "Be", "Been", "Has", "Have", "Had", "Do", "Does", "Did",
        "Would", "Can", "Could", "Shall", "Should", "Might", "Must", "I", "We", "You",
        "He", "She", "It", "They", "Me", "Us", "Him", "Her", "Them", "My", "Our", "Your", "His", "Its",
        "Their", "This", "That", "These", "Those", "There", "Here", "Who", "What", "When", "Where",
        "Why", "How", "Which", "All", "Any", "Some", "Each", "Every", "Both", "Thanks", "Thank",
        "Regards", "Best", "Please", "Hi", "Hello", "Hey", "Dear", "Re", "Fw", "Fwd", "Subject", "Sent",
        "Date", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
        "January", "February", "March", "July", "September", "October", "November", "December",
        "Today", "Tomorrow", "Yesterday", "Team", "Everyone", "Sir", "Madam", "Customer",
        "Customers", "Colleague", "Colleagues", "Friend", "Friends", "Member", "Members", "Hiring",
        "Manager", "Valued", "Client", "User", "Users", "Reader", "Readers", "Support", "Admin",
        "Der", "Die", "Das", "Und", "Le", "La", "Les", "Et", "El", "Los", "Las", "Il", "Lo", "Gli",
        "Het", "Een", "En", "Os", "Um", "Uma", "World", "Folks", "Guys", "Everybody", "Again",
        "I'm", "I'd", "I'll", "I've", "I\u2019m", "I\u2019d", "I\u2019ll", "I\u2019ve",
    }
)  # fmt: skip

# Words that make a capitalised run an organisation or a thing ("Johnson Controls Inc", "Mercy
# Hospital", "Acme Support"): a run holding one is no name, even after a cue.
NOT_PERSON: Final = frozenset(
    word.upper()
    for word in (
        "Inc", "Corp", "Corporation", "Ltd", "Limited", "LLC", "LLP", "PLC", "GmbH", "AG", "SA", "SAS",
        "BV", "NV", "Co", "Company", "Companies", "Group", "Holdings", "Partners", "Associates",
        "Capital", "Ventures", "Foundation", "Fund", "Trust", "Institute", "University", "College",
        "School", "Academy", "Hospital", "Clinic", "Center", "Centre", "Bank", "Airport", "Airlines",
        "Airways", "Station", "Stadium", "Arena", "Museum", "Library", "Church", "Cathedral",
        "Chapel", "Temple", "Hotel", "Motel", "Inn", "Restaurant", "Cafe", "Bar", "Grill", "Pizza",
        "Store", "Stores", "Shop", "Market", "Mall", "Plaza", "Tower", "Towers", "Building",
        "Palace", "Castle", "Street", "Avenue", "Boulevard", "Highway", "Parkway", "County", "City",
        "Province", "Region", "District", "Motors", "Technologies", "Technology", "Tech", "Systems",
        "Software",
        "Labs", "Studios", "Studio", "Records", "Pictures", "Entertainment", "Media", "News",
        "Times", "Post", "Journal", "Insurance", "Financial", "Securities", "Bros", "Brothers",
        "Sons", "Industries", "International", "Global", "Express", "Airlines", "Pharma", "Health",
        "Foods", "Energy", "Electric", "Steel", "Oil", "Gas", "Mining", "Logistics", "Consulting",
        "Services", "Solutions", "Network", "Networks", "Cloud", "Data", "Series", "Edition",
        "Award", "Awards", "Prize", "Cup", "League", "Championship", "Festival", "Conference",
        "Act", "Law", "Rule", "Theorem", "Effect", "Syndrome", "Disease", "Method", "Algorithm",
        "Test", "Index", "Scale", "Model", "Protocol", "Project", "Program", "Programme", "Day",
        "Week", "Memorial", "Monument", "National", "Federal", "Royal", "United",
    )
)  # fmt: skip
# Words that end place names and streets as well as surnames ("Jackson Heights", "Morgan Street",
# "Daniel Park"): a capitalised pair ending in one is a name only after a cue.
PLACE_WORDS: Final = frozenset(
    word.upper()
    for word in (
        "Hall", "House", "Park", "Parks", "Garden", "Gardens", "Square", "Bridge", "Road", "Lane",
        "Drive", "Court", "Place", "Terrace", "Crescent", "Close", "Mews", "Way", "Beach", "Hills",
        "Heights", "Springs", "Falls", "Valley", "Lake", "Lakes", "River", "Island", "Islands", "Bay",
        "Harbor", "Harbour", "Creek", "Point", "Grove", "Woods", "Forest", "Mountain", "Mountains",
        "Town", "Village", "State", "Field", "Fields", "Ridge", "Meadows", "Glen", "Vale", "Wells",
        "Ford", "Mills", "Port", "Cross", "Green", "Row", "Rise", "Walk", "View", "Crest", "Gate",
    )
)  # fmt: skip

# First words of place names that are also given names ("Santa Clara", "San Jose", "Fort Worth").
PLACE_PREFIXES: Final = frozenset(
    {"SAN", "SANTA", "SANTO", "SAO", "ST", "SAINT", "FORT", "PORT", "MOUNT", "LAKE", "NEW", "NORTH",
     "SOUTH", "EAST", "WEST", "LOS", "LAS", "EL", "LA", "DE", "DEL", "GRAND", "GREAT", "LITTLE", "UPPER",
     "LOWER", "OLD", "ROYAL", "GENERAL", "SAINTE", "ISLA", "CAPE", "GLEN", "PALM", "BAD"}
)  # fmt: skip

# Particles inside a name: "Ludwig van Beethoven", "Maria de la Cruz", "Omar bin Laden".
PARTICLES: Final = frozenset(
    {"van", "von", "der", "den", "de", "del", "della", "di", "da", "du", "des", "la", "le", "dos",
     "das", "do", "bin", "ibn", "al", "el", "ter", "ten", "zu", "y", "e", "st"}
)  # fmt: skip

# Local parts of shared mailboxes: not a person's name ("support@", "no-reply@").
MAILBOX_WORDS: Final = frozenset(
    {"info", "admin", "support", "sales", "contact", "noreply", "no", "reply", "hello", "team",
     "office", "billing", "jobs", "hr", "careers", "webmaster", "postmaster", "security", "help",
     "service", "mail", "news", "marketing", "press", "abuse", "root", "test", "user", "example",
     "accounts", "orders", "invoice", "invoices", "dev", "ops", "it", "notifications", "alerts"}
)  # fmt: skip

# After a name: "John Smith Jr", "Jane Doe MD".
POST_NOMINALS: Final = frozenset(
    {"JR", "JR.", "SR", "SR.", "II", "III", "IV", "MD", "PHD", "DDS", "DVM", "ESQ", "ESQ.", "RN", "CPA",
     "MBA"}
)  # fmt: skip

# Companies and places named like a person (first name and surname): "Morgan Stanley" is a bank
# and "Hong Kong" a city in most texts that mention them. Written without spaces or punctuation,
# upper case, as the detector compares them.
BRANDS: Final = frozenset(
    {
        "WELLSFARGO", "MORGANSTANLEY", "HARLEYDAVIDSON", "GOLDMANSACHS", "LOCKHEEDMARTIN",
        "CHARLESSCHWAB", "DOWJONES", "ERNSTYOUNG", "MARKSSPENCER", "TOMMYHILFIGER", "CALVINKLEIN",
        "RALPHLAUREN", "LOUISVUITTON", "HUGOBOSS", "JACKDANIELS", "MERCEDESBENZ", "ROLLSROYCE",
        "ASTONMARTIN", "ALFAROMEO", "SMITHWESSON", "PROCTERGAMBLE", "ESTEELAUDER", "KATESPADE",
        "MICHAELKORS", "TORYBURCH", "MARCJACOBS", "WALTDISNEY", "BAKERHUGHES", "HEWLETTPACKARD",
        "BOOZALLEN", "GRANTTHORNTON", "JOHNSHOPKINS", "SHERWINWILLIAMS", "BRISTOLMYERS", "ELILILLY",
        "JIMMYCHOO", "JOHNDEERE", "TACOBELL", "DUNKINDONUTS", "BENJERRY", "ABBOTTLABORATORIES",
        "ROBERTBOSCH", "PHILIPMORRIS", "SAKSFIFTH", "MARTHASTEWART", "PAULMITCHELL", "DOLLARGENERAL",
        "HONGKONG", "COSTARICA", "SRILANKA", "TELAVIV", "DESMOINES", "BATONROUGE", "PUERTORICO",
        "SIERRALEONE", "NEWJERSEY", "NEWMEXICO", "WESTVIRGINIA",
    }
)  # fmt: skip
