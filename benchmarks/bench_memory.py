"""The translation memory at scale: a 1,000,000-unit TMX imported, and builds against it.

    python benchmarks/bench_memory.py                 # 1,000,000 units (about 10 minutes)
    python benchmarks/bench_memory.py --units 20000   # smaller, quicker
    python benchmarks/bench_memory.py --quick         # smoke run (a test runs it)

It writes a TMX as CAT tools do (Trados' header and props, a tuid, author and dates per unit) of
distinct Chinese sentences: words drawn from jieba's dictionary by frequency (so characters are
as common or rare as in Chinese text), and, for each sentence of the build's corpus (the seed
article and benchmarks/articles/), a reworded copy (a few characters changed: the build gets
fuzzy matches) but never the sentence itself (the builds translate the same segments). Then, each
in a fresh process, wall time and peak RSS of:

1. `bilingual tm import` of the file into an empty project (target: < 60 s, < 300 MB);
2. builds of the corpus with a small random model (tests/random_model.py) against an empty
   memory, the first 1,000 units, and all of them: cold (nothing cached: translation and
   fuzzy lookups), the same with every translation cached but the fuzzy lookups not (the
   first build after an import that changed a lot), and the no-change rebuild; medians of
   alternating runs. Targets: with the full memory at most 1.2x the time of the empty one; RSS
   not growing with the memory's size;
3. how many of the fuzzy matches a full scan finds (rapidfuzz over every unit) the index finds,
   for reworded sentences of the corpus and of the memory.

It prints the README's tables (also saved to benchmarks/work/memory-results.md).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

REPO = Path(__file__).resolve().parent.parent
WORK = REPO / "benchmarks" / "work"
ARTICLES = REPO / "benchmarks" / "articles"
ENGLISH = (
    "the of and to in a is that for it as was with be by on not he this are or his from at "
    "which but have an they you were her she there been one all we their has would when what "
    "model company market chip battery robot data system price growth users video industry "
    "report quarter China United States said billion percent year new first more technology"
).split()


# --- the corpus and the TMX --------------------------------------------------------------------


def corpus() -> dict[str, str]:
    paths = [*sorted((REPO / "seeds").glob("*.txt")), *sorted(ARTICLES.glob("*.txt"))]
    return {p.name: p.read_text(encoding="utf-8") for p in paths}


def corpus_sentences() -> list[str]:
    """The Chinese sentences a build of the corpus looks up."""
    from bilingual.document.characters import has_chinese
    from bilingual.glossary.yaml_files import load_glossary
    from bilingual.project.build import prepare
    from bilingual.readers import read_source

    glossary = load_glossary(REPO / "glossary")
    paths = [*sorted((REPO / "seeds").glob("*.txt")), *sorted(ARTICLES.glob("*.txt"))]
    texts = [s.text for p in paths for s in prepare(read_source(p), glossary).segments]
    return list(dict.fromkeys(t for t in texts if has_chinese(t)))


def vocabulary(limit: int = 60_000) -> tuple[list[str], list[float]]:
    """jieba's most frequent Chinese words, and cumulative weights (frequency ** 0.6)."""
    from bilingual.util.dictionary import jieba_dictionary

    words = []
    for line in jieba_dictionary().splitlines():
        word, count, *_ = line.split(" ")
        if all("\u4e00" <= c <= "\u9fff" for c in word):
            words.append((int(count), word))
    words.sort(reverse=True)
    words = words[:limit]
    return [w for _, w in words], list(itertools.accumulate(c**0.6 for c, _ in words))


def reword(sentence: str, rng: random.Random, alphabet: str) -> str:
    """``sentence`` with about one character in twelve replaced, inserted or deleted."""
    chars = list(sentence)
    for _ in range(max(1, len(chars) // 12)):
        where = rng.randrange(max(1, len(chars) - 1))
        roll = rng.random()
        if roll < 0.5:
            chars[where] = rng.choice(alphabet)
        elif roll < 0.75:
            chars.insert(where, rng.choice(alphabet))
        elif len(chars) > 4:
            del chars[where]
    return "".join(chars)


def sentences(count: int, avoid: set[str], seed: int = 1):
    """``count`` distinct Chinese sentences: reworded copies of ``avoid`` (the corpus), then
    words drawn from the dictionary; none is in ``avoid``."""
    rng = random.Random(seed)
    words, weights = vocabulary()
    alphabet = "".join(sorted(set("".join(words[:3000]))))
    seen = set(avoid)
    for sentence in sorted(avoid):
        if len(seen) - len(avoid) >= count:
            return
        variant = reword(sentence, rng, alphabet)
        if variant not in seen:
            seen.add(variant)
            yield variant
    while len(seen) - len(avoid) < count:
        size = rng.randint(6, 16)
        text = ""
        for n, word in enumerate(rng.choices(words, cum_weights=weights, k=size)):
            text += word
            if n < size - 1 and rng.random() < 0.12:
                text += "，"
        if rng.random() < 0.2:
            cut = rng.randrange(2, len(text) - 1)
            text = f"{text[:cut]}{rng.randint(2, 2030)}{text[cut:]}"
        text += "？" if rng.random() < 0.05 else "。"
        if text not in seen:
            seen.add(text)
            yield text


def write_tmx(path: Path, count: int, avoid: set[str]) -> None:
    """A TMX 1.4 as Trados writes one (header, props, tuid, author and dates per unit)."""
    rng = random.Random(2)
    with path.open("w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="utf-8"?>\n<tmx version="1.4">\n<header '
            'creationtool="SDL Language Platform" creationtoolversion="8.1" o-tmf="SDL TM8 '
            'Format" datatype="xml" segtype="sentence" adminlang="en-US" srclang="zh-CN" '
            'creationdate="20250101T000000Z" creationid="BENCH"/>\n<body>\n'
        )
        for n, chinese in enumerate(sentences(count, avoid)):
            english = " ".join(rng.choices(ENGLISH, k=rng.randint(8, 20))).capitalize() + "."
            day = 1 + n % 28
            out.write(
                f'<tu tuid="{n + 1}" creationdate="202501{day:02d}T101500Z" creationid="ANNA" '
                f'changedate="202502{day:02d}T093000Z" changeid="BOB">'
                '<prop type="x-ConfirmationLevel">Translated</prop>'
                f'<tuv xml:lang="zh-CN"><seg>{chinese}</seg></tuv>'
                f'<tuv xml:lang="en-US"><seg>{english}</seg></tuv></tu>\n'
            )
        out.write("</body>\n</tmx>\n")


# --- fresh processes ---------------------------------------------------------------------------


def timed(command: list[str], cwd: Path, env: dict) -> tuple[float, int, str]:
    """Wall seconds, peak RSS (MB) and stdout of one fresh process, measured by a wrapper."""
    wrapper = (
        "import json, resource, subprocess, sys, time\n"
        "start = time.perf_counter()\n"
        "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "wall = time.perf_counter() - start\n"
        "if done.returncode: sys.exit(done.stdout + done.stderr)\n"
        "rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024\n"
        "print(json.dumps({'wall': wall, 'rss': rss, 'out': done.stdout}))\n"
    )
    done = subprocess.run([sys.executable, "-c", wrapper, *command], cwd=cwd, env=env,
                          capture_output=True, text=True)  # fmt: skip
    if done.returncode:
        sys.exit(f"{' '.join(command)} failed:\n{done.stderr}")
    data = json.loads(done.stdout)
    return data["wall"], data["rss"], data["out"]


def bilingual(*args: str) -> list[str]:
    return [sys.executable, "-m", "bilingual", *args]


def make_project(root: Path) -> Path:
    shutil.rmtree(root, ignore_errors=True)
    (root / "seeds").mkdir(parents=True)
    shutil.copytree(REPO / "glossary", root / "glossary")
    for name, text in corpus().items():
        (root / "seeds" / name).write_text(text, encoding="utf-8")
    (root / "bilingual.toml").write_text('outputs = ["docx", "qa"]\n', encoding="utf-8")
    return root


def forget_translations(project: Path) -> None:
    shutil.rmtree(project / ".bilingual", ignore_errors=True)
    shutil.rmtree(project / "dist", ignore_errors=True)


def forget_fuzzy(project: Path) -> None:
    store = project / "tm" / ".memory.sqlite"
    if store.exists():
        with sqlite3.connect(store) as db:
            db.execute("DELETE FROM fuzzy")


def load_average() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.1f} (1 min), {five:.1f} (5 min)"


# --- recall of the index against a full scan ---------------------------------------------------


def recall(project: Path, queries: list[str], threshold: int = 75) -> tuple[int, int, float]:
    """(matches a full scan finds, of them the index finds, index ms per lookup)."""
    from rapidfuzz import process
    from rapidfuzz.distance import Levenshtein

    from bilingual.memory.translation_memory import TranslationMemory

    memory = TranslationMemory(project / "tm")
    keys = [memory.key(e.source) for e in memory.entries()]
    forget_fuzzy(project)
    start = time.perf_counter()
    found = memory.fuzzy(queries, threshold, limit=1000)
    per_lookup = (time.perf_counter() - start) * 1000 / len(queries)
    wanted = hit = 0
    for query, matches in zip(queries, found, strict=True):
        scan = process.extract(
            memory.key(query),
            keys,
            scorer=Levenshtein.normalized_similarity,
            score_cutoff=threshold / 100,
            limit=None,
        )
        by_index = {memory.key(m.source) for m in matches}
        wanted += len(scan)
        hit += sum(key in by_index for key, _, _ in scan)
    memory.close()
    return wanted, hit, per_lookup


# --- the parent --------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true", help="2,000 units, one run each")
    parser.add_argument("--repeat", type=int, default=3, help="alternating runs per median")
    parser.add_argument("--work", type=Path, default=WORK)
    args = parser.parse_args()
    units = 2_000 if args.quick else args.units
    repeat = 1 if args.quick else args.repeat
    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    from random_model import TINY, build_package, isolated_environment

    model_file = work / "tiny-memory.argosmodel"
    if not model_file.exists():
        seed = (REPO / "seeds" / "zhou-hongyi-on-sora.txt").read_text(encoding="utf-8")
        build_package([seed], model_file, size=replace(TINY, eos_bias=3.0))
    env = isolated_environment(work / "home-memory", work / "packages-memory")
    subprocess.run(bilingual("models", "install", "--file", str(model_file)), env=env,
                   check=True, capture_output=True)  # fmt: skip

    corpus_texts = corpus_sentences()
    tmx = work / f"memory-{units}.tmx"
    small = work / "memory-1000.tmx"
    if not tmx.exists():
        write_tmx(tmx, units, set(corpus_texts))
    if not small.exists():
        write_tmx(small, min(1000, units), set(corpus_texts))
    lines = [f"- Load average before: {load_average()}"]

    projects = {
        "empty": make_project(work / "memory-empty"),
        "1,000": make_project(work / "memory-1k"),
        f"{units:,}": make_project(work / "memory-full"),
    }
    imports = []
    for label, path in (("1,000", small), (f"{units:,}", tmx)):
        wall, rss, out = timed(bilingual("tm", "import", str(path)), projects[label], env)
        imports.append((label, path.stat().st_size / 1e6, wall, rss, out.strip().splitlines()[0]))

    kinds = ("cold", "cached translations, fuzzy looked up", "no change")
    runs: dict[tuple[str, str], list[tuple[float, int]]] = {}
    load_during = []
    for _ in range(repeat):
        for label, project in projects.items():  # alternating: each sees the same machine
            load_during.append(os.getloadavg()[0])
            forget_translations(project)
            forget_fuzzy(project)
            for kind in kinds:
                if kind == kinds[1]:
                    shutil.rmtree(project / "dist")
                    forget_fuzzy(project)
                wall, rss, _ = timed(bilingual("build", "--json"), project, env)
                runs.setdefault((label, kind), []).append((wall, rss))

    rng = random.Random(3)
    memory_sample = []
    with tmx.open(encoding="utf-8") as handle:
        for line in itertools.islice(handle, 1000, None, max(1, units // 100)):
            if "<seg>" in line:
                memory_sample.append(line.split("<seg>", 1)[1].split("</seg>", 1)[0])
    words, _ = vocabulary(3000)
    alphabet = "".join(sorted(set("".join(words))))
    queries = [reword(s, rng, alphabet) for s in memory_sample[:100]]
    wanted, hit, per_lookup = recall(projects[f"{units:,}"], corpus_texts + queries)
    lines.append(f"- Load average after: {load_average()}")

    lines += ["", "| memory | TMX (MB) | tm import (s) | peak RSS (MB) | summary |",
              "| ---: | ---: | ---: | ---: | --- |"]  # fmt: skip
    for label, size, wall, rss, summary in imports:
        lines.append(f"| {label} units | {size:.0f} | {wall:.1f} | {rss} | {summary} |")
    lines += ["", f"Builds of the corpus ({len(corpus_texts)} Chinese sentences), median of "
              f"{repeat} alternating runs (1-minute load at their starts: "
              f"{', '.join(f'{x:.1f}' for x in load_during)}):", "",
              "| build | memory | seconds | peak RSS (MB) | vs empty |",
              "| --- | ---: | ---: | ---: | ---: |"]  # fmt: skip
    for kind in kinds:
        empty = statistics.median(w for w, _ in runs[("empty", kind)])
        for label in projects:
            walls = [w for w, _ in runs[(label, kind)]]
            rss = max(r for _, r in runs[(label, kind)])
            seconds = statistics.median(walls)
            lines.append(f"| {kind} | {label} | {seconds:.2f} | {rss} | {seconds / empty:.2f}x |")
    lines += ["", f"Fuzzy matches (75% or more) a full scan of the {units:,} units finds for "
              f"{len(corpus_texts)} corpus sentences and {len(queries)} reworded units: "
              f"{wanted}; the index finds {hit} ({100 * hit / max(wanted, 1):.1f}%), "
              f"{per_lookup:.1f} ms a lookup (nothing cached)."]  # fmt: skip
    text = "\n".join(lines)
    print(text)
    (work / "memory-results.md").write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
