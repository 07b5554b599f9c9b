"""ApiFunction as `sam local invoke -e events/httpapi-*.json ApiFunction` would run it.

One child process imports `gateway.lambda_handler` with only the function's CodeUri
and the masking layer on its path and serves every event, like a warm sandbox.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from expectations import EXPECTED
from samharness import python_function
from samharness.checks import check_response
from samharness.stack import PROVIDER_KEY, Stack, event_names, load_event

# One worker runs every test of this module: they share one warm function process.
pytestmark = pytest.mark.xdist_group("lambda")


@pytest.fixture(scope="module")
def api(stack: Stack) -> Iterator[python_function.PythonFunction]:
    fn = stack.functions["ApiFunction"]
    with python_function.start(
        handler=fn.handler,
        task_root=fn.code_dir,
        layer_dirs=fn.local_layer_dirs,
        env=stack.environment(fn),
        log_dir=stack.log_dir,
        name=fn.logical_id,
        timeout_s=fn.timeout,
        module_checks=("gateway", "masking"),
    ) as process:
        yield process


def test_imports_resolve_as_on_lambda(stack: Stack, api: python_function.PythonFunction) -> None:
    fn = stack.functions["ApiFunction"]
    modules = api.start["modules"]
    assert modules["gateway"].startswith(str(fn.code_dir)), modules
    # From the layer (/opt/python), not from anywhere else on this machine.
    assert modules["masking"].startswith(str(fn.local_layer_dirs[0])), modules


@pytest.mark.parametrize("name", event_names("httpapi-"))
def test_event(name: str, stack: Stack, api: python_function.PythonFunction) -> None:
    before = len(stack.fake.received)
    response = api.invoke(load_event(name))
    calls = stack.fake.received[before:]
    check_response(
        name=name,
        expect=EXPECTED[name],
        status=int(response["statusCode"]),
        headers=python_function.response_headers(response),
        body=python_function.decode_body(response),
        upstream_calls=calls,
        provider_key=PROVIDER_KEY,
    )


def test_usage_is_counted_before_the_answer(stack: Stack, api: python_function.PythonFunction) -> None:
    """Lambda freezes the sandbox when a response ends: the count must already be in DynamoDB."""
    table = stack.resolver.refs["KeysTable"]
    client = stack.moto.client("dynamodb")

    def count() -> int:
        item = client.get_item(TableName=table, Key={"pk": {"S": "key#0123456789ab"}})["Item"]
        return int(item["request_count"]["N"])

    before = count()
    response = api.invoke(load_event("httpapi-chat"))
    assert response["statusCode"] == 200
    assert count() == before + 1
