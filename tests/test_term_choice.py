"""The term-aware choice from the beam: of the hypotheses the engine ranks, the highest-ranked
one that keeps every glossary term of the segment; the best one (and the usual flag) otherwise."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import docx
import pytest
from argostranslate.package import Package

from bilingual.document import Document, Origin, Paragraph
from bilingual.document.editions import SIMPLIFIED, TRADITIONAL, notes
from bilingual.engines.argos import DECODING, ArgosEngine
from bilingual.engines.config import EngineConfig
from bilingual.glossary.terms import Glossary, Term, protect
from bilingual.memory.cache import TranslationCache
from bilingual.project.build import prepare
from bilingual.stages.qa import check_document
from bilingual.stages.traditional import convert_document
from bilingual.stages.translate import cache_key, choose, translate_documents
from conftest import Project
from test_translate_stage import NO_MODEL_INFO, DictStore

GLOSSARY = Glossary((Term("具身智能", "embodied intelligence", "具身智慧"),))


def doc(*lines: str, glossary: Glossary = GLOSSARY) -> Document:
    paragraphs = tuple(Paragraph(i, line) for i, line in enumerate(lines))
    return prepare(Document("d", "d.txt", paragraphs), glossary)


class RankedEngine:
    """The beam of a model, written out: per protected source, its hypotheses ranked best first."""

    def __init__(self, beams: dict[str, list[str]]):
        self.beams = beams
        self.calls: list[list[str]] = []

    def translate(self, sources):
        self.calls.append(list(sources))
        return iter([self.beams.get(source, [source]) for source in sources])


ROBOTS = "这次对机器人具身智能带来影响。"
BEAM = {
    protect(doc(ROBOTS).segments[0]): [
        "This affects robots.",  # the best score drops the term
        "This affects robots' EMBODIED intelligence.",  # keeps it (spelling restored)
        "This affects embodied intelligence.",
    ],
    "他来了。": ["He came.", "He has come."],
}


def test_the_highest_ranked_hypothesis_keeping_every_term_is_taken():
    (segment,) = doc(ROBOTS).segments
    assert choose(list(BEAM.values())[0], segment.terms) == (
        "This affects robots' embodied intelligence.",
        1,
    )
    assert choose(["Robots.", "Embodied intelligence."], segment.terms) == (
        "Embodied intelligence.",
        1,
    )


def test_when_no_hypothesis_keeps_the_terms_the_best_is_kept_and_flagged():
    (segment,) = doc(ROBOTS).segments
    assert choose(["This affects robots.", "Robots change."], segment.terms) == (
        "This affects robots.",
        0,
    )
    engine = RankedEngine({protect(segment): ["This affects robots.", "Robots change."]})
    result = translate_documents(
        [doc(ROBOTS)],
        model=NO_MODEL_INFO,
        load_engine=lambda: engine,
        memory=DictStore(),
        cache=DictStore(),
    )
    (checked,) = check_document(result.documents[0]).segments
    assert checked.beam_rank == 0 and result.counts["d"].term_choice == 0
    assert [f.check for f in checked.flags if f.check.startswith("term")] == ["term-missing"]


def test_a_segment_without_terms_keeps_the_best_hypothesis():
    assert choose(["He came.", "He has come."], ()) == ("He came.", 0)


def test_the_choice_is_counted_noted_and_survives_a_rebuild_from_the_cache():
    cache = DictStore()
    engine = RankedEngine(BEAM)
    first = translate_documents(
        [doc(ROBOTS, "他来了。")],
        model=NO_MODEL_INFO,
        load_engine=lambda: engine,
        memory=DictStore(),
        cache=cache,
    )
    chosen, plain = first.documents[0].segments
    assert (chosen.english, chosen.beam_rank) == ("This affects robots' embodied intelligence.", 1)
    assert (plain.english, plain.beam_rank) == ("He came.", 0)
    assert first.counts["d"].term_choice == 1

    def refuse():
        raise AssertionError("the model was loaded")

    again = translate_documents(
        [doc(ROBOTS, "他来了。")],
        model=NO_MODEL_INFO,
        load_engine=refuse,
        memory=DictStore(),
        cache=cache,
    )
    cached = again.documents[0].segments[0]
    assert (cached.origin, cached.beam_rank) == (Origin.CACHE, 1)
    assert again.counts["d"].term_choice == 1
    checked = check_document(convert_document(again.documents[0], "s2twp")).segments[0]
    for edition in (SIMPLIFIED, TRADITIONAL):
        assert "term-aware choice: hypothesis 2 of the beam" in notes(checked, edition)


def test_the_choice_rule_is_in_the_cache_key_of_segments_with_terms_only(monkeypatch):
    with_term, without = doc(ROBOTS, "他来了。").segments
    before = (
        cache_key(with_term, NO_MODEL_INFO, DECODING),
        cache_key(without, NO_MODEL_INFO, DECODING),
    )
    from dataclasses import replace as bumped

    from bilingual.engines import recipe

    monkeypatch.setattr(
        recipe,
        "RECIPE",
        tuple(
            bumped(c, version=c.version + 1) if c.name == "term-aware choice" else c
            for c in recipe.RECIPE
        ),
    )
    assert cache_key(with_term, NO_MODEL_INFO, DECODING) != before[0]
    assert cache_key(without, NO_MODEL_INFO, DECODING) == before[1]


def test_the_sqlite_cache_keeps_ranks_beside_translations_and_reads_an_older_cache(tmp_path):
    path = tmp_path / "cache.sqlite"
    with sqlite3.connect(path) as db:  # a cache written before ranks existed
        db.execute("CREATE TABLE translations (key TEXT PRIMARY KEY, english TEXT NOT NULL)")
        db.execute("INSERT INTO translations VALUES ('old', 'Old.')")
    cache = TranslationCache(path)
    assert (cache.get("old"), cache.rank("old")) == ("Old.", 0)
    cache.put_many([("a", "A."), ("b", "B.")], [("b", 2)])
    cache.close()
    reopened = TranslationCache(path)
    assert [reopened.rank(k) for k in ("a", "b")] == [0, 2] and reopened.get("b") == "B."
    reopened.close()


# --- the real engine, with the generated Argos package -----------------------------------------


@pytest.fixture(scope="module")
def package(installed_packages) -> Package:
    return Package(next(p for p in Path(installed_packages).iterdir() if p.is_dir()))


def test_the_argos_engine_returns_the_whole_beam_ranked_best_first(package, monkeypatch):
    from bilingual.engines import argos as argos_engine

    engine = ArgosEngine(package, EngineConfig())
    sources = [
        "人形机器人走进工厂",
        "OpenAI 发布了 Sora 模型。",
        "第五,大模型加上 diffusion 技术。",
    ]
    beams = list(engine.translate(sources))
    assert [len(beam) for beam in beams] == [DECODING["beam_size"]] * len(sources)
    # The n-best list costs no decoding: asking for the best alone gives the same best.
    monkeypatch.setattr(argos_engine, "SEARCH", {**argos_engine.SEARCH, "num_hypotheses": 1})
    best_only = list(ArgosEngine(package, EngineConfig()).translate(sources))
    assert [beam[0] for beam in beams] == [b[0] for b in best_only]
    assert [len(b) for b in best_only] == [1] * len(sources)


def test_a_build_takes_the_lower_hypothesis_that_keeps_the_term(project: Project, package):
    """A glossary English that the real model's beam has only below its best hypothesis."""
    line = "人形机器人走进工厂"
    engine = ArgosEngine(package, EngineConfig())
    candidates = next(engine.translate([line]))[1:]
    for word in candidates:
        glossary = Glossary((Term("工厂", word),))
        (segment,) = doc(line, glossary=glossary).segments
        english, rank = choose(next(engine.translate([protect(segment)])), segment.terms)
        if rank:
            break
    else:
        pytest.fail(f"no lower hypothesis of the test model keeps any of {candidates}")

    for path in (project.root / "seeds").iterdir():
        path.unlink()
    (project.root / "seeds" / "robots.txt").write_text(line + "\n", encoding="utf-8")
    for path in (project.root / "glossary").iterdir():
        path.unlink()
    (project.root / "glossary" / "terms.yaml").write_text(
        f"terms:\n  - zh: 工厂\n    en: {word}\n", encoding="utf-8"
    )
    for attempt in ("translated", "cache"):
        result = project.run("build", "--json")
        assert result.code == 0, result.err
        report = json.loads(result.out)["documents"]["robots"]
        assert report[attempt] == 1 and report["term_choice"] == 1
        for edition in ("zh-Hans", "zh-Hant"):
            table = docx.Document(str(project.dist / f"robots.{edition}_en.docx")).tables[0]
            row = [cell.text for cell in table.rows[1].cells]
            assert row[2] == english
            assert f"term-aware choice: hypothesis {rank + 1} of the beam" in row[3]
        items = json.loads((project.dist / "robots.qa.json").read_text(encoding="utf-8"))
        checks = [(i["check"], i["severity"]) for i in items]
        assert ("term-choice", "info") in checks and ("term-missing", "warning") not in checks
