"""The playground's files over HTTP (no browser): headers, content types, 404s, and the
page's own rules checked in its source. The browser test is tests/e2e/test_playground.py."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from gateway.api.playground import ASSETS, FILES
from tests.conftest import Gateway

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


def assert_locked_down(response: httpx.Response) -> None:
    assert response.headers["content-security-policy"] == CSP
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["x-request-id"].startswith("req_")


def test_page_is_served_with_a_strict_policy(gateway: Gateway) -> None:
    response = httpx.get(f"{gateway.url}/playground")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert_locked_down(response)
    assert '<script src="playground/app.js" defer></script>' in response.text


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("app.js", "text/javascript; charset=utf-8"),
        ("style.css", "text/css; charset=utf-8"),
        ("favicon.svg", "image/svg+xml"),
    ],
)
def test_assets_have_their_content_types(gateway: Gateway, name: str, content_type: str) -> None:
    response = httpx.get(f"{gateway.url}/playground/{name}")
    assert response.status_code == 200
    assert response.headers["content-type"] == content_type
    assert_locked_down(response)
    assert response.content == (FILES / name).read_bytes()


def test_trailing_slash_redirects_relatively(gateway: Gateway) -> None:
    # Relative, so a stage prefix the app never sees (/Prod/playground/) survives it.
    response = httpx.get(f"{gateway.url}/playground/")
    assert response.status_code == 308 and response.headers["location"] == "../playground"


@pytest.mark.parametrize(
    "path",
    [
        "/playground/index.html",  # the page has one address
        "/playground/missing.js",
        "/playground/..%2Fapp.py",
        "/playground/%2e%2e/settings.py",
        "/playground/sub/app.js",
        "/playground/APP.JS",
    ],
)
def test_unknown_files_are_openai_shaped_404s(gateway: Gateway, path: str) -> None:
    response = httpx.get(f"{gateway.url}{path}")
    assert response.status_code == 404
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"message", "type", "param", "code"}
    assert body["error"]["code"] == "not_found" and body["error"]["type"] == "invalid_request_error"


def test_playground_needs_no_key_but_the_api_still_does(gateway: Gateway) -> None:
    assert httpx.get(f"{gateway.url}/playground").status_code == 200
    assert httpx.get(f"{gateway.url}/api/v1/models").status_code == 401


def test_shipped_files_are_exactly_the_served_ones() -> None:
    shipped = {path.name for path in FILES.iterdir() if path.is_file()}
    assert shipped == {"index.html", *ASSETS}


def source(name: str) -> str:
    return Path(FILES / name).read_text()


def test_page_source_keeps_its_rules() -> None:
    """What the CSP enforces in the browser, and what it cannot (storage, innerHTML)."""
    script, page, style = source("app.js"), source("index.html"), source("style.css")
    for forbidden in (
        "innerHTML",
        "outerHTML",
        "insertAdjacentHTML",
        "document.write",
        "eval(",
        "new Function",
    ):
        assert forbidden not in script, forbidden
    for forbidden in ("localStorage", "sessionStorage", "indexedDB", "document.cookie"):
        assert forbidden not in script, forbidden
    # No other origin named anywhere: no CDN, no font, no analytics.
    for text in (script, page, style):
        assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", text, re.IGNORECASE)
        assert "@import" not in text
    # Nothing inline that the policy would have to allow.
    assert "<style" not in page and " style=" not in page
    assert re.findall(r"<script[^>]*>", page) == ['<script src="playground/app.js" defer>']
    assert not re.search(r"\son[a-z]+=", page)  # no inline event handlers
    assert "<form" not in page  # form-action 'none': nothing is ever submitted
