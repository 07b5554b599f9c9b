"""Static promises of template.yaml (DESIGN §9), checked on the parsed template."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from expectations import EXPECTED
from samharness import template
from samharness.stack import EVENTS, ROOT, TEMPLATE

DATA = template.load(TEMPLATE)
RESOURCES: dict[str, Any] = DATA["Resources"]


def _resolver(**params: str) -> template.Resolver:
    refs = {name: f"stand-in-{name}" for name in RESOURCES}
    return template.Resolver(DATA, refs=refs, parameters=dict(params))


def _functions(**params: str) -> dict[str, template.Function]:
    return template.functions(DATA, ROOT, _resolver(**params))


def test_no_local_echo_anywhere() -> None:
    """The echo model is for laptops only (DESIGN §10): not in the template, in any form."""
    assert "GATEWAY_LOCAL_ECHO" not in TEMPLATE.read_text()
    for fn in _functions().values():
        assert not any("LOCAL_ECHO" in name for name in fn.environment)


def test_every_event_has_an_expectation_and_back() -> None:
    files = {p.stem for p in EVENTS.glob("*.json")}
    assert files == set(EXPECTED), (
        f"events without a row: {sorted(files - set(EXPECTED))}; "
        f"rows without a file: {sorted(set(EXPECTED) - files)}"
    )


def test_functions_and_entry_points() -> None:
    fns = _functions()
    assert set(fns) == {"ApiFunction", "StreamFunction"}
    api, stream = fns["ApiFunction"], fns["StreamFunction"]
    assert api.handler == "gateway.lambda_handler.handler"
    assert stream.handler == "run.sh"
    for fn in fns.values():
        assert fn.runtime == "python3.12"
        assert fn.code_dir == (ROOT / "functions/gateway").resolve()
        assert [layer.logical_id for layer in fn.layers if layer.content_dir] == ["MaskingLayer"]
    module = api.code_dir / (api.handler.rpartition(".")[0].replace(".", "/") + ".py")
    assert module.is_file(), f"{module} missing"


def test_run_sh_is_what_the_adapter_can_exec() -> None:
    script = _functions()["StreamFunction"].code_dir / "run.sh"
    raw = script.read_bytes()
    assert raw.startswith(b"#!"), "run.sh needs a shebang: the adapter execs it directly"
    assert b"\r\n" not in raw, "CRLF line endings break the shebang on Lambda"
    assert script.stat().st_mode & 0o111, "run.sh must be executable (git keeps the bit)"
    assert b"/opt/python" in raw, "run.sh must put the layer (/opt/python) on PYTHONPATH"


def _make_targets(makefile: Path) -> set[str]:
    """Rule targets of a Makefile (lines `a b: ...`, not `A := ...`)."""
    rules = re.findall(r"^([A-Za-z][\w.-]*(?: +[A-Za-z][\w.-]*)*) *:(?!=)", makefile.read_text(), re.M)
    return {target for rule in rules for target in rule.split()}


def test_masking_layer_builds_to_python_masking() -> None:
    layer = RESOURCES["MaskingLayer"]
    # layers/masking/Makefile: python/<ContentUri's masking and requirements>, precompiled.
    assert layer["Metadata"]["BuildMethod"] == "makefile"
    content = ROOT / layer["Properties"]["ContentUri"]
    assert (content / "masking" / "__init__.py").is_file()
    assert (content / "requirements.txt").is_file()
    makefile = content / "Makefile"
    assert "build-MaskingLayer" in _make_targets(makefile)
    assert "$(ARTIFACTS_DIR)/python" in makefile.read_text(), "the layer must land at /opt/python"


def test_functions_build_with_their_makefile() -> None:
    """BuildMethod makefile: SAM runs `make build-<LogicalId>` from the CodeUri's Makefile."""
    for logical_id, fn in _functions().items():
        assert RESOURCES[logical_id]["Metadata"]["BuildMethod"] == "makefile"
        makefile = fn.code_dir / "Makefile"
        assert f"build-{logical_id}" in _make_targets(makefile)
        text = makefile.read_text()
        assert "--invalidation-mode unchecked-hash" in text
        assert "--only-binary=:all:" in text


@pytest.mark.parametrize(
    ("arch", "layer_name"), [("arm64", "LambdaAdapterLayerArm64"), ("x86_64", "LambdaAdapterLayerX86")]
)
def test_web_adapter_layer_follows_architecture(arch: str, layer_name: str) -> None:
    fns = _functions(Architecture=arch)
    stream = fns["StreamFunction"]
    arns = [layer.arn for layer in stream.layers if layer.is_web_adapter]
    version = DATA["Parameters"]["WebAdapterLayerVersion"]["Default"]
    assert arns == [f"arn:aws:lambda:us-east-1:753240598075:layer:{layer_name}:{version}"]
    assert all(fn.architectures == (arch,) for fn in fns.values())
    assert not any(layer.is_web_adapter for layer in fns["ApiFunction"].layers)


def test_stream_function_runs_under_the_web_adapter() -> None:
    fns = _functions()
    env = fns["StreamFunction"].environment
    assert env["AWS_LAMBDA_EXEC_WRAPPER"] == "/opt/bootstrap"
    assert env["AWS_LWA_INVOKE_MODE"] == "response_stream"
    assert env["AWS_LWA_READINESS_CHECK_PATH"] == "/health"
    assert env["PORT"] == env["AWS_LWA_PORT"], "run.sh listens on PORT, the adapter calls AWS_LWA_PORT"
    props = fns["StreamFunction"].properties
    assert props["FunctionUrlConfig"] == {"AuthType": "NONE", "InvokeMode": "RESPONSE_STREAM"}
    rest = [e for e in props["Events"].values() if e["Type"] == "Api"]
    assert rest and all(e["Properties"]["ResponseTransferMode"] == "RESPONSE_STREAM" for e in rest)
    assert {e["Properties"]["Path"] for e in rest} == {"/", "/{proxy+}"}


def test_api_function_behind_http_api_with_root() -> None:
    events = _functions()["ApiFunction"].properties["Events"]
    routes = {
        (e["Properties"]["Method"], e["Properties"]["Path"])
        for e in events.values()
        if e["Type"] == "HttpApi"
    }
    assert routes == {("ANY", "/"), ("ANY", "/{proxy+}")}


def test_admin_routes_and_admin_secret_only_on_the_api_function() -> None:
    fns = _functions()
    assert fns["ApiFunction"].environment["GATEWAY_ADMIN_ROUTES"] == "true"
    assert fns["StreamFunction"].environment["GATEWAY_ADMIN_ROUTES"] == "false"
    assert "GATEWAY_ADMIN_SECRET" not in fns["StreamFunction"].environment
    assert fns["ApiFunction"].environment["GATEWAY_ADMIN_SECRET"] == "stand-in-AdminSecret"


def test_deployed_settings() -> None:
    for fn in _functions().values():
        env = fn.environment
        assert env["GATEWAY_ENV"] == "prod", "interactive docs must be off when deployed"
        assert env["GATEWAY_KEYS_TABLE"] == "stand-in-KeysTable"
        assert env["GATEWAY_PROVIDERS_SECRET"] == "stand-in-ProvidersSecret"
        assert env["GATEWAY_PII_FLOOR"] in ("disabled", "obfuscate", "block")
        assert float(env["GATEWAY_DEADLINE_S"]) < fn.timeout, "the app's deadline must end before Lambda's"
        for name in ("POWERTOOLS_SERVICE_NAME", "POWERTOOLS_METRICS_NAMESPACE", "LOG_LEVEL"):
            assert env.get(name), name


def test_every_gateway_setting_in_the_template_is_one_the_app_reads() -> None:
    """A typo in a variable name would silently leave the default in force."""
    from gateway.search.factory import BACKENDS

    settings_src = (ROOT / "functions/gateway/gateway/settings.py").read_text()
    search_urls = {backend.url_variable for backend in BACKENDS.values()}  # read through the registry
    for fn in _functions().values():
        for name in fn.environment:
            if name.startswith("GATEWAY_"):
                read = f'"{name}"' in settings_src or name in search_urls
                assert read, f"{fn.logical_id}: the app never reads {name}"


def _policies(logical_id: str) -> list[dict[str, Any]]:
    return list(RESOURCES[logical_id]["Properties"]["Policies"])


@pytest.mark.parametrize("logical_id", ["ApiFunction", "StreamFunction"])
def test_least_privilege(logical_id: str) -> None:
    allowed_secrets = {
        "ApiFunction": {"ProvidersSecret", "AdminSecret"},
        "StreamFunction": {"ProvidersSecret"},
    }
    secrets, tables = set(), set()
    for policy in _policies(logical_id):
        assert isinstance(policy, dict) and len(policy) == 1, f"unexpected policy form {policy}"
        ((kind, args),) = policy.items()
        if kind == "DynamoDBCrudPolicy":
            tables.add(args["TableName"]["Ref"])
        elif kind == "AWSSecretsManagerGetSecretValuePolicy":
            secrets.add(args["SecretArn"]["Ref"])
        else:
            raise AssertionError(f"{logical_id}: policy {kind} is not part of the least-privilege set")
    assert tables == {"KeysTable"}
    assert secrets == allowed_secrets[logical_id]


def test_table_and_secrets() -> None:
    table = RESOURCES["KeysTable"]["Properties"]
    assert table["BillingMode"] == "PAY_PER_REQUEST"
    assert table["KeySchema"] == [{"AttributeName": "pk", "KeyType": "HASH"}]
    assert table["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}
    assert table["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
    admin = RESOURCES["AdminSecret"]["Properties"]["GenerateSecretString"]
    assert admin == {"PasswordLength": 48, "ExcludePunctuation": True}
    providers = json.loads(RESOURCES["ProvidersSecret"]["Properties"]["SecretString"])
    assert set(providers) == {"openai", "google", "xai", "deepseek", "tavily", "brave"}
    assert not any(providers.values()), "the template must never carry a provider key"


def test_log_groups_have_retention_and_are_the_functions_own() -> None:
    groups = {k for k, v in RESOURCES.items() if v["Type"] == "AWS::Logs::LogGroup"}
    assert groups
    for name in groups:
        assert "RetentionInDays" in RESOURCES[name]["Properties"], name
    for fn in _functions().values():
        assert fn.properties["LoggingConfig"]["LogFormat"] == "JSON"
        assert fn.properties["LoggingConfig"]["LogGroup"]["Ref"] in groups


def test_reserved_concurrency_is_a_parameter() -> None:
    prop = {"x": RESOURCES["StreamFunction"]["Properties"]["ReservedConcurrentExecutions"]}
    default = str(DATA["Parameters"]["ReservedConcurrency"]["Default"])
    assert _resolver().eval(prop) == {"x": default}
    assert _resolver(ReservedConcurrency="25").eval(prop) == {"x": "25"}
    assert _resolver(ReservedConcurrency="-1").eval(prop) == {}, "-1 must leave the property out"


def test_boto3_comes_from_the_runtime() -> None:
    """boto3/botocore are in the python3.12 runtime; packaging them adds ~80 MB."""
    for req in (ROOT / "functions/gateway/requirements.txt", ROOT / "layers/masking/requirements.txt"):
        names = {
            re.split(r"[<>=!~\[; ]", line.strip(), maxsplit=1)[0].lower()
            for line in req.read_text().splitlines()
            if line.strip() and not line.startswith("#")
        }
        assert not names & {"boto3", "botocore", "s3transfer"}, f"{req}: {names}"


def test_outputs() -> None:
    assert set(DATA["Outputs"]) >= {
        "ApiUrl",
        "StreamUrl",
        "ProvidersSecretArn",
        "AdminSecretArn",
        "KeysTableName",
    }


def test_rest_api_has_only_its_throttled_stage() -> None:
    """With swagger 2.0, SAM also deploys a stage named "Stage" that skips MethodSettings."""
    api = RESOURCES["StreamRestApi"]["Properties"]
    assert api["OpenApiVersion"] == "3.0"
    settings = api["MethodSettings"][0]
    assert {"ThrottlingRateLimit", "ThrottlingBurstLimit"} <= set(settings)
