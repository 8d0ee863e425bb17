"""Segmentation: each named rule with its own cases, losslessness and stable IDs."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bilingual.document import Document
from bilingual.readers.text import paragraphs_of
from bilingual.stages.segment import segment_document, sentence_ends, split_sentences
from bilingual.stages.segment_rules import BREAKS, CLOSERS, KEEPS
from conftest import SEED

CASES = [(rule.name, text, expected) for rule in BREAKS + KEEPS for text, expected in rule.examples]


@pytest.mark.parametrize(
    ("rule", "text", "expected"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)]
)
def test_rule_examples(rule, text, expected):
    assert tuple(split_sentences(text)) == expected


@pytest.mark.parametrize(
    "text",
    [
        "特斯拉CEO Elon R. Musk表示。",
        "美国(U.S.)经济增长3.2%。",
        "价格为$19.99,版本为v2.0.1。",
        "会议于10:30开始。",
        "请访问https://example.com/a.b?c=d。",
        "请写信给press@example.com.cn。",
        "他读过《战争与和平。续篇！》。",
    ],
)
def test_never_splits_inside_protected_spans(text):
    assert split_sentences(text) == [text]


def test_closing_quotes_and_brackets_stay_with_their_sentence():
    assert split_sentences("他说:“好！”（完。）接着。") == ["他说:“好！”", "（完。）", "接着。"]


def test_line_without_final_punctuation_is_one_segment():
    assert split_sentences("周鸿祎谈Sora模型:中美AI差距可能还在加大") == [
        "周鸿祎谈Sora模型:中美AI差距可能还在加大"
    ]


def test_text_after_the_last_terminator_is_its_own_segment():
    assert split_sentences("第一句。第二句没有句号") == ["第一句。", "第二句没有句号"]


def test_seed_is_lossless_and_ids_are_stable():
    text = SEED.read_text(encoding="utf-8")
    document = segment_document(Document("seed", str(SEED), paragraphs_of(text)))
    for paragraph in document.paragraphs:
        assert "".join(s.source for s in paragraph.segments) == paragraph.text
        assert all(s.paragraph == paragraph.index for s in paragraph.segments)
    ids = [s.id for s in document.segments]
    assert len(ids) == len(set(ids))
    again = segment_document(Document("seed", str(SEED), paragraphs_of(text)))
    assert [s.id for s in again.segments] == ids
    assert ids[:3] == ["p001.s01", "p002.s01", "p002.s02"]


def test_ids_follow_source_lines_so_blank_lines_count():
    document = segment_document(
        Document("d", "d.txt", paragraphs_of("标题\n\n第一句。第二句。\r\n"))
    )
    assert [s.id for s in document.segments] == ["p001.s01", "p003.s01", "p003.s02"]
    assert [s.paragraph for s in document.segments] == [0, 2, 2]


# --- the same sentences in linear time --------------------------------------------------------

# The rules as they were written before they were made linear (each tried at every character):
# what they find must not change.
QUADRATIC = {
    "cjk-terminators": rf"[。！？!?；]*[。！？!?][{CLOSERS}]*",
    "email": r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+",
    "quote-then-speech-tag": r"[。！？!?…]+[”’」』](?=[^。！？!?“”「」]{0,12}?"
    r"(?:说|道|问|表示|称|指出|介绍|强调|透露|回答|写道|认为)[。！？!?,，:：])",
}
TRICKY = st.lists(
    st.sampled_from([*"a中1_.+-@ ；。！?”」…，", "x@y.zz", ".com", "说", "表示"]), max_size=30
).map("".join)


@settings(max_examples=600, deadline=None)
@given(TRICKY)
def test_the_linear_rules_find_what_the_patterns_found(text):
    for rule in BREAKS + KEEPS:
        pattern = re.compile(QUADRATIC.get(rule.name, rule.pattern.pattern))
        assert list(rule.spans(text)) == [m.span() for m in pattern.finditer(text)], rule.name


def _ends_as_before(text: str, keep: tuple[tuple[int, int], ...]) -> list[int]:
    """``sentence_ends`` as it was: every break checked against every kept span."""
    kept = [m.span() for rule in KEEPS for m in re.finditer(QUADRATIC.get(rule.name,
            rule.pattern.pattern), text)] + list(keep)  # fmt: skip
    ends = set()
    for rule in BREAKS:
        for match in re.finditer(QUADRATIC.get(rule.name, rule.pattern.pattern), text):
            start, end = match.span()
            if any(k_start < end and start < k_end for k_start, k_end in kept):
                continue
            while end < len(text) and text[end].isspace():
                end += 1
            if end < len(text):
                ends.add(end)
    return sorted(ends)


@settings(max_examples=600, deadline=None)
@given(TRICKY, st.lists(st.tuples(st.integers(0, 60), st.integers(0, 8)), max_size=3))
def test_sentence_ends_are_what_they_were(text, code):
    keep = tuple((start, start + length) for start, length in code)  # empty spans too
    assert sentence_ends(text, keep) == _ends_as_before(text, keep)
