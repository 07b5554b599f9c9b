"""Valid national identifiers made to order, for the locale tests and the detection bench.

Each generator draws random digits and completes them by brute force against the identifier's
own validator (python-stdnum or the detector's), so every value is valid by the same rule the
detector applies, and a look-alike is the same value with one digit changed.
"""

from __future__ import annotations

import importlib
import random
import string
from collections.abc import Callable

from masking.detectors.national_ids import _medicare_ok, _nino_ok, _personalausweis_ok


def _stdnum(module: str) -> Callable[[str], bool]:
    mod = importlib.import_module(f"stdnum.{module}")
    return lambda value: bool(mod.is_valid(value))


def _complete(rng: random.Random, head: str, tails: list[str], valid: Callable[[str], bool]) -> str | None:
    rng.shuffle(tails)
    for tail in tails:
        if valid(head + tail):
            return head + tail
    return None


def _digits(rng: random.Random, n: int, first: str = string.digits) -> str:
    return rng.choice(first) + "".join(rng.choice(string.digits) for _ in range(n - 1))


_DIGIT_TAILS = [str(d) for d in range(10)]
_TWO_DIGIT_TAILS = [f"{d:02d}" for d in range(100)]


def _by_digits(
    module: str, n: int, first: str = "123456789", tails: list[str] = _DIGIT_TAILS
) -> Callable[[random.Random], str]:
    valid = _stdnum(module)

    def make(rng: random.Random) -> str:
        while True:
            value = _complete(rng, _digits(rng, n - len(tails[0]), first), list(tails), valid)
            if value:
                return value

    return make


def _nino(rng: random.Random) -> str:
    letters = "ABCEGHJKLMNPRSTWXYZ"
    while True:
        value = (
            rng.choice(letters) + rng.choice(letters) + _digits(rng, 6, string.digits) + rng.choice("ABCD")
        )
        if _nino_ok(value):
            return value


def _personalausweis(rng: random.Random) -> str:
    alphabet = "CFGHJKLMNPRTVWXYZ0123456789"
    head = rng.choice("CFGHJKLMNPRTVWXYZ") + "".join(rng.choice(alphabet) for _ in range(8))
    value = _complete(rng, head, list(_DIGIT_TAILS), _personalausweis_ok)
    assert value is not None
    return value


def _medicare(rng: random.Random) -> str:
    while True:
        value = _complete(rng, _digits(rng, 8, "23456"), list(_DIGIT_TAILS), lambda v: _medicare_ok(v + "1"))
        if value:
            return value + "1"


def _pan(rng: random.Random) -> str:
    up = string.ascii_uppercase
    return (
        "".join(rng.choice(up) for _ in range(3))
        + rng.choice("PCHFAT")
        + rng.choice(up)
        + _digits(rng, 4, string.digits)
        + rng.choice(up)
    )


def _dni(rng: random.Random) -> str:
    number = _digits(rng, 8, string.digits)
    return number + "TRWAGMYFPDXBNJZSQVHLCKE"[int(number) % 23]


def _nie(rng: random.Random) -> str:
    prefix = rng.choice("XYZ")
    number = _digits(rng, 7, string.digits)
    return prefix + number + "TRWAGMYFPDXBNJZSQVHLCKE"[int(str("XYZ".index(prefix)) + number) % 23]


def _codice_fiscale(rng: random.Random) -> str:
    from stdnum.it import codicefiscale

    up = string.ascii_uppercase
    head = (
        "".join(rng.choice(up) for _ in range(6))
        + f"{rng.randint(40, 99)}"
        + rng.choice("ABCDEHLMPRST")
        + f"{rng.randint(1, 28):02d}"
        + rng.choice("ABCDEFGHILM")
        + f"{rng.randint(1, 999):03d}"
    )
    return head + codicefiscale.calc_check_digit(head)


def _nir(rng: random.Random) -> str:
    from stdnum.fr import nir

    head = (
        rng.choice("12")
        + f"{rng.randint(40, 99)}{rng.randint(1, 12):02d}{rng.randint(1, 95):02d}"
        + _digits(rng, 6, string.digits)
    )
    return head + nir.calc_check_digits(head)


def _cnpj(rng: random.Random) -> str:
    from stdnum.br import cnpj

    head = _digits(rng, 8, string.digits) + "0001"
    return head + cnpj.calc_check_digits(head)


GENERATORS: dict[str, Callable[[random.Random], str]] = {
    "uk_nino": _nino,
    "uk_nhs_number": _by_digits("gb.nhs", 10, "4"),
    "de_steuer_id": _by_digits("de.idnr", 11, "123456789"),
    "de_personalausweis": _personalausweis,
    "fr_nir": _nir,
    "es_dni": _dni,
    "es_nie": _nie,
    "it_codice_fiscale": _codice_fiscale,
    "nl_bsn": _by_digits("nl.bsn", 9, "123456789"),
    "ca_sin": _by_digits("ca.sin", 9, "1234567"),
    "au_tfn": _by_digits("au.tfn", 9, "123456789"),
    "au_medicare": _medicare,
    "in_aadhaar": _by_digits("in_.aadhaar", 12, "23456789"),
    "in_pan": _pan,
    "br_cpf": _by_digits("br.cpf", 11, "123456789", _TWO_DIGIT_TAILS),
    "br_cnpj": _cnpj,
}
# The words a sentence puts before each identifier (the detector needs them where it says so).
CONTEXT = {
    "uk_nino": "National Insurance number:",
    "uk_nhs_number": "NHS number",
    "de_steuer_id": "Steuer-ID:",
    "de_personalausweis": "Personalausweis Nr.",
    "fr_nir": "numéro de sécurité sociale",
    "es_dni": "DNI",
    "es_nie": "NIE",
    "it_codice_fiscale": "codice fiscale",
    "nl_bsn": "BSN:",
    "ca_sin": "SIN",
    "au_tfn": "TFN",
    "au_medicare": "Medicare card",
    "in_aadhaar": "Aadhaar",
    "in_pan": "PAN",
    "br_cpf": "CPF",
    "br_cnpj": "CNPJ",
}


def formatted(kind: str, value: str) -> str:
    """The way people usually write it."""
    if kind == "uk_nino":
        return f"{value[:2]} {value[2:4]} {value[4:6]} {value[6:8]} {value[8]}"
    if kind == "uk_nhs_number":
        return f"{value[:3]} {value[3:6]} {value[6:]}"
    if kind == "ca_sin":
        return f"{value[:3]}-{value[3:6]}-{value[6:]}"
    if kind == "in_aadhaar":
        return f"{value[:4]} {value[4:8]} {value[8:]}"
    if kind == "br_cpf":
        return f"{value[:3]}.{value[3:6]}.{value[6:9]}-{value[9:]}"
    if kind == "br_cnpj":
        return f"{value[:2]}.{value[2:5]}.{value[5:8]}/{value[8:12]}-{value[12:]}"
    if kind == "de_steuer_id":
        return f"{value[:2]} {value[2:5]} {value[5:8]} {value[8:]}"
    return value


def corrupted(value: str) -> str:
    """The same value with its last digit changed: fails the checksum (or no longer validates)."""
    for i in range(len(value) - 1, -1, -1):
        if value[i].isdigit():
            return value[:i] + str((int(value[i]) + 5) % 10) + value[i + 1 :]
    return value[:-1] + ("A" if value[-1] != "A" else "B")
