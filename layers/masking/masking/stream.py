"""Stream-safe response guard: text chunks in, text chunks out, same result however the
upstream split its chunks.

How: the text is cut into pieces at positions that depend only on the text, never on chunk
boundaries, and each piece is guarded as a whole (`process_piece`). A cut is a whitespace run
(waiting for the next non-blank so the run is complete) that no finding can cross:
- a private-key block opened by `-----BEGIN` (or a PuTTY key file's header or `Private-Lines:`)
  and not yet closed blocks every cut (up to 8 KB);
- after an "inert" word (letters only, not a key-ish word such as `password` or `Bearer`, not
  a short all-caps group such as an IBAN's `WEST`) nothing multi-word can continue, so the cut
  is immediate; when a detector reads ordinary words as a value, no cut is immediate
  (`starts_with_words`), or, for names and addresses (`starts_with_capitals`), only one between
  two lower-case words that are neither a joiner (`van`, `de`) nor within a cue word's window,
  and none after an `@` until the detectors judge a blank (`holds_after`). Such detectors
  promise that every word of a finding starts with a capital (`masking.letters`) but those, and
  that no finding depends on text before such a cut; so the pieces on either side give the
  same findings guarded apart or together, which is what lets them be merged;
- after anything else (digits, `=`, `password:`), the detectors whose findings can hold a blank
  run on 48 characters either side and the cut is allowed only if no finding, including its
  context such as `password = `, spans it; such cuts are at least 64 characters apart, so dense
  blanks cost no more than prose.
Text with no usable cut is cut by force after `stream_holdback` characters when it is plain
letters (512 when a detector reads ordinary words as a value: a name, an address, a deployment's
entity that joins words), after 512 when it holds digits or symbols, after 8 KB inside a key
block or a single blank-free token (a JWT, a base64 blob, a long URL), preferably just before
the last run of key-like characters. Only the undecided tail is held back, and a
piece is emitted only after it has been guarded, so no prefix of a redacted value leaks first.
Cut positions are decided in the same order with the same look-ahead whether the text arrives
in one piece or a thousand, which is what makes `guard_text` and the stream agree. Pieces are
guarded separately at look-ahead and forced cuts; across a cut after an inert word no detector
candidate can reach, so those pieces may be guarded together (that is what keeps the guard fast)
without changing the result.
"""

from __future__ import annotations

import functools
import itertools
import re
from typing import Final

from masking.boundaries import CONTEXT
from masking.config import MaskingConfig
from masking.guard import process_piece
from masking.letters import lower_start
from masking.normalise import Shadow
from masking.placeholders import NUMBERED
from masking.scan import detect
from masking.types import PiiMode
from masking.urls import WINDOW as LINK_WINDOW
from masking.vault import Vault

LOOKAROUND: Final = 64
# The detectors judge a blank on PROBE characters either side: enough for every finding that
# can hold a blank (a spaced IBAN is 42 characters, a secret's context such as `mysql … -p` or
# `login … password` is bounded to fit).
PROBE: Final = 48
MIN_PIECE: Final = 64
TRIGGERED_BOUND: Final = 512
PEM_BOUND: Final = 8192
LONG_TOKEN_BOUND: Final = 8192
LONG_TAIL: Final = 256

_WS_RUN: Final = re.compile(r"\s+")
_LAST_BLANK: Final = re.compile(r".*\s(?=\S)", re.DOTALL)
_PLAIN: Final = re.compile(r"(?:[^\W\d_]|[\s,.;!?'\"()])*+")
_INERT: Final = re.compile(r"[\"'(]?+[^\W\d_]++(?:['\u2019-][^\W\d_]++)*+[,.;!?'\")\]]*+")
_PLACEHOLDER_TOKEN: Final = re.compile(NUMBERED.pattern + r"[,.;:!?'\")\]]*+")
# Words that tie what follows to what precedes: a credential's name, and the `at` and `dot`
# of a spelled-out address ("bob (at) example (dot) com", "bob at example dot com").
_KEYWORDS: Final = (
    r"pass|pwd|secret|token|key|bearer|auth|basic|credential|[\[({<]at|at[\])}>]|dot[\])}>]"
    r"|(?<![^\W_])(?:at|dot)(?![^\W_])"
)
_KEYWORD: Final = rf"(?i:{_KEYWORDS})"
# What may continue the word before it into one value: the `@` or `.` of an address written
# with blanks ("bob @ example . com"), or a spelled `at` / `dot`.
_JOINED: Final = re.compile(r"[@.]|(?i:at|dot)(?![^\W_])")
_JOINED_AHEAD: Final = r"(?=\S{4}|\S{1,3}\s)(?![@.]|(?i:at|dot)(?![^\W_]))"  # 4 characters decide
_KEYWORD_RE: Final = re.compile(_KEYWORD)
# The characters an alternative of _KEYWORD can start with, matched as _KEYWORD is (case-
# insensitively: `K` also stands for the Kelvin sign, `s` for the long s). The fast path tests
# it before _KEYWORD at every character of every word, so the dozen alternatives are tried only
# where one could start: the same answers, in about 40% less time on prose. A test derives
# the first characters from _KEYWORD itself and fails if this misses one.
_KEYWORD_FIRST_LOWER: Final = r"[abcdkpst\[({<]"
_KEYWORD_FIRST: Final = rf"(?i:{_KEYWORD_FIRST_LOWER})"
# The same keywords in lower-cased ASCII text, where lowering first is what case-insensitive
# matching does (the two differ only beyond ASCII: the Kelvin sign, the long s). One search over
# a step of words finds the first keyword in it, so the fast path's steps
# (`ResponseGuard._inert_end`) leave that test out of every word: about half its cost on prose.
_KEYWORD_LOWERED: Final = re.compile(rf"(?={_KEYWORD_FIRST_LOWER})(?:{_KEYWORDS})")
_SHORT_CAPS: Final = re.compile(r"[A-Z]{2,5}")
_DIGIT: Final = re.compile(r"\d")
# The letters beyond ASCII that the detectors read as an ASCII capital, or not at all
# (`masking.normalise`: fullwidth and mathematical capitals, Roman numerals, ligatures such as
# U+0132, the Hangul fillers): a word of them and ASCII capitals may be a short all-caps group
# such as an IBAN's `WEST` in fullwidth letters, so the fast path leaves it to `_inert`, which
# judges its fold.
# A test derives the set from the normaliser and fails if this misses one.
_CAPITAL_FOLDS: Final = (
    "\u0132\u013f\u01c4-\u01c5\u01c7-\u01c8\u01ca-\u01cb\u01f1-\u01f2\u115f-\u1160\u1d2c"
    "\u1d2e\u1d30-\u1d31\u1d33-\u1d3a\u1d3c\u1d3e-\u1d42\u2102\u210b-\u210d\u2110-\u2112"
    "\u2115\u2119-\u211d\u2124\u2128\u212a\u212c-\u212d\u2130-\u2131\u2133\u2145\u2160-\u216f"
    "\u2c7d\u3164\ua7f2-\ua7f4\uff21-\uff3a\uff9e-\uffa0\U0001d400-\U0001d419"
    "\U0001d434-\U0001d44d\U0001d468-\U0001d481\U0001d49c\U0001d49e-\U0001d49f\U0001d4a2"
    "\U0001d4a5-\U0001d4a6\U0001d4a9-\U0001d4ac\U0001d4ae-\U0001d4b5\U0001d4d0-\U0001d4e9"
    "\U0001d504-\U0001d505\U0001d507-\U0001d50a\U0001d50d-\U0001d514\U0001d516-\U0001d51c"
    "\U0001d538-\U0001d539\U0001d53b-\U0001d53e\U0001d540-\U0001d544\U0001d546"
    "\U0001d54a-\U0001d550\U0001d56c-\U0001d585\U0001d5a0-\U0001d5b9\U0001d5d4-\U0001d5ed"
    "\U0001d608-\U0001d621\U0001d63c-\U0001d655\U0001d670-\U0001d689"
)


@functools.lru_cache(maxsize=32)
def _cue_words(words: frozenset[str]) -> re.Pattern[str] | None:
    """Context words of the detectors (`nhs`, `bsn`, `steuer-id`): within CONTEXT characters
    after one, a blank is judged by the detectors, never cut as after an ordinary word."""
    if not words:
        return None
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?i)(?<![^\W_])(?:{alternatives})(?![^\W_])")


@functools.lru_cache(maxsize=64)
def _inert_run(
    cue_words: frozenset[str], lower_only: bool = False, words: int = 0, keywords: bool = True
) -> re.Pattern[str]:
    """Fast path: a run of inert words (each at most 64 characters, the token look-back) with
    complete blank runs after them. Must accept only what `_inert` (and the cue-word and
    lower-case rules of `_cut_ok`) accepts: every cut in it is _SOFT. With `words`, a match
    reads at most that many; without `keywords`, words holding a keyword are not refused, and
    the caller ends the run before the first such word and uses the match only on ASCII text
    (`ResponseGuard._inert_end`). Without that test no part of the pattern looks behind its
    words, so steps matched one after another are the run matched at once."""
    cues = ""
    if cue_words:
        alternatives = "|".join(re.escape(w) for w in sorted(cue_words, key=len, reverse=True))
        cues = rf"(?![\"'(]*+(?i:{alternatives})[\"'(),.;!?\]]*+\s)"  # as _EDGE_PUNCT strips
    # With `lower_only`, each word and the word after its blank start with a letter that is no
    # capital of any script (a negative class of the upper-case letters `str.isupper` knows
    # would be too long: a capital is "a letter that `lower()` changes", tested in `_cut_ok`;
    # here the run simply stops at any letter outside a-z and the Latin-1 and Latin
    # Extended-A lower case, and the slow path decides there).
    first = r"[\"'(]?+[^\W\d_]" if not lower_only else rf"[\"'(]?+[{_LOWER}]"
    follow = r"(?=[^\s\[({<])" if not lower_only else rf"(?=[\"']?+[{_LOWER}])"
    follow += _JOINED_AHEAD
    # A keyword starts within a word's first 71 characters (words are at most 64 long here).
    keyword = rf"(?!\S{{0,70}}?(?={_KEYWORD_FIRST}){_KEYWORD})" if keywords else ""
    repeat = f"{{1,{words}}}" if words else "+"
    # (A keyword-free step is trusted only on ASCII text: it needs no capitals beyond ASCII, whose
    # class costs a millisecond to compile in each pattern.)
    folds = rf"|[A-Z]*+[{_CAPITAL_FOLDS}][A-Z{_CAPITAL_FOLDS}]*+" if keywords else ""
    capitals = rf"(?![\"'(]?+(?:[A-Z]{{2,5}}+{folds})[,.;!?'\")\]]*+\s)"
    return re.compile(
        rf"(?:{keyword}{capitals}{cues}"
        rf"{first}[^\W\d_]{{0,13}}+(?:['\u2019-][^\W\d_]{{1,14}}+){{0,3}}+[,.;!?'\")\]]{{0,4}}+\s++{follow}){repeat}"
    )


# Words per step of `ResponseGuard._inert_end`: the first step, and the words after it, are tested
# for a keyword as the whole run is, so a text full of keywords stops there; the steps after
# them double, so the words read past one that holds a keyword are never more than were read
# before it.
_FIRST_STEP: Final = 2
_STEPS: Final = (4, 8, 16, 32)


# Lower-case letters the fast path may start a word with (the slow path knows every script).
_LOWER: Final = "a-z" + "".join(
    chr(c) for c in range(0xDF, 0x250) if chr(c).islower() and chr(c) not in "\\]^-"
)


# Key blocks: what opens one, and what closes it. A PuTTY file's private lines are only a secret
# under their `Private-Lines:` header, so the file is held whole, as a PEM block is.
_KEY_BLOCKS: Final = (
    ("-----BEGIN", re.compile(r"-----END [A-Z0-9 ]{1,40}+-----")),
    ("PuTTY-User-Key-File-", re.compile(r"Private-MAC: [0-9a-fA-F]{16,128}+")),
    ("Private-Lines:", re.compile(r"Private-MAC: [0-9a-fA-F]{16,128}+")),
)
_KEYLIKE: Final = re.compile(r"[A-Za-z0-9_+/=.%-]")
_NO, _SOFT, _HARD = 0, 1, 2
_OPENERS: Final = frozenset("[({<")
_TOKEN: Final = re.compile(r"\S+")
_EDGE_PUNCT: Final = re.compile(r"^[\"'(]+|[\"'(),.;!?\]]+$")
_ASSIGNISH: Final = re.compile(rf"[:=]|{_KEYWORD}")


def _inert(token: str) -> bool:
    if _PLACEHOLDER_TOKEN.fullmatch(token):
        return True
    if not _INERT.fullmatch(token):
        return False
    if _KEYWORD_RE.search(token):
        return False
    word = _EDGE_PUNCT.sub("", token)
    return not _SHORT_CAPS.fullmatch(word if word.isascii() else Shadow(word).text)


class ResponseGuard:
    """Guard for ONE text stream (content, reasoning content, or one tool call's arguments)."""

    def __init__(
        self, vault: Vault, mode: PiiMode, config: MaskingConfig, json_context: bool = False
    ) -> None:
        self.vault = vault
        self.mode: PiiMode = mode
        self.config = config
        self.json_context = json_context
        self.redactions: dict[str, int] = {}
        self._holdback = config.stream_holdback
        self._buf = ""
        self._cut = 0  # last decided cut; buf[:cut] is ready to emit
        self._ptr = 0  # candidates before this have been judged
        self._hard: list[int] = []  # look-ahead and forced cuts in (0, cut]: never merged across
        self._context = ""  # the raw text already emitted, for link structure (masking.urls)
        self._probe = -MIN_PIECE  # the last blank the detectors judged
        self._long_at: tuple[int, bool] | None = None  # (window start, _long_token's answer)
        # The fast path over ordinary words, when the detectors allow cutting after them.
        fast = config.soft_cuts and self._holdback >= LOOKAROUND
        cues = config.cue_words | config.joiners
        self._inert_run = _inert_run(cues, config.lower_cuts_only) if fast else None
        self._inert_first = _inert_run(cues, config.lower_cuts_only, _FIRST_STEP)
        self._inert_steps = tuple(_inert_run(cues, config.lower_cuts_only, n, keywords=False) for n in _STEPS)
        self._cue = _cue_words(config.cue_words)

    @property
    def held(self) -> int:
        """Characters received but not yet emitted."""
        return len(self._buf)

    def feed(self, chunk: str) -> str:
        if not chunk:
            return ""
        self._buf += chunk
        self._advance()
        return self._emit(self._cut)

    def flush(self) -> str:
        return self._emit(len(self._buf))

    def _emit(self, upto: int) -> str:
        if upto <= 0:
            return ""
        bounds = [0, *self._hard, upto]
        out: list[str] = []
        for a, b in itertools.pairwise(bounds):
            if b <= a:
                continue
            piece = self._buf[a:b]
            out.append(
                process_piece(
                    piece,
                    vault=self.vault,
                    mode=self.mode,
                    config=self.config,
                    json_context=self.json_context,
                    redactions=self.redactions,
                    context=self._context,
                )
            )
            self._context = (self._context + piece)[-LINK_WINDOW:]
        self._buf = self._buf[upto:]
        self._cut = max(0, self._cut - upto)
        self._ptr = max(0, self._ptr - upto)
        self._probe -= upto
        self._long_at = None
        self._hard = []
        return "".join(out)

    def _advance(self) -> None:
        buf = self._buf
        n = len(buf)
        # The fast path matches a word only with the blank run after it and a character beyond:
        # from `words_end` on, it cannot match (a stream's every chunk ends in such a word, so
        # this saves a failing attempt, and the tests before it, once per chunk).
        last = _LAST_BLANK.match(buf)
        words_end = last.end() if last is not None else 0
        while True:
            s = self._cut
            start = max(self._ptr, s)
            if (
                self._inert_run is not None
                and start < words_end
                and not self._opens_block(s, start)
                and (self._cue is None or self._cue.search(buf, max(0, start - CONTEXT), start) is None)
                and not self._held(s, start)
                and not self._follows_digits(s, start)
            ):
                end = self._inert_end(self._inert_run, start)
                if end is not None and not self._opens_block(start, end):
                    self._cut = self._ptr = end
                    continue
            # Never look further than the largest bound: keeps a long blank-free text linear.
            limit = min(n, s + PEM_BOUND + 1)
            m = _WS_RUN.search(buf, max(self._ptr, s), limit)
            if m is not None and m.end() == limit < n:
                m = _WS_RUN.match(buf, m.start())
            c = m.end() if m is not None and m.end() < n else None
            if m is not None and c is None and m.start() - s <= self._holdback:
                return  # a blank run at the very end: wait until it is complete
            if c is not None and m is not None and m.start() - s <= self._holdback:
                verdict = self._cut_ok(m.start(), c)
            else:
                if n - s < self._holdback:
                    return
                bound = self._bound(s)
                if bound == TRIGGERED_BOUND and n - s >= TRIGGERED_BOUND and self._long_token(s):
                    # A long token (a JWT, a base64 blob, a URL, a bearer token after its
                    # `Bearer`): judged whole, with what precedes it, up to 8 KB, so a forced cut
                    # never splits a credential, or a URL around an address, or a value from its
                    # context.
                    bound = LONG_TOKEN_BOUND
                if c is not None and m is not None and m.start() - s <= bound:
                    verdict = self._cut_ok(m.start(), c)
                elif n - s >= bound:
                    forced = self._forced_cut(s, bound)
                    self._hard.append(forced)
                    self._cut = self._ptr = forced
                    continue
                else:
                    return
            if verdict is None:
                return
            self._ptr = c
            if verdict != _NO:
                self._cut = c
                if verdict == _HARD:
                    self._hard.append(c)

    def _inert_end(self, inert_run: re.Pattern[str], start: int) -> int | None:
        """Where the fast path's run of inert words from `start` ends (None: no such word).

        The first words, and the next ones, are matched with their keyword test; in ASCII
        text the rest is matched a step at a time (`_STEPS`) without it and ended before the
        first word that holds a keyword, found by one search over each lowered step: the same
        end as `inert_run` (tested), for less work. From the first step beyond ASCII,
        `inert_run` reads the rest.
        """
        buf = self._buf
        first = self._inert_first.match(buf, start)
        if first is None:
            return None
        pos = first.end()
        if self._inert_first.match(buf, pos) is None:
            return pos  # the run ends within the first step (a text full of keywords ends here)
        for step in itertools.chain(self._inert_steps, itertools.repeat(self._inert_steps[-1])):
            words = step.match(buf, pos)
            if words is None:
                break
            low = pos - 1  # the character before the step, for the keyword's look-behind
            lowered = buf[low : words.end()]
            if not lowered.isascii():
                rest = inert_run.match(buf, pos)
                return rest.end() if rest is not None else pos
            keyword = _KEYWORD_LOWERED.search(lowered.lower(), 1)
            if keyword is not None:
                word = low + keyword.start()
                while word > pos and not buf[word - 1].isspace():  # back to its word's start
                    word -= 1
                return word
            pos = words.end()
        return pos

    def _bound(self, s: int) -> int:
        window = self._buf[s : s + self._holdback]
        if "-----" in window or "PuTTY-User" in window or "Private-Lines:" in window:
            return PEM_BOUND
        if _PLAIN.fullmatch(window) and self.config.soft_cuts and not self.config.lower_cuts_only:
            return self._holdback
        # Plain letters can be a value when a detector reads ordinary words (names, addresses):
        # a judged blank is followed by MIN_PIECE characters that are not judged again, so a
        # bound of `stream_holdback` would force a cut through the next name of a signature.
        return TRIGGERED_BOUND

    def _opens_block(self, a: int, b: int) -> bool:
        """Does buf[a:b] hold the opening of a key block?"""
        return any(self._buf.find(opener, a, b) != -1 for opener, _ in _KEY_BLOCKS)

    def _open_block(self, s: int, c: int) -> bool:
        """Is a key block opened in buf[s:c], within PEM_BOUND of c, still open at c?"""
        for opener, closer in _KEY_BLOCKS:
            begin = self._buf.rfind(opener, s, c)
            if begin != -1 and c - begin <= PEM_BOUND and closer.search(self._buf, begin, c) is None:
                return True
        return False

    def _long_token(self, s: int) -> bool:
        """Does the 512-character window from `s` end in a blank-free run of LONG_TAIL or more?
        Asked once per window start (the answer depends on the window alone)."""
        if self._long_at is not None and self._long_at[0] == s:
            return self._long_at[1]
        end = s + TRIGGERED_BOUND
        last = s
        for blank in _WS_RUN.finditer(self._buf, s, end):
            last = blank.end()
        self._long_at = (s, end - last >= LONG_TAIL)
        return self._long_at[1]

    def _held(self, s: int, c: int) -> bool:
        """Does the piece so far hold text after which a detector ties later words to earlier
        ones (an `@`: a name spelt by the address), so that no cut may be merged across?"""
        holds = self.config.cut_holds
        return bool(holds) and any(self._buf.find(h, s, c) != -1 for h in holds)

    def _follows_digits(self, s: int, pos: int) -> bool:
        """Does the token before the blank run that ends at `pos` (within the piece) hold a
        digit? A value that starts with digits may go on in ordinary words (`gb82 west 1234 …`,
        an IBAN's letter group in lower case), so no cut after such a word is taken unasked."""
        buf = self._buf
        end = pos
        while end > s and buf[end - 1].isspace():
            end -= 1
        if _DIGIT.search(buf, max(s, end - LOOKAROUND), end) is None:
            return False  # the token is within these characters (the usual answer, found in C)
        start = end
        while start > s and not buf[start - 1].isspace() and end - start < LOOKAROUND:
            start -= 1
        if _DIGIT.search(buf, start, end) is None:
            return False
        return _PLACEHOLDER_TOKEN.fullmatch(buf, start, end) is None  # a placeholder ends its value

    def _lower_word(self, token: str) -> bool:
        """An ordinary lower-case word, not one that joins the words of a value (`van`, `de`)."""
        return lower_start(token) and _EDGE_PUNCT.sub("", token).lower() not in self.config.joiners

    def _lower_pair(self, before: str, next_two: str) -> bool:
        """Cut between two lower-case words only: a name or an address begins with a capital, so
        neither can begin after such a cut, nor end before it."""
        return self._lower_word(before) and lower_start(next_two)

    def _forced_cut(self, s: int, bound: int) -> int:
        """Cut before the last key-like run when there is one, so a key is not split if avoidable."""
        limit = s + bound
        for i in range(limit - 1, s, -1):
            if not _KEYLIKE.match(self._buf, i):
                return i + 1
        return limit

    def _cut_ok(self, ws_start: int, c: int) -> int | None:
        """May the text be cut after the blank run [ws_start, c)? _NO, _SOFT (after an inert word
        or at a piece start: pieces may be merged), _HARD (look-ahead decided), or None: need more
        text to know."""
        buf, s = self._buf, self._cut
        if self._open_block(s, c):
            return _NO
        if ws_start == s:
            return _SOFT
        if c - max(s, self._probe) < MIN_PIECE:
            # After a blank the detectors judged, the next MIN_PIECE characters are not cut: each
            # judgement scans 2 x PROBE characters, so dense blanks (digit tables, "DE89
            # DE89 …") would otherwise cost that much per blank. Not cutting only makes the
            # piece longer.
            return _NO
        q = ws_start
        limit = max(s, ws_start - LOOKAROUND)
        while q > limit and not buf[q - 1].isspace():
            q -= 1
        whole_token = q == s or buf[q - 1].isspace()
        before = buf[q:ws_start]
        # A value after a context word ("NHS number 943 …") must stay in its piece: near one, the
        # detectors decide every blank.
        cue_near = self._cue is not None and self._cue.search(buf, max(0, c - CONTEXT), c) is not None
        lower_only = self.config.lower_cuts_only
        if lower_only and buf[c] in "\"'" and c + 1 >= len(buf):
            return None  # the next word's first letter decides (below)
        if c + 4 > len(buf):
            return None  # is the next word a spelled `at` or `dot`? (below)
        free = not cue_near and not (lower_only and self._held(s, c))
        if (
            self.config.soft_cuts
            and whole_token
            and _inert(before)
            and buf[c] not in _OPENERS
            and not _JOINED.match(buf, c)
            and free
            and not self._follows_digits(s, q)
            and (not lower_only or self._lower_pair(before, buf[c : c + 2]))
        ):
            # (A bracket after the blank may open the `(at)` of a spelled-out address that
            # began with this word: the detectors decide there.)
            return _SOFT
        after = _TOKEN.match(buf, c, c + LOOKAROUND)
        if after is None or after.end() == len(buf):
            if len(buf) < c + LOOKAROUND:
                return None
        elif (
            self.config.soft_cuts
            and _inert(after.group(0))
            and not _ASSIGNISH.search(before)
            and not _DIGIT.search(before)
            and free
            and (not lower_only or self._lower_word(after.group(0)))
        ):
            # Only a keyword or an `=`/`:` can tie a word-only value to what precedes it (and,
            # when names or addresses are on, only a capitalised word or a joiner such as `van`
            # can continue one); a value that began with digits can go on in words (an IBAN's
            # letter group in lower case), so a blank after digits is always asked.
            return _HARD
        if len(buf) < c + LOOKAROUND:
            return None
        self._probe = c
        w0 = max(s, c - PROBE)
        crossing = [
            span.end + w0
            for span in detect(buf[w0 : c + PROBE], self.config.cut_detectors)
            if span.context_start + w0 < c and span.end + w0 > ws_start
        ]
        if crossing:
            # The blanks inside the finding are not probed either: the next probe comes
            # MIN_PIECE after its end (digit tables then cost one probe per finding).
            self._probe = max(crossing)
            return _NO
        return _HARD


def guard_text(
    text: str, vault: Vault, mode: PiiMode, config: MaskingConfig, json_context: bool = False
) -> tuple[str, dict[str, int]]:
    """Whole-answer guard: the same machine as the stream, fed once."""
    guard = ResponseGuard(vault, mode, config, json_context)
    out = guard.feed(text) + guard.flush()
    return out, guard.redactions
