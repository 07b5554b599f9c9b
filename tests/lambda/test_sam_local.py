"""What docs/deploy.md promises about `sam local` and `make build`, checked on the built stack."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from expectations import EXPECTED
from samharness import build
from samharness.stack import EVENTS, ROOT, TEMPLATE, Stack, template

pytestmark = pytest.mark.xdist_group("lambda")

DEPLOY_DOC = (ROOT / "docs" / "deploy.md").read_text()
RESOURCES = template.load(TEMPLATE)["Resources"]


def test_env_json_fills_every_setting_that_names_a_stack_resource(stack: Stack) -> None:
    """Locally SAM turns `!Ref KeysTable` into "KeysTable"; env.json must replace each such value."""
    for name, fn in stack.functions.items():
        settings = {k: v for k, v in fn.sam_environment.items() if k.startswith("GATEWAY_")}
        unresolved = {k: v for k, v in settings.items() if v in RESOURCES}
        assert not unresolved, f"{name}: env.json leaves {unresolved}"
    api = stack.functions["ApiFunction"].sam_environment
    assert api["GATEWAY_ADMIN_SECRET"] == stack.refs["AdminSecret"]
    assert api["GATEWAY_KEYS_TABLE"] == stack.refs["KeysTable"]
    assert "GATEWAY_ADMIN_SECRET" not in stack.functions["StreamFunction"].sam_environment


def test_deploy_doc_commands_are_the_ones_the_tests_run(stack: Stack) -> None:
    """Every `sam local invoke` line in docs/deploy.md names a built function and an event it answers."""
    doors = {"ApiFunction": ("httpapi-",), "StreamFunction": ("url-", "rest-")}
    invokes = re.findall(r"sam local invoke (\w+) -e (events/[\w-]+\.json) --env-vars env\.json", DEPLOY_DOC)
    assert len(invokes) >= 3, invokes
    for function, event in invokes:
        assert function in stack.functions, function
        name = (ROOT / event).stem
        assert (EVENTS / f"{name}.json").is_file() and name in EXPECTED, event
        assert name.startswith(doors[function]), f"{event} is not an event for {function}"
    assert "scripts/sam_local_env.py" in DEPLOY_DOC


def test_start_api_serves_what_the_doc_says(stack: Stack) -> None:
    """sam local start-api keys routes on method and path: the REST routes win, so StreamFunction answers."""
    routes = stack.start_api_routes
    assert routes and set(routes.values()) == {"StreamFunction"}, routes
    assert {"GET /{proxy+}", "POST /{proxy+}", "GET /"} <= set(routes)
    assert "`sam local start-api` serves `StreamFunction`" in DEPLOY_DOC


def test_the_build_is_pinned_to_its_architecture(stack: Stack) -> None:
    built = yaml.safe_load((stack.build_dir / "template.yaml").read_text())
    param = built["Parameters"]["Architecture"]
    assert param["AllowedValues"] == [build.HOST_ARCH] and param["Default"] == build.HOST_ARCH
    assert all(fn.architectures == (build.HOST_ARCH,) for fn in stack.functions.values())


def test_check_build_refuses_extensions_for_the_other_architecture(stack: Stack) -> None:
    other = "arm64" if build.HOST_ARCH == "x86_64" else "x86_64"
    proc = subprocess.run(
        [str(build.SAM_PYTHON), str(ROOT / "scripts" / "check_build.py"), str(stack.build_dir), other],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert f"compiled extensions for {build.HOST_ARCH}, target is {other}" in proc.stderr
    # A failed check pins nothing: the build stays pinned to what it was built for.
    built = yaml.safe_load((stack.build_dir / "template.yaml").read_text())
    assert built["Parameters"]["Architecture"]["AllowedValues"] == [build.HOST_ARCH]


def test_only_the_stream_function_ships_the_server(stack: Stack) -> None:
    """Where click can be imported, `import httpx` loads its CLI too: the Mangum function ships none."""
    api, stream = stack.build_dir / "ApiFunction", stack.build_dir / "StreamFunction"
    for pkg in ("uvicorn", "click", "run.sh"):
        assert not (api / pkg).exists(), f"ApiFunction ships {pkg}"
        assert (stream / pkg).exists(), f"StreamFunction lacks {pkg}"


def test_check_build_refuses_a_mangum_function_with_the_server(stack: Stack, tmp_path: Path) -> None:
    copy = tmp_path / "build"
    shutil.copytree(stack.build_dir, copy, symlinks=True)
    shutil.copytree(stack.build_dir / "StreamFunction" / "click", copy / "ApiFunction" / "click")
    proc = subprocess.run(
        [str(build.SAM_PYTHON), str(ROOT / "scripts" / "check_build.py"), str(copy), build.HOST_ARCH],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "ApiFunction: ships ['click'], which only run.sh's server needs" in proc.stderr


@pytest.mark.parametrize("makefile_dir", ["functions/gateway", "layers/masking"])
def test_a_build_without_an_architecture_stops(makefile_dir: str, tmp_path: Path) -> None:
    """Plain `sam build` cannot pass the architecture to a makefile build; guessing shipped arm64 to x86_64."""
    env = {k: v for k, v in os.environ.items() if k not in ("LAMBDA_ARCH", "LAMBDA_RUNTIME_DIR")}
    target = "build-MaskingLayer" if "masking" in makefile_dir else "build-ApiFunction"
    proc = subprocess.run(
        ["make", "-C", str(ROOT / makefile_dir), target, f"ARTIFACTS_DIR={tmp_path}", f"PYTHON={sys.executable}"],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode != 0
    assert "make build ARCH=" in proc.stderr


def test_make_deploy_keeps_saved_parameters_and_sets_the_architecture(tmp_path: Path) -> None:
    """`--parameter-overrides` on the command line would drop what `sam deploy --guided` saved."""
    samconfig = tmp_path / "samconfig.toml"
    samconfig.write_text(
        'version = 0.1\n[default.deploy.parameters]\nparameter_overrides = "PiiFloor=\\"block\\" Architecture=\\"x86_64\\""\n'
    )
    script = ROOT / "scripts" / "deploy_parameters.py"
    proc = subprocess.run(
        [sys.executable, str(script), str(samconfig), "Architecture=arm64", "SnapStart=true"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert proc.stdout.split() == ["PiiFloor=block", "Architecture=arm64", "SnapStart=true"]
    missing = subprocess.run(
        [sys.executable, str(script), str(tmp_path / "none.toml"), "Architecture=x86_64"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert missing.stdout.split() == ["Architecture=x86_64"]
