"""Properties over arbitrary input (Hypothesis): the reader, segmentation, glossary matching and
the writers either work, aligned and lossless, or refuse with one line. Never anything else."""

from __future__ import annotations

import json
import tempfile
import zipfile
from pathlib import Path

import docx
import lxml.html
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from bilingual.document import Document, ModelInfo, Paragraph
from bilingual.document.characters import clean_text
from bilingual.document.editions import EDITIONS, normal_space
from bilingual.errors import InputError, ManyErrors
from bilingual.glossary.terms import Glossary, Matcher, Term
from bilingual.glossary.yaml_files import load_glossary
from bilingual.project.build import prepare
from bilingual.readers import read_source
from bilingual.stages.segment import split_sentences
from bilingual.stages.traditional import convert_document
from bilingual.writers import WRITERS, WriteOptions, targets

HAN = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
PUNCTUATION = st.sampled_from(list("。！？，、；：“”‘’（）《》…!?.,;:'\"() \t"))
LATIN = st.characters(min_codepoint=0x20, max_codepoint=0x7E)
ANY = st.characters(codec="utf-8")
CHINESE_TEXT = st.text(st.one_of(HAN, HAN, HAN, PUNCTUATION, LATIN, ANY), max_size=120)
FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --- reader -------------------------------------------------------------------------------------


@FAST
@given(st.binary(max_size=400))
def test_any_bytes_are_read_or_refused_with_one_line(data):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.txt"
        path.write_bytes(data)
        try:
            document = read_source(path)
        except InputError as exc:
            assert "\n" not in str(exc) and str(path) in str(exc)
            return
        for paragraph in document.paragraphs:
            assert paragraph.text == paragraph.text.strip() and paragraph.text
            assert not clean_text(paragraph.text)[1]  # nothing left that no output can hold


@FAST
@given(st.lists(CHINESE_TEXT, max_size=8))
def test_utf8_text_is_read_line_for_line(lines):
    text = "\n".join(lines)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.txt"
        path.write_bytes(text.encode("utf-8", "surrogatepass"))
        try:
            document = read_source(path)
        except InputError:
            return  # refused as binary: fine, said in one line (above)
    cleaned, _ = clean_text(text)
    expected = [line.strip() for line in cleaned.replace("\r\n", "\n").replace("\r", "\n")
                .split("\n") if line.strip()]  # fmt: skip
    assert [p.text for p in document.paragraphs] == expected


# --- segmentation ---------------------------------------------------------------------------------


@FAST
@given(CHINESE_TEXT)
def test_segmentation_is_lossless(text):
    pieces = split_sentences(text)
    assert "".join(pieces) == text
    assert all(pieces) or text == ""


@FAST
@given(st.lists(CHINESE_TEXT.map(str.strip).filter(bool), min_size=1, max_size=6))
def test_segment_ids_are_unique_and_stable(lines):
    document = Document("d", "d.txt", tuple(Paragraph(i, t) for i, t in enumerate(lines)))
    first = prepare(document, Glossary())
    again = prepare(document, Glossary())
    ids = [s.id for s in first.segments]
    assert ids == [s.id for s in again.segments]
    assert len(ids) == len(set(ids))
    for paragraph in first.paragraphs:
        assert "".join(s.source for s in paragraph.segments) == paragraph.text
        assert all(s.id.startswith(f"p{paragraph.index + 1:03d}.") for s in paragraph.segments)


# --- glossary -------------------------------------------------------------------------------------

WORD = st.text(st.one_of(HAN, st.characters(min_codepoint=0x41, max_codepoint=0x7A)), min_size=1,
               max_size=5)  # fmt: skip


@FAST
@given(st.lists(WORD, min_size=1, max_size=6, unique=True), CHINESE_TEXT)
def test_term_hits_never_overlap_and_are_the_terms(keys, text):
    glossary = Glossary(tuple(Term(k, f"en{i}") for i, k in enumerate(keys)))
    hits = glossary.hits(text)
    for hit in hits:
        assert text[hit.start : hit.end] == hit.zh
    for before, after in zip(hits, hits[1:], strict=False):
        assert before.end <= after.start


@SLOW
@given(st.lists(st.tuples(st.one_of(WORD, st.text(max_size=6)), st.text(max_size=6),
       st.lists(st.one_of(WORD, WORD, st.text(max_size=4)), max_size=2)), max_size=5))  # fmt: skip
def test_any_glossary_entries_load_or_are_refused_by_line(entries):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        data = {"terms": [{"zh": zh, "en": en, "variants": v} for zh, en, v in entries]}
        (folder / "g.yaml").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        try:
            glossary = load_glossary(folder)
        except ManyErrors as exc:
            assert all(m.startswith(str(folder / "g.yaml")) for m in exc.messages)
            return
        for term in glossary.terms:  # what was taken cannot rewrite anything silently
            assert any(c.isalpha() for c in term.zh)
            for variant in term.variants:  # the correction would find it inside no term
                matcher = Matcher([variant])
                assert not any(matcher.find(t.zh) for t in glossary.terms if t.zh != variant)


# --- writers --------------------------------------------------------------------------------------


def _translated(document: Document, english: list[str]) -> Document:
    """``document`` with English from ``english`` (anything a model could say), through the
    translation stage, as a build does."""
    from bilingual.stages.translate import translate_documents

    class Engine:  # says whatever Hypothesis chose, control characters included
        def translate(self, sources):
            for _ in sources:
                yield [next(supply, "")]

    class Store(dict):
        def put_many(self, items, ranks=()):
            self.update(items)

        def rank(self, key):
            return 0

    supply = iter(english)
    result = translate_documents(
        [document],
        model=ModelInfo("any", "1"),
        load_engine=Engine,
        memory=Store(),
        cache=Store(),
    )
    return convert_document(result.documents[0], "s2twp")


@SLOW
@given(
    st.lists(CHINESE_TEXT.map(str.strip).filter(bool), min_size=1, max_size=5),
    st.lists(st.text(max_size=60), max_size=30),
)
def test_every_writer_writes_aligned_lossless_outputs(lines, english):
    cleaned = [clean_text(line)[0].strip() for line in lines]
    assume(all(cleaned))
    source = Document("doc", "doc.txt", tuple(Paragraph(i, t) for i, t in enumerate(cleaned)))
    document = _translated(prepare(source, Glossary()), english)
    with tempfile.TemporaryDirectory() as tmp:
        dist = Path(tmp)
        for target, write in targets(document, dist, tuple(WRITERS), WriteOptions()):
            write(target)
            assert target.stat().st_size > 0
        for edition in EDITIONS:
            path = dist / edition.file_name(document, "docx")
            table = docx.Document(str(path)).tables[0]
            rows = [
                [row.cells[0].paragraphs[0].text] + [c.text for c in row.cells[1:]]
                for row in table.rows[1:]
            ]
            assert [r[0] for r in rows] == [s.id for s in document.segments]
            for row, segment in zip(rows, document.segments, strict=True):
                assert normal_space(row[1]) == normal_space(edition.chinese(segment))
                assert normal_space(row[2]) == normal_space(segment.english or "")
        for edition in EDITIONS:  # the web page: every sentence under its ID, in both languages
            page = lxml.html.parse(str(dist / edition.file_name(document, "html")))
            shown: dict[tuple[str, str], str] = {}
            for span in page.iter("span"):
                if sid := span.get("data-id"):
                    lang = next(a.get("lang") for a in span.iterancestors() if a.get("lang"))
                    shown[(lang, sid)] = normal_space(span.text_content())
            for segment in document.segments:
                if normal_space(segment.english or ""):
                    assert shown[("en", segment.id)] == normal_space(segment.english or "")
                assert shown[(edition.code, segment.id)] == normal_space(edition.chinese(segment))
        json.loads((dist / "doc.qa.json").read_text(encoding="utf-8"))
        for path in dist.iterdir():
            if path.suffix in (".docx", ".epub"):
                with zipfile.ZipFile(path) as archive:
                    assert archive.testzip() is None
