#!/usr/bin/env bash
# SAM checks for CI (DESIGN §11, issue 4 item 5), no Docker and no AWS account needed:
#   1. sam validate --lint
#   2. the SAM transform, then cfn-lint on the plain CloudFormation it produces
#      (cfn-lint alone does not look inside AWS::Serverless::* resources)
#   3. sam build with python3.12 (BuildMethod makefile: functions/gateway/Makefile,
#      layers/masking/Makefile): layer at python/masking, both functions built, wheels
#      for the target architecture, no boto3 packaged, run.sh executable, and every
#      module precompiled (unchecked-hash .pyc: /var/task and /opt are read-only, so
#      Lambda would otherwise compile from source on each cold start)
#   4. unzipped size of each function plus the masking layer, kept under 40 MB
# aws-sam-cli pins many dependencies, so it lives in its own venv (.venv-sam,
# gitignored), created here from PyPI when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=.venv-sam
SAM_PACKAGES=("aws-sam-cli==1.170.0" "cfn-lint==1.58.0")
SIZE_LIMIT_MB=${SAM_SIZE_LIMIT_MB:-40}
BUILD_DIR=.aws-sam/checks/build
CACHE_DIR=.aws-sam/checks/cache

export SAM_CLI_TELEMETRY=0
export AWS_DEFAULT_REGION=${AWS_DEFAULT_REGION:-us-east-1} AWS_REGION=${AWS_REGION:-us-east-1}
# Nothing here talks to AWS; dummy credentials keep botocore from searching for real ones.
export AWS_ACCESS_KEY_ID=${AWS_ACCESS_KEY_ID:-testing} AWS_SECRET_ACCESS_KEY=${AWS_SECRET_ACCESS_KEY:-testing}

stage_start=$SECONDS
stage() { printf '\n== %s\n' "$1"; stage_start=$SECONDS; }
done_stage() { printf -- '-- ok (%ss)\n' "$((SECONDS - stage_start))"; }

# sam build runs the python3.12 workflow with whatever `python3.12` is on PATH.
# (A pyenv shim may be on PATH yet refuse to run, hence the trial run.)
if ! python3.12 -c '' >/dev/null 2>&1; then
  if command -v pyenv >/dev/null 2>&1 && py=$(PYENV_VERSION=3.12.1 pyenv which python 2>/dev/null); then
    PATH="$(dirname "$py"):$PATH"
  fi
fi
python3.12 -c '' >/dev/null 2>&1 || { echo "python3.12 not found (sam build needs it)" >&2; exit 1; }
PY312=$(python3.12 -c 'import sys; print(sys.executable)')

stage "sam tools ($VENV)"
stamp="$VENV/.installed"
if [[ ! -x "$VENV/bin/sam" || "$(cat "$stamp" 2>/dev/null)" != "${SAM_PACKAGES[*]}" ]]; then
  rm -rf "$VENV"
  "$PY312" -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "${SAM_PACKAGES[@]}"
  echo "${SAM_PACKAGES[*]}" > "$stamp"
fi
"$VENV/bin/sam" --version
"$VENV/bin/cfn-lint" --version
done_stage

stage "sam validate --lint"
"$VENV/bin/sam" validate --lint --template template.yaml
done_stage

stage "SAM transform + cfn-lint on the result"
mkdir -p .aws-sam/checks
"$VENV/bin/python" scripts/sam_transform.py template.yaml .aws-sam/checks/transformed.json
"$VENV/bin/cfn-lint" .aws-sam/checks/transformed.json
echo "cfn-lint: no findings on the transformed template"
done_stage

stage "sam build (python3.12, --cached --parallel)"
# The Makefiles are not told the function's architecture by SAM; give them the one the
# template builds for (the Architecture parameter's default, no overrides here).
LAMBDA_ARCH=$("$VENV/bin/python" -c 'import sys; from samtranslator.yaml_helper import yaml_parse
print(yaml_parse(open(sys.argv[1]).read())["Parameters"]["Architecture"]["Default"])' template.yaml)
export LAMBDA_ARCH
echo "LAMBDA_ARCH=$LAMBDA_ARCH"
"$VENV/bin/sam" build --template template.yaml --build-dir "$BUILD_DIR" --cache-dir "$CACHE_DIR" \
  --cached --parallel 2>&1 | grep -v -e '^\[\*\]' -e '^Commands you can use next' -e '^=====' -e '^$' || {
  echo "sam build failed" >&2; exit 1; }
done_stage

stage "build artifacts and sizes"
"$VENV/bin/python" - "$BUILD_DIR" "$SIZE_LIMIT_MB" <<'PY'
"""Check what sam build produced; print unzipped sizes (what counts against Lambda's 250 MB)."""
import importlib.util
import os
import sys
from pathlib import Path

build, limit_mb = Path(sys.argv[1]), float(sys.argv[2])
failures = []

def size(path):
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())

def mb(n):
    return n / 1_000_000

# ELF e_machine values: which architecture a compiled extension was built for.
MACHINES = {0xB7: "arm64", 0x3E: "x86_64"}

def architectures(path):
    found = set()
    for so in path.rglob("*.so*"):
        with so.open("rb") as fh:
            head = fh.read(20)
        if head[:4] == b"\x7fELF":
            found.add(MACHINES.get(int.from_bytes(head[18:20], "little"), "other"))
    return found

def bytecode(root):
    """(modules, precompiled) per top-level package: .py files with an unchecked-hash .pyc.

    The .pyc must be the one CPython 3.12 looks for (__pycache__/<name>.cpython-312.pyc), carry
    3.12's magic number, and have flags 0b01 (hash-based, not checked): Lambda then loads it as
    it is, whatever file times the deployment zip gives the sources.
    """
    tag = sys.implementation.cache_tag
    assert tag == "cpython-312", f"checks must run on python3.12, not {tag}"
    counts = {}
    for py in root.rglob("*.py"):
        pyc = py.parent / "__pycache__" / f"{py.stem}.{tag}.pyc"
        ok = False
        if pyc.is_file():
            head = pyc.read_bytes()[:8]
            ok = head[:4] == importlib.util.MAGIC_NUMBER and int.from_bytes(head[4:8], "little") == 0b01
        top = py.relative_to(root).parts[0]
        total, good = counts.get(top, (0, 0))
        counts[top] = (total + 1, good + ok)
    return counts


def pyc_mb(path):
    return mb(sum(f.stat().st_size for f in path.rglob("*.pyc")))


def check_bytecode(name, root, required):
    counts = bytecode(root)
    total = sum(t for t, _ in counts.values())
    good = sum(g for _, g in counts.values())
    print(f"    bytecode: {good}/{total} modules precompiled (unchecked-hash), {pyc_mb(root):.2f} MB of .pyc")
    for pkg in required:
        t, g = counts.get(pkg, (0, 0))
        if t == 0 or g < t:
            failures.append(f"{name}: {pkg}/ has {g}/{t} modules with an unchecked-hash .pyc")
    missing = sorted(top for top, (t, g) in counts.items() if g < t and top not in required)
    if missing:
        failures.append(f"{name}: modules without an unchecked-hash .pyc in {missing}")


layer = build / "MaskingLayer"
if not (layer / "python" / "masking" / "__init__.py").is_file():
    failures.append("MaskingLayer: python/masking/__init__.py missing (the layer must land at /opt/python/masking)")

from samtranslator.yaml_helper import yaml_parse

# The Architecture parameter's default is what sam build targets without overrides.
arch = yaml_parse(Path("template.yaml").read_text())["Parameters"]["Architecture"]["Default"]
layer_size = size(layer)
print(f"target architecture: {arch}")
print(f"{'artifact':<28}{'unzipped MB':>12}")
print(f"{'MaskingLayer':<28}{mb(layer_size):>12.2f}")
check_bytecode("MaskingLayer", layer / "python", ["masking", "phonenumbers", "stdnum"])
for name in ("ApiFunction", "StreamFunction"):
    fn = build / name
    if not (fn / "gateway" / "lambda_handler.py").is_file():
        failures.append(f"{name}: gateway/lambda_handler.py missing")
    run_sh = fn / "run.sh"
    if not (run_sh.is_file() and os.access(run_sh, os.X_OK)):
        failures.append(f"{name}: run.sh missing or not executable")
    for pkg in ("boto3", "botocore", "s3transfer"):
        if (fn / pkg).exists() or (layer / "python" / pkg).exists():
            failures.append(f"{name}: {pkg} is packaged; it must come from the Lambda runtime")
    fn_size = size(fn)
    total = fn_size + layer_size
    print(f"{name:<28}{mb(fn_size):>12.2f}")
    check_bytecode(name, fn, ["gateway", "pydantic", "fastapi", "starlette", "mangum", "uvicorn"])
    print(f"{name + ' + layer':<28}{mb(total):>12.2f}   (limit {limit_mb:.0f})")
    if mb(total) > limit_mb:
        failures.append(f"{name} + MaskingLayer is {mb(total):.1f} MB unzipped, over {limit_mb:.0f} MB")
    wrong = architectures(fn) - {arch}
    if wrong:
        failures.append(f"{name}: compiled extensions for {sorted(wrong)}, target is {arch}")
    biggest = sorted(((size(p), p.name) for p in fn.iterdir() if p.is_dir()), reverse=True)[:5]
    print("    largest: " + ", ".join(f"{n} {mb(s):.1f}" for s, n in biggest))
wrong = architectures(layer) - {arch}
if wrong:
    failures.append(f"MaskingLayer: compiled extensions for {sorted(wrong)}, target is {arch}")
if failures:
    print("\n".join(["FAILED:", *failures]), file=sys.stderr)
    sys.exit(1)
PY
done_stage
echo
echo "sam checks passed"
