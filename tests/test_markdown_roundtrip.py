"""The readers' Markdown reads back to the structure it was written from: read -> write -> read
gives the same blocks and spans (Hypothesis over generated Markdown articles: CJK text with
full-width colons, quotes and brackets next to emphasis, ASCII punctuation that could be
mistaken for markup, footnotes, strikethrough, links, code, lists, quotes, headings)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from hypothesis import HealthCheck, example, given, reject, settings
from hypothesis import strategies as st

from bilingual.document import Document, Kind, Origin, Paragraph
from bilingual.document.editions import SIMPLIFIED
from bilingual.errors import InputError
from bilingual.readers.markdown import parse
from bilingual.stages.formatting import carry_document
from bilingual.stages.segment import segment_document
from bilingual.writers.markdown import render_markdown

PATH = Path("generated.md")
CJK = "导语随着技术发展公司模型数据报告具身智能周鸿祎说这是新的一二三"
CJK_PUNCTUATION = "：“”‘’（）【】《》，。、！？；…—「」"
ASCII = ".,:;!?()[]_*#<>&|\\`~-+=^'\"/@$%"
LATIN = ["AI", "OpenAI", "GPT-5", "the", "model", "1.1", "C#", "snake_case", "a_b", "3*4"]


def _plain() -> st.SearchStrategy[str]:
    piece = st.one_of(
        st.text(alphabet=CJK, min_size=1, max_size=4),
        st.sampled_from(CJK_PUNCTUATION),
        st.sampled_from(ASCII),
        st.sampled_from(LATIN),
        st.just(" "),
    )
    return st.lists(piece, min_size=1, max_size=8).map("".join)


def _inline(labels: list[str]) -> st.SearchStrategy[str]:
    """A line of Markdown: CJK-led text with formatting around, beside and inside punctuation."""
    word = st.text(alphabet=CJK, min_size=1, max_size=3)
    punctuated = st.tuples(
        st.sampled_from(["", *CJK_PUNCTUATION]), word, st.sampled_from(["", *CJK_PUNCTUATION])
    ).map("".join)
    formatted = st.one_of(
        punctuated.map(lambda t: f"**{t}**"),
        punctuated.map(lambda t: f"*{t}*"),
        punctuated.map(lambda t: f"~~{t}~~"),
        punctuated.map(lambda t: f"<strong>{t}</strong>"),
        st.sampled_from(["`GPT-5`", "`a*b`", "`` x`y ``"]),
        st.tuples(word, st.sampled_from(["https://example.com/a", "b.md#c"])).map(
            lambda p: f"[{p[0]}]({p[1]})"
        ),
    )
    mark = st.sampled_from([f"[^{label}]" for label in labels]) if labels else st.nothing()
    part = st.one_of(_plain(), formatted, mark, punctuated)
    return st.lists(part, min_size=1, max_size=6).map(lambda parts: "领" + "".join(parts))


@st.composite
def articles(draw, tables: bool = True) -> str:
    labels = draw(st.lists(st.sampled_from(["1", "2", "note"]), max_size=2, unique=True))
    line = _inline(labels)
    blocks = []
    for kind in draw(
        st.lists(
            st.sampled_from(["p", "h", "ul", "ol", "quote", "rule"] + ["table"] * tables),
            min_size=1,
            max_size=5,
        )
    ):
        text = draw(line)
        if kind == "h":
            blocks.append(f"{'#' * draw(st.integers(1, 3))} {text}")
        elif kind == "ul":
            blocks.append(f"- {text}\n- {draw(line)}\n  - {draw(line)}")
        elif kind == "ol":
            blocks.append(f"3. {text}\n4. {draw(line)}")
        elif kind == "quote":
            blocks.append(f"> {text}\n>\n> > {draw(line)}")
        elif kind == "table":
            blocks.append(f"| 甲 | 乙 |\n| --- | --- |\n| {text.replace('|', '')} | 丙 |")
        elif kind == "rule":
            blocks.append("***")
        else:
            blocks.append(text)
    notes = [f"[^{label}]: {draw(line)}" for label in labels]
    return "\n\n".join(blocks + notes) + "\n"


def structure(blocks) -> list[tuple]:
    """What a block is and holds, without the line it was read from."""
    return [
        (
            b.kind,
            b.level,
            b.depth,
            b.ordered,
            b.number,
            b.quote,
            b.text,
            tuple(
                sorted(
                    (s.kind.value, s.start, s.end, s.url, getattr(s, "label", None))
                    for s in b.spans
                )
            ),
            b.cell,
            getattr(b, "footnote", ""),
        )
        for b in blocks
    ]


def read(markdown: str) -> tuple[Paragraph, ...]:
    return parse(markdown, PATH)[0]


def source_blocks(markdown: str) -> tuple[Paragraph, ...]:
    """A generated source's blocks; a source the reader refuses (punctuation that happens to
    form a picture whose file is missing) is no source."""
    try:
        return read(markdown)
    except InputError:
        reject()


def written(blocks: tuple[Paragraph, ...], english=None) -> str:
    document = segment_document(Document("generated", str(PATH), blocks))
    if english is not None:
        document = carry_document(
            document.map_segments(lambda s: replace(s, english=english(s), origin=Origin.MACHINE))
        )
    return render_markdown(document, SIMPLIFIED)


ROUND_TRIP = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@ROUND_TRIP
@given(articles())
@example("**导语：**随着技术发展，公司发布了模型。\n")
@example("## 1.1 概述：**“新”**模型\n\n领（**注**）C# a > b\n")
@example("领说[^1]：“好”。\n\n[^1]: 注释**一**。\n")
@example("领一\n\n[^1]: 领^ [^1]\n")  # "^" before a mark: not an inline note
@example("领一\n\n领![一](https://example.com/a)\n")  # a picture: its caption is written too
@example("3. 领一\n4. 领![一](https://example.com/a)\n")
@example("领^[一](https://example.com/a)\n")  # a mark before "(": not a link
def test_markdown_reads_back_to_the_same_blocks_and_spans(source):
    first = source_blocks(source)
    again = read(written(first))
    assert structure(again) == structure(first)


@ROUND_TRIP
@given(articles(tables=False))  # a table's cell holds both languages: one block read back
@example("# 标题[^1]\n\n正文**重要**。\n\n[^1]: 注。\n")
@example("领一\n\n[^1]: 领^[^1]\n")  # a note of no Chinese, cited by a note
@example("领一\n\n领**一***一**一*`GPT-5`*一*\n")  # emphasis over exactly the code
def test_bilingual_markdown_reads_back_with_each_english_after_its_chinese(source):
    first = source_blocks(source)
    markdown = written(first, english=lambda s: f"English of {s.id}, said *he*.")
    again = read(markdown)
    english = [b for b in again if b.text.startswith("English of p")]
    chinese = [b for b in again if b not in english and b.kind is not Kind.RULE]
    assert structure(chinese) == structure(b for b in first if b.kind is not Kind.RULE)
    assert len(english) == sum(1 for b in first if b.kind.translated and b.text)
    assert all(b.kind is not Kind.HEADING for b in english)  # never a second heading


def test_headings_are_written_without_escapes_commonmark_does_not_need():
    blocks = read("## 1.1 概述与C#语言\n\n1.1 版本a > b，snake_case\n")
    markdown = written(blocks)
    assert markdown == "## 1.1 概述与C#语言\n\n1.1 版本a > b，snake_case\n"


def test_cjk_emphasis_next_to_full_width_punctuation_is_read_as_emphasis():
    (block,) = read("**导语：**随着技术发展，~~旧的（已废弃）。~~新的。\n")
    assert block.text == "导语：随着技术发展，旧的（已废弃）。新的。"
    assert [(s.kind.value, block.text[s.start : s.end]) for s in block.spans] == [
        ("strong", "导语："),
        ("strike", "旧的（已废弃）。"),
    ]
