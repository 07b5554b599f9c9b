"""gateway.startup.init_phase: the collector off during an entry point's init, its objects frozen after."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from gateway.startup import init_phase


@pytest.fixture
def unfrozen() -> Iterator[None]:
    """Each test starts and ends with nothing frozen and the collector on."""
    gc.unfreeze()
    gc.enable()
    yield
    gc.unfreeze()
    gc.enable()


def test_no_collection_runs_during_init_and_its_objects_are_frozen_after(unfrozen: None) -> None:
    collections: list[int] = []

    def count(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            collections.append(info["generation"])

    gc.callbacks.append(count)
    try:
        with init_phase():
            assert not gc.isenabled()
            made_at_init = [[] for _ in range(50_000)]  # far past the young generation's threshold
        assert collections == []
        assert gc.isenabled()
        assert gc.get_freeze_count() >= len(made_at_init)
        assert not any(gc.is_tracked(x) and x is made_at_init for x in gc.get_objects())
    finally:
        gc.callbacks.remove(count)


def test_a_failed_init_restores_the_collector_and_freezes_nothing(unfrozen: None) -> None:
    with pytest.raises(RuntimeError), init_phase():
        raise RuntimeError("import failed")
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0


def test_a_collector_switched_off_before_stays_off(unfrozen: None) -> None:
    gc.disable()
    with init_phase():
        pass
    assert not gc.isenabled()
