"""The three fake search APIs (one loopback server each, per session) and an httpx client."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
import pytest_asyncio

from tests.fakes.search_backends import FakeBrave, FakeSearxng, FakeTavily


@pytest.fixture(scope="session")
def tavily_server() -> Iterator[FakeTavily]:
    fake = FakeTavily().start()
    yield fake
    fake.stop()


@pytest.fixture(scope="session")
def brave_server() -> Iterator[FakeBrave]:
    fake = FakeBrave().start()
    yield fake
    fake.stop()


@pytest.fixture(scope="session")
def searxng_server() -> Iterator[FakeSearxng]:
    fake = FakeSearxng().start()
    yield fake
    fake.stop()


@pytest.fixture
def fake_tavily(tavily_server: FakeTavily) -> FakeTavily:
    tavily_server.reset()
    return tavily_server


@pytest.fixture
def fake_brave(brave_server: FakeBrave) -> FakeBrave:
    brave_server.reset()
    return brave_server


@pytest.fixture
def fake_searxng(searxng_server: FakeSearxng) -> FakeSearxng:
    searxng_server.reset()
    return searxng_server


@pytest_asyncio.fixture(loop_scope="function")
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as client:
        yield client
