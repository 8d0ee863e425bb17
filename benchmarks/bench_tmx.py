"""Does `bilingual tm import` stream? Peak memory against the size of the TMX.

    python benchmarks/bench_tmx.py

Writes TMX files of 1,000, 10,000 and 100,000 units (Simplified Chinese and English, with a note
and props, as CAT tools write them) and imports each into an empty project, in a fresh process,
measuring wall time and peak RSS. For comparison, the same files are loaded whole with
translate-toolkit's TMX store (what a non-streaming import would hold). The memory that grows
with the file under `tm import` is the entries taken into the translation memory itself, which
the import must keep (it rewrites tm/memory.jsonl at the end); the XML is never held whole.
"""

from __future__ import annotations

import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SIZES = (1_000, 10_000, 100_000)

IMPORT = """
import resource, sys
from pathlib import Path
from bilingual.errors import InputError
from bilingual.project.settings import Settings
from bilingual.project.tm_import import import_tmx
root = Path(sys.argv[2])
try:
    summary = import_tmx(Path(sys.argv[1]), Settings(tm=root / "tm", state=root / ".bilingual"))
    assert summary.taken == int(sys.argv[3]), summary.line()
except InputError:  # a TMX without a zh/en pair is refused, after reading it all
    pass
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""

LOAD_WHOLE = """
import sys
from translate.storage.tmx import tmxfile
with open(sys.argv[1], "rb") as handle:
    store = tmxfile(handle)
assert len(store.units) == int(sys.argv[3])
import resource
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def write_tmx(path: Path, count: int, target: str = "en-US") -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n'
            '<tmx version="1.4"><header creationtool="bench" creationtoolversion="1" '
            'segtype="sentence" o-tmf="bench" adminlang="en-US" srclang="zh-CN" '
            'datatype="plaintext"/>\n<body>\n'
        )
        for n in range(count):
            out.write(
                f'<tu creationdate="20250101T000000Z" creationid="bench"><note>unit {n}</note>'
                f'<prop type="x-domain">tech</prop><tuv xml:lang="zh-CN"><seg>这是第{n}个句子，'
                f'讲的是人工智能和大模型的发展。</seg></tuv><tuv xml:lang="{target}"><seg>This is '
                f"sentence {n}, about the progress of AI and large models.</seg></tuv></tu>\n"
            )
        out.write("</body></tmx>\n")


def measure(script: str, tmx: Path, work: Path, count: int) -> tuple[float, float]:
    """(seconds, peak RSS in MB) of ``script`` in a fresh process (it prints its own peak)."""
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", script, str(tmx), str(work), str(count)],
        check=True,
        capture_output=True,
        text=True,
    )
    return time.perf_counter() - start, int(result.stdout.split()[-1]) / 1024


def main() -> None:
    machine = platform.processor() or platform.machine()
    print(f"- Machine: {machine}, Python {platform.python_version()}")
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        for count in SIZES:
            tmx = base / f"{count}.tmx"
            write_tmx(tmx, count)
            size = tmx.stat().st_size / 1e6
            work = base / f"project-{count}"
            work.mkdir()
            seconds, peak = measure(IMPORT, tmx, work, count)
            rows.append((count, size, "bilingual tm import (streamed)", seconds, peak))
        # The same units with German for English: nothing is taken, so what remains is the
        # parse itself, which streams.
        for count in SIZES:
            tmx = base / f"{count}-de.tmx"
            write_tmx(tmx, count, target="de-DE")
            (base / f"de-{count}").mkdir()
            seconds, peak = measure(IMPORT, tmx, base / f"de-{count}", count)
            rows.append(
                (count, tmx.stat().st_size / 1e6, "tm import, nothing to take", seconds, peak)
            )
        for count in SIZES:
            tmx = base / f"{count}.tmx"
            seconds, peak = measure(LOAD_WHOLE, tmx, base, count)
            size = tmx.stat().st_size / 1e6
            rows.append((count, size, "translate-toolkit, whole file", seconds, peak))
    print("\n| units | TMX (MB) | run | seconds | peak RSS (MB) |")
    print("| ---: | ---: | --- | ---: | ---: |")
    for count, size, what, seconds, peak in rows:
        print(f"| {count:,} | {size:.1f} | {what} | {seconds:.2f} | {peak:.0f} |")


if __name__ == "__main__":
    main()
