"""Time against input length: one line of 10,000 to 1,000,000 characters, a paragraph of as many
characters in sentences, tables of 10,000 cells; and Ctrl-C in the middle of a long line.

    python benchmarks/bench_linear.py            # everything (a few minutes)
    python benchmarks/bench_linear.py --quick    # smoke run: the small sizes only

Each source is read, segmented (glossary matching included), checked (QA, with a stand-in
English: a word for every two Chinese characters, digits and Latin kept; the model is not what
is measured) and written to every output format, in this process; the figures are CPU seconds
(``time.process_time``), best of two. Then a real `bilingual build` of a 1,000,000-character
line with a small random model is interrupted while it translates: seconds from SIGINT to the
exit. It prints the README's table (also saved to benchmarks/work/linear.md).
"""

from __future__ import annotations

import argparse
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))  # the input makers and the model builder

REPO = HERE.parent
from bench_build import load_average  # noqa: E402  (this folder is the script's)

WORK = HERE / "work"
CASES = [
    ("one line, no punctuation", "line", [10_000, 100_000, 1_000_000]),
    ("one paragraph of sentences", "paragraph", [10_000, 100_000, 1_000_000]),
    ("Markdown table, 10,000 cells", "markdown-table", [120_000]),
    ("Word table, 10,000 cells", "word-table", [120_000]),
]
QUICK = [("one line, no punctuation", "line", [10_000]), ("Word table, 1,000 cells", "word-table",
                                                          [12_000])]  # fmt: skip


def measure(kind: str, characters: int, folder: Path) -> dict[str, float]:
    from long_inputs import run_stages, write_source

    path = write_source(kind, characters, folder)
    best: dict[str, float] = {}
    for _ in range(2):
        stages = run_stages(path, REPO / "glossary")
        if not best or sum(stages.values()) < sum(best.values()):
            best = stages
    return best


def interrupt_long_line(characters: int) -> tuple[float, int]:
    """Seconds from SIGINT to the exit of a build translating a line of ``characters``, and its
    exit code; the signal is sent once the short sentences' translations are cached."""
    import sqlite3

    from long_inputs import write_source

    from random_model import TINY, build_package, isolated_environment

    seed = (REPO / "seeds" / "zhou-hongyi-on-sora.txt").read_text(encoding="utf-8")
    model = WORK / "linear.argosmodel"
    if not model.exists():
        build_package([seed], model, size=replace(TINY, eos_bias=3.0))
    env = isolated_environment(WORK / "home-linear", WORK / "packages-linear")
    subprocess.run([sys.executable, "-m", "bilingual", "models", "install", "--file", str(model)],
                   env=env, check=True, capture_output=True)  # fmt: skip
    project = WORK / "linear-project"
    shutil.rmtree(project, ignore_errors=True)
    write_source("line", characters, project / "seeds")
    # Short sentences first (translated first, so cached first: the sign that the long line is
    # being translated now).
    short = "\n".join(f"第{n}句：{line}" for n, line in enumerate(seed.splitlines()[:8] * 5))
    (project / "seeds" / "short.txt").write_text(short + "\n", encoding="utf-8")
    shutil.copytree(REPO / "glossary", project / "glossary")
    proc = subprocess.Popen(
        [sys.executable, "-m", "bilingual", "build"],
        cwd=project,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    cache = project / ".bilingual" / "cache.sqlite"

    def translating() -> bool:  # the engine has handed back its first batches
        try:
            with sqlite3.connect(cache, timeout=5) as db:
                return db.execute("SELECT count(*) FROM translations").fetchone()[0] > 0
        except sqlite3.Error:
            return False

    started = time.monotonic()
    while proc.poll() is None and not translating() and time.monotonic() - started < 600:
        time.sleep(0.2)
    time.sleep(1.0)  # in the middle of the next batches
    if proc.poll() is not None:
        sys.exit(f"the build ended before the interrupt: {proc.communicate()[1]}")
    sent = time.monotonic()
    proc.send_signal(signal.SIGINT)
    proc.communicate(timeout=600)
    return time.monotonic() - sent, proc.returncode


def main() -> None:
    global WORK
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes only, no interrupt")
    parser.add_argument("--work", type=Path, default=WORK)
    args = parser.parse_args()
    WORK = args.work.resolve()
    WORK.mkdir(parents=True, exist_ok=True)
    before = load_average()
    rows = []
    for label, kind, sizes in QUICK if args.quick else CASES:
        for characters in sizes:
            stages = measure(kind, characters, WORK / "linear-sources")
            segmented = stages["segment"] + stages["glossary"]
            checked = stages["read"] + segmented + stages["qa"]
            rows.append((label, characters, stages["read"], segmented, stages["qa"],
                         stages["write"], checked))  # fmt: skip
            print(f"  {label}, {characters:,}: {checked:.2f} s read+segment+check", flush=True)
    stop = None if args.quick else interrupt_long_line(1_000_000)
    lines = [
        f"- Load average {before} before, {load_average()} after; CPU seconds, best of 2.",
        "",
        "| input | characters | read | segment + glossary | check (QA) | write (every "
        "format) | read + segment + check |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        *(
            f"| {label} | {n:,} | {read:.2f} | {segment:.2f} | {qa:.2f} | {write:.2f} | "
            f"{total:.2f} |"
            for label, n, read, segment, qa, write, total in rows
        ),
    ]
    million = [r[6] for r in rows if r[1] == 1_000_000]
    if million:
        worst = max(million)
        lines += ["", f"Target: 1,000,000 characters read, segmented and checked in under 10 s: "
                  f"{worst:.2f} s ({'met' if worst < 10 else 'NOT met'})."]  # fmt: skip
    if stop is not None:
        seconds, code = stop
        lines += ["", f"Ctrl-C while a 1,000,000-character line is translated (a small random "
                  f"model, the line cut into parts the model takes): exit {code} after "
                  f"{seconds:.2f} s."]  # fmt: skip
    text = "\n".join(lines) + "\n"
    (WORK / "linear.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
