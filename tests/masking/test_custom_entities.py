"""A deployment's own identifiers: detected like built-in types (request, answer, stream,
restore, counts), validators and context words applied, `block` refused in every mode, and
patterns checked at start-up."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from masking import MaskingConfig, PiiDetected, ResponseGuard, Vault, guard_text, protect_request, scan
from masking.detectors.custom import CustomEntity, EntityError

ENTITIES = (
    CustomEntity("EMPLOYEE_ID", r"EMP-\d{6}"),
    CustomEntity("CUSTOMER_NO", r"\d{4}-\d{4}-\d{3}", validator="luhn", context=("customer", "kundennummer")),
    CustomEntity("ACCOUNT_REF", r"AC\d{8}", validator="mod97"),
    CustomEntity("VAT_NUMBER", r"GB\d{9}", validator="stdnum:gb.vat"),
    CustomEntity("PROJECT", r"(?i)project (?:bluebird|nightjar)", action="block"),
)
CONFIG = MaskingConfig(custom_entities=ENTITIES)


def _found(text: str) -> list[tuple[str, str]]:
    return [(s.type, text[s.start : s.end]) for s in scan(text, CONFIG.detectors)]


POSITIVE = [
    ("badge EMP-004211 at the door", "EMPLOYEE_ID", "EMP-004211"),
    ("owners: EMP-123456,EMP-654321", "EMPLOYEE_ID", "EMP-123456"),
    ("(EMP-000001)", "EMPLOYEE_ID", "EMP-000001"),
    ("customer 4242-4242-107 called", "CUSTOMER_NO", "4242-4242-107"),
    ("Kundennummer: 4242-4242-107", "CUSTOMER_NO", "4242-4242-107"),
    ("ref AC10000015 paid", "ACCOUNT_REF", "AC10000015"),
    ("VAT GB980780684 on the invoice", "VAT_NUMBER", "GB980780684"),
    ("about Project Bluebird today", "PROJECT", "Project Bluebird"),
    ("PROJECT NIGHTJAR is late", "PROJECT", "PROJECT NIGHTJAR"),
    ("emp EMP\u2011004211 with a no-break hyphen", "EMPLOYEE_ID", "EMP\u2011004211"),
]
NEGATIVE = [
    ("EMP-12345 has five digits", "too short"),
    ("XEMP-004211", "glued to a word"),
    ("order 4242-4242-107 shipped", "no context word"),
    ("customer 4242-4242-108 called", "fails Luhn"),
    ("ref AC10000016", "fails mod 97"),
    ("VAT GB980780685", "fails the stdnum check"),
    ("the bluebird project", "word order"),
]


@pytest.mark.parametrize(("text", "type_", "value"), POSITIVE)
def test_custom_entities_are_found(text: str, type_: str, value: str) -> None:
    assert (type_, value) in _found(text)


@pytest.mark.parametrize(("text", "why"), NEGATIVE)
def test_custom_look_alikes_are_left(text: str, why: str) -> None:
    custom = {"EMPLOYEE_ID", "CUSTOMER_NO", "ACCOUNT_REF", "VAT_NUMBER", "PROJECT"}
    assert [f for f in _found(text) if f[0] in custom] == [], why


def test_mask_restore_and_counts() -> None:
    text = "EMP-004211 and EMP-004212 asked customer 4242-4242-107 about it"
    result = protect_request({"messages": [{"role": "user", "content": text}]}, "obfuscate", CONFIG)
    masked = result.payload["messages"][0]["content"]
    assert (
        masked
        == "[REDACTED_EMPLOYEE_ID_1] and [REDACTED_EMPLOYEE_ID_2] asked customer [REDACTED_CUSTOMER_NO_1] about it"
    )
    assert result.pii_counts == {"EMPLOYEE_ID": 2, "CUSTOMER_NO": 1}
    assert guard_text(masked, result.vault, "obfuscate", CONFIG)[0] == text
    # foreign values of a `mask` entity are redacted like foreign PII
    assert guard_text("see EMP-999999", result.vault, "obfuscate", CONFIG)[0] == "see [REDACTED_EMPLOYEE_ID]"


@pytest.mark.parametrize("mode", ["disabled", "obfuscate", "block"])
def test_block_entities_are_refused_in_every_mode_and_redacted_from_every_answer(mode: str) -> None:
    with pytest.raises(PiiDetected) as refused:
        protect_request(
            {"messages": [{"role": "user", "content": "status of project bluebird?"}]}, mode, CONFIG
        )  # type: ignore[arg-type]
    assert refused.value.counts == {"PROJECT": 1}
    out, redacted = guard_text("Project Nightjar ships soon", Vault(), mode, CONFIG)  # type: ignore[arg-type]
    assert out == "[REDACTED_PROJECT] ships soon" and redacted == {"PROJECT": 1}


@given(data=st.data())
def test_stream_invariant_with_custom_entities(data: st.DataObject) -> None:
    words = ["see", "Project Bluebird", "EMP-004211", "customer 4242-4242-107", "and", "then", "ok"]
    text = " ".join(data.draw(st.lists(st.sampled_from(words), min_size=1, max_size=12))) + " "
    whole, _ = guard_text(text, Vault(), "obfuscate", CONFIG)
    assert "Bluebird" not in whole and "004211" not in whole and "4242" not in whole
    cuts = sorted(set(data.draw(st.lists(st.integers(0, len(text)), max_size=20))))
    guard = ResponseGuard(Vault(), "obfuscate", CONFIG)
    out = ""
    for a, b in itertools.pairwise([0, *cuts, len(text)]):
        out += guard.feed(text[a:b])
        assert "Bluebird" not in out and "EMP-0042" not in out
    assert out + guard.flush() == whole


@pytest.mark.parametrize(
    ("entity", "message"),
    [
        (CustomEntity("employee_id", r"E\d+"), "UPPER_SNAKE_CASE"),
        (CustomEntity("EMAIL", r"x\d+"), "built-in type"),
        (CustomEntity("BACKREF", r"(a)\1"), "refused"),
        (CustomEntity("LOOKAHEAD", r"a(?=b)"), "refused"),
        (CustomEntity("EMPTY", r"x*"), "empty string"),
        (CustomEntity("BAD_VALIDATOR", r"\d{4}", validator="crc32"), "validator"),
        (CustomEntity("BAD_STDNUM", r"\d{4}", validator="stdnum:xx.nothing"), "unknown validator"),
        (CustomEntity("BAD_ACTION", r"\d{4}", action="warn"), "action"),  # type: ignore[arg-type]
        (CustomEntity("LONG", "a" * 501), "1-500"),
    ],
)
def test_bad_entities_stop_start_up_with_their_name(entity: CustomEntity, message: str) -> None:
    with pytest.raises(EntityError, match=message) as error:
        MaskingConfig(custom_entities=(entity,))
    assert entity.name in str(error.value)


def test_catastrophic_patterns_run_in_linear_time() -> None:
    """RE2 has no backtracking: the classic exponential patterns are fine to declare."""
    config = MaskingConfig(
        custom_entities=(CustomEntity("NESTED", r"(a+)+b"), CustomEntity("ALT", r"(a|aa)+c"))
    )
    assert scan("a" * 5000 + "!", config.detectors) == []
