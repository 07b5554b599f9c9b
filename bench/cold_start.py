"""Cold start of the two Lambda entry points, against a bare FastAPI + Mangum app.

    python bench/cold_start.py [-n 9]

Each sample is a fresh interpreter given what Lambda gives it: only the function's
CodeUri and the masking layer on sys.path (`python -I`, as in tests/lambda), the
template's environment, moto standing in for AWS and a loopback fake upstream.
Printed: the median import time (wall and CPU) of `gateway.lambda_handler` (ApiFunction)
and `gateway.asgi` (StreamFunction's uvicorn app) next to a bare FastAPI+Mangum app
measured in the same run, their ratio (of CPU times: on a shared machine the wall time also
counts waiting for a core), and the first request split into its parts
(the secret fetch through the gateway's own AWS client, first calls). Then the same on the
`make build` artifacts for this machine's architecture that tests/lambda runs (function
dir plus the layer's python/, as on Lambda), precompiled by the Makefiles and with their
bytecode removed, each against a bare FastAPI+Mangum app built by the same Makefile from
the same lock (target for the built handler: within 1.3x of the bare app).
Nothing is asserted: the figures go into the issue's closing note.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "lambda"))

from samharness.stack import running_stack  # noqa: E402

CODE_DIR = ROOT / "functions" / "gateway"
LAYER_DIR = ROOT / "layers" / "masking"

BARE_APP = """
from fastapi import FastAPI
from mangum import Mangum

app = FastAPI()


@app.get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}


handler = Mangum(app, lifespan="off")
"""

# Runs in the child: time one import of `module`, wall and CPU (the interpreter's own start-up
# is measured separately, as the wall time of the whole process). The import reads only cached
# files, so on a CPU of its own (Lambda's init) its wall time is its CPU time; on this shared
# machine the wall time also counts waiting for a core, so the verdict is taken on CPU time.
IMPORT_PROBE = """
import sys, time, json
sys.path[:0] = {paths!r}
t0, c0 = time.perf_counter(), time.process_time()
import {module}
t1, c1 = time.perf_counter(), time.process_time()
print(json.dumps({{"import_s": t1 - t0, "cpu_s": c1 - c0, "modules": len(sys.modules),
                  "boto3": "boto3" in sys.modules}}))
"""

FIRST_REQUEST_PROBE = """
import json, os, sys, time
sys.path[:0] = {paths!r}
steps = []
def step(name, fn):
    t0 = time.perf_counter(); out = fn(); steps.append((name, time.perf_counter() - t0)); return out

import importlib
module = step("import gateway.lambda_handler", lambda: importlib.import_module("gateway.lambda_handler"))
handler = module.handler
if {split!r}:
    import asyncio
    from gateway.aws.access import AwsAccess
    from gateway.aws.json_api import SECRETS_MANAGER, connect
    def fetch():
        client = connect(AwsAccess.from_env(os.environ), SECRETS_MANAGER)
        secret = {{"SecretId": os.environ["GATEWAY_PROVIDERS_SECRET"]}}
        # A loop of its own, never set as current: asyncio.run would leave the thread without
        # one, and Mangum asks for the current loop.
        loop = asyncio.new_event_loop()
        try:
            return loop.run_until_complete(client.call("GetSecretValue", secret))
        finally:
            loop.close()
    step("secret fetch (the gateway's client, new connection + GetSecretValue)", fetch)

class Ctx:
    function_name = "bench"; memory_limit_in_mb = "512"; aws_request_id = "bench"
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:bench"
    def get_remaining_time_in_millis(self): return 30000

events = {events!r}
r = step("first GET /api/v1/models (key lookup)", lambda: handler(events["models"], Ctx()))
assert r["statusCode"] == 200, r
r = step("first POST chat (upstream connect)", lambda: handler(events["chat"], Ctx()))
assert r["statusCode"] == 200, r
r = step("second POST chat (warm)", lambda: handler(events["chat"], Ctx()))
assert r["statusCode"] == 200, r
print(json.dumps(steps))
"""


def run_child(code: str, env: dict[str, str], flags: tuple[str, ...] = ()) -> tuple[Any, float]:
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-I", *flags, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"child failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1]), wall


@dataclass(frozen=True)
class Variant:
    label: str
    module: str
    paths: list[str]
    env: dict[str, str]
    flags: tuple[str, ...] = ()
    # Label of the variant this one is compared with, sample by sample.
    baseline: str | None = None
    note: str = ""


def measure(variants: list[Variant], n: int) -> dict[str, list[dict[str, float]]]:
    """n rounds, each running every variant once in a fresh process.

    Interleaving matters on a shared machine: load changes over seconds, and a
    round-by-round ratio cancels most of it, where back-to-back batches did not.
    """
    samples: dict[str, list[dict[str, float]]] = {v.label: [] for v in variants}
    for _ in range(n):
        for v in variants:
            result, wall = run_child(IMPORT_PROBE.format(paths=v.paths, module=v.module), v.env, v.flags)
            assert isinstance(result, dict)
            samples[v.label].append({**result, "wall_s": wall})
    return samples


def per_round_ratio(rows: list[dict[str, float]], base: list[dict[str, float]], key: str) -> float:
    """Median of the round-by-round ratios: a round's two processes ran seconds apart."""
    return statistics.median(r[key] / b[key] for r, b in zip(rows, base, strict=True))


def print_imports(variants: list[Variant], samples: dict[str, list[dict[str, float]]], n: int) -> None:
    print(f"\ncold import, fresh process each, interleaved, median of {n}")
    header = f"{'entry point':<46}{'import ms':>10}{'p90 ms':>9}{'CPU ms':>9}{'process ms':>12}{'modules':>9}"
    print(f"{header}{'ratio':>8}  vs (ratio: of CPU times, median of per-round ratios)")
    for v in variants:
        rows = samples[v.label]
        imports = sorted(r["import_s"] for r in rows)
        med = statistics.median(imports)
        p90 = imports[max(0, round(len(imports) * 0.9) - 1)]
        cpu = statistics.median(r["cpu_s"] for r in rows)
        wall = statistics.median(r["wall_s"] for r in rows)
        ratio, versus = "", ""
        if v.baseline:
            ratio = f"{per_round_ratio(rows, samples[v.baseline], 'cpu_s'):.2f}"
            versus = v.baseline
        print(
            f"{v.label:<46}{med * 1000:>10.1f}{p90 * 1000:>9.1f}{cpu * 1000:>9.1f}{wall * 1000:>12.1f}"
            f"{int(rows[-1]['modules']):>9}{ratio:>8}  {versus}"
        )
        if v.note:
            print(f"{'':<6}{v.note}")


def importtime_top(module: str, paths: list[str], env: dict[str, str], top: int = 8) -> list[tuple[int, str]]:
    code = f"import sys; sys.path[:0] = {paths!r}; import {module}"
    proc = subprocess.run(
        [sys.executable, "-I", "-X", "importtime", "-c", code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    rows = []
    for line in proc.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cumulative, name = line[len("import time:") :].split("|")
        # Nesting shows as two more spaces per level; keep the first few levels below
        # the entry module, where the choices (what to import eagerly) are visible.
        depth = (len(name) - len(name.lstrip()) - 1) // 2
        if 1 <= depth <= 4 and not module.startswith(name.strip()):
            rows.append((int(cumulative), "  " * (depth - 1) + name.strip()))
    return sorted(rows, reverse=True)[:top]


def tree_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1_000_000


def _host_arch() -> str:
    return "arm64" if platform.machine() in ("aarch64", "arm64") else "x86_64"


def _build_env(arch: str) -> dict[str, str]:
    # The Makefiles run `python3.12`: this interpreter's directory first on PATH. LAMBDA_ARCH:
    # SAM does not pass the architecture to a makefile build (functions/gateway/Makefile).
    return {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}",
        "SAM_CLI_TELEMETRY": "0",
        "AWS_DEFAULT_REGION": "us-east-1",
        "LAMBDA_ARCH": arch,
    }


@dataclass(frozen=True)
class Built:
    """sam build output (precompiled by the Makefiles), copies without bytecode, a bare app."""

    compiled: Path  # as sam build ships it now: unchecked-hash .pyc everywhere
    plain: Path  # the same tree with every __pycache__ removed: what BuildMethod python3.12 shipped
    bare_compiled: Path  # bare FastAPI+Mangum built by the same Makefile
    bare_plain: Path


def sam_build(out: Path, build: Path) -> Built:
    """The stack's `make build` output, plus a bare app through the same Makefile.

    /var/task and /opt are read-only on Lambda, so a package shipped without .pyc files is
    compiled from source on every cold start. The source-tree rows hide that (their
    __pycache__ is warm); the built rows run with `-B`, which writes no bytecode, as Lambda's
    read-only file system would not keep any.
    """
    env = _build_env(_host_arch())
    # The fair baseline: FastAPI and Mangum from the function's own lock, built by the
    # function's own Makefile (same wheels, strip and compileall; packages the bare app does
    # not import cost it nothing).
    bare_src = out / "bare-src"
    (bare_src / "gateway").mkdir(parents=True)
    (bare_src / "gateway" / "__init__.py").write_text("")
    (bare_src / "gateway" / "bare_app.py").write_text(BARE_APP)
    shutil.copy2(CODE_DIR / "run.sh", bare_src / "run.sh")
    shutil.copy2(CODE_DIR / "requirements.txt", bare_src / "requirements.txt")
    bare = out / "bare-build"
    subprocess.run(
        ["make", "--makefile", str(CODE_DIR / "Makefile"), "build-ApiFunction", f"ARTIFACTS_DIR={bare}"],
        cwd=bare_src, env=env, capture_output=True, check=True,
    )  # fmt: skip
    compiled, plain = out / "compiled", out / "plain"
    shutil.copytree(build, compiled)
    shutil.copytree(build, plain, ignore=shutil.ignore_patterns("__pycache__"))
    bare_plain = out / "bare-plain"
    shutil.copytree(bare, bare_plain, ignore=shutil.ignore_patterns("__pycache__"))
    return Built(compiled, plain, bare, bare_plain)


BUILT_BARE = "built: bare FastAPI+Mangum, .pyc"
BUILT_API = "built: ApiFunction, .pyc (as shipped now)"
BUILT_STREAM = "built: StreamFunction app, .pyc"
BUILT_LAYER_PLAIN = "built: ApiFunction .pyc, layer without"
PLAIN_BARE = "no .pyc: bare FastAPI+Mangum"
PLAIN_API = "no .pyc: ApiFunction (bytecode removed)"
PLAIN_STREAM = "no .pyc: StreamFunction app"


def built_variants(b: Built, api_env: dict[str, str], stream_env: dict[str, str]) -> list[Variant]:
    def paths(root: Path, fn: str, layer_root: Path | None = None) -> list[str]:
        return [str(root / fn), str((layer_root or root) / "MaskingLayer" / "python")]

    def size_note(root: Path) -> str:
        fn = tree_mb(root / "ApiFunction") + tree_mb(root / "MaskingLayer")
        return f"fn+layer {fn:.1f} MB unzipped"

    # -B: write no bytecode (Lambda's /var/task and /opt are read-only). -S: no site-packages,
    # so nothing outside the artifacts is found (this venv's rich, pulled in by httpx's CLI
    # module, would add ~30 ms that Lambda, whose runtime adds only boto3, never pays).
    api, stream, no_bytecode = "gateway.lambda_handler", "gateway.asgi", ("-B", "-S")
    return [
        Variant(BUILT_BARE, "gateway.bare_app", [str(b.bare_compiled)], api_env, no_bytecode),
        Variant(BUILT_API, api, paths(b.compiled, "ApiFunction"), api_env, no_bytecode, BUILT_BARE,
                size_note(b.compiled)),
        Variant(BUILT_STREAM, stream, paths(b.compiled, "StreamFunction"), stream_env, no_bytecode,
                BUILT_BARE),
        Variant(BUILT_LAYER_PLAIN, api, paths(b.compiled, "ApiFunction", b.plain), api_env, no_bytecode,
                BUILT_API),
        Variant(PLAIN_BARE, "gateway.bare_app", [str(b.bare_plain)], api_env, no_bytecode),
        Variant(PLAIN_API, api, paths(b.plain, "ApiFunction"), api_env, no_bytecode, PLAIN_BARE,
                size_note(b.plain)),
        Variant(PLAIN_STREAM, stream, paths(b.plain, "StreamFunction"), stream_env, no_bytecode,
                PLAIN_BARE),
    ]  # fmt: skip


def print_built_summary(samples: dict[str, list[dict[str, float]]]) -> None:
    """Ratios across the table's pairs, each the median of per-round ratios of CPU times."""

    def ratio(a: str, b: str) -> float:
        return per_round_ratio(samples[a], samples[b], "cpu_s")

    def med(label: str, key: str) -> float:
        return statistics.median(r[key] for r in samples[label]) * 1000

    n, verdict = len(samples[BUILT_API]), ratio(BUILT_API, BUILT_BARE)
    wall = per_round_ratio(samples[BUILT_API], samples[BUILT_BARE], "import_s")
    print(
        f"\ncold import verdict: built ApiFunction {med(BUILT_API, 'cpu_s'):.1f} ms CPU, bare"
        f" FastAPI+Mangum {med(BUILT_BARE, 'cpu_s'):.1f} ms CPU (medians of {n}); ratio {verdict:.2f}x"
        f" (median of per-round ratios), target 1.3x: {'met' if verdict <= 1.3 else 'NOT met'};"
        f" wall {med(BUILT_API, 'import_s'):.1f} / {med(BUILT_BARE, 'import_s'):.1f} ms, {wall:.2f}x"
    )
    print("\nbuilt artifacts (-B -S: nothing written, only the artifacts and the stdlib on sys.path)")
    print(
        f"  ApiFunction / bare, both precompiled:          {ratio(BUILT_API, BUILT_BARE):.2f}x  (target 1.3x)"
    )
    print(f"  StreamFunction app / bare, both precompiled:   {ratio(BUILT_STREAM, BUILT_BARE):.2f}x")
    print(f"  ApiFunction / bare, neither precompiled:       {ratio(PLAIN_API, PLAIN_BARE):.2f}x")
    print(f"  ApiFunction without .pyc / with (speed-up):    {ratio(PLAIN_API, BUILT_API):.2f}x")
    print(f"  StreamFunction without .pyc / with:            {ratio(PLAIN_STREAM, BUILT_STREAM):.2f}x")
    print(f"  layer without .pyc / with (ApiFunction):       {ratio(BUILT_LAYER_PLAIN, BUILT_API):.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=9, help="fresh processes per figure (median)")
    parser.add_argument(
        "--no-build", action="store_true", help="skip the rows measured on sam build artifacts"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp, running_stack(Path(tmp)) as stack:
        bare_dir = Path(tmp) / "bare"
        bare_dir.mkdir()
        (bare_dir / "bare_app.py").write_text(BARE_APP)
        api_env = stack.environment("ApiFunction")
        stream_env = stack.environment("StreamFunction")
        fn_paths = [str(CODE_DIR), str(LAYER_DIR)]

        src = "source tree (warm __pycache__)"
        variants = [
            Variant(f"bare FastAPI+Mangum app, {src}", "bare_app", [str(bare_dir)], api_env),
            Variant("gateway.lambda_handler (ApiFunction)", "gateway.lambda_handler", fn_paths, api_env,
                    baseline=f"bare FastAPI+Mangum app, {src}"),
            Variant("gateway.asgi (StreamFunction app)", "gateway.asgi", fn_paths, stream_env,
                    baseline=f"bare FastAPI+Mangum app, {src}"),
            Variant("uvicorn.main (run.sh's server, extra)", "uvicorn.main", fn_paths, stream_env),
        ]  # fmt: skip
        built = None if args.no_build else sam_build(Path(tmp), stack.build_dir)
        if built is not None:
            variants += built_variants(built, api_env, stream_env)
        import_samples = measure(variants, args.n)
        print_imports(variants, import_samples, args.n)
        if built is not None:
            print_built_summary(import_samples)

        events = {
            "models": json.loads((ROOT / "events" / "httpapi-models.json").read_text()),
            "chat": json.loads((ROOT / "events" / "httpapi-chat.json").read_text()),
        }
        for split in (True, False):
            samples = [
                run_child(FIRST_REQUEST_PROBE.format(paths=fn_paths, split=split, events=events), api_env)[0]
                for _ in range(max(3, args.n // 2))
            ]
            names = [name for name, _ in samples[0]]
            title = "first request, parts timed one by one" if split else "first request, as Lambda sees it"
            print(f"\n{title} (ApiFunction, median of {len(samples)})")
            total = 0.0
            for i, name in enumerate(names):
                med = statistics.median(s[i][1] for s in samples)
                if not name.startswith("second"):
                    total += med
                print(f"  {name:<44}{med * 1000:>9.1f} ms")
            print(f"  {'total to first chat answer':<44}{total * 1000:>9.1f} ms")

        print("\nlargest imports under gateway.lambda_handler (-X importtime, cumulative):")
        for cumulative, name in importtime_top("gateway.lambda_handler", fn_paths, api_env):
            print(f"  {cumulative / 1000:>8.1f} ms  {name}")


if __name__ == "__main__":
    main()
