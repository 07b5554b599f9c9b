"""The stack under test: the `sam build` output for this machine, against moto and a fake upstream.

What `sam local` would do, without Docker: the built template read by SAM CLI itself
(samharness/sam_view.py), the env.json `scripts/sam_local_env.py` writes from the
stack's outputs (here, the outputs of the stand-in resources created in moto), and
each function run from its built directory with the built layer where Lambda mounts
it. Shared by tests/lambda (through its conftest) and bench/cold_start.py.
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from samharness import aws, build, template
from samharness.fake_upstream import FakeUpstream, fake_upstream

ROOT = build.ROOT
TEMPLATE = ROOT / "template.yaml"
EVENTS = ROOT / "events"

# The key the event files carry; seeded into moto's copy of the template's table.
DEV_KEY = "sgw-0123456789ab-0123456789abcdefghijklmnopqrstuvwxyzABCDEFG"
ADMIN_KEY = "LambdaHarnessAdminKey0123456789abcdefghijklmnopq"
PROVIDER_KEY = "upstream-test-key-from-the-providers-secret"
# Settings only the harness adds: where moto and the fake upstream are. sam local would
# not pass them (env.json can only override variables the template declares).
TEST_ONLY_ENV = ("AWS_ENDPOINT_URL", "GATEWAY_OPENAI_BASE_URL")


def _sam_local_env_module() -> Any:
    spec = importlib.util.spec_from_file_location("sam_local_env", ROOT / "scripts" / "sam_local_env.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@dataclass(frozen=True)
class LocalFunction:
    """One function as sam local sees it, with paths into the build directory."""

    name: str
    handler: str
    code_dir: Path
    layer_dirs: tuple[Path, ...]  # each built layer's python/: what Lambda mounts at /opt/python
    layer_arns: tuple[str, ...]  # layers that are not ours (the web adapter)
    timeout: int
    memory: int
    architectures: tuple[str, ...]
    sam_environment: dict[str, str]

    @property
    def uses_web_adapter(self) -> bool:
        return any(":753240598075:layer:LambdaAdapterLayer" in arn for arn in self.layer_arns)


@dataclass
class Stack:
    build_dir: Path
    runtime_dir: Path
    moto: aws.Moto
    fake: FakeUpstream
    refs: dict[str, str]
    env_json: dict[str, dict[str, str]]
    functions: dict[str, LocalFunction]
    start_api_routes: dict[str, str]
    generated_events: dict[str, dict[str, Any]]
    log_dir: Path

    def environment(self, name: str) -> dict[str, str]:
        """sam local's environment for the function, plus where moto and the fake upstream are."""
        env = dict(self.functions[name].sam_environment)
        for variable in TEST_ONLY_ENV:
            assert variable not in env, f"{name} sets {variable}; only the harness may"
        env["AWS_ENDPOINT_URL"] = self.moto.endpoint
        env["GATEWAY_OPENAI_BASE_URL"] = self.fake.base_url
        return env


def load_event(name: str) -> dict[str, Any]:
    return dict(json.loads((EVENTS / f"{name}.json").read_text()))


def event_names(prefix: str) -> list[str]:
    return sorted(p.stem for p in EVENTS.glob(f"{prefix}*.json"))


def seed_key(moto: aws.Moto, table: str) -> None:
    """Store the events' key through the app's own key store, so the item layout is the app's."""
    from dev.aws import BlockingKeyStore, moto_access
    from gateway.keys.format import from_plaintext

    BlockingKeyStore(moto_access(moto.endpoint, aws.REGION), table).put(
        from_plaintext(DEV_KEY), name="lambda-harness"
    )


def _functions(view: dict[str, Any]) -> dict[str, LocalFunction]:
    out = {}
    for name, fn in view["functions"].items():
        ours = [layer for layer in fn["layers"] if layer["codeuri"]]
        out[name] = LocalFunction(
            name=name,
            handler=fn["handler"],
            code_dir=(ROOT / fn["codeuri"]).resolve(),
            layer_dirs=tuple((ROOT / layer["codeuri"] / "python").resolve() for layer in ours),
            layer_arns=tuple(layer["arn"] for layer in fn["layers"] if not layer["codeuri"]),
            timeout=int(fn["timeout"]),
            memory=int(fn["memory"]),
            architectures=tuple(fn["architectures"]),
            sam_environment=dict(fn["environment"]),
        )
    return out


@contextmanager
def running_stack(log_dir: Path) -> Iterator[Stack]:
    build_dir = build.host_build()
    runtime = build.runtime_dir()
    events = build.generated_events()
    with aws.moto_server() as moto, fake_upstream() as fake:
        refs, _ = aws.create_stack_resources(
            moto,
            template.load(TEMPLATE),
            {"ProvidersSecret": aws.providers_secret(PROVIDER_KEY), "AdminSecret": ADMIN_KEY},
        )
        outputs = {
            "KeysTableName": refs["KeysTable"],
            "ProvidersSecretArn": refs["ProvidersSecret"],
            "AdminSecretArn": refs["AdminSecret"],
        }
        env_json = _sam_local_env_module().env_json(outputs)
        env_path = log_dir / "env.json"
        env_path.write_text(json.dumps(env_json))
        # A clean shell: sam local lets the caller's environment override template values.
        shell = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(log_dir), **aws.DUMMY_CREDENTIALS,
                 "AWS_DEFAULT_REGION": aws.REGION, "SAM_CLI_TELEMETRY": "0"}  # fmt: skip
        view = build.sam_view(build_dir / "template.yaml", env_path, shell)
        seed_key(moto, refs["KeysTable"])
        yield Stack(
            build_dir=build_dir,
            runtime_dir=runtime,
            moto=moto,
            fake=fake,
            refs=refs,
            env_json=env_json,
            functions=_functions(view),
            start_api_routes=dict(view["start_api_routes"]),
            generated_events=events,
            log_dir=log_dir,
        )
