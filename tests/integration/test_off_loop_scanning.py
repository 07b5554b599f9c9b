"""Large bodies are scanned off the event loop (issue 11.11), shown by the order of events.

A test detector stops inside its scan until the test lets it go, but only for text carrying
a marker. While one large request (or one large answer) is held that way, a small request
must be answered: it can be only if the held scan runs in a worker thread. The control
shows the method can tell: a *small* body with the marker is scanned on the event loop,
and then nothing else is answered until the scan is let go.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

import httpx
import pytest

import masking
from tests.conftest import Gateway
from tests.fakes.upstream import FakeUpstream, Reply
from tests.helpers import chat_body, post_chat

MARKER = "hold-the-scan-here-7f3a"
BIG = "Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 1400  # ~80 KB of text


class HoldingDetector:
    """Finds nothing; for text with MARKER, first waits until the test releases it."""

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.release = threading.Event()

    def find(self, text: str) -> list[masking.Span]:
        if MARKER in text:
            self.entered.set()
            self.release.wait(30)
        return []


@pytest.fixture
def holding() -> Iterator[HoldingDetector]:
    detector = HoldingDetector()
    yield detector
    detector.release.set()  # never leave a scan (or a worker thread) stuck behind a failed test


def in_background(send: Callable[[], httpx.Response]) -> tuple[threading.Thread, list[httpx.Response]]:
    result: list[httpx.Response] = []
    thread = threading.Thread(target=lambda: result.append(send()), daemon=True)
    thread.start()
    return thread, result


def assert_answered_while_held(
    gateway: Gateway, holding: HoldingDetector, held: list[httpx.Response]
) -> None:
    assert holding.entered.wait(20), "the large scan never started"
    small = post_chat(gateway, chat_body("a small question"), timeout=20)
    # Answered while the large scan is still held: it ran beside the event loop, not on it.
    assert small.status_code == 200 and not holding.release.is_set() and held == []


def test_a_large_request_body_is_scanned_in_a_worker_thread(
    gateway_factory: Callable[..., Gateway], upstream: FakeUpstream, holding: HoldingDetector
) -> None:
    gateway = gateway_factory(extra_detectors=(holding,))
    thread, held = in_background(lambda: post_chat(gateway, chat_body(f"{BIG} {MARKER}"), timeout=60))
    assert_answered_while_held(gateway, holding, held)
    holding.release.set()
    thread.join(30)
    assert held[0].status_code == 200


def test_a_large_whole_answer_is_guarded_in_a_worker_thread(
    gateway_factory: Callable[..., Gateway], upstream: FakeUpstream, holding: HoldingDetector
) -> None:
    gateway = gateway_factory(extra_detectors=(holding,))
    upstream.queue(Reply(content=f"{BIG} {MARKER}"))
    thread, held = in_background(lambda: post_chat(gateway, chat_body("a short question"), timeout=60))
    assert_answered_while_held(gateway, holding, held)
    holding.release.set()
    thread.join(30)
    assert held[0].status_code == 200 and MARKER in held[0].json()["choices"][0]["message"]["content"]


def test_control_a_small_body_is_scanned_on_the_loop_and_blocks_everyone(
    gateway_factory: Callable[..., Gateway], upstream: FakeUpstream, holding: HoldingDetector
) -> None:
    gateway = gateway_factory(extra_detectors=(holding,))
    thread, held = in_background(lambda: post_chat(gateway, chat_body(MARKER), timeout=60))
    assert holding.entered.wait(20)
    # The loop itself is held, so this cannot be answered before the release, however fast
    # the machine: it times out.
    with pytest.raises(httpx.TimeoutException):
        post_chat(gateway, chat_body("a small question"), timeout=2)
    holding.release.set()
    thread.join(30)
    assert held[0].status_code == 200
