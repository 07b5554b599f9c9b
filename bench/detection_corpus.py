"""The labelled corpus of the detection bench (`bench/detection.py`): short documents, each with
the character spans of the personal data planted in it, generated with Faker across eleven
locales, and hard negatives that hold none.

Every document is built from a seeded `random.Random`, so two runs measure the same corpus.
Names are written first name + surname (Faker's `first_name`/`last_name` of the locale), so a
title or a post-nominal never sits inside a label. National identifiers come from the valid-ID
generators of the tests (`tests/masking/cases/national_ids.py`), which complete random digits
against the same validators the detector applies.
"""

from __future__ import annotations

import importlib.util
import random
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from faker import Faker

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ("en_US", "en_GB", "en_CA", "de_DE", "fr_FR", "es_ES", "it_IT", "nl_NL", "en_AU", "en_IN", "pt_BR")
ADDRESS_COUNTRIES = {"en_US": "US", "en_GB": "UK", "en_CA": "CA", "en_AU": "AU", "en_IN": "IN", "de_DE": "DE"}
IBAN_LOCALES = ("de_DE", "fr_FR", "es_ES", "it_IT", "nl_NL", "en_GB")
_SLOT = re.compile(r"\{(\w+)\}")


@dataclass
class Entity:
    type: str  # PERSON, ADDRESS, NATIONAL_ID, EMAIL, ...
    group: str  # the row it is reported in: "cue", "bare", "email-derived", "US", "uk_nino", ...
    start: int
    end: int


@dataclass
class Doc:
    text: str
    entities: list[Entity] = field(default_factory=list)


def national_id_cases() -> ModuleType:
    path = ROOT / "tests" / "masking" / "cases" / "national_ids.py"
    spec = importlib.util.spec_from_file_location("national_id_cases", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _plant(template: str, values: dict[str, tuple[str, str, str]]) -> Doc:
    """Fill `{slot}`s left to right; values[slot] = (text, type, group); type "" = unlabelled.
    Other braces (a JSON template) are text."""
    out: list[str] = []
    entities: list[Entity] = []
    pieces = _SLOT.split(template)
    for i, piece in enumerate(pieces):
        if i % 2 == 0:
            out.append(piece)
            continue
        text, type_, group = values[piece]
        start = sum(len(p) for p in out)
        out.append(text)
        if type_:
            entities.append(Entity(type_, group, start, start + len(text)))
    return Doc("".join(out), entities)


def _ascii(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


# --------------------------------------------------------------------------- names

CUE_TEMPLATES = (
    ("Dear {name},\n\nThank you for your message about the invoice.", "name"),
    ("Hi {first}, can you check the deployment logs?", "first"),
    ("Mr. {last} will call you back tomorrow morning.", "last"),
    ("Dr. {name} reviewed the results on Tuesday.", "name"),
    ("My name is {name} and I need help with my account.", "name"),
    ("Name: {name}\nPlan: enterprise\nSeats: 40", "name"),
    ('{"name": "{name}", "plan": "pro", "seats": 3}', "name"),
    ("Thanks for the quick fix.\n\nBest regards,\n{name}", "name"),
    ("See the attached report.\n\nThanks,\n{name}\nSenior Engineer", "name"),
    ("Kind regards, {name}", "name"),
    ("I'm {name}, the new office manager.", "name"),
    ("Please forward this to Mrs {name} before Friday.", "name"),
)
BARE_TEMPLATES = (
    "I had lunch with {name} yesterday and we talked about the migration.",
    "{name} will join the call at 3pm.",
    "Can you send the quarterly report to {name}?",
    "According to {name}, the build failed twice.",
    "The ticket was assigned to {name} last week.",
    "{name} approved the change request.",
    "We interviewed {name} for the data engineer role.",
    "Please add {name} to the on-call rotation.",
)


def names(fake: Faker, rng: random.Random, locale: str, n: int) -> Iterator[Doc]:
    for i in range(n):
        first, last = fake.first_name(), fake.last_name()
        full = f"{first} {last}"
        template, slot = CUE_TEMPLATES[i % len(CUE_TEMPLATES)]
        value = {"name": full, "first": first, "last": last}[slot]
        yield _plant(template.replace("{" + slot + "}", "{x}"), {"x": (value, "PERSON", "cue")})
        first, last = fake.first_name(), fake.last_name()
        yield _plant(rng.choice(BARE_TEMPLATES), {"name": (f"{first} {last}", "PERSON", "bare")})
        if i % 3 == 0:
            first, last = fake.first_name(), fake.last_name()
            local = _ascii(f"{first}.{last}").lower().replace(" ", "").replace("'", "")
            yield _plant(
                "Please contact {email} about the renewal. {name} is out of office until Monday.",
                {
                    "email": (f"{local}@example.com", "EMAIL", "email"),
                    "name": (f"{first} {last}", "PERSON", "email-derived"),
                },
            )


# --------------------------------------------------------------------------- addresses

ADDRESS_TEMPLATES = (
    ("{a}", "lines"),
    ("Please ship the replacement to:\n{a}\n\nThanks!", "lines"),
    ("Our office moved to {a} last month.", "one line"),
    ("Billing address: {a}", "one line"),
)


def addresses(fake: Faker, locale: str, n: int) -> Iterator[Doc]:
    country = ADDRESS_COUNTRIES[locale]
    for i in range(n):
        address = fake.address()
        template, form = ADDRESS_TEMPLATES[i % len(ADDRESS_TEMPLATES)]
        text = address if form == "lines" else ", ".join(address.split("\n"))
        yield _plant(template, {"a": (text, "ADDRESS", country)})


# --------------------------------------------------------------------------- identifiers and the rest

ID_TEMPLATES = ("{ctx}: {v}", "My {ctx} is {v}, please update the record.", "Patient record - {ctx} {v}")


def national_ids(rng: random.Random, cases: ModuleType, n: int) -> Iterator[Doc]:
    for kind, make in sorted(cases.GENERATORS.items()):
        for i in range(n):
            value = cases.formatted(kind, make(rng))
            template = ID_TEMPLATES[i % len(ID_TEMPLATES)]
            yield _plant(template, {"ctx": (cases.CONTEXT[kind], "", ""), "v": (value, "NATIONAL_ID", kind)})


def others(fakes: dict[str, Faker], rng: random.Random, n: int) -> Iterator[Doc]:
    us = fakes["en_US"]

    def phone() -> str:
        return str(fakes[rng.choice(("en_US", "en_GB", "de_DE", "fr_FR"))].phone_number())

    def ip() -> str:
        return str(us.ipv4_public() if rng.random() < 0.7 else us.ipv6())

    def iban() -> str:
        return str(fakes[rng.choice(IBAN_LOCALES)].iban())

    makers: list[tuple[str, Callable[[], str]]] = [
        ("EMAIL", us.free_email),
        ("PHONE", phone),
        ("CREDIT_CARD", us.credit_card_number),
        ("IP_ADDRESS", ip),
        ("IBAN", iban),
        ("SSN", us.ssn),
    ]
    templates = ("Please use {v} for this one.", "Updated: {v}", "The value on file is {v}, is it right?")
    for type_, make in makers:
        for i in range(n):
            yield _plant(templates[i % len(templates)], {"v": (make(), type_, type_)})


# --------------------------------------------------------------------------- hard negatives

BRANDS = (
    "Wells Fargo", "Morgan Stanley", "Goldman Sachs", "Harley Davidson", "Johnson & Johnson",
    "Lockheed Martin", "Charles Schwab", "Ernst & Young", "Marks & Spencer", "Warner Bros",
    "Jack Daniel's", "Johnnie Walker", "Tim Hortons", "Ben & Jerry's", "Taco Bell", "Dunkin Donuts",
    "Mercedes Benz", "Aston Martin", "Rolls Royce", "Ford Motor", "General Electric", "Procter & Gamble",
    "Louis Vuitton", "Hugo Boss", "Tommy Hilfiger", "Calvin Klein", "Dr Pepper", "Baker Hughes",
    "Hewlett Packard", "Dell Technologies", "Bank of America", "Chase Bank", "Capital One",
    "Deutsche Bank", "Standard Chartered", "Royal Mail", "Canada Post", "Air Canada", "Tata Motors",
    "Hindustan Unilever", "Banco do Brasil", "Santander", "Philips", "Heineken", "Nestle",
)  # fmt: skip
PLACES = (
    "New York", "San Francisco", "Los Angeles", "Santa Clara", "Fort Worth", "Virginia Beach",
    "Beverly Hills", "Palm Springs", "Salt Lake City", "Kansas City", "St Louis", "Jackson Heights",
    "Port Elizabeth", "Lake Tahoe", "Mount Vernon", "Grand Rapids", "Charlotte", "Austin", "Dallas",
    "Houston", "Orlando", "Phoenix", "Sydney", "Victoria", "Florence", "Alexandria", "London",
    "Paris", "Berlin", "Madrid", "Rome", "Amsterdam", "Toronto", "Vancouver", "Montreal", "Mumbai",
    "Sao Paulo", "Rio de Janeiro", "Cape Town", "Hong Kong", "Buenos Aires", "Long Beach",
    "Newport News", "Glen Burnie", "Santa Monica", "Saint Paul", "Fort Lauderdale", "Milton Keynes",
)  # fmt: skip
PRODUCTS = (
    "Apple Watch", "Surface Pro", "Visual Studio Code", "Google Chrome", "Microsoft Teams",
    "Amazon Echo", "Kindle Paperwhite", "Ford Mustang", "Tesla Model Y", "Windows Server",
    "Red Hat Enterprise Linux", "Adobe Photoshop", "Jira Service Management", "Power BI",
    "Galaxy Note", "Pixel Buds", "Xbox Series X", "Nintendo Switch", "Jupyter Notebook",
    "Apache Kafka", "Elastic Search", "Grafana Cloud", "Docker Desktop", "Android Studio",
)  # fmt: skip
NEGATIVE_SENTENCES = (
    "Will this work on Windows and Linux?", "Grant access to the admin group before the audit.",
    "Mark the task as done when the tests pass.", "Bill the customer monthly, not yearly.",
    "Chase the vendor for an update on the shipment.", "May I ask a quick question about pricing?",
    "Rose petals are edible, apparently.", "Frank discussions help teams move faster.",
    "Main Street was busy this morning.", "Wall Street closed higher on Friday.",
    "Abbey Road is a Beatles album.", "Baker Street station is closed for repairs.",
    "Downing Street declined to comment.", "We moved 3 Key Points into the appendix.",
    "Top 10 Ways to learn Python in 2024", "Route 66 is famous for its diners.",
    "Highway 1 runs along the coast.", "Release v2.3.1 shipped on 2024-03-01.",
    "Python 3.12.1 is installed on the build agents.", "Order #12345 totals $1,234.56 with tax.",
    "Meet me at 10:30 on March 5 in room 204.", "ISBN 978-3-16-148410-0 is on the back cover.",
    "It costs 49.99 USD per seat per month.", "Windows 11 Pro needs TPM 2.0.",
    "The iPhone 15 Pro Max ships in 5 colors.", "Dear reader, this guide is for beginners.",
    "Best practices for Kubernetes deployments", "Thanks for the help!",
    "Hello World is the first program most people write.", "Name: build-and-test",
    "name: Checkout code", "Signed-off-by: CI bot", "From: the infrastructure team",
    "Regards to everyone on the call.", "The General Manager approved the budget.",
    "The President of the United States spoke on Monday.", "Christmas Eve falls on a Tuesday.",
    "Black Friday sales start early this year.", "Golden Gate Bridge photos", "Silicon Valley Bank",
    "Stanford University and Johns Hopkins University", "Amazon Web Services outage report",
    "Apache License 2.0 applies to this project.", "The Rolling Stones played in Hyde Park.",
    "Star Wars and Harry Potter marathons", "Great Britain and Northern Ireland",
)  # fmt: skip
CODE = (
    "def get_full_name(first_name, last_name):\n    return f'{first_name} {last_name}'",
    "SELECT first_name, last_name, street_address FROM customers WHERE zip = '10001';",
    "import React from 'react';\nexport default function UserProfile({ name }) { return name; }",
    "Map<String, Integer> counts = new HashMap<>();\ncounts.put(\"Main Street\", 3);",
    "git checkout -b feature/address-form && git push origin HEAD",
    "docker run --name web -p 8080:80 nginx:1.25",
    "class AddressValidator(BaseValidator):\n    postcode = r'[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}'",
    "- name: Set up Python\n  uses: actions/setup-python@v5\n  with:\n    python-version: '3.12'",
    "kubectl get pods -n kube-system | grep coredns",
    "ERROR 2024-05-01T10:22:33Z worker-3 Timeout after 30000 ms (retry 2 of 5)",
)  # fmt: skip
NEGATIVE_TEMPLATES = (
    "We switched from {a} to {b} last year.",
    "Flights from {a} to {b} were delayed by two hours.",
    "{a} announced a new partnership with {b}.",
    "Our team uses {a} and {b} every day.",
)


def negatives(fakes: dict[str, Faker], rng: random.Random, n: int) -> Iterator[Doc]:
    pools = (BRANDS, PLACES, PRODUCTS)
    for i in range(n):
        pool = pools[i % len(pools)]
        template = NEGATIVE_TEMPLATES[i % len(NEGATIVE_TEMPLATES)]
        yield Doc(template.replace("{a}", rng.choice(pool)).replace("{b}", rng.choice(pool)))
    for text in (*NEGATIVE_SENTENCES, *CODE):
        yield Doc(text)
    for i in range(n):
        fake = fakes[("en_US", "en_GB", "en_CA")[i % 3]]
        kind = i % 5
        if kind == 0:
            yield Doc(f"The contract with {fake.company()} renews in {fake.month_name()}.")
        elif kind == 1:
            yield Doc(f"{fake.city()} is about two hours from the coast.")
        elif kind == 2:
            yield Doc(f"The parade went down {fake.street_name()} on Saturday.")
        elif kind == 3:
            yield Doc(f"{fake.catch_phrase()}. {fake.bs().capitalize()}.")
        else:
            yield Doc(f"{fake.sentence(nb_words=10)} {fake.sentence(nb_words=8)} We hired a {fake.job()}.")


def corpus(scale: float = 1.0, seed: int = 12) -> list[Doc]:
    rng = random.Random(seed)
    fakes: dict[str, Faker] = {}
    for i, locale in enumerate(LOCALES):
        fakes[locale] = Faker(locale)
        fakes[locale].seed_instance(seed + i)
    docs: list[Doc] = []
    for locale in LOCALES:
        docs.extend(names(fakes[locale], rng, locale, max(3, int(40 * scale))))
    for locale in ADDRESS_COUNTRIES:
        count = 80 if locale in ("en_US", "en_GB", "en_CA") else 30
        docs.extend(addresses(fakes[locale], locale, max(4, int(count * scale))))
    docs.extend(national_ids(rng, national_id_cases(), max(3, int(40 * scale))))
    docs.extend(others(fakes, rng, max(3, int(40 * scale))))
    docs.extend(negatives(fakes, rng, max(20, int(300 * scale))))
    return docs
