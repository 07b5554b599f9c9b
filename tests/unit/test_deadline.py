import json
from types import SimpleNamespace

from gateway.deadline import HTTP_API_CAP_S, MARGIN_S, seconds_left

HTTP_API_EVENT = {
    "requestContext": {"apiId": "abc123", "domainName": "abc123.execute-api.us-east-1.amazonaws.com"}
}
URL_EVENT = {"requestContext": {"apiId": "xyz", "domainName": "xyz.lambda-url.us-east-1.on.aws"}}


def test_configured_deadline_applies_on_a_laptop() -> None:
    assert seconds_left({}, {}, 300, 0) == 300


def test_http_api_caps_near_thirty_seconds() -> None:
    assert seconds_left({"aws.event": HTTP_API_EVENT}, {}, 300, 0) == HTTP_API_CAP_S


def test_function_url_is_not_capped_by_api_gateway() -> None:
    assert seconds_left({"aws.event": URL_EVENT}, {}, 300, 0) == 300


def test_mangum_context_remaining_time() -> None:
    context = SimpleNamespace(get_remaining_time_in_millis=lambda: 12_000)
    assert seconds_left({"aws.context": context}, {}, 300, 0) == 12 - MARGIN_S


def test_web_adapter_context_header() -> None:
    header = json.dumps({"request_id": "r", "deadline": 1_000_020_000})
    assert seconds_left({}, {"x-amzn-lambda-context": header}, 300, 1_000_000.0) == 20 - MARGIN_S


def test_garbage_adapter_header_is_ignored_and_floor_is_one_second() -> None:
    assert seconds_left({}, {"x-amzn-lambda-context": "not json"}, 300, 0) == 300
    assert seconds_left({}, {}, 0.01, 0) == 1.0
