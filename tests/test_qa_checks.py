"""Every QA check, each with cases it must flag and cases it must leave alone."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bilingual.document import Document, Origin, Paragraph, Segment, Severity
from bilingual.glossary.terms import Glossary, Term
from bilingual.project.build import prepare
from bilingual.stages.qa import CHECKS, BuildIndex, check_document
from bilingual.stages.traditional import convert_document

GLOSSARY = Glossary(
    (
        Term("具身智能", "embodied intelligence", "具身智慧"),
        Term("周鸿祎", "Zhou Hongyi", "周鴻禕"),
        Term("OpenAI", "OpenAI", variants=("OpenAl",)),
        Term("大语言模型", "large language model", do_not_use=("language model", "LLM model")),
    )
)


def document(*lines: str, english: list[str | None], rank: int = 0, name: str = "d") -> Document:
    """``lines`` prepared as the build does, each segment given its English in order."""
    paragraphs = tuple(Paragraph(i, line) for i, line in enumerate(lines))
    prepared = prepare(Document(name, f"{name}.txt", paragraphs), GLOSSARY)
    answers = iter(english)

    def fill(segment: Segment) -> Segment:
        return replace(segment, english=next(answers), origin=Origin.MEMORY, beam_rank=rank)

    filled = prepared.map_segments(fill)
    assert next(answers, "end") == "end", "one English per segment"
    return convert_document(filled, "s2twp")


def flags(zh: str | tuple[str, ...], en: str | list[str | None], check: str, **kw) -> list:
    lines = (zh,) if isinstance(zh, str) else zh
    english = [en] if isinstance(en, str) or en is None else en
    checked = check_document(document(*lines, english=english, **kw))
    return [f for s in checked.segments for f in s.flags if f.check == check]


# (check, Chinese, English, flagged): each check has cases it must flag and cases it must not.
CASES = [
    ("empty-translation", "他来了。", "", True),
    ("empty-translation", "他来了。", "He came.", False),
    ("untranslated", "他来了。", "He 来了.", True),
    ("untranslated", "他来了。", "He came.", False),
    ("term-missing", "具身智能很重要。", "Embodiment matters.", True),
    ("term-missing", "具身智能很重要。", "Embodied intelligence matters.", False),
    ("term-do-not-use", "大语言模型很强。", "The LLM model is strong.", True),
    ("term-do-not-use", "大语言模型很强。", "Language models are strong.", True),
    ("term-do-not-use", "大语言模型很强。", "The large language model is strong.", False),
    ("term-do-not-use", "语言很美。", "The language model is fine.", False),  # no hit
    ("number-mismatch", "融资100亿美元。", "It raised $1 billion.", True),
    ("number-mismatch", "融资100亿美元。", "It raised $10 billion.", False),
    ("verbatim-changed", "详见https://example.com/a。", "See example.com/a.", True),
    ("verbatim-changed", "详见https://example.com/a。", "See https://example.com/a.", False),
    ("verbatim-changed", "请发邮件至ir@example.com咨询。", "Write to ir@example.org.", True),
    ("verbatim-changed", "请发邮件至ir@example.com咨询。", "Write to ir@example.com.", False),
    ("verbatim-changed", "发布v2.1.0版本。", "Version 2.1 is out.", True),
    ("verbatim-changed", "使用1.4.2版本的SDK。", "Use version 1.4.2 of the SDK.", False),
    ("sentence-count", "这很正常。", "That is normal. It always was. Nobody minds.", True),
    (
        "sentence-count",
        "他说:第一,这很正常,没人在意。",
        "He said: first, it is normal. Nobody minds.",
        False,
    ),
    ("sentence-count", "“好吗？”她问道。", "“Is it all right?” she asked.", False),
    ("sentence-count", "美国经济增长。", "The U.S. economy grew. Dr. Li agreed.", True),
    ("sentence-count", "美国和英国的经济都在增长。", "The U.S. and U.K. economies grew.", False),
    ("end-punctuation", "他来了。", "He came", True),
    ("end-punctuation", "他来了。", "He came.", False),
    ("end-punctuation", "“我们会成功。”他说。", "“We will succeed,” he said.", False),
    ("end-punctuation", "固态电池离量产还有多远", "How far is mass production?", False),
    ("fullwidth-punctuation", "他来了，她走了。", "He came，she left。", True),
    ("fullwidth-punctuation", "他说：“好。”", "He said: “Fine.”", False),
    ("unbalanced-brackets", "他说：“好。”", "He said: “Fine.", True),
    ("unbalanced-brackets", "小米（01810）涨了。", "Xiaomi (01810 rose.", True),
    ("unbalanced-brackets", "小米（01810）涨了。", "Xiaomi (01810) rose.", False),
    ("unbalanced-brackets", "他说：“好。”", 'He said: "Fine."', False),
    ("doubled-word", "这是模型。", "This is the the model.", True),
    ("doubled-word", "他早就受够了。", "He had had enough.", False),
    ("doubled-word", "郎朗弹琴。", "Lang Lang plays the piano.", False),
    ("doubled-word", "这是模型。", "The the model.", True),
    ("double-space", "这是模型。", "This is  the model.", True),
    ("double-space", "这是模型。", "This is the model.", False),
    ("length-ratio", "今天很多人谈到这件事对影视工业的打击。", "Film.", True),
    (
        "length-ratio",
        "今天很多人谈到这件事对影视工业的打击。",
        "Many talk of its blow to film.",
        False,
    ),
    ("repetition", "这是模型。", "the model the model the model the model", True),
    ("repetition", "这是模型。", "This is the model.", False),
    ("variant-replaced", "OpenAl发布了模型。", "OpenAI released a model.", True),
    ("variant-replaced", "OpenAI发布了模型。", "OpenAI released a model.", False),
]


@pytest.mark.parametrize(("check", "zh", "en", "flagged"), CASES)
def test_check(check, zh, en, flagged):
    found = flags(zh, en, check)
    assert bool(found) == flagged, [f.message for f in found]
    assert all(f.severity is CHECKS[check].info.severity for f in found)


def test_every_check_has_a_case_it_flags_and_one_it_leaves_alone():
    covered = {(check, flagged) for check, _, _, flagged in CASES}
    covered |= {
        (c, f)
        for c in ("term-choice", "inconsistent-translation", "same-english", "fuzzy-match")
        for f in (True, False)
    }  # tested below
    missing = [(n, f) for n in CHECKS for f in (True, False) if (n, f) not in covered]
    assert not missing


def test_a_fuzzy_match_is_listed_with_its_differences_in_each_editions_script():
    from bilingual.document import FuzzyMatch

    match = FuzzyMatch(
        91, "周鸿祎说了很多。", "Zhou said a lot.", "p004.s01", "alice.docx",
        "2026-05-02T10:00:00+00:00", "周鸿祎【说了→讲了】很多。",
    )  # fmt: skip
    doc = document("周鸿祎讲了很多。", english=["Zhou talked a lot."])
    offered = doc.map_segments(lambda s: replace(s, fuzzy=(match,), origin=Origin.MACHINE))
    (flag,) = [f for s in check_document(offered).segments for f in s.flags if f.check ==
               "fuzzy-match"]  # fmt: skip
    assert flag.severity is Severity.INFO
    assert flag.message == (
        "91% match (p004.s01, alice.docx, 2026-05-02): 周鸿祎【说了→讲了】很多。 = Zhou said a lot."
    )
    assert flag.text(traditional=True).startswith(
        "91% match (p004.s01, alice.docx, 2026-05-02): 周鴻禕【"
    )
    assert flags("周鸿祎讲了很多。", "Zhou talked a lot.", "fuzzy-match") == []


def test_a_quotation_over_two_segments_is_not_an_unpaired_quote():
    lines = ("他说：“这是第一次。我们希望更多人参与。”",)
    kept = ["He said: “This is the first time.", "We hope more people join in.”"]
    assert flags(lines, kept, "unbalanced-brackets") == []
    dropped = ["He said: This is the first time.", "We hope more join in.”"]
    (flag,) = flags(lines, dropped, "unbalanced-brackets")
    assert "spans segments" in flag.message


def test_a_segment_is_one_sentence_even_when_its_inline_code_holds_a_full_stop():
    from bilingual.document import Span, SpanKind

    code = Paragraph(0, "运行x. Y即可。", spans=(Span(SpanKind.CODE, 2, 6),))  # 运行`x. Y`即可。
    prepared = prepare(Document("d", "d.md", (code,)), GLOSSARY)
    (segment,) = prepared.segments  # never split inside inline code
    english = replace(segment, english="Run x. Y and done.", origin=Origin.MEMORY)
    checked = check_document(replace(prepared, paragraphs=(replace(code, segments=(english,)),)))
    assert [f.message for f in checked.segments[0].flags if f.check == "sentence-count"] == []


@pytest.mark.parametrize("number", ["9" * 400, "九" * 400])
def test_a_number_too_large_for_any_float_is_left_alone(number):
    assert flags(f"融资{number}美元。", "It raised $5.", "number-mismatch") == []
    (flag,) = flags("融资5美元。", f"It raised ${'9' * 400}.", "number-mismatch")
    assert flag.message == "not in the English: 5美元"


def test_number_mismatch_names_both_forms_and_their_values():
    (flag,) = flags("融资100亿美元。", "It raised $1 billion.", "number-mismatch")
    assert flag.message == (
        "not in the English: 100亿美元 (10,000,000,000); the English has $1 billion (1,000,000,000)"
    )
    assert flag.message_hant is not None and "100億美元" in flag.message_hant


def test_term_choice_is_an_info_note_only_when_a_lower_hypothesis_was_taken():
    (note,) = flags("具身智能很重要。", "Embodied intelligence matters.", "term-choice", rank=2)
    assert note.severity is Severity.INFO and "hypothesis 3 of the beam" in note.message
    assert flags("具身智能很重要。", "Embodied intelligence matters.", "term-choice") == []


def test_inconsistency_is_found_across_documents_and_reported_once_on_the_later_row():
    index = BuildIndex()
    first = check_document(
        document("他来了，她走了。", english=["He came; she left."]), build=index
    )
    # The same sentence, typed with a half-width comma and a space, translated differently.
    second = check_document(
        document(
            "他来了, 她走了。",
            "他来了，她走了。",
            english=["He came, she went.", "He came; she left."],
            name="e",
        ),
        build=index,
    )
    assert not [f for f in first.segments[0].flags if f.check == "inconsistent-translation"]
    later, same = second.segments
    (flag,) = [f for f in later.flags if f.check == "inconsistent-translation"]
    assert flag.severity is Severity.WARNING
    assert (
        flag.message
        == 'the same Chinese is translated differently at p001.s01 of d: "He came; she left."'
    )
    assert not [f for f in same.flags if f.check == "inconsistent-translation"]


def test_the_same_english_for_different_chinese_is_a_note():
    checked = check_document(
        document(
            "同时。", "与此同时。", "他来了。", english=["Meanwhile.", "Meanwhile.", "He came."]
        )
    )
    notes = [[f for f in s.flags if f.check == "same-english"] for s in checked.segments]
    assert [len(n) for n in notes] == [0, 1, 0]
    assert notes[1][0].severity is Severity.INFO and '"同时。"' in notes[1][0].message
    assert '"同時。"' in (notes[1][0].message_hant or "")


def test_checks_switched_off_are_not_run():
    checked = check_document(
        document("他来了。", english=["He  came"]), off={"double-space", "end-punctuation"}
    )
    assert [f.check for f in checked.segments[0].flags] == []


def test_messages_quote_chinese_in_traditional_for_the_zh_hant_edition():
    (flag,) = flags("周鸿祎谈具身智能。", "Zhou Hongyi on robots.", "term-missing")
    assert (
        flag.message
        == 'glossary: 具身智能 should read "embodied intelligence" but the English lacks it'
    )
    assert (
        flag.message_hant
        == 'glossary: 具身智慧 should read "embodied intelligence" but the English lacks it'
    )
    assert flag.text(traditional=False) == flag.message and flag.text(True) == flag.message_hant
    (variant,) = flags("OpenAl发布了模型。", "OpenAI released a model.", "variant-replaced")
    assert variant.message_hant is None  # nothing Chinese in it
