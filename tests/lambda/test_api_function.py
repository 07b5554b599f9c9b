"""ApiFunction as Lambda runs it: the built handler, the real runtime interface client, the Runtime API.

`sam local invoke ApiFunction -e events/httpapi-*.json --env-vars env.json`, without
Docker: the function's `sam build` output with the built layer as /opt/python, run by
`awslambdaric` (what the managed python3.12 runtime runs handlers with) against the
harness's Runtime API server, in one warm process, with the environment SAM CLI itself
computes from the built template and the env.json `scripts/sam_local_env.py` writes.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import pytest
from expectations import EXPECTED, GENERATED
from samharness import ric
from samharness.checks import check_response, proxy_body, proxy_headers
from samharness.runtime_api import InvokeError
from samharness.stack import PROVIDER_KEY, Stack, event_names, load_event

# One worker runs every test of this module: they share one warm function process.
pytestmark = pytest.mark.xdist_group("lambda")


def sandbox(stack: Stack, log_name: str, *, snap_start: bool = False) -> AbstractContextManager[ric.Sandbox]:
    fn = stack.functions["ApiFunction"]
    return ric.start(
        handler=fn.handler,
        task_root=fn.code_dir,
        layer_dirs=fn.layer_dirs,
        runtime_dir=stack.runtime_dir,
        env=stack.environment("ApiFunction"),
        log_path=stack.log_dir / f"{log_name}.log",
        timeout_s=fn.timeout,
        snap_start=snap_start,
    )


@pytest.fixture(scope="module")
def api(stack: Stack) -> Iterator[ric.Sandbox]:
    with sandbox(stack, "ApiFunction") as running:
        yield running


def check(stack: Stack, name: str, expect: object, response: dict[str, object], before: int) -> None:
    check_response(
        name=name,
        expect=expect,
        status=int(str(response["statusCode"])),
        headers=proxy_headers(response),
        body=proxy_body(response),
        upstream_calls=stack.fake.received[before:],
        provider_key=PROVIDER_KEY,
    )


@pytest.mark.parametrize("name", event_names("httpapi-"))
def test_event(name: str, stack: Stack, api: ric.Sandbox) -> None:
    before = len(stack.fake.received)
    check(stack, name, EXPECTED[name], api.invoke(load_event(name)), before)


@pytest.mark.parametrize("name", [n for n in GENERATED if n.startswith("generated-httpapi-")])
def test_aws_generated_event(name: str, stack: Stack, api: ric.Sandbox) -> None:
    before = len(stack.fake.received)
    check(stack, name, GENERATED[name], api.invoke(stack.generated_events[name]), before)


def test_the_built_artifacts_are_what_runs(stack: Stack, api: ric.Sandbox) -> None:
    """The compiled extensions in the process come from the build, nowhere else on this machine."""
    assert api.invoke(load_event("httpapi-health"))["statusCode"] == 200
    maps = Path(f"/proc/{api.process.pid}/maps").read_text()
    loaded = {line.split()[-1] for line in maps.splitlines() if line.rstrip().endswith(".so")}
    ours = [path for path in loaded if "pydantic_core" in path or "runtime_client" in path]
    assert any(p.startswith(str(stack.functions["ApiFunction"].code_dir)) for p in ours), ours
    assert any(p.startswith(str(stack.runtime_dir)) for p in ours), ours
    site = [path for path in loaded if "/.venv/" in path]
    assert not site, f"loaded from the test venv: {site}"


def test_usage_is_counted_before_the_answer(stack: Stack, api: ric.Sandbox) -> None:
    """Lambda freezes the sandbox when a response ends: the count must already be in DynamoDB."""
    table = stack.refs["KeysTable"]
    client = stack.moto.client("dynamodb")

    def count() -> int:
        item = client.get_item(TableName=table, Key={"pk": {"S": "key#0123456789ab"}})["Item"]
        return int(item["request_count"]["N"])

    before = count()
    response = api.invoke(load_event("httpapi-chat"))
    assert response["statusCode"] == 200
    assert count() == before + 1


def test_a_handler_error_reaches_the_runtime_api_as_lambda_would_report_it(api: ric.Sandbox) -> None:
    """Mangum refuses an event it does not know; awslambdaric posts it as an invocation error."""
    with pytest.raises(InvokeError, match="handler error"):
        api.invoke({"not": "an API Gateway event"})
    # The sandbox stays warm and serves the next invocation.
    assert api.invoke(load_event("httpapi-health"))["statusCode"] == 200


def test_snapstart_restore_renews_the_pool_and_randomness(stack: Stack) -> None:
    """Under snap-start init, the after-restore hook runs, and a chat works on the renewed pool."""
    with sandbox(stack, "ApiFunction-snapstart", snap_start=True) as restored:
        before = len(stack.fake.received)
        response = restored.invoke(load_event("httpapi-chat"))
        check(stack, "httpapi-chat", EXPECTED["httpapi-chat"], response, before)
        assert restored.api.snapshot_taken.is_set(), "the client never reached the snapshot point"
        assert restored.api.restore_error is None, restored.api.restore_error
        assert "snapstart restore: connection pool and random state renewed" in restored.output()


def test_no_restore_hook_runs_on_an_ordinary_start(api: ric.Sandbox) -> None:
    assert api.invoke(load_event("httpapi-health"))["statusCode"] == 200
    assert not api.api.snapshot_taken.is_set()
    assert "snapstart restore" not in api.output()
