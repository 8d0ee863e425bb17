"""Glossary matching: longest match, Latin word boundaries, variants, and `bilingual segment`."""

from __future__ import annotations

import json

from bilingual.glossary.terms import Glossary, Matcher, Term


def glossary(*terms: Term) -> Glossary:
    return Glossary(tuple(terms))


def test_longest_match_wins_without_overlaps():
    g = glossary(
        Term("大模型", "large model"),
        Term("模型", "model"),
        Term("大语言模型", "large language model"),
        Term("语言", "language"),
    )
    assert [h.zh for h in g.hits("大语言模型和大模型的模型")] == ["大语言模型", "大模型", "模型"]


def test_leftmost_match_first():
    matcher = Matcher(["甲乙", "乙丙丁"])
    assert matcher.find("甲乙丙丁") == [(0, 2, "甲乙")]


def test_latin_terms_match_on_word_boundaries_only():
    g = glossary(Term("AI", "AI"), Term("Sora", "Sora"))
    for text in ("OpenAI发布", "RAID阵列", "he said", "Soraya来了", "AI2", "A.AIx"):
        assert g.hits(text) == (), text
    assert [h.zh for h in g.hits("AI领域")] == ["AI"]
    assert [h.zh for h in g.hits("中美AI差距,Sora的模型 (Sora)")] == ["AI", "Sora", "Sora"]


def test_matching_is_case_sensitive():
    assert glossary(Term("AGI", "AGI")).hits("agi和Agi") == ()


def test_hit_offsets_point_at_the_term():
    text = "机器人具身智能和自动驾驶"
    (hit,) = glossary(Term("具身智能", "embodied intelligence")).hits(text)
    assert text[hit.start : hit.end] == "具身智能"


def test_variants_become_their_term_before_segmentation():
    g = glossary(Term("OpenAI", "OpenAI", variants=("OpenAl", "OpenA!", "Open Al")))
    text, replacements = g.correct("到 OpenA!发布 Sora,OpenAl和Open Al都是")
    assert text == "到 OpenAI发布 Sora,OpenAI和OpenAI都是"
    assert [(r.variant, r.term) for r in replacements] == [
        ("OpenA!", "OpenAI"),
        ("OpenAl", "OpenAI"),
        ("Open Al", "OpenAI"),
    ]
    for r in replacements:
        assert text[r.start : r.end] == "OpenAI"


def test_ten_thousand_terms_still_match_correctly():
    terms = [Term(f"术语{i}号", f"term {i}") for i in range(10_000)]
    g = glossary(*terms, Term("具身智能", "embodied intelligence"))
    assert [h.zh for h in g.hits("术语9999号与具身智能,术语12号")] == [
        "术语9999号",
        "具身智能",
        "术语12号",
    ]


def test_segment_command_shows_what_the_build_sees(bare_project):
    seed = "seeds/zhou-hongyi-on-sora.txt"
    result = bare_project.run("segment", seed, "--glossary", "glossary", "--json")
    assert result.code == 0, result.err
    segments = json.loads(result.out)["segments"]
    assert set(segments[0]) == {"id", "paragraph", "source", "terms"}
    first = segments[0]
    assert first["paragraph"] == 0 and first["id"] == "p001.s01"
    assert {"zh": "周鸿祎", "en": "Zhou Hongyi", "start": 0, "end": 3} in first["terms"]
    for segment in segments:
        for term in segment["terms"]:
            assert segment["source"][term["start"] : term["end"]] == term["zh"]
    # The OCR variant "OpenA!" was corrected before segmentation, so it ends no sentence.
    joined = "".join(s["source"] for s in segments)
    assert "OpenA!" not in joined and "OpenAl" not in joined
    assert any("OpenAI发布 Sora" in s["source"] for s in segments)
    # Without a glossary, no terms and the variant is still there.
    plain = json.loads(bare_project.run("segment", seed, "--json").out)["segments"]
    assert all(s["terms"] == [] for s in plain)
    assert any("OpenA!" in s["source"] for s in plain)
