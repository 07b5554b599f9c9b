"""Masking benchmark: prints figures, asserts nothing (DESIGN §12).

- scan throughput (PII + secrets together) on a ~1 MB chat-like corpus, vs scrubadub's default
  Scrubber on the same corpus in the same run (skipped when scrubadub is not installed);
- stream guard cost per chunk and its hold-back;
- cost per character of hostile text (runs built to trip every detector's trigger) beside prose,
  on the request side (scan) and the answer side (whole guard and stream), with the ratio;
- names and addresses (opt-in): `MaskingConfig(names=True, addresses=True)` build time and the
  gazetteer's first-use load in fresh interpreters, and the cost per character of prose on both
  sides with them on beside off;
- cold import of `masking` in fresh interpreters vs a bare `python -c pass`;
- the layer's unzipped size (requirements + package installed into a temporary directory).

Run: PYTHONPATH=layers/masking python bench/masking.py [--quick]
"""

from __future__ import annotations

import importlib.util
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYER = ROOT / "layers" / "masking"
sys.path.insert(0, str(LAYER))

from masking import MaskingConfig, ResponseGuard, Vault, guard_text, protect_request, scan  # noqa: E402

_WORDS = (
    "the a to of and in for is on that with as it be this are you can by we or from your at not have "
    "please could would should deploy server config error function value result request response user "
    "data model version update release build test code python docker cluster service api key token"
)
WORDS = _WORDS.split()
CODE = [
    "def handler(event, context):\n    return {'statusCode': 200}\n",
    "for i in range(10):\n    total += i * 3.5\n",
    "git commit -m 'fix' && git push origin main  # 3f786850e387550fdab836ed7e6dc881de23001b\n",
    "docker pull repo/app@sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae\n",
    "version 1.2.3 released on 2024-03-01; see https://example.com/docs/v2?page=3\n",
]
VALUES = [
    "bob@example.com",
    "jane.doe@mail.example.org",
    "+1 (415) 555-2671",
    "212-555-0147",
    "4111 1111 1111 1111",
    "219-09-9998",
    "203.0.113.7",
    "DE89 3704 0044 0532 0130 00",
    "AKIA" + "Q3EGUJ2GZ7BXMPL3",
    'password = "Hunter2xyz!"',
]


def chat_corpus(size: int, seed: int = 1) -> str:
    rng = random.Random(seed)
    parts: list[str] = []
    total = 0
    while total < size:
        if rng.random() < 0.15:
            piece = rng.choice(CODE)
        else:
            words = [rng.choice(WORDS) for _ in range(rng.randint(8, 30))]
            if rng.random() < 0.3:
                words.insert(rng.randrange(len(words)), rng.choice(VALUES))
            piece = " ".join(words).capitalize() + ".\n"
        parts.append(piece)
        total += len(piece)
    return "".join(parts)


def best_of(n: int, fn: object) -> float:
    times = []
    for _ in range(n):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return min(times)


def throughput(corpus: str, quick: bool) -> None:
    cfg = MaskingConfig()
    mb = len(corpus.encode()) / 1e6
    scan(corpus[:2000], cfg.detectors)  # lazy imports (phonenumbers, stdnum) out of the timing
    ours = best_of(1 if quick else 3, lambda: scan(corpus, cfg.detectors))
    print(f"scan (PII + secrets): {mb:.2f} MB in {ours * 1000:.0f} ms = {mb / ours:.1f} MB/s")
    payload = {"messages": [{"role": "user", "content": corpus}]}
    cfg = MaskingConfig(secrets_mode="obfuscate")
    req = best_of(1, lambda: protect_request(payload, "obfuscate", cfg))
    print(f"protect_request obfuscate: {mb / req:.1f} MB/s")
    masked = protect_request(payload, "obfuscate", cfg)
    text = masked.payload["messages"][0]["content"]
    whole = best_of(1, lambda: guard_text(text, masked.vault, "obfuscate", cfg))
    print(f"guard_text (restore + foreign scan): {mb / whole:.1f} MB/s")
    try:
        import scrubadub
    except ImportError:
        print("scrubadub: not installed, no baseline")
        return
    scrubber = scrubadub.Scrubber()
    sample = corpus if not quick else corpus[:200_000]
    smb = len(sample.encode()) / 1e6
    theirs = best_of(1, lambda: list(scrubber.iter_filth(sample)))
    print(f"scrubadub {scrubadub.__version__} default Scrubber: {smb / theirs:.2f} MB/s")
    print(f"ratio ours / scrubadub: {(mb / ours) / (smb / theirs):.1f}x")


def stream_cost(corpus: str) -> None:
    cfg = MaskingConfig()
    answer = corpus[:200_000]
    for size in (4, 16, 64):
        chunks = [answer[i : i + size] for i in range(0, len(answer), size)]
        guard = ResponseGuard(Vault(), "obfuscate", cfg)
        held: list[int] = []
        start = time.perf_counter()
        for chunk in chunks:
            guard.feed(chunk)
            held.append(guard.held)
        guard.flush()
        elapsed = time.perf_counter() - start
        print(
            f"stream guard, {size}-char chunks: {elapsed / len(chunks) * 1e6:.1f} us/chunk, "
            f"hold-back median {statistics.median(held):.0f} / p99 {sorted(held)[len(held) * 99 // 100]} "
            f"/ max {max(held)} chars"
        )
    prose = "lorem ipsum dolor sit amet consectetur adipiscing elit " * 200
    guard = ResponseGuard(Vault(), "obfuscate", cfg)
    worst = 0
    for ch in prose:
        guard.feed(ch)
        worst = max(worst, guard.held)
    limit = cfg.stream_holdback
    print(f"stream guard, plain prose: max hold-back {worst} chars (GATEWAY_STREAM_HOLDBACK={limit})")


def _hostile_texts() -> tuple[dict[str, str], set[str]]:
    """The hostile corpus the tests use too (tests/masking/cases/hostile.py), and the names of
    its escape-dense texts."""
    path = ROOT / "tests" / "masking" / "cases" / "hostile.py"
    spec = importlib.util.spec_from_file_location("hostile_cases", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    texts: dict[str, str] = module.HOSTILE
    return texts, set(module.ESCAPE_DENSE)


def _per_char_us(fn: object, size: int, repeat: int = 3) -> float:
    """CPU time (not wall time): steadier on a machine shared with other work."""
    times = []
    for _ in range(repeat):
        start = time.process_time()
        fn()  # type: ignore[operator]
        times.append(time.process_time() - start)
    return min(times) / size * 1e6


def hostile_cost(corpus: str, quick: bool) -> None:
    """Worst-case cost per character against prose, both sides (target: within 5x)."""
    cfg = MaskingConfig()
    hostile, escape_dense = _hostile_texts()
    prose = corpus[: len(hostile["iban_runs"])]

    def sides(text: str) -> tuple[float, float, float]:
        def stream() -> None:
            guard = ResponseGuard(Vault(), "obfuscate", cfg)
            for i in range(0, len(text), 64):
                guard.feed(text[i : i + 64])
            guard.flush()

        request = _per_char_us(lambda: scan(text, cfg.detectors), len(text))
        whole = _per_char_us(lambda: guard_text(text, Vault(), "obfuscate", cfg), len(text))
        streamed = _per_char_us(stream, len(text))
        return request, whole, streamed

    sides(prose)  # lazy imports (phonenumbers, stdnum) and caches out of the timing
    base = sides(prose)
    header = (
        f"{'hostile text (100 KB)':<22} {'request us/char':>16} {'answer whole':>14} {'answer stream':>14}"
    )
    print(f"{header}  worst ratio")
    print(f"{'prose (baseline)':<22} {base[0]:>16.3f} {base[1]:>14.3f} {base[2]:>14.3f}")
    ratios: dict[str, float] = {}
    for name, text in hostile.items():
        figures = sides(text)
        ratios[name] = max(f / b for f, b in zip(figures, base, strict=True))
        print(f"{name:<22} {figures[0]:>16.3f} {figures[1]:>14.3f} {figures[2]:>14.3f}  {ratios[name]:.1f}x")
    for label, names in (("worst case", hostile), ("worst escape-dense case", escape_dense)):
        worst = max(names, key=ratios.__getitem__)
        print(f"{label}: {worst}, {ratios[worst]:.1f}x prose per character (target <= 5x)")


def names_addresses(corpus: str, runs: int) -> None:
    """What switching names and addresses on costs: once per process, and per character."""
    code = (
        "import time, masking; t0 = time.perf_counter();"
        "c = masking.MaskingConfig(names=True, addresses=True); t1 = time.perf_counter();"
        "import masking.gazetteer as g; g.load(); t2 = time.perf_counter();"
        "print((t1 - t0) * 1000, (t2 - t1) * 1000)"
    )
    build, load = [], []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", code],
            check=True,
            capture_output=True,
            text=True,
            env={"PYTHONPATH": str(LAYER)},
        )
        b, g = (float(x) for x in out.stdout.split())
        build.append(b)
        load.append(g)
    print(
        f"names+addresses (median of {runs}, fresh interpreters): MaskingConfig(names=True, addresses=True) "
        f"{statistics.median(build):.1f} ms; gazetteer first-use load {statistics.median(load):.1f} ms"
    )
    prose = corpus[:100_000]
    print(
        f"{'prose, names+addresses':<26} {'request us/char':>16} {'answer whole':>14} {'answer stream':>14}"
    )
    base: tuple[float, ...] = ()
    for label, cfg in (
        ("off (baseline)", MaskingConfig()),
        ("names", MaskingConfig(names=True)),
        ("addresses", MaskingConfig(addresses=True)),
        ("names + addresses", MaskingConfig(names=True, addresses=True)),
    ):
        scan(prose[:3000], cfg.detectors)  # lazy imports and the gazetteer out of the timing

        def stream(cfg: MaskingConfig = cfg) -> None:
            guard = ResponseGuard(Vault(), "obfuscate", cfg)
            for i in range(0, len(prose), 64):
                guard.feed(prose[i : i + 64])
            guard.flush()

        figures = (
            _per_char_us(lambda cfg=cfg: scan(prose, cfg.detectors), len(prose)),
            _per_char_us(lambda cfg=cfg: guard_text(prose, Vault(), "obfuscate", cfg), len(prose)),
            _per_char_us(stream, len(prose)),
        )
        base = base or figures
        ratios = "/".join(f"{f / b:.1f}" for f, b in zip(figures, base, strict=True))
        print(f"{label:<26} {figures[0]:>16.3f} {figures[1]:>14.3f} {figures[2]:>14.3f}  {ratios}x off")


def cold_import(runs: int) -> None:
    env_path = str(LAYER)

    def run(code: str) -> float:
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], check=True, env={"PYTHONPATH": env_path})
            times.append(time.perf_counter() - start)
        return statistics.median(times) * 1000

    base = run("pass")
    imp = run("import masking")
    cfg = run("import masking; masking.MaskingConfig()")
    print(
        f"cold start (median of {runs}): python -c pass {base:.1f} ms; import masking {imp:.1f} ms "
        f"(+{imp - base:.1f} ms); + MaskingConfig() {cfg:.1f} ms (+{cfg - base:.1f} ms)"
    )


def layer_size() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "python"
        cmd = [sys.executable, "-m", "pip", "install", "-q", "--no-compile", "-t", str(target)]
        result = subprocess.run(
            [*cmd, "-r", str(LAYER / "requirements.txt")], capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            print(f"layer size: pip install failed ({result.stderr.strip()[:200]})")
            return
        shutil.copytree(LAYER / "masking", target / "masking", ignore=shutil.ignore_patterns("__pycache__"))
        total = sum(f.stat().st_size for f in target.rglob("*") if f.is_file())
        ours = sum(f.stat().st_size for f in (target / "masking").rglob("*") if f.is_file())
        print(f"layer unzipped: {total / 1e6:.1f} MB (masking itself {ours / 1e3:.0f} KB)")


def main() -> None:
    quick = "--quick" in sys.argv
    corpus = chat_corpus(200_000 if quick else 1_000_000)
    print(f"python {sys.version.split()[0]}, corpus {len(corpus) / 1e6:.2f} MB")
    throughput(corpus, quick)
    stream_cost(corpus)
    hostile_cost(corpus, quick)
    names_addresses(corpus, 3 if quick else 7)
    cold_import(5 if quick else 11)
    layer_size()


if __name__ == "__main__":
    main()
