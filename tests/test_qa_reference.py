"""No false alarms: careful English for the seed article, the benchmark articles and three more
articles (finance, a model launch, consumer data: ``tests/fixtures/reference``), given to a real
build as editors' English (a translation memory), raises no warning. The same English with
errors put in is flagged, each error by its check and nothing else."""

from __future__ import annotations

import json
import shutil

import pytest

from conftest import REPO, Project

REFERENCE = REPO / "tests" / "fixtures" / "reference"
ARTICLES = [
    *sorted((REPO / "benchmarks" / "articles").glob("*.txt")),
    *sorted(REFERENCE.glob("*.txt")),
]

# (document, segment, replace this, with this, the check that must flag it)
ERRORS = [
    ("funding-round", "p002.s01", "$10 billion", "$1 billion", "number-mismatch"),
    ("funding-round", "p004.s01", "30%", "3%", "number-mismatch"),
    ("ev-batteries", "p004.s01", "2030,”", "2030,", "unbalanced-brackets"),
    ("chip-export", "p002.s02", "with Nvidia's", "with the the Nvidia", "doubled-word"),
    ("robot-factory", "p002.s02", "0.5%.", "0.5%", "end-punctuation"),
    ("model-launch", "p007.s01", "https://github.com/", "github.com/", "verbatim-changed"),
    ("holiday-economy", "p003.s01", "5.1%,", "5.1%，", "fullwidth-punctuation"),
    ("zhou-hongyi-on-sora", "p012.s07", "is thanks", "is  thanks", "double-space"),
    (
        "zhou-hongyi-on-sora",
        "p009.s02",
        "Runway.",
        "Runway. They are right. Obviously.",
        "sentence-count",
    ),
    (
        "zhou-hongyi-on-sora",
        "p012.s10",
        "embodied intelligence in robots",
        "robots",
        "term-missing",
    ),
]


def memory_entries() -> list[dict]:
    lines = (REFERENCE / "memory.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def reference_project(project: Project, entries: list[dict]) -> Project:
    for path in ARTICLES:
        shutil.copy(path, project.root / "seeds" / path.name)
    (project.root / "tm").mkdir()
    text = "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in entries)
    (project.root / "tm" / "memory.jsonl").write_text(text, encoding="utf-8")
    return project


def build(project: Project) -> tuple[dict, list[tuple[str, str, str, str, str]]]:
    result = project.run("build", "--json")
    assert result.code == 0, result.err
    report = json.loads(result.out)["documents"]
    flags = []
    for name in report:
        for item in json.loads((project.dist / f"{name}.qa.json").read_text(encoding="utf-8")):
            flags.append((name, item["id"], item["check"], item["severity"], item["message"]))
    return report, flags


def test_correct_translations_raise_no_warning(project):
    report, flags = build(reference_project(project, memory_entries()))
    assert len(report) == 1 + len(ARTICLES)
    for counts in report.values():  # every segment is the reference English (or copied)
        assert counts["memory"] + counts["copied"] == counts["segments"] > 0
    assert [f for f in flags if f[3] == "warning"] == []
    # What is left is for information: the seed's OCR variants of OpenAI, read as the term.
    assert {f[2] for f in flags} == {"variant-replaced"} and len(flags) == 6


def test_the_same_translations_with_errors_are_flagged_by_the_right_check(project):
    entries = memory_entries()
    by_id = {}
    for entry in entries:
        document = entry["origin"].removeprefix("reference translation of ").removesuffix(".txt")
        by_id[(document, entry["id"])] = entry
    for document, segment, old, new, _ in ERRORS:
        entry = by_id[(document, segment)]
        assert old in entry["english"], (document, segment)
        entry["english"] = entry["english"].replace(old, new)
    _, flags = build(reference_project(project, entries))
    warnings = {(f[0], f[1], f[2]) for f in flags if f[3] == "warning"}
    assert warnings == {(d, s, check) for d, s, _, _, check in ERRORS}


@pytest.mark.parametrize("path", ARTICLES, ids=lambda p: p.stem)
def test_every_segment_of_the_articles_has_a_reference_translation(path, project):
    sources = {e["source"] for e in memory_entries()}
    result = project.run("segment", str(path), "--glossary", "glossary", "--json")
    for segment in json.loads(result.out)["segments"]:
        text = segment["source"].strip()
        assert text in sources or not any("\u4e00" <= c <= "\u9fff" for c in text), segment["id"]
