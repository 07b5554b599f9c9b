"""StreamFunction as the Lambda Web Adapter runs it: the built run.sh, readiness on /health, HTTP per event.

`sam local invoke StreamFunction -e events/url-*.json --env-vars env.json`, without
Docker: the function's `sam build` output and the built layer, started the way the
adapter starts them, with the environment SAM CLI computes from the built template and
env.json (which runs the adapter buffered, as sam local cannot stream). Function URL
(`url-*`) and REST API (`rest-*`) events are translated into the requests the adapter
would make. As deployed (response_stream), streamed answers must arrive in pieces while
the upstream is still producing.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest
from expectations import EXPECTED, GENERATED
from samharness import web_adapter
from samharness.checks import check_response
from samharness.fake_upstream import FIRST_TEXT
from samharness.slow_dynamodb import slow_dynamodb
from samharness.stack import PROVIDER_KEY, Stack, event_names, load_event

# One worker runs every test of this module: they share one warm function process.
pytestmark = pytest.mark.xdist_group("lambda")


@pytest.fixture(scope="module")
def adapter(stack: Stack) -> Iterator[web_adapter.RunningAdapter]:
    fn = stack.functions["StreamFunction"]
    assert fn.uses_web_adapter
    with web_adapter.start(
        task_root=fn.code_dir,
        handler=fn.handler,
        layer_dirs=fn.layer_dirs,
        runtime_dir=stack.runtime_dir,
        env=stack.environment("StreamFunction"),
        log_dir=stack.log_dir,
        function_name=fn.name,
        timeout_s=fn.timeout,
    ) as running:
        yield running


def test_readiness_path_answers_200(adapter: web_adapter.RunningAdapter) -> None:
    response = httpx.get(f"{adapter.base_url}/health", timeout=5)
    assert response.status_code == 200


def test_sam_local_runs_the_adapter_buffered(adapter: web_adapter.RunningAdapter) -> None:
    assert adapter.invoke_mode == "buffered"


@pytest.mark.parametrize(
    "name",
    event_names("url-") + event_names("rest-") + [n for n in GENERATED if n.startswith("generated-rest-")],
)
def test_event(name: str, stack: Stack, adapter: web_adapter.RunningAdapter) -> None:
    before = len(stack.fake.received)
    event = stack.generated_events[name] if name in GENERATED else load_event(name)
    response = adapter.invoke(event)
    check_response(
        name=name,
        expect=GENERATED.get(name) or EXPECTED[name],
        status=response.status,
        headers=dict(response.headers),
        body=response.body,
        upstream_calls=stack.fake.received[before:],
        provider_key=PROVIDER_KEY,
    )


@pytest.mark.parametrize("name", ["url-chat-stream", "rest-chat-stream"])
def test_first_chunk_arrives_while_upstream_is_still_producing(
    name: str, stack: Stack, adapter: web_adapter.RunningAdapter
) -> None:
    """The fake upstream sends its first chunk, then waits for the test's go-ahead.

    If anything between uvicorn and the caller buffered the stream, the first text
    could not arrive before the go-ahead and the upstream's wait would time out.
    """
    released_at: list[float] = []
    with stack.fake.hold_after_first_chunk(timeout_s=5.0) as gate:

        def on_chunk(partial: web_adapter.StreamedResponse) -> None:
            if not gate.is_set() and FIRST_TEXT[:40].encode() in partial.body:
                released_at.append(time.monotonic())
                gate.set()

        # As deployed: the template runs the adapter in response_stream mode.
        response = adapter.invoke(load_event(name), mode="response_stream", on_chunk=on_chunk)
    assert response.status == 200
    assert released_at, "the first text only arrived after the upstream finished: the stream was buffered"
    assert stack.fake.gate_timed_out is False
    assert response.body.rstrip().endswith(b"data: [DONE]")
    assert len(response.chunks) > 1


def _tokens_today(stack: Stack) -> int:
    table = stack.moto.client("dynamodb")
    items = table.scan(TableName=stack.refs["KeysTable"])["Items"]
    return sum(int(item["tok_count"]["N"]) for item in items if "tok_count" in item)


@pytest.mark.parametrize("name", ["url-chat", "url-chat-stream"])
def test_token_update_reply_is_awaited_after_the_response_within_the_invocation(
    name: str, stack: Stack, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The token update's reply is off the answer's path, but never outside the invocation.

    DynamoDB here answers the token update one second late. The update must have been sent
    before the answer's last byte, the caller must have the whole answer before the reply,
    and the invocation (which ends when the function's internal
    extension asks for its next event, `gateway.aws.invocation_hold`) must not end before it:
    Lambda would otherwise freeze the sandbox with the reply still on its way."""
    fn = stack.functions["StreamFunction"]
    env = stack.environment("StreamFunction")
    with slow_dynamodb(stack.moto.endpoint, delay_s=1.0) as ddb:
        env["AWS_ENDPOINT_URL_DYNAMODB"] = ddb.url
        with web_adapter.start(
            task_root=fn.code_dir,
            handler=fn.handler,
            layer_dirs=fn.layer_dirs,
            runtime_dir=stack.runtime_dir,
            env=env,
            log_dir=tmp_path_factory.mktemp("slow-dynamodb"),
            function_name=fn.name,
            timeout_s=fn.timeout,
        ) as slow:
            assert [(r["name"], r["events"]) for r in slow.extensions.registered] == [
                ("gateway-invocation-hold", ["INVOKE"])
            ]
            before = _tokens_today(stack)
            response = slow.invoke(load_event(name), mode="response_stream")
            assert response.status == 200, response.body
            assert ddb.token_replies, "no token update reached DynamoDB"
            reply_at = ddb.token_replies[-1]
            assert ddb.token_requests[0] < response.completed_at, "the update left after the last byte"
            assert response.completed_at < reply_at, "the response waited for the token update's reply"
            assert reply_at <= response.invocation_ended_at, "the invocation ended before the reply"
            assert _tokens_today(stack) > before
            assert "invocation hold" not in slow.output()
