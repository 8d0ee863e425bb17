"""Long inputs and the build's stages on them, timed: for the linear-time test and benchmark.

``write_source(kind, characters, folder)`` writes a source of about that many characters: one
line of Chinese without punctuation, a paragraph of sentences, a paragraph dense with numbers,
glossary variants, URLs or formatting, a Markdown or Word table. ``run_stages`` reads it and runs
every stage but the model (the English comes from ``stand_in_english``, a word for every two
Chinese characters, digits and Latin kept), and returns each stage's CPU seconds.
"""

from __future__ import annotations

import re
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from conftest import SEED

_SEED = SEED.read_text(encoding="utf-8")
HAN = "".join(c for c in _SEED if "\u4e00" <= c <= "\u9fff")
SENTENCES = re.sub(r"\s", "", _SEED)
WORDS = "the of and to model video world large intelligence data said will can more than".split()


def _repeat(unit: str, characters: int) -> str:
    return (unit * (characters // len(unit) + 1))[:characters]


def _numbered(pattern: str, characters: int) -> str:
    pieces, total, n = [], 0, 0
    while total < characters:
        piece = pattern.format(n=n)
        pieces.append(piece)
        total += len(piece)
        n += 1
    return "".join(pieces)


def _cell(row: int, column: int) -> str:
    start = (row * 7 + column * 13) % (len(HAN) - 10)
    return f"{HAN[start : start + 8]}{row}"


def _markdown_table(characters: int) -> str:
    rows = max(1, characters // 120)
    head = "| " + " | ".join(f"列{c}" for c in range(10)) + " |\n|" + "---|" * 10 + "\n"
    body = "".join("| " + " | ".join(_cell(r, c) for c in range(10)) + " |\n" for r in range(rows))
    return "# 表格\n\n" + head + body


def _word_table(characters: int, path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("表格")
    rows = max(1, characters // 120)
    table = document.add_table(rows=rows, cols=10)
    for r, row in enumerate(table.rows):
        for c, cell in enumerate(row.cells):
            cell.text = _cell(r, c)
    document.save(str(path))


def _word_runs(characters: int, path: Path) -> None:
    """One Word paragraph of many short sentences, every run formatted differently."""
    import docx

    document = docx.Document()
    paragraph = document.add_paragraph()
    n = 0
    while n * 12 < characters:
        run = paragraph.add_run(f"模型{n}，" if n % 3 == 0 else f"{_cell(n, 1)}。")
        run.bold, run.italic = n % 2 == 0, n % 5 == 0
        n += 1
    document.save(str(path))


TEXTS: dict[str, Callable[[int], str]] = {
    "line": lambda n: _repeat(HAN, n),  # one line, no punctuation
    "paragraph": lambda n: _repeat(SENTENCES, n),  # one line of many sentences
    "numbers": lambda n: _numbered("第{n}季度营收增长了{n}.5%，达到{n}万亿元，", n) + "。",
    "variants": lambda n: _numbered("OpenAl发布了具身智能模型{n}，", n) + "。",
    "verbatim": lambda n: (
        _numbered("详见https://example.com/a{n} 与 v1.{n}.3 及 x{n}@example.com，", n) + "。"
    ),  # fmt: skip
    "latin": lambda n: "标题\n" + _repeat("The fox jumps over the dog. Dr. Smith said so. ", n),
}
MARKDOWN: dict[str, Callable[[int], str]] = {
    "markdown-formatting": lambda n: _numbered(
        "**模型{n}**发布了*新版本*，详见[链接](https://example.com/{n})。", n
    ),
    "markdown-table": _markdown_table,
}
WORD: dict[str, Callable[[int, Path], None]] = {"word-table": _word_table, "word-runs": _word_runs}
KINDS = [*TEXTS, *MARKDOWN, *WORD]


def write_source(kind: str, characters: int, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    if kind in WORD:
        path = folder / f"{kind}-{characters}.docx"
        WORD[kind](characters, path)
        return path
    suffix = ".md" if kind in MARKDOWN else ".txt"
    path = folder / f"{kind}-{characters}{suffix}"
    make = MARKDOWN[kind] if kind in MARKDOWN else TEXTS[kind]
    path.write_text(make(characters) + "\n", encoding="utf-8")
    return path


def write_glossary(folder: Path, entries: int) -> Path:
    """A glossary folder of ``entries`` generated terms (Traditional forms, a variant for every
    fifth, notes), as an editor's YAML has them; some of them are in the seed's sentences."""
    import random

    rng = random.Random(7)
    folder.mkdir(parents=True, exist_ok=True)
    lines, phrases = ["terms:"], set()
    for n in range(entries):
        start = rng.randrange(len(HAN) - 6)
        phrase = HAN[start : start + rng.randint(3, 5)]
        if n % 50 == 0 and phrase not in phrases:  # a phrase of the articles: found, protected
            phrases.add(phrase)
            lines += [f"  - zh: {phrase}", f"    en: article term {n}"]
            continue
        zh = "".join(rng.choice(HAN) for _ in range(rng.randint(3, 6))) + f"{n}号"
        lines += [f"  - zh: {zh}", f"    en: generated term {n}", f"    zh_hant: {zh}"]
        if n % 5 == 0:
            lines.append(f"    variants: [{zh}型]")
        if n % 3 == 0:
            lines.append(f"    note: entry {n}")
    (folder / "terms.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def stand_in_english(chinese: str) -> str:
    """English-like text for a segment: a word for every two Chinese characters, the rest kept
    (so numbers, names and URLs carry over, as a model's would)."""
    out, han = [], 0
    for char in chinese:
        if "\u4e00" <= char <= "\u9fff":
            han += 1
            if han % 2:
                out.append(WORDS[ord(char) % len(WORDS)] + " ")
        else:
            out.append(char)
    return "".join(out).strip() or "."


# The print edition is WeasyPrint's page layout, about a millisecond a character: measured by a
# growth test of its own, at sizes a hundredth of the others.
EVERY_OUTPUT_BUT_PRINT = ("docx", "md", "html", "epub", "qa", "xliff")


def run_stages(
    path: Path,
    glossary_folder: Path,
    *,
    write: bool = True,
    outputs: tuple[str, ...] = EVERY_OUTPUT_BUT_PRINT,
) -> dict[str, float]:
    """CPU seconds of each stage of a build of ``path`` but the model's, in this process;
    ``outputs``: the writers that write."""
    from bilingual.document import Origin
    from bilingual.glossary.yaml_files import load_glossary
    from bilingual.memory.bases import EditionStore
    from bilingual.project.build import StagedOutputs
    from bilingual.readers import read_source
    from bilingual.stages.formatting import carry_document
    from bilingual.stages.glossary import annotate_terms, correct_variants
    from bilingual.stages.qa import BuildIndex, check_document
    from bilingual.stages.segment import segment_document
    from bilingual.stages.traditional import convert_document
    from bilingual.writers import WriteOptions

    seconds: dict[str, float] = {}

    def timed(stage: str, work: Callable):
        start = time.process_time()
        result = work()
        seconds[stage] = time.process_time() - start
        return result

    glossary = load_glossary(glossary_folder)
    document = timed("read", lambda: read_source(path))
    document = timed("segment", lambda: segment_document(correct_variants(document, glossary)))
    document = timed("glossary", lambda: annotate_terms(document, glossary))
    document = document.map_segments(
        lambda s: replace(s, english=stand_in_english(s.source), origin=Origin.MACHINE)
    )
    document = timed("traditional", lambda: convert_document(document))
    document = timed("qa", lambda: carry_document(check_document(document, build=BuildIndex())))
    if write:
        with tempfile.TemporaryDirectory() as folder:
            outputs = StagedOutputs(
                Path(folder) / "dist",
                outputs,
                WriteOptions(),
                EditionStore(Path(folder) / "state"),
            )
            timed("write", lambda: (outputs.add(document), outputs.commit()))
    return seconds
