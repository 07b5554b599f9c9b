"""The playground in real headless Chromium (Debian's package, driven by Selenium).

The browser talks to the gateway under uvicorn on loopback, the gateway to the fake
provider, so what the page shows on the right is checked against the bytes the
provider really received. Chromium and chromedriver come from the system (apt), never
downloaded: the Service gets the driver's path, so Selenium Manager has nothing to do.
Without Chromium the tests skip on a laptop and fail under CI (`CI` set).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.chrome.webdriver import WebDriver
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import Select, WebDriverWait
from starlette.types import Receive, Scope, Send

from dev.threaded_server import ThreadedServer
from gateway.app import create_app
from gateway.services import build_services
from tests.conftest import Gateway, provider_urls
from tests.fakes.search_backends import FakeSearxng
from tests.fakes.upstream import FakeUpstream, Reply, Stream

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")

EMAIL = "jane.doe@example.org"
SSN = "536-22-8491"
CARD = "4111 1111 1111 1111"
AWS_KEY = "AKIA" + "Q3EGT5WZ7XKPLM2N"
PROMPT = f"Please email {EMAIL} that SSN {SSN} and card {CARD} are on file."
MODEL = "openai/gpt-4o-mini"
WAIT_S = 15
TIMES = "\N{MULTIPLICATION SIGN}"  # the page writes counts as "EMAIL", this sign, "1"

# One worker drives one Chromium for the whole module.
pytestmark = pytest.mark.xdist_group("browser")


@pytest.fixture(scope="module")
def browser() -> Iterator[WebDriver]:
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        reason = f"needs {CHROMIUM} and {CHROMEDRIVER} (apt-get install chromium chromium-driver)"
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the browser test: {reason}")
        pytest.skip(reason)
    options = Options()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new",
        "--no-sandbox",  # CI containers run as root, where Chromium's sandbox cannot start
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1440,900",
        "--force-device-scale-factor=1",
        "--disable-background-networking",  # the browser itself calls no one either
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SE_OFFLINE", "true")  # belt and braces: Selenium Manager never downloads
        driver = webdriver.Chrome(options=options, service=Service(executable_path=str(CHROMEDRIVER)))
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def page(browser: WebDriver) -> Iterator[WebDriver]:
    yield browser
    console_log(browser)  # drain, so each test sees only its own console lines
    browser.get("about:blank")


# --- page helpers ------------------------------------------------------------------------


def console_log(driver: WebDriver) -> list[dict[str, Any]]:
    """The browser console since the last call (Chromium hands each line out once)."""
    # selenium leaves get_log unannotated
    lines: list[dict[str, Any]] = driver.get_log("browser")  # type: ignore[no-untyped-call]
    return lines


def wait(driver: WebDriver, condition: Callable[[WebDriver], Any]) -> Any:
    return WebDriverWait(driver, WAIT_S, poll_frequency=0.05).until(condition)


def open_playground(driver: WebDriver, url: str, api_key: str) -> None:
    driver.get(url)
    wait(driver, lambda d: d.execute_script("return document.documentElement.dataset.ready === 'true'"))
    driver.find_element(By.ID, "api-key").send_keys(api_key)
    driver.find_element(By.ID, "connect").click()
    wait(driver, lambda d: d.find_element(By.ID, "model").is_enabled())
    Select(driver.find_element(By.ID, "model")).select_by_value(MODEL)


def ask(driver: WebDriver, text: str, pii: str, web_search: bool = False) -> WebElement:
    """Send one message; return its turn once the page has finished it."""
    Select(driver.find_element(By.ID, "pii")).select_by_value(pii)
    checkbox = driver.find_element(By.ID, "web-search")
    if checkbox.is_selected() != web_search:
        checkbox.click()
    before = len(driver.find_elements(By.CSS_SELECTOR, "article.turn"))
    driver.find_element(By.ID, "prompt").send_keys(text)
    driver.find_element(By.ID, "send").click()
    turn: WebElement = wait(
        driver, lambda d: d.find_elements(By.CSS_SELECTOR, "article.turn")[before:] or False
    )[0]
    wait(driver, lambda _: {"ok", "failed"} & set(str(turn.get_attribute("class")).split()))
    return turn


def text_of(turn: WebElement, selector: str) -> str:
    return str(turn.find_element(By.CSS_SELECTOR, selector).get_attribute("textContent"))


def assert_nothing_kept_or_fetched(driver: WebDriver, gateway_url: str, api_key: str) -> None:
    kept = driver.execute_script(
        "return [localStorage.length, sessionStorage.length, document.cookie,"
        " document.getElementById('api-key').value]"
    )
    assert kept == [0, 0, "", ""]
    resources = driver.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"
        ".concat(performance.getEntriesByType('navigation').map(e => e.name))"
    )
    assert resources and all(name.startswith(f"{gateway_url}/") for name in resources), resources
    assert api_key not in driver.page_source
    # Refusals are HTTP errors, which Chromium logs; anything else severe (a CSP
    # violation by our own page, a missing asset, a script error) fails the test.
    console = [entry["message"] for entry in console_log(driver) if entry["level"] == "SEVERE"]
    assert [line for line in console if "/api/v1/" not in line] == []


def screenshot(driver: WebDriver, name: str) -> Path:
    """The whole conversation at 1440 px wide, as a test artifact (gitignored)."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    height = int(driver.execute_script("return document.documentElement.scrollHeight"))
    metrics = {"width": 1440, "height": min(height, 3000), "deviceScaleFactor": 1, "mobile": False}
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
    try:
        assert driver.save_screenshot(str(path))
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    return path


# --- tests ---------------------------------------------------------------------------------


def test_obfuscate_streams_the_restored_answer_beside_what_the_provider_saw(
    page: WebDriver, gateway: Gateway, upstream: FakeUpstream
) -> None:
    # Several pieces, paused, with placeholders cut across pieces: the page must show
    # text arriving before the end, and the gateway must restore across the cuts.
    upstream.queue(
        Stream(
            pieces=[
                "Noted. I will write to ",
                "[REDACTED_EMAIL_1] that SSN [REDACTED_",
                "SSN_1] and card [REDACTED_CREDIT_CARD_1]",
                " are on file, and keep them out of the ticket.",
            ],
            delay_s=0.4,
        )
    )
    open_playground(page, f"{gateway.url}/playground", gateway.api_key)
    Select(page.find_element(By.ID, "pii")).select_by_value("obfuscate")
    search = page.find_element(By.ID, "web-search")  # no search backend here: not offered
    assert not search.is_selected() and not search.is_enabled()
    page.find_element(By.ID, "prompt").send_keys(PROMPT)
    page.find_element(By.ID, "send").click()

    # Streaming: part of the answer is on screen while the stream is still open.
    answer = wait(page, lambda d: d.find_elements(By.CSS_SELECTOR, ".pane.answer pre.streaming") or False)[0]
    wait(page, lambda _: "Noted." in str(answer.get_attribute("textContent")))
    assert "streaming" in str(answer.get_attribute("class"))
    turn = page.find_element(By.CSS_SELECTOR, "article.turn")
    wait(page, lambda _: "ok" in str(turn.get_attribute("class")).split())

    assert text_of(turn, ".pane.answer pre") == (
        f"Noted. I will write to {EMAIL} that SSN {SSN} and card {CARD}"
        " are on file, and keep them out of the ticket."
    )
    assert text_of(turn, ".pane.typed pre") == PROMPT

    # The right-hand view is exactly what the provider received, placeholders coloured by type.
    sent = upstream.received[-1].json["messages"][-1]["content"]
    assert sent == (
        "Please email [REDACTED_EMAIL_1] that SSN [REDACTED_SSN_1] and card [REDACTED_CREDIT_CARD_1] are on file."
    )
    assert text_of(turn, ".pane.sent pre.last-user") == sent
    spans = turn.find_elements(By.CSS_SELECTOR, ".pane.sent pre.last-user .ph")
    assert [(s.text, s.get_attribute("class")) for s in spans] == [
        ("[REDACTED_EMAIL_1]", "ph ph-email"),
        ("[REDACTED_SSN_1]", "ph ph-ssn"),
        ("[REDACTED_CREDIT_CARD_1]", "ph ph-credit-card"),
    ]
    provider_view = text_of(turn, ".pane.sent")
    assert all(value not in provider_view for value in (EMAIL, SSN, CARD))

    # The counts come from the response headers.
    facts = text_of(turn, ".facts")
    for fact in (
        "pii mode obfuscate",
        f"CREDIT_CARD {TIMES}1",
        f"EMAIL {TIMES}1",
        f"SSN {TIMES}1",
        "web search off",
    ):
        assert fact in facts

    # Block mode, same page: refused, with the reason, and nothing went upstream.
    received = len(upstream.received)
    blocked = ask(page, PROMPT, pii="block")
    assert "failed" in str(blocked.get_attribute("class"))
    assert text_of(blocked, ".pane.refusal code") == "pii_detected"
    reason = text_of(blocked, ".pane.refusal .reason")
    assert "CREDIT_CARD" in reason and "EMAIL" in reason and "SSN" in reason
    assert text_of(blocked, ".pane.sent") == "Left for the providerNothing left for the provider."
    assert len(upstream.received) == received

    # And a credential, refused in every mode.
    secret = ask(page, f"Why does {AWS_KEY} not work with boto3?", pii="obfuscate")
    assert text_of(secret, ".pane.refusal code") == "secret_detected"
    assert len(upstream.received) == received

    shot = screenshot(page, "playground.png")
    assert shot.stat().st_size > 10_000
    assert_nothing_kept_or_fetched(page, gateway.url, gateway.api_key)


def test_starts_on_a_model_that_answers_and_offers_search_only_with_a_backend(
    page: WebDriver,
    gateway_factory: Callable[..., Gateway],
    upstream: FakeUpstream,
    fake_searxng: FakeSearxng,
) -> None:
    # A fresh `make dev`: no provider key and no Bedrock region (dev/serve.py drops AWS_REGION),
    # only the echo model can answer.
    no_bedrock = {p: url for p, url in provider_urls(upstream.base_url).items() if p != "bedrock"}
    bare = gateway_factory(
        providers_secret=None,
        provider_keys_env={},
        local_echo=True,
        local_echo_url=upstream.base_url,
        base_urls=no_bedrock,
    )
    page.get(f"{bare.url}/playground")
    wait(page, lambda d: d.execute_script("return document.documentElement.dataset.ready === 'true'"))
    page.find_element(By.ID, "api-key").send_keys(bare.api_key)
    page.find_element(By.ID, "connect").click()
    wait(page, lambda d: d.find_element(By.ID, "model").is_enabled())
    models = Select(page.find_element(By.ID, "model"))
    assert [o.get_attribute("value") for o in models.options] == ["local/echo"]
    search = page.find_element(By.ID, "web-search")
    assert not search.is_selected() and not search.is_enabled()
    turn = ask(page, "Hello there", pii="obfuscate")
    assert text_of(turn, ".pane.answer pre") == "echo: Hello there"

    searching = gateway_factory(search_backend="searxng", search_url=fake_searxng.url)
    open_playground(page, f"{searching.url}/playground", searching.api_key)
    search = page.find_element(By.ID, "web-search")
    assert search.is_selected() and search.is_enabled()


def test_a_secret_is_refused_with_its_reason(
    page: WebDriver, gateway: Gateway, upstream: FakeUpstream
) -> None:
    open_playground(page, f"{gateway.url}/playground", gateway.api_key)
    turn = ask(page, f"Why does {AWS_KEY} not work with boto3?", pii="disabled")
    assert text_of(turn, ".pane.refusal h3") == "Blocked by the gateway"
    assert text_of(turn, ".pane.refusal code") == "secret_detected"
    reason = text_of(turn, ".pane.refusal .reason")
    assert "aws_access_key_id" in reason.lower() or "aws" in reason.lower()
    assert AWS_KEY not in reason and AWS_KEY not in text_of(turn, ".pane.sent")
    assert upstream.received == []
    screenshot(page, "playground-secret.png")
    assert_nothing_kept_or_fetched(page, gateway.url, gateway.api_key)


def test_answer_markup_stays_text_and_the_csp_holds(
    page: WebDriver, gateway: Gateway, upstream: FakeUpstream
) -> None:
    hostile = '<img src="https://tracker.invalid/p.png"> <b>bold</b> [REDACTED_EMAIL]'
    upstream.queue(Reply(content=hostile))
    open_playground(page, f"{gateway.url}/playground", gateway.api_key)
    turn = ask(page, "Say something in HTML.", pii="obfuscate")
    assert text_of(turn, ".pane.answer pre") == hostile
    assert turn.find_elements(By.CSS_SELECTOR, ".pane.answer img, .pane.answer b") == []
    assert [
        s.get_attribute("data-type") for s in turn.find_elements(By.CSS_SELECTOR, ".pane.answer .ph")
    ] == ["EMAIL"]
    assert_nothing_kept_or_fetched(page, gateway.url, gateway.api_key)
    # Even script-made elements cannot reach another origin: the policy is enforced.
    violated = page.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        document.addEventListener('securitypolicyviolation', (e) => done(e.violatedDirective), {once: true});
        const img = document.createElement('img');
        img.src = 'https://tracker.invalid/pixel.png';
        document.body.append(img);
        """
    )
    assert violated == "img-src"


class StagePrefix:
    """API Gateway's REST API in miniature: the page lives under /Prod, the app sees paths
    without it, and anything outside the prefix is not routed at all."""

    def __init__(self, app: Any, prefix: str) -> None:
        self.app, self.prefix = app, prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        if not path.startswith(f"{self.prefix}/"):
            await send({"type": "http.response.start", "status": 403, "headers": []})
            await send({"type": "http.response.body", "body": b"outside the stage"})
            return
        stripped = path.removeprefix(self.prefix)
        await self.app({**scope, "path": stripped, "raw_path": stripped.encode()}, receive, send)


@pytest.fixture
def staged_gateway(gateway: Gateway) -> Iterator[str]:
    services = build_services(
        gateway.settings,
        audit_stream=gateway.audit,
    )
    server = ThreadedServer(
        StagePrefix(create_app(gateway.settings, services), "/Prod"), name="staged"
    ).start()
    yield f"{server.url}/Prod"
    server.stop()


def test_works_under_a_stage_prefix(
    page: WebDriver, gateway: Gateway, staged_gateway: str, upstream: FakeUpstream
) -> None:
    assert httpx.get(f"{staged_gateway}/playground").status_code == 200
    open_playground(page, f"{staged_gateway}/playground", gateway.api_key)
    turn = ask(page, f"Reach me at {EMAIL}.", pii="obfuscate")
    assert text_of(turn, ".pane.answer pre") == f"echo: Reach me at {EMAIL}."
    assert text_of(turn, ".pane.sent pre.last-user") == "Reach me at [REDACTED_EMAIL_1]."
    assert_nothing_kept_or_fetched(page, staged_gateway, gateway.api_key)


def test_a_wrong_key_is_reported_and_not_kept(page: WebDriver, gateway: Gateway) -> None:
    page.get(f"{gateway.url}/playground")
    wait(page, lambda d: d.execute_script("return document.documentElement.dataset.ready === 'true'"))
    page.find_element(By.ID, "api-key").send_keys("sgw-000000000000-" + "x" * 43)
    page.find_element(By.ID, "connect").click()
    status = page.find_element(By.ID, "key-status")
    wait(page, lambda _: "invalid_api_key" in status.text)
    assert not page.find_element(By.ID, "send").is_enabled()
    assert_nothing_kept_or_fetched(page, gateway.url, "sgw-000000000000-" + "x" * 43)


@pytest.mark.parametrize("route", ["messages", "responses"])
def test_the_route_picker_speaks_each_api_with_the_same_guarantees(
    page: WebDriver, gateway: Gateway, upstream: FakeUpstream, route: str
) -> None:
    """Issue 15: the same conversation over Anthropic Messages or OpenAI Responses: masked on the
    way out, restored in the streamed answer, a second turn carrying the first, a secret refused."""
    upstream.queue(Stream(pieces=["Noted: [REDACTED_", "EMAIL_1] it is."]), Stream(pieces=["Again."]))
    open_playground(page, f"{gateway.url}/playground", gateway.api_key)
    Select(page.find_element(By.ID, "route")).select_by_value(route)
    turn = ask(page, f"Mail {EMAIL} please.", pii="obfuscate")
    assert "ok" in str(turn.get_attribute("class")).split()
    assert text_of(turn, ".pane.answer pre") == f"Noted: {EMAIL} it is."
    assert upstream.received[-1].path == "/v1/chat/completions"
    assert EMAIL not in upstream.received[-1].body.decode()
    second = ask(page, "And again?", pii="obfuscate")
    assert text_of(second, ".pane.answer pre") == "Again."
    assert len(upstream.received[-1].json["messages"]) == 4  # system, the first turn, its answer, this
    refused = ask(page, f"Why does {AWS_KEY} fail?", pii="disabled")
    assert text_of(refused, ".pane.refusal code") == "secret_detected"
    assert len(upstream.received) == 2
    assert_nothing_kept_or_fetched(page, gateway.url, gateway.api_key)
