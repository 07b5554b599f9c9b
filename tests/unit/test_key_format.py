import pytest

from gateway.keys.format import from_plaintext, generate_key, hash_key, key_id_of


def test_generated_keys_are_prefixed_unique_and_parse_back() -> None:
    keys = [generate_key() for _ in range(50)]
    assert len({k.plaintext for k in keys}) == 50
    for key in keys:
        assert key.plaintext.startswith("sgw-")
        assert key_id_of(key.plaintext) == key.key_id
        assert key.key_hash == hash_key(key.plaintext) and len(key.key_hash) == 64
        assert key.plaintext not in key.key_hash


@pytest.mark.parametrize(
    "text",
    [
        "",
        "sgw-",
        "sk-abc",
        "sgw-0123456789ab",
        "sgw-0123456789AB-" + "a" * 43,
        "sgw-0123456789ab-" + "a" * 42,
        "sgw-0123456789ab-" + "a" * 43 + "x",
        " sgw-0123456789ab-" + "a" * 43,
    ],
)
def test_malformed_keys_have_no_id(text: str) -> None:
    assert key_id_of(text) is None
    with pytest.raises(ValueError):
        from_plaintext(text)
