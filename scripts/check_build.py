"""Check what `sam build` produced, then pin the built template to the architecture it was built for.

    python scripts/check_build.py BUILD_DIR ARCH [--size-limit-mb 40]

Run by `make build` (and so by scripts/sam_checks.sh and the tests/lambda harness) with the SAM
venv's python (PyYAML). Checks, each a failure when it does not hold:
  - every compiled extension (.so) of every artifact is an ELF for ARCH: a function whose wheels
    are for the other architecture dies at import, after a deploy that looked fine;
  - the layer lands at /opt/python/masking; each function has its handler (the Mangum module,
    or run.sh, executable, with uvicorn); the Mangum function ships no uvicorn or click (httpx
    imports its command-line module when click is there: cold start); boto3 is not packaged
    (the runtime provides it);
  - every module has an unchecked-hash .pyc (/var/task and /opt are read-only, so Lambda would
    otherwise compile from source on every cold start);
  - each function plus the layer stays under the size budget (unzipped).
Then the built template's Architecture parameter is narrowed to ARCH (default and only allowed
value), so no deploy of this build (`sam deploy`, `--guided`, saved samconfig answers) can ask
CloudFormation for the architecture the wheels were not built for.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
from pathlib import Path
from typing import Any

import yaml

# ELF e_machine values: which architecture a compiled extension was built for.
MACHINES = {0xB7: "arm64", 0x3E: "x86_64"}
RUNTIME_PROVIDED = ("boto3", "botocore", "s3transfer")
# Packages whose missing bytecode would cost the most at a cold start.
FUNCTION_PACKAGES = ("gateway", "pydantic", "fastapi", "starlette", "mangum")
SERVER_PACKAGES = ("uvicorn", "click")  # run.sh's server: only where the handler is run.sh
LAYER_PACKAGES = ("masking", "phonenumbers", "stdnum")


def tree_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())


def mb(n: float) -> float:
    return n / 1_000_000


def elf_architectures(path: Path) -> dict[str, list[str]]:
    """Architecture -> compiled extensions under `path` built for it."""
    found: dict[str, list[str]] = {}
    for so in sorted(path.rglob("*.so*")):
        if not so.is_file():
            continue
        with so.open("rb") as fh:
            head = fh.read(20)
        if head[:4] == b"\x7fELF":
            arch = MACHINES.get(int.from_bytes(head[18:20], "little"), "other")
            found.setdefault(arch, []).append(str(so.relative_to(path)))
    return found


def bytecode_counts(root: Path) -> dict[str, tuple[int, int]]:
    """Per top-level package: (modules, modules with an unchecked-hash .pyc for CPython 3.12).

    The .pyc must be where 3.12 looks (__pycache__/<name>.cpython-312.pyc), carry 3.12's magic
    number and flags 0b01 (hash-based, not checked): Lambda then loads it as it is, whatever file
    times the deployment zip gives the sources.
    """
    tag = sys.implementation.cache_tag
    assert tag == "cpython-312", f"checks must run on python3.12, not {tag}"
    counts: dict[str, tuple[int, int]] = {}
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


class Checks:
    def __init__(self, build: Path, arch: str, size_limit_mb: float) -> None:
        self.build, self.arch, self.size_limit_mb = build, arch, size_limit_mb
        self.failures: list[str] = []

    def architecture(self, name: str, path: Path) -> None:
        wrong = {a: files for a, files in elf_architectures(path).items() if a != self.arch}
        for arch, files in wrong.items():
            shown = ", ".join(files[:3]) + (f" and {len(files) - 3} more" if len(files) > 3 else "")
            self.failures.append(
                f"{name}: {len(files)} compiled extensions for {arch}, target is {self.arch}: {shown}"
            )

    def bytecode(self, name: str, root: Path, required: tuple[str, ...]) -> None:
        counts = bytecode_counts(root)
        total = sum(t for t, _ in counts.values())
        good = sum(g for _, g in counts.values())
        pyc = mb(sum(f.stat().st_size for f in root.rglob("*.pyc")))
        print(f"    bytecode: {good}/{total} modules precompiled (unchecked-hash), {pyc:.2f} MB of .pyc")
        for pkg in required:
            t, g = counts.get(pkg, (0, 0))
            if t == 0 or g < t:
                self.failures.append(f"{name}: {pkg}/ has {g}/{t} modules with an unchecked-hash .pyc")
        missing = sorted(top for top, (t, g) in counts.items() if g < t and top not in required)
        if missing:
            self.failures.append(f"{name}: modules without an unchecked-hash .pyc in {missing}")

    def run(self, functions: dict[str, str], layer_name: str) -> None:
        """`functions`: name -> the template's Handler."""
        layer = self.build / layer_name
        if not (layer / "python" / "masking" / "__init__.py").is_file():
            self.failures.append(
                f"{layer_name}: python/masking/__init__.py missing (the layer must land at /opt/python)"
            )
        layer_size = tree_bytes(layer)
        print(f"target architecture: {self.arch}")
        print(f"{'artifact':<28}{'unzipped MB':>12}")
        print(f"{layer_name:<28}{mb(layer_size):>12.2f}")
        self.bytecode(layer_name, layer / "python", LAYER_PACKAGES)
        self.architecture(layer_name, layer)
        for name, handler in sorted(functions.items()):
            fn = self.build / name
            required = FUNCTION_PACKAGES
            if handler == "run.sh":
                required += SERVER_PACKAGES
                if not ((fn / handler).is_file() and os.access(fn / handler, os.X_OK)):
                    self.failures.append(f"{name}: run.sh missing or not executable")
            else:
                module = handler.rpartition(".")[0].replace(".", "/") + ".py"
                if not (fn / module).is_file():
                    self.failures.append(f"{name}: {module} (its handler's module) missing")
                shipped = [pkg for pkg in SERVER_PACKAGES if (fn / pkg).exists()]
                if shipped:
                    self.failures.append(f"{name}: ships {shipped}, which only run.sh's server needs")
            for pkg in RUNTIME_PROVIDED:
                if (fn / pkg).exists() or (layer / "python" / pkg).exists():
                    self.failures.append(f"{name}: {pkg} is packaged; it must come from the Lambda runtime")
            fn_size = tree_bytes(fn)
            print(f"{name:<28}{mb(fn_size):>12.2f}")
            self.bytecode(name, fn, required)
            total = fn_size + layer_size
            print(f"{name + ' + layer':<28}{mb(total):>12.2f}   (limit {self.size_limit_mb:.0f})")
            if mb(total) > self.size_limit_mb:
                self.failures.append(
                    f"{name} + {layer_name} is {mb(total):.1f} MB unzipped, over {self.size_limit_mb:.0f} MB"
                )
            self.architecture(name, fn)
            biggest = sorted(((tree_bytes(p), p.name) for p in fn.iterdir() if p.is_dir()), reverse=True)[:5]
            print("    largest: " + ", ".join(f"{n} {mb(s):.1f}" for s, n in biggest))


def pin_architecture(template_path: Path, arch: str) -> None:
    """Narrow the built template's Architecture parameter to the one the wheels are for."""
    template: dict[str, Any] = yaml.safe_load(template_path.read_text())
    param = template["Parameters"]["Architecture"]
    param["Default"] = arch
    param["AllowedValues"] = [arch]
    param["Description"] = (
        f"Pinned to {arch} by `make build`: this build's compiled extensions are for {arch} only. "
        "Rebuild with `make build ARCH=...` for the other architecture."
    )
    template_path.write_text(yaml.safe_dump(template, sort_keys=False))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("build_dir", type=Path)
    parser.add_argument("arch", choices=sorted(set(MACHINES.values())))
    default_limit = float(os.environ.get("SAM_SIZE_LIMIT_MB", "40"))
    parser.add_argument("--size-limit-mb", type=float, default=default_limit)
    args = parser.parse_args(argv)
    template_path = args.build_dir / "template.yaml"
    template = yaml.safe_load(template_path.read_text())
    resources = template["Resources"]
    kinds = {k: v["Type"] for k, v in resources.items()}
    fn_type = "AWS::Serverless::Function"
    functions = {k: resources[k]["Properties"]["Handler"] for k, t in kinds.items() if t == fn_type}
    (layer_name,) = (k for k, t in kinds.items() if t == "AWS::Serverless::LayerVersion")
    checks = Checks(args.build_dir, args.arch, args.size_limit_mb)
    checks.run(functions, layer_name)
    if checks.failures:
        print("\n".join(["FAILED:", *checks.failures]), file=sys.stderr)
        return 1
    pin_architecture(template_path, args.arch)
    print(f"{template_path}: Architecture pinned to {args.arch}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
