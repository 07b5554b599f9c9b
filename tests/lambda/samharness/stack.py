"""The stack under test: template.yaml resolved against moto and a fake upstream.

Shared by tests/lambda (through its conftest) and bench/cold_start.py.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from samharness import aws, template
from samharness.fake_upstream import FakeUpstream, fake_upstream

ROOT = Path(__file__).resolve().parents[3]
TEMPLATE = ROOT / "template.yaml"
EVENTS = ROOT / "events"

# The key the event files carry; seeded into moto's copy of the template's table.
DEV_KEY = "sgw-0123456789ab-0123456789abcdefghijklmnopqrstuvwxyzABCDEFG"
ADMIN_KEY = "LambdaHarnessAdminKey0123456789abcdefghijklmnopq"
PROVIDER_KEY = "upstream-test-key-from-the-providers-secret"
# Settings only the harness adds: where moto and the fake upstream are.
TEST_ONLY_ENV = ("AWS_ENDPOINT_URL", "GATEWAY_OPENAI_BASE_URL")


@dataclass
class Stack:
    data: dict[str, Any]
    moto: aws.Moto
    fake: FakeUpstream
    resolver: template.Resolver
    functions: dict[str, template.Function]
    log_dir: Path

    def environment(self, fn: template.Function) -> dict[str, str]:
        for name in TEST_ONLY_ENV:
            assert name not in fn.environment, f"{fn.logical_id} sets {name}; only the harness may"
        env = aws.lambda_environment(f"sam-local-{fn.logical_id}", fn.memory, fn.handler, str(fn.code_dir))
        env["PATH"] = "/usr/local/bin:/usr/bin:/bin"
        env.update(fn.environment)
        env["AWS_ENDPOINT_URL"] = self.moto.endpoint
        env["GATEWAY_OPENAI_BASE_URL"] = self.fake.base_url
        return env


def load_event(name: str) -> dict[str, Any]:
    return dict(json.loads((EVENTS / f"{name}.json").read_text()))


def event_names(prefix: str) -> list[str]:
    return sorted(p.stem for p in EVENTS.glob(f"{prefix}*.json"))


def seed_key(moto: aws.Moto, table: str, code_dir: Path) -> None:
    """Store the events' key through the app's own key store, so the item layout is the app's."""
    sys.path.insert(0, str(code_dir))
    try:
        from gateway.keys.format import from_plaintext
        from gateway.keys.store import KeyStore
    finally:
        sys.path.remove(str(code_dir))
    client = moto.client("dynamodb")
    KeyStore(lambda: client, table).put(from_plaintext(DEV_KEY), name="lambda-harness")


@contextmanager
def running_stack(log_dir: Path) -> Iterator[Stack]:
    data = template.load(TEMPLATE)
    with aws.moto_server() as moto, fake_upstream() as fake:
        refs, attrs = aws.create_stack_resources(
            moto,
            data,
            {"ProvidersSecret": aws.providers_secret(PROVIDER_KEY), "AdminSecret": ADMIN_KEY},
        )
        resolver = template.Resolver(data, refs=refs, attrs=attrs)
        functions = template.functions(data, ROOT, resolver)
        seed_key(moto, refs["KeysTable"], functions["ApiFunction"].code_dir)
        yield Stack(data, moto, fake, resolver, functions, log_dir)
