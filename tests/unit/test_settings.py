import re
from pathlib import Path

import pytest

import gateway.settings
from gateway.aws import access, credentials
from gateway.search.factory import BACKENDS
from gateway.settings import Settings, SettingsError

CONFIGURATION_DOC = Path(__file__).resolve().parents[2] / "docs" / "configuration.md"


def test_defaults_match_the_design() -> None:
    s = Settings.from_env({})
    assert (s.env, s.pii_floor, s.secrets_mode, s.stream_holdback) == ("prod", "disabled", "block", 96)
    assert (s.max_body_bytes, s.deadline_s, s.key_cache_s) == (1_048_576, 300, 30)
    assert (s.default_rpm, s.default_tpd, s.phone_regions) == (60, 1_000_000, ("US",))
    assert not s.local_echo and not s.docs_enabled and s.base_urls == {}


def test_environment_is_read() -> None:
    s = Settings.from_env(
        {
            "GATEWAY_ENV": "dev",
            "GATEWAY_OPENAI_BASE_URL": "http://127.0.0.1:9/v1/",
            "GATEWAY_PII_FLOOR": "OBFUSCATE",
            "GATEWAY_PII_ALLOW": "@corp.example, 10.0.0.0/8",
            "GATEWAY_PHONE_REGIONS": "us,gb",
            "GATEWAY_MODEL_MAP": '{"google/gemini-2.0-flash-exp": "gemini-2.5-flash"}',
            "GATEWAY_LOCAL_ECHO": "1",
            "OPENAI_API_KEY": "sk-local",
        }
    )
    assert s.base_urls == {"openai": "http://127.0.0.1:9/v1"}
    assert s.pii_floor == "obfuscate" and s.docs_enabled and s.local_echo
    assert s.pii_allow == ("@corp.example", "10.0.0.0/8") and s.phone_regions == ("US", "GB")
    assert s.model_map == {"google/gemini-2.0-flash-exp": "gemini-2.5-flash"}
    assert s.provider_keys_env == {"openai": "sk-local"}


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("GATEWAY_PII_FLOOR", "lenient"),
        ("GATEWAY_SECRETS", "allow"),
        ("GATEWAY_MAX_BODY_BYTES", "lots"),
        ("GATEWAY_STREAM_HOLDBACK", "2"),
        ("GATEWAY_MODEL_MAP", "[1]"),
        ("GATEWAY_RESTORE_IN_URLS", "maybe"),
        ("GATEWAY_PII_LOCALES", "us,xx"),
        ("GATEWAY_PII_NAMES", "sometimes"),
    ],
)
def test_bad_values_fail_loudly(name: str, value: str) -> None:
    with pytest.raises(SettingsError) as info:
        Settings.from_env({name: value})
    assert name in str(info.value)


def test_every_variable_the_gateway_reads_is_in_the_one_settings_table() -> None:
    source = "".join(Path(m.__file__).read_text() for m in (gateway.settings, access, credentials))
    read = set(re.findall(r'"((?:GATEWAY|POWERTOOLS|AWS)_[A-Z_]+|LOG_LEVEL|[A-Z]+_API_KEY)"', source))
    read |= {backend.url_variable for backend in BACKENDS.values()}
    read |= {b.key_variable for b in BACKENDS.values() if b.key_variable}
    documented = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", CONFIGURATION_DOC.read_text()))
    assert len(read) > 30 and read <= documented, read - documented


def test_log_level_is_read_and_checked() -> None:
    assert Settings.from_env({}).log_level == "INFO"
    assert Settings.from_env({"LOG_LEVEL": "debug"}).log_level == "DEBUG"
    with pytest.raises(SettingsError, match="LOG_LEVEL"):
        Settings.from_env({"LOG_LEVEL": "chatty"})


def test_only_the_configured_search_backends_url_is_read() -> None:
    s = Settings.from_env({"GATEWAY_SEARCH_BACKEND": "searxng", "GATEWAY_SEARXNG_URL": "http://s.test"})
    assert (s.search_backend, s.search_url) == ("searxng", "http://s.test")
    s = Settings.from_env({"GATEWAY_SEARCH_BACKEND": "brave", "GATEWAY_SEARXNG_URL": "http://s.test"})
    assert (s.search_backend, s.search_url) == ("brave", None)
    assert Settings.from_env({"GATEWAY_SEARXNG_URL": "http://s.test"}).search_url is None


def test_detection_breadth_settings() -> None:
    default = Settings.from_env({})
    assert default.pii_locales == ("us",) and not default.pii_names and not default.pii_addresses
    s = Settings.from_env(
        {"GATEWAY_PII_LOCALES": "UK, de,uk", "GATEWAY_PII_NAMES": "on", "GATEWAY_PII_ADDRESSES": "off"}
    )
    assert s.pii_locales == ("uk", "de") and s.pii_names and not s.pii_addresses
    assert s.phone_regions == ("GB", "DE")  # phone regions follow the locales...
    own = Settings.from_env({"GATEWAY_PII_LOCALES": "uk,de", "GATEWAY_PHONE_REGIONS": "fr"})
    assert own.phone_regions == ("FR",)  # ...unless set on their own
