"""Glossary enforcement: protection through NMT (echo translator), verification, Traditional."""

from __future__ import annotations

from bilingual.document import Document, Paragraph
from bilingual.glossary.terms import Glossary, Term, protect, restore
from bilingual.project.build import prepare
from bilingual.stages.qa import check_document
from bilingual.stages.traditional import convert_document, converter
from bilingual.stages.translate import translate_documents
from test_translate_stage import NO_MODEL_INFO, DictStore, EchoEngine

GLOSSARY = Glossary(
    (
        Term("具身智能", "embodied intelligence", "具身智慧"),
        Term("奥特曼", "Altman", "奧特曼"),
        Term("冲击力", "impact", "衝擊力"),
        Term("英伟达", "Nvidia", "輝達"),
    )
)


def doc(*lines: str) -> Document:
    return prepare(
        Document("d", "d.txt", tuple(Paragraph(i, t) for i, t in enumerate(lines))), GLOSSARY
    )


def test_protection_puts_the_glossary_english_in_the_source():
    (segment,) = doc("机器人具身智能和自动驾驶。").segments
    assert protect(segment) == "机器人 embodied intelligence 和自动驾驶。"


def test_echo_translation_keeps_every_term():
    engine = EchoEngine()
    result = translate_documents(
        [doc("奥特曼是个营销大师。", "这次对机器人具身智能带来影响。")],
        model=NO_MODEL_INFO,
        load_engine=lambda: engine,
        memory=DictStore(),
        cache=DictStore(),
    )
    checked = check_document(result.documents[0])
    english = [s.english for s in checked.segments]
    assert english == ["Altman 是个营销大师。", "这次对机器人 embodied intelligence 带来影响。"]
    assert not any(f.check == "term-missing" for s in checked.segments for f in s.flags)


def test_restore_fixes_spelling_but_keeps_a_sentence_capital():
    (segment,) = doc("具身智能很重要,奥特曼说。").segments
    assert (
        restore("Embodied Intelligence matters, said ALTMAN.", segment.terms)
        == "Embodied intelligence matters, said Altman."
    )
    assert restore("It is EMBODIED intelligence.", segment.terms) == "It is embodied intelligence."


def test_a_missing_term_is_flagged_never_silent():
    class Forgetful:
        def translate(self, sources):
            return iter([["The robots will change."] for _ in sources])

    result = translate_documents(
        [doc("这次对机器人具身智能带来影响。")],
        model=NO_MODEL_INFO,
        load_engine=Forgetful,
        memory=DictStore(),
        cache=DictStore(),
    )
    (segment,) = check_document(result.documents[0]).segments
    flags = [f for f in segment.flags if f.check == "term-missing"]
    assert (
        len(flags) == 1
        and "具身智能" in flags[0].message
        and "embodied intelligence" in flags[0].message
    )
    assert segment.needs_review


def test_plural_and_capitalised_forms_count_as_present():
    (segment,) = doc("具身智能的系统。").segments
    from bilingual.glossary.terms import missing_terms

    assert missing_terms("Embodied intelligences are here.", segment.terms) == []
    assert missing_terms("embodied-ish intelligence", segment.terms) == list(segment.terms)


def test_traditional_term_wins_over_opencc_phrase_matching():
    assert converter("s2twp").convert("巨大冲击力") == "巨大沖擊力"  # OpenCC's own mistake
    (segment,) = convert_document(doc("坦克是有巨大冲击力的。"), "s2twp").segments
    assert segment.traditional == "坦克是有巨大衝擊力的。"


def test_traditional_uses_zh_hant_and_converts_the_rest():
    (segment,) = convert_document(doc("英伟达和奥特曼的具身智能软件。"), "s2twp").segments
    assert segment.traditional == "輝達和奧特曼的具身智慧軟體。"
    (hk,) = convert_document(doc("英伟达的软件。"), "s2hk").segments
    assert hk.traditional == "輝達的軟件。"
