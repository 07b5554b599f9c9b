"""Shared value types: spans, the detector protocol and the PII mode.

Kept free of behaviour so every other module (and callers' own detectors) can depend on it
without pulling in regexes or third-party validators.
"""

from __future__ import annotations

from typing import Final, Literal, NamedTuple, Protocol, runtime_checkable

PiiMode = Literal["disabled", "obfuscate", "block"]
SecretsMode = Literal["block", "obfuscate"]

SECRET: Final = "SECRET"
PII_TYPES: Final = ("EMAIL", "PHONE", "CREDIT_CARD", "IP_ADDRESS", "SSN", "IBAN", "PERSON", "ADDRESS")


class Span(NamedTuple):
    """One finding: `text[start:end]` is the sensitive value. A NamedTuple, not a dataclass:
    detectors create thousands of these, and `dataclasses` alone would double import time.

    `outer_start` is where the evidence begins when it precedes the value (the `password =` of an
    assignment, the `Bearer` of a header): the stream guard must never cut between the two, or the
    second half would lose its context. -1 means "same as start".
    `norm` is the value after normalisation (email lower-cased, phone E.164, digits only for cards),
    so one person's value gets one placeholder however it is spelt; "" means "the text itself".
    """

    type: str
    start: int
    end: int
    kind: str = ""
    norm: str = ""
    outer_start: int = -1

    @property
    def context_start(self) -> int:
        return self.start if self.outer_start < 0 else self.outer_start

    def value(self, text: str) -> str:
        return text[self.start : self.end]

    def normalised(self, text: str) -> str:
        return self.norm or text[self.start : self.end]


@runtime_checkable
class Detector(Protocol):
    """A pure text-to-spans function. No I/O, clock or randomness; linear in the text length.

    A detector whose findings never contain a blank (an email, an IP address) may say so with a
    class attribute `crosses_blanks = False`; the stream guard then skips it when deciding where
    it may cut, which is most of the guard's cost on dense text.

    Attributes that tell the stream guard where it may cut without asking (masking.stream):
    - `starts_with_words = True`: a finding may begin with, or join, ordinary words; the guard
      then asks the detectors at every blank;
    - `starts_with_capitals = True`: findings join words, but each word starts with a Latin
      capital (`masking.letters`) or a digit, except words in `joiners` and words within 32
      characters after one of `cue_words`, and no finding depends on text before a lower-case
      word that is followed by another; the guard then cuts without asking only between two
      lower-case words;
    - `cue_words`: words after which (within 32 characters) the guard always asks;
    - `holds_after`: strings after which the guard makes no unasked cut until the next cut the
      detectors judged (a name spelt by an email address is looked for after the address).
    """

    def find(self, text: str) -> list[Span]: ...
