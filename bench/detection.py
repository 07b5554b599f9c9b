"""Detection bench: precision and recall per type on a labelled corpus (DESIGN §12: a
measurement, not a claim). Prints figures; asserts nothing.

The corpus (`bench/detection_corpus.py`): Faker documents across eleven locales (en_US, en_GB,
en_CA, de_DE, fr_FR, es_ES, it_IT, nl_NL, en_AU, en_IN, pt_BR) with planted names (after a cue,
bare, and named by an email address in the same text), postal addresses (US, UK, CA, and AU, IN,
DE, which this package does not claim), valid national identifiers of every kind with their
context words, the older types, and hard negatives (brands and places named like people,
products, capitalised words at sentence starts, code, street names in prose, versions, dates,
numbers, Faker company, city and street names).

Scoring, per document, on the resolved findings of `masking.scan` with every locale, names and
addresses on:
- a labelled value is found when findings of its type cover at least 80% of its letters and
  digits (an address masked without its last line still counts; one masked only by its ZIP
  does not);
- a finding is a true positive when it overlaps a labelled value of its type, else a false
  positive. Precision per row counts the findings attributed to that row: those overlapping its
  values, and the false positives of the detector's own kind for that row (an ADDRESS kind `us`
  or `street` is a US finding, `uk` a UK one).
The same corpus goes through scrubadub's default Scrubber and Presidio's pattern recognisers
(no spaCy model: none can be downloaded at run time here), each result mapped to our types.

Run: PYTHONPATH=layers/masking python -m bench.detection [--scale 0.5]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "layers" / "masking"))

from bench.detection_corpus import Doc, corpus  # noqa: E402
from masking import MaskingConfig, scan  # noqa: E402
from masking.detectors.national_ids import LOCALES, PHONE_REGIONS  # noqa: E402

COVER = 0.8
# (type, group) -> (precision target, recall target); None: no target
TARGETS: dict[tuple[str, str], tuple[float | None, float | None]] = {
    ("PERSON", "cue"): (None, 0.9),
    ("PERSON", "bare"): (None, 0.6),
    ("PERSON", "*"): (0.9, None),
    ("ADDRESS", "US"): (0.95, 0.9),
    ("ADDRESS", "UK"): (0.95, 0.9),
    ("NATIONAL_ID", "*"): (0.99, 0.98),
}
REPORTED = ("PERSON", "ADDRESS", "NATIONAL_ID", "EMAIL", "PHONE", "CREDIT_CARD", "IP_ADDRESS", "IBAN", "SSN")
ADDRESS_KIND_GROUP = {"us": "US", "street": "US", "uk": "UK", "ca": "CA"}
Finding = tuple[str, str, int, int]  # type, kind, start, end
Engine = Callable[[str], list[Finding]]


# --------------------------------------------------------------------------- engines


def ours() -> Engine:
    config = MaskingConfig(
        locales=tuple(sorted(LOCALES)),
        phone_regions=tuple(sorted(set(PHONE_REGIONS.values()))),
        names=True,
        addresses=True,
    )
    return lambda text: [(s.type, s.kind, s.start, s.end) for s in scan(text, config.detectors)]


SCRUBADUB_TYPES = {
    "email": "EMAIL",
    "phone": "PHONE",
    "credit_card": "CREDIT_CARD",
    "social_security_number": "SSN",
    "name": "PERSON",
    "address": "ADDRESS",
    "postalcode": "ADDRESS",
    "national_insurance_number": "NATIONAL_ID",
}


def scrubadub_engine() -> tuple[Engine | None, str]:
    try:
        import scrubadub
    except ImportError:
        return None, "not installed"
    scrubber = scrubadub.Scrubber(locale="en_US")
    notes = [
        f"scrubadub {scrubadub.__version__}, default detectors ({', '.join(scrubber._detectors)})",
        # Its TextBlobNameDetector raises MissingCorpusError: NLTK's corpora are a download.
        "no names (TextBlobNameDetector needs NLTK corpora, a download at run time)",
        "no addresses (needs the scrubadub_address package: pyap and libpostal)",
    ]

    def run(text: str) -> list[Finding]:
        out: list[Finding] = []
        for filth in scrubber.iter_filth(text):
            for single in getattr(filth, "filths", [filth]):
                type_ = SCRUBADUB_TYPES.get(single.type)
                if type_:
                    out.append((type_, single.type, single.beg, single.end))
        return out

    return run, "; ".join(notes)


PRESIDIO_TYPES = {
    "EMAIL_ADDRESS": "EMAIL",
    "PHONE_NUMBER": "PHONE",
    "CREDIT_CARD": "CREDIT_CARD",
    "IP_ADDRESS": "IP_ADDRESS",
    "IBAN_CODE": "IBAN",
    "US_SSN": "SSN",
    "US_ITIN": "SSN",
    "UK_POSTCODE": "ADDRESS",
    "CA_POSTAL_CODE": "ADDRESS",
}
PRESIDIO_IDS = (
    "UkNinoRecognizer", "NhsRecognizer", "DeTaxIdRecognizer", "DeIdCardRecognizer", "EsNieRecognizer",
    "EsNifRecognizer", "ItFiscalCodeRecognizer", "CaSinRecognizer", "AuTfnRecognizer",
    "AuMedicareRecognizer", "InAadhaarRecognizer", "InPanRecognizer",
)  # fmt: skip
PRESIDIO_OTHERS = (
    "EmailRecognizer", "PhoneRecognizer", "CreditCardRecognizer", "IpRecognizer", "IbanRecognizer",
    "UsSsnRecognizer", "UsItinRecognizer", "UkPostcodeRecognizer", "CaPostalCodeRecognizer",
)  # fmt: skip


def presidio_engine() -> tuple[Engine | None, str]:
    try:
        from importlib.metadata import version

        import tldextract
        from presidio_analyzer import predefined_recognizers
    except ImportError as exc:
        return None, f"not installed ({exc.name})"
    # Presidio's email recogniser asks tldextract, which fetches the public suffix list from the
    # internet by default; the bundled snapshot is what an offline machine has.
    tldextract.extract = tldextract.TLDExtract(suffix_list_urls=())
    recognizers = []
    missing = []
    for name in (*PRESIDIO_OTHERS, *PRESIDIO_IDS):
        cls = getattr(predefined_recognizers, name, None)
        if cls is None:
            missing.append(name)
        else:
            recognizers.append(cls())
    note = (
        f"presidio-analyzer {version('presidio-analyzer')}, {len(recognizers)} pattern recognisers called "
        "directly (no NLP engine: no context boost, every score counted); no PERSON or street addresses "
        "(those need a spaCy model, a download at run time); no FR, NL or BR identifiers"
    )
    if missing:
        note += f"; not in this version: {', '.join(missing)}"

    def run(text: str) -> list[Finding]:
        out: list[Finding] = []
        for recognizer in recognizers:
            for result in recognizer.analyze(text, recognizer.supported_entities, None):
                ent = result.entity_type
                type_ = PRESIDIO_TYPES.get(
                    ent, "NATIONAL_ID" if type(recognizer).__name__ in PRESIDIO_IDS else ""
                )
                if type_:
                    out.append((type_, ent, result.start, result.end))
        return out

    return run, note


# --------------------------------------------------------------------------- scoring


def _alnum_positions(text: str, start: int, end: int) -> list[int]:
    return [i for i in range(start, end) if text[i].isalnum()]


def _group_of(type_: str, kind: str) -> str:
    if type_ == "ADDRESS":
        return ADDRESS_KIND_GROUP.get(kind, kind)
    return kind if type_ == "NATIONAL_ID" else "*"


class Tally:
    def __init__(self) -> None:
        self.found: dict[tuple[str, str], int] = defaultdict(int)
        self.total: dict[tuple[str, str], int] = defaultdict(int)
        self.tp: dict[tuple[str, str], int] = defaultdict(int)
        self.fp: dict[tuple[str, str], int] = defaultdict(int)
        self.fp_examples: dict[str, list[str]] = defaultdict(list)
        self.miss_examples: dict[tuple[str, str], list[str]] = defaultdict(list)

    def add(self, doc: Doc, findings: Iterable[Finding]) -> None:
        findings = list(findings)
        for ent in doc.entities:
            key = (ent.type, ent.group)
            self.total[key] += 1
            letters = _alnum_positions(doc.text, ent.start, ent.end)
            covered = sum(1 for i in letters if any(t == ent.type and s <= i < e for t, _k, s, e in findings))
            if letters and covered / len(letters) >= COVER:
                self.found[key] += 1
            elif len(self.miss_examples[key]) < 5:
                self.miss_examples[key].append(doc.text[ent.start : ent.end])
        for type_, kind, start, end in findings:
            hits = [e for e in doc.entities if e.type == type_ and e.start < end and start < e.end]
            if hits:
                for group in {e.group for e in hits}:
                    self.tp[(type_, group)] += 1
                self.tp[(type_, "*")] += 1
            else:
                self.fp[(type_, _group_of(type_, kind))] += 1
                self.fp[(type_, "*")] += 1
                if len(self.fp_examples[type_]) < 8:
                    self.fp_examples[type_].append(repr(doc.text[max(0, start - 15) : end + 15]))

    def recall(self, key: tuple[str, str]) -> float | None:
        if key[1] == "*":
            total = sum(n for (t, _g), n in self.total.items() if t == key[0])
            found = sum(n for (t, _g), n in self.found.items() if t == key[0])
        else:
            total, found = self.total.get(key, 0), self.found.get(key, 0)
        return found / total if total else None

    def precision(self, key: tuple[str, str]) -> float | None:
        tp, fp = self.tp.get(key, 0), self.fp.get(key, 0)
        if key[1] == "*" and key[0] == "NATIONAL_ID":
            fp = sum(n for (t, g), n in self.fp.items() if t == key[0] and g != "*")
        return tp / (tp + fp) if tp + fp else None


def _fmt(value: float | None, target: float | None) -> str:
    if value is None:
        return "n/a"
    mark = "" if target is None else ("  ok" if value >= target else "  MISS")
    goal = "" if target is None else f" (>= {target:.2f}{mark})"
    return f"{value:.3f}{goal}"


def rows(tallies: dict[str, Tally]) -> list[tuple[str, str]]:
    keys: list[tuple[str, str]] = []
    main = tallies["ours"]
    for type_ in (
        "PERSON",
        "ADDRESS",
        "NATIONAL_ID",
        "EMAIL",
        "PHONE",
        "CREDIT_CARD",
        "IP_ADDRESS",
        "IBAN",
        "SSN",
    ):
        groups = sorted({g for (t, g) in main.total if t == type_})
        keys.append((type_, "*"))
        if len(groups) > 1 or type_ in ("PERSON", "ADDRESS", "NATIONAL_ID"):
            keys.extend((type_, g) for g in groups)
    return [(t, g) for t, g in keys]


def report(tallies: dict[str, Tally], docs: list[Doc]) -> None:
    names = list(tallies)
    header = f"{'type':<12} {'row':<20} {'n':>5}  " + "  ".join(
        f"{n + ' P':>24} {n + ' R':>24}" for n in names
    )
    print(header)
    print("-" * len(header))
    for type_, group in rows(tallies):
        target_p, target_r = TARGETS.get((type_, group), (None, None))
        if type_ in ("PERSON",) and group == "*":
            target_p = TARGETS[("PERSON", "*")][0]
        n = (
            sum(v for (t, _g), v in tallies["ours"].total.items() if t == type_)
            if group == "*"
            else tallies["ours"].total.get((type_, group), 0)
        )
        cells = []
        for name in names:
            tally = tallies[name]
            tp = target_p if name == "ours" else None
            tr = target_r if name == "ours" else None
            precision, recall = tally.precision((type_, group)), tally.recall((type_, group))
            cells.append(f"{_fmt(precision, tp):>24} {_fmt(recall, tr):>24}")
        label = "all" if group == "*" else group
        print(f"{type_:<12} {label:<20} {n:>5}  " + "  ".join(cells))
    negatives = sum(1 for d in docs if not d.entities)
    print(
        f"\n{len(docs)} documents ({negatives} hard negatives), "
        f"{sum(len(d.entities) for d in docs)} labelled values; P = precision, R = recall "
        f"(found: >= {COVER:.0%} of its letters and digits covered by findings of its type)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.detection", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--scale", type=float, default=1.0, help="corpus size factor (1.0: about 3,000 documents)"
    )
    parser.add_argument("--examples", action="store_true", help="print false positives and misses of ours")
    args = parser.parse_args()
    started = time.perf_counter()
    docs = corpus(args.scale)
    print(f"corpus: {len(docs)} documents in {time.perf_counter() - started:.1f} s")
    engines: dict[str, Engine] = {"ours": ours()}
    for name, factory in (("scrubadub", scrubadub_engine), ("presidio", presidio_engine)):
        engine, note = factory()
        print(f"{name}: {note}")
        if engine is not None:
            engines[name] = engine
    tallies: dict[str, Tally] = {}
    for name, engine in engines.items():
        tally = Tally()
        began = time.perf_counter()
        for doc in docs:
            tally.add(doc, engine(doc.text))
        tallies[name] = tally
        print(f"{name}: {time.perf_counter() - began:.1f} s for the corpus")
    print()
    report(tallies, docs)
    if args.examples:
        main_tally = tallies["ours"]
        for type_, examples in sorted(main_tally.fp_examples.items()):
            print(f"\nfalse positives {type_}: " + " | ".join(examples))
        for key, examples in sorted(main_tally.miss_examples.items()):
            print(f"\nmissed {key}: " + " | ".join(repr(e) for e in examples))


if __name__ == "__main__":
    main()
