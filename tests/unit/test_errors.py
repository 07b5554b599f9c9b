"""Every error class renders as a complete OpenAI error, and docs/api.md documents each one."""

import re
from pathlib import Path

import pytest

from gateway import errors

API_DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"
NEVER_SENT = {"ClientDisconnected"}  # 499: the caller has left; only the audit record sees it


def all_subclasses() -> set[type[errors.GatewayError]]:
    found, todo = set(), [errors.GatewayError]
    while todo:
        for sub in todo.pop().__subclasses__():
            found.add(sub)
            todo.append(sub)
    return found


def documented() -> set[tuple[int, str, str]]:
    """(status, type, code) for every row of the error table in docs/api.md."""
    rows: set[tuple[int, str, str]] = set()
    for line in API_DOC.read_text().splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) < 4 or not cells[0].isdigit():
            continue
        error_type = cells[1].strip("`")
        for code in re.findall(r"`([a-z_]+)`", cells[2]):
            rows.add((int(cells[0]), error_type, code))
    return rows


@pytest.mark.parametrize("cls", sorted(all_subclasses(), key=lambda c: c.__name__), ids=lambda c: c.__name__)
def test_every_error_the_gateway_sends_is_documented(cls: type[errors.GatewayError]) -> None:
    if cls.__name__ in NEVER_SENT:
        return
    assert (cls.status, cls.type, cls.code) in documented()


def test_the_table_is_read() -> None:
    assert len(documented()) >= 20  # a table the parser could not read would pass the test above


@pytest.mark.parametrize("cls", sorted(all_subclasses(), key=lambda c: c.__name__), ids=lambda c: c.__name__)
def test_body_shape(cls: type[errors.GatewayError]) -> None:
    error = cls("message for the caller", param="messages[0]")
    assert error.body() == {
        "error": {
            "message": "message for the caller",
            "type": cls.type,
            "param": "messages[0]",
            "code": cls.code,
        }
    }


def test_only_a_missing_provider_key_tells_sdks_not_to_retry() -> None:
    told = {cls.__name__ for cls in all_subclasses() if cls("m").headers.get("x-should-retry") == "false"}
    assert told == {"ProviderNotConfigured"}
    assert errors.RateLimited("m", headers={"retry-after": "3"}).headers == {"retry-after": "3"}
