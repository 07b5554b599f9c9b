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
    attrs = {(name, "Arn"): f"stand-in-{name}.Arn" for name in RESOURCES}
    return template.Resolver(DATA, refs=refs, attrs=attrs, parameters=dict(params))


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


def test_benches_serve_with_the_uvicorn_stack_of_run_sh() -> None:
    """The overhead bench's servers run uvicorn as run.sh does; both name loop and HTTP parser."""
    from bench.servers import RUN_SH_UVICORN

    text = (_functions()["StreamFunction"].code_dir / "run.sh").read_text()
    loop = re.search(r"--loop (\S+)", text)
    http = re.search(r"--http (\S+)", text)
    assert loop and http, "run.sh must name uvicorn's loop and HTTP parser (auto picks what is installed)"
    assert (loop.group(1), http.group(1)) == RUN_SH_UVICORN


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
        # Wheels from the hashed lock (requirements.txt, written by `make lock`), nothing else.
        assert "--require-hashes --no-deps" in text


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
        # Never past Lambda's timeout; deadline.py also stops a margin before the remaining time.
        assert float(env["GATEWAY_DEADLINE_S"]) <= fn.timeout, "the app's deadline must end before Lambda's"
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


def _statements(logical_id: str, **params: str) -> list[dict[str, Any]]:
    """The function's IAM statements, resolved; only inline statements are allowed.

    SAM's policy templates (DynamoDBCrudPolicy and friends) grant more than a route needs
    and hide it behind a name, so every permission is spelled out.
    """
    statements = []
    for policy in RESOURCES[logical_id]["Properties"]["Policies"]:
        assert set(policy) == {"Statement"}, f"{logical_id}: only inline statements, not {sorted(policy)}"
        statements.extend(_resolver(**params).eval(policy["Statement"]))
    return statements


def _grants(logical_id: str, **params: str) -> dict[str, set[str]]:
    """Action -> resources it is allowed on."""
    grants: dict[str, set[str]] = {}
    for stmt in _statements(logical_id, **params):
        assert stmt["Effect"] == "Allow"
        actions = stmt["Action"] if isinstance(stmt["Action"], list) else [stmt["Action"]]
        resources = stmt["Resource"] if isinstance(stmt["Resource"], list) else [stmt["Resource"]]
        for action in actions:
            assert "*" not in action, f"{logical_id}: wildcard action {action}"
            grants.setdefault(action, set()).update(resources)
    return grants


TABLE = "stand-in-KeysTable.Arn"


def _bedrock_arns(*models: str) -> set[str]:
    """A model through any cross-region profile (global., us., ...) and in any Region, the
    regionless ARN of a global profile's model included (IAM's * matches the empty Region)."""
    arns = {f"arn:aws:bedrock:*:*:inference-profile/*.{m}" for m in models}
    return arns | {f"arn:aws:bedrock:*::foundation-model/{m}" for m in models}


def _catalog_bedrock_models() -> set[str]:
    """The foundation models behind the catalog's bedrock/... rows (profile prefix removed)."""
    from gateway.catalog import MODELS

    return {spec.upstream_model.split(".", 1)[1] for spec in MODELS if spec.api == "bedrock"}


BEDROCK = _bedrock_arns(*sorted(_catalog_bedrock_models()))


@pytest.mark.parametrize(
    ("logical_id", "expected"),
    [
        # The public streaming door reads a key and counts its use; it can never mint,
        # list or revoke one, and never sees the admin key.
        (
            "StreamFunction",
            {
                "dynamodb:GetItem": {TABLE},
                "dynamodb:UpdateItem": {TABLE},
                "secretsmanager:GetSecretValue": {"stand-in-ProvidersSecret"},
                "bedrock:InvokeModel": BEDROCK,
                "bedrock:InvokeModelWithResponseStream": BEDROCK,
            },
        ),
        # The API function's routes: auth and usage as above, plus the admin routes
        # (create = PutItem, list = Scan, revoke = UpdateItem) and the admin key.
        (
            "ApiFunction",
            {
                "dynamodb:GetItem": {TABLE},
                "dynamodb:PutItem": {TABLE},
                "dynamodb:Scan": {TABLE},
                "dynamodb:UpdateItem": {TABLE},
                "secretsmanager:GetSecretValue": {"stand-in-ProvidersSecret", "stand-in-AdminSecret"},
                "bedrock:InvokeModel": BEDROCK,
                "bedrock:InvokeModelWithResponseStream": BEDROCK,
            },
        ),
    ],
)
def test_least_privilege_exact_actions(logical_id: str, expected: dict[str, set[str]]) -> None:
    assert _grants(logical_id) == expected


@pytest.mark.parametrize("logical_id", ["ApiFunction", "StreamFunction"])
def test_bedrock_only_for_the_configured_models(logical_id: str) -> None:
    """Both functions serve chat, so both may call Bedrock, and only for the BedrockModels
    parameter's models: by default exactly the catalog's bedrock/... rows, and a narrower list
    narrows the grant (no bedrock:* action, no model wildcard, no other model)."""
    assert _grants(logical_id)["bedrock:InvokeModel"] == BEDROCK
    only = "anthropic.claude-haiku-4-5-20251001-v1:0"
    grants = _grants(logical_id, BedrockModels=only)
    bedrock = {action: arns for action, arns in grants.items() if action.startswith("bedrock:")}
    assert bedrock == {
        "bedrock:InvokeModel": _bedrock_arns(only),
        "bedrock:InvokeModelWithResponseStream": _bedrock_arns(only),
    }
    pattern = re.compile(DATA["Parameters"]["BedrockModels"]["AllowedPattern"])
    assert pattern.fullmatch(DATA["Parameters"]["BedrockModels"]["Default"])
    assert not pattern.fullmatch("*") and not pattern.fullmatch("anthropic.*")


def test_the_code_calls_only_the_aws_actions_the_api_function_may() -> None:
    """Every DynamoDB and Secrets Manager operation named in the gateway's code is granted (a new
    call fails here). All of them go through `AwsJson.call("Operation", ...)`; the Secrets
    Manager ones are made by `secret_store.py` alone."""
    grants = _grants("ApiFunction")
    sources = {p.name: p.read_text() for p in (ROOT / "functions/gateway/gateway").rglob("*.py")}
    called = {name: set(re.findall(r'\.call\(\s*"(\w+)"', text)) for name, text in sources.items()}
    secrets = called.pop("secret_store.py")
    dynamodb = set().union(*called.values())
    assert dynamodb >= {"GetItem", "UpdateItem"} and secrets == {"GetSecretValue"}, (
        "the pattern no longer matches"
    )
    for service, used in (("dynamodb", dynamodb), ("secretsmanager", secrets)):
        granted = {a.split(":", 1)[1] for a in grants if a.startswith(f"{service}:")}
        assert used <= granted, f"{service}: called but not granted: {sorted(used - granted)}"


def test_functions_are_traced() -> None:
    for fn in _functions().values():
        assert fn.properties["Tracing"] == "Active", fn.logical_id
    assert RESOURCES["StreamRestApi"]["Properties"]["TracingEnabled"] is True


def test_both_apis_write_access_logs_without_headers_or_query() -> None:
    http = RESOURCES["HttpApi"]["Properties"]["AccessLogSettings"]
    rest = RESOURCES["StreamRestApi"]["Properties"]["AccessLogSetting"]
    for setting in (http, rest):
        group = setting["DestinationArn"]["Fn::GetAtt"][0]
        assert RESOURCES[group]["Type"] == "AWS::Logs::LogGroup"
        fields = re.findall(r"\$context\.[\w.]+", setting["Format"])
        assert fields and not [f for f in fields if "header" in f.lower() or "querystring" in f.lower()]


def test_streaming_doors_hold_a_long_stream() -> None:
    """Gateway deadline < function timeout <= REST integration timeout, for any allowed value."""
    param = DATA["Parameters"]["StreamTimeoutSeconds"]
    rest = [e for e in RESOURCES["StreamFunction"]["Properties"]["Events"].values() if e["Type"] == "Api"]
    assert rest
    for seconds in (param["MinValue"], param["Default"], param["MaxValue"]):
        stream = _functions(StreamTimeoutSeconds=str(seconds))["StreamFunction"]
        assert stream.timeout == seconds
        # deadline.py takes the smaller of this and Lambda's remaining time minus its margin.
        assert float(stream.environment["GATEWAY_DEADLINE_S"]) <= stream.timeout
        for event in rest:
            # A streaming integration may run 15 minutes; the 29 s default would cut answers.
            assert stream.timeout * 1000 <= event["Properties"]["TimeoutInMillis"] <= 900_000
    assert param["MaxValue"] <= 900, "Lambda's own limit"


def test_buffered_door_fits_the_http_api_cap() -> None:
    api = _functions()["ApiFunction"]
    assert float(api.environment["GATEWAY_DEADLINE_S"]) < api.timeout <= 30


def test_reserved_concurrency_is_optional_and_off_by_default() -> None:
    prop = {"x": RESOURCES["StreamFunction"]["Properties"]["ReservedConcurrentExecutions"]}
    assert str(DATA["Parameters"]["ReservedConcurrency"]["Default"]) == "-1"
    assert _resolver().eval(prop) == {}, "the default must leave the property out"
    assert _resolver(ReservedConcurrency="25").eval(prop) == {"x": "25"}


@pytest.mark.parametrize(("flag", "apply_on"), [("false", "None"), ("true", "PublishedVersions")])
def test_snapstart_is_an_option_on_published_versions(flag: str, apply_on: str) -> None:
    assert DATA["Parameters"]["SnapStart"]["Default"] == "false"
    api = _functions(SnapStart=flag)["ApiFunction"]
    assert _resolver(SnapStart=flag).eval(api.properties["SnapStart"]) == {"ApplyOn": apply_on}
    # SnapStart applies to published versions only: the HTTP API must call an alias.
    assert api.properties["AutoPublishAlias"] == "live"
    assert "SnapStart" not in _functions()["StreamFunction"].properties


def test_app_port_is_not_one_lambda_or_sam_local_uses() -> None:
    env = _functions()["StreamFunction"].environment
    assert env["PORT"] == env["AWS_LWA_PORT"]
    # 8080: sam local's runtime emulator; 9001: the Runtime API; 3000: Lambda Insights.
    assert env["AWS_LWA_PORT"] not in {"8080", "9001", "3000"}


def test_make_build_defaults_to_the_template_architecture() -> None:
    (default,) = re.findall(r"^ARCH \?= (\S+)$", (ROOT / "Makefile").read_text(), re.M)
    assert default == DATA["Parameters"]["Architecture"]["Default"]


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


def test_boto3_comes_from_the_runtime() -> None:
    """boto3/botocore are in the python3.12 runtime; packaging them adds ~80 MB."""
    for pkg in (ROOT / "functions/gateway", ROOT / "layers/masking"):
        for name in ("requirements.in", "requirements.txt"):
            pinned = {
                re.split(r"[<>=!~\[; ]", line.strip(), maxsplit=1)[0].lower()
                for line in (pkg / name).read_text().splitlines()
                if line.strip() and not line.lstrip().startswith(("#", "--"))
            }
            assert pinned and not pinned & {"boto3", "botocore", "s3transfer"}, f"{pkg / name}: {pinned}"


def test_locks_cover_every_requirement_with_hashes() -> None:
    """Each .in has its lock beside it, every pin exact and hashed (pip --require-hashes)."""
    ins = [*(ROOT / "requirements").glob("*.in"), ROOT / "functions/gateway/requirements.in",
           ROOT / "layers/masking/requirements.in"]  # fmt: skip
    assert len(ins) == 6
    for source in ins:
        lock = source.with_suffix(".txt")
        text = lock.read_text()
        assert text.startswith("# This file was autogenerated by uv") and "make lock" in text, lock
        pins = re.findall(
            r"^([A-Za-z0-9_.\-\[\],]+)==\S+(?: ; [^\\\n]+)? \\\n((?:    --hash=sha256:[0-9a-f]{64}.*\n)+)",
            text,
            re.M,
        )
        requirements = [line for line in text.splitlines() if line and not line.startswith((" ", "#"))]
        assert pins and len(pins) == len(requirements), f"{lock}: a requirement without an exact pin and hash"


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
