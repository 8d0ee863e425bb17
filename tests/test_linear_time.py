"""Time linear in the input: a line, a paragraph, a table, a glossary ten times longer take at
most fifteen times as long to read, segment, match, check and write. And the linear versions of
the code compute what the quadratic ones did (their old forms are kept here as references).

Growth is measured as CPU time of this process (``time.process_time``), best of a few runs, so
that a busy machine (other processes on the same cores) does not count."""

from __future__ import annotations

import re
import time
from dataclasses import replace

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from long_inputs import run_stages, write_glossary, write_source

from bilingual.document import Replacement, Segment, Span, SpanKind, TermHit
from bilingual.document.spans import (
    Cover,
    clip,
    clip_each,
    join,
    merged,
    nested,
    through_replacements,
)
from bilingual.readers.inline import InlineText
from bilingual.stages import formatting
from bilingual.stages.qa.content import english_sentences
from conftest import REPO

GLOSSARY = REPO / "glossary"

# --- the same results ---------------------------------------------------------------------------

KINDS = st.sampled_from([SpanKind.STRONG, SpanKind.EMPHASIS, SpanKind.CODE, SpanKind.LINK])
TEXT = st.text(st.sampled_from(list("ab 中。 ,")), min_size=0, max_size=30)


@st.composite
def text_and_spans(draw, max_spans: int = 8):
    text = draw(TEXT)
    spans = []
    for _ in range(draw(st.integers(0, max_spans))):
        start = draw(st.integers(0, len(text)))
        end = draw(st.integers(start, len(text)))
        kind = draw(KINDS)
        url = draw(st.sampled_from(["u", "v"])) if kind is SpanKind.LINK else None
        spans.append(Span(kind, start, end, url))
    return text, spans


def merged_as_before(spans, text):
    out: list[Span] = []
    for span in nested(spans):
        same = (s for s in out if s.kind is span.kind and s.url == span.url)
        before = next((s for s in same if not text[s.end : span.start].strip()), None)
        if before is None:
            out.append(span)
        else:
            out[out.index(before)] = replace(before, end=max(before.end, span.end))
    return tuple(nested(out))


@settings(max_examples=400, deadline=None)
@given(text_and_spans())
def test_merged_spans_are_what_they_were(case):
    text, spans = case
    assert merged(spans, text) == merged_as_before(spans, text)


@settings(max_examples=300, deadline=None)
@given(text_and_spans(), st.lists(st.integers(0, 30), max_size=6))
def test_clipping_sentence_by_sentence_is_clipping_each(case, cuts):
    text, spans = case
    edges = sorted({0, len(text), *(c for c in cuts if c <= len(text))})
    ranges = [(a, max(a, b - 1)) for a, b in zip(edges, edges[1:], strict=False)]  # with gaps
    assert list(clip_each(spans, ranges)) == [clip(spans, a, b) for a, b in ranges]


@settings(max_examples=300, deadline=None)
@given(text_and_spans())
def test_cover_is_any_span_around(case):
    _, spans = case
    cover = Cover(spans)
    for start in range(0, 31, 3):
        for end in range(start, 31, 4):
            assert cover.covers(start, end) == any(s.start <= start and end <= s.end for s in spans)


def through_as_before(spans, replacements):
    if not replacements or not spans:
        return tuple(spans)
    edits, shift = [], 0
    for r in replacements:
        old_start = r.start - shift
        edits.append((old_start, old_start + len(r.variant), r.start, r.end))
        shift += (r.end - r.start) - len(r.variant)

    def move(offset, is_end):
        moved = offset
        for old_start, old_end, new_start, new_end in edits:
            if offset >= old_end:
                moved = offset + (new_end - old_end)
            elif offset > old_start:
                return new_end if is_end else new_start
            else:
                break
        return moved

    return tuple(
        replace(s, start=move(s.start, False), end=move(s.end, True))
        for s in spans
        if move(s.start, False) < move(s.end, True)
    )


@settings(max_examples=300, deadline=None)
@given(text_and_spans(), st.lists(st.tuples(st.integers(1, 4), st.integers(0, 6)), max_size=5))
def test_spans_move_through_variants_as_they_did(case, edits):
    _, spans = case
    replacements, position = [], 0
    for gap, length in edits:  # variants of ``gap``+ characters, replaced by ``length`` ones
        position += gap
        replacements.append(Replacement("x" * gap, "y" * length, position, position + length))
        position += length + 1
    assert through_replacements(spans, replacements) == through_as_before(spans, replacements)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["中", "a", " ", "\n", "\t", "文", "b"]), max_size=30))
def test_line_breaks_join_as_they_did(chars):
    inline = InlineText()
    for char in chars:
        inline.line_break() if char == "\n" else inline.add(char)
    raw = "".join(chars)
    text, _ = inline.result()
    # As before: a break between two CJK characters (spaces and breaks aside) is nothing.
    expected = []
    for i, char in enumerate(raw):
        if char in " \t" and (not expected or expected[-1] == " "):
            continue
        if char == "\t":
            expected.append(" ")
        elif char == "\n":
            before = raw[:i].rstrip(" \n")[-1:]
            after = raw[i + 1 :].lstrip(" \n")[:1]
            cjk = "中文"
            if not ((before and after and before in cjk and after in cjk) or (
                expected and expected[-1] == " ")):  # fmt: skip
                expected.append(" ")
        else:
            expected.append(char)
    assert text == "".join(expected).strip()


_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)$")
_ABBREVIATIONS = {"dr", "u.s", "mr", "e.g"}


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["Dr.", "U.S.", "A.", "He", "left.", " ", "  ", "9.", "x"]),
                max_size=12).map(" ".join))  # fmt: skip
def test_english_sentences_are_counted_as_they_were(text):
    from bilingual.stages.qa.content import _ABBREVIATIONS as known
    from bilingual.stages.qa.content import _ENGLISH_BREAK

    count = 1
    for match in _ENGLISH_BREAK.finditer(text):
        if match.group()[0] == ".":
            word = _WORD_BEFORE.search(text, 0, match.start())
            token = word.group(1).lower() if word else ""
            if token in known or (len(token) == 1 and token.isalpha()):
                continue
        count += 1
    assert english_sentences(text) == count


def place_as_before(segment, span, english, taken):
    chinese = segment.source[span.start : span.end]
    if formatting._whole_sentence(segment, span):
        end = (
            len(english)
            if span.end >= len(segment.text)
            else len(english.rstrip(formatting._TRAILING))
        )
        return replace(span, start=0, end=end) if end else None
    patterns = []
    if span.kind is SpanKind.CODE or not formatting.has_chinese(chinese):
        patterns.append(formatting._literal(chinese.strip()))
    else:
        hit = next(
            (
                h
                for h in segment.terms
                if span.start <= h.start
                and h.end <= span.end
                and not any(
                    c.isalnum()
                    for c in segment.source[span.start : h.start] + segment.source[h.end : span.end]
                )
            ),
            None,
        )
        if hit is not None:
            patterns += [formatting.term_pattern(hit.en),
                         formatting.term_pattern(hit.en, re.IGNORECASE)]  # fmt: skip
    for pattern in patterns:
        for match in pattern.finditer(english):
            start, end = match.span()
            if not any(t.kind is span.kind and t.start < end and start < t.end for t in taken):
                return replace(span, start=start, end=end)
    return None


@st.composite
def formatted_segments(draw):
    words = draw(st.lists(st.sampled_from(["AI", "模型", "，", " ", "Sora", "。"]), max_size=12))
    source = "".join(words)
    terms, position = [], 0
    for word in words:
        if word == "模型" and draw(st.booleans()):
            terms.append(TermHit("模型", "model", None, position, position + 2))
        position += len(word)
    spans = []
    for _ in range(draw(st.integers(0, 8))):
        start = draw(st.integers(0, len(source)))
        end = draw(st.integers(start, len(source)))
        spans.append(Span(draw(KINDS), start, end, "u"))
    english = draw(st.lists(st.sampled_from(["AI", "model", "Model", " ", "Sora", "."]),
                            min_size=1, max_size=12).map("".join))  # fmt: skip
    return Segment("p1.s1", 0, source, terms=tuple(terms), english=english, spans=tuple(spans))


@settings(max_examples=400, deadline=None)
@given(formatted_segments())
def test_formatting_is_carried_as_it_was(segment):
    assume(segment.spans and segment.english != segment.text)
    placed: list[Span] = []
    for span in segment.spans:
        found = place_as_before(segment, span, segment.english, placed)
        if found is not None:
            placed.append(found)
    assert formatting.carry(segment).english_spans == tuple(placed)


# --- linear growth ----------------------------------------------------------------------------

# (kind, characters): the small input; the large one is ten times as long. Sizes keep the large
# run near a second (writing every output format is most of it).
GROWTH = [
    ("line", 20_000),  # one line of Chinese without punctuation
    ("paragraph", 10_000),  # one line of many sentences
    ("numbers", 10_000),
    ("variants", 10_000),
    ("verbatim", 10_000),
    ("latin", 5_000),
    ("markdown-formatting", 5_000),
    ("markdown-table", 2_000),
    ("word-table", 2_000),
    ("word-runs", 2_000),
]


def _cpu_seconds(path, runs: int) -> tuple[float, dict[str, float]]:
    """The best of ``runs`` (the least disturbed by other work): total and per stage."""
    best: dict[str, float] = {}
    for _ in range(runs):
        stages = run_stages(path, GLOSSARY)
        if not best or sum(stages.values()) < sum(best.values()):
            best = stages
    return sum(best.values()), best


@pytest.mark.parametrize(("kind", "characters"), GROWTH, ids=[k for k, _ in GROWTH])
def test_ten_times_the_input_takes_at_most_fifteen_times_as_long(tmp_path, kind, characters):
    small, large = (write_source(kind, n, tmp_path) for n in (characters, 10 * characters))
    run_stages(small, GLOSSARY)  # warm up: imports, OpenCC's dictionaries, caches
    small_total, small_stages = _cpu_seconds(small, 3)
    large_total, large_stages = _cpu_seconds(large, 2)
    assert large_total <= 15 * small_total, (small_stages, large_stages)
    for stage, seconds in large_stages.items():  # and each stage that is not negligible
        assert seconds <= 15 * max(small_stages[stage], small_total / 10), (
            stage,
            small_stages,
            large_stages,
        )


def test_a_print_edition_ten_times_longer_takes_at_most_fifteen_times_as_long(tmp_path):
    """The PDF of one long line (its title too: a running head once cost seconds a page)."""
    small, large = (write_source("line", n, tmp_path) for n in (1_000, 10_000))
    run_stages(small, GLOSSARY, outputs=("pdf",))  # warm up: WeasyPrint's fonts

    def write_seconds(path):
        return min(run_stages(path, GLOSSARY, outputs=("pdf",))["write"] for _ in range(2))

    assert write_seconds(large) <= 15 * write_seconds(small)


def test_a_glossary_ten_times_larger_takes_at_most_fifteen_times_as_long(tmp_path):
    """Loading (validation included) and matching: the sources' variants checked against the
    dictionary, every variant corrected and every term found in an article."""
    from bilingual.glossary.yaml_files import load_glossary
    from bilingual.readers import read_source
    from bilingual.stages.glossary import annotate_terms, correct_variants
    from bilingual.stages.segment import segment_document

    article = read_source(write_source("paragraph", 20_000, tmp_path / "article"))

    def seconds(entries: int) -> float:
        folder = write_glossary(tmp_path / f"glossary-{entries}", entries)
        best = float("inf")
        for _ in range(2):
            start = time.process_time()
            glossary = load_glossary(folder)
            annotate_terms(segment_document(correct_variants(article, glossary)), glossary)
            best = min(best, time.process_time() - start)
        return best

    seconds(100)  # warm up
    assert seconds(10_000) <= 15 * seconds(1_000)


def join_as_before(pieces, separator=""):
    text = ""
    spans: list[Span] = []
    for n, (piece, piece_spans) in enumerate(pieces):
        if n and piece and text and not text[-1].isspace():
            text += separator
        spans += (span.shifted(len(text)) for span in piece_spans)
        text += piece
    return text, merged(spans, text)


@settings(max_examples=300, deadline=None)
@given(st.lists(text_and_spans(max_spans=3), max_size=5), st.sampled_from(["", " ", "\n"]))
def test_joined_pieces_are_what_they_were(pieces, separator):
    assert join(pieces, separator) == join_as_before(pieces, separator)


def test_a_cover_measures_only_the_title_it_can_show():
    """A title of a million characters (a source that is one long line) is wrapped for the
    EPUB's cover by measuring what the cover's lines can hold, not the whole title."""
    from bilingual.writers import cover

    class Ruler:  # Pillow's ImageDraw.textlength, counted: 40 px a character
        calls = 0

        def textlength(self, text, font=None):
            Ruler.calls += 1
            return 40 * len(text)

    for by_word, text in ((False, "很长的标题" * 200_000), (True, "a long title " * 80_000)):
        Ruler.calls = 0
        lines = cover._wrap(Ruler(), text, None, 960, by_word=by_word, most=6)
        assert len(lines) == 6 and all(40 * len(line) <= 960 for line in lines)
        assert Ruler.calls < 2_000
