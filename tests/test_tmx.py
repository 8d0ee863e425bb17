"""The translation memory as TMX 1.4b: out valid against the DTD, in from other tools' TMX with
their language codes, counts of taken / skipped / conflicting, never overwriting an English."""

from __future__ import annotations

import json

import pytest
from cat_files import NAME, cat_edit, docx_english, export, memory, omegat_part
from lxml import etree

from conftest import Project

CHINESE_P003 = "昨日,360董事长周鸿祎在微博发文,谈到OpenAI的文字转视频模型Sora。"
CHINESE_P004 = "周鸿祎表示,AI不一定那么快颠覆所有行业,但它能激发更多人的创作力。"


def run(project: Project, *args: str, code: int = 0) -> str:
    result = project.run(*args)
    assert result.code == code, result.out + result.err
    assert "Traceback" not in result.err
    return result.out + result.err


def foreign_tmx(units: str, srclang: str = "ZH-CN") -> str:
    """A TMX as another tool writes it: upper-case codes, no DOCTYPE, other tools' header."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4">'
        '<header creationtool="SDL Language Platform" creationtoolversion="8.1" o-tmf="SDL TM8"'
        f' segtype="sentence" adminlang="EN-US" srclang="{srclang}" datatype="xml"/>'
        f"<body>{units}</body></tmx>"
    )


def tu(zh_lang: str, zh: str, en_lang: str, en: str, attrs: str = "") -> str:
    return (
        f'<tu{attrs}><tuv xml:lang="{zh_lang}"><seg>{zh}</seg></tuv>'
        f'<tuv xml:lang="{en_lang}"><seg>{en}</seg></tuv></tu>'
    )


def test_export_writes_valid_tmx_1_4b_with_date_origin_and_notes(project):
    assert project.run("build").code == 0
    export(project)
    edit = 'Edited <mrk id="m" type="comment" value="name checked">here</mrk>.'
    cat_edit(
        project.root / f"dist/{NAME}.zh-Hans_en.xlf", project.root / "back.xlf", {"p003.s01": edit}
    )
    run(project, "import", "back.xlf")
    assert "wrote tm/memory.tmx: 1 units" in run(project, "tm", "export")
    path = project.root / "tm" / "memory.tmx"
    document = etree.parse(str(path))
    header = document.getroot().find("header")
    assert header.get("srclang") == "zh-Hans" and header.get("creationtool") == "bilingual"
    (unit,) = document.getroot().iter("tu")
    assert len(unit.get("creationdate")) == 16 and unit.get("creationdate").endswith("Z")
    props = {p.get("type"): p.text for p in unit.iter("prop")}
    assert props == {"x-origin": "back.xlf", "x-segment-id": "p003.s01"}
    assert [n.text for n in unit.iter("note")] == ["comment: name checked"]
    segs = {
        tuv.get("{http://www.w3.org/XML/1998/namespace}lang"): tuv.find("seg").text
        for tuv in unit.iter("tuv")
    }
    assert segs == {"zh-Hans": CHINESE_P003, "en": "Edited here."}
    assert path.stat().st_mode & 0o777 == 0o666 & ~_umask()


def _umask() -> int:
    import os

    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def test_export_validates_against_the_tmx_1_4_dtd(project, tmp_path):
    dtd = etree.DTD(_write(tmp_path / "tmx14.dtd", omegat_part("schemas/tmx14.dtd")))
    (project.root / "tm").mkdir()
    when = "2026-01-02T03:04:05+00:00"
    entry = {"source": "今天是星期天。", "english": "It's <Sunday> & fine.", "id": "p001.s01",
             "origin": "a.docx", "time": when, "notes": ["n1", "n2"]}  # fmt: skip
    notes_only = {"source": "只有注释。", "english": None, "id": "p002.s01",
                  "origin": "a.docx", "time": when, "notes": ["x"]}  # fmt: skip
    (project.root / "tm" / "memory.jsonl").write_text(
        json.dumps(entry, ensure_ascii=False) + "\n" + json.dumps(notes_only, ensure_ascii=False),
        encoding="utf-8",
    )
    out = run(project, "tm", "export")
    assert "1 units (1 entries with notes but no English not exported)" in out
    document = etree.parse(str(project.root / "tm" / "memory.tmx"))
    assert document.docinfo.system_url == "tmx14.dtd"
    assert dtd.validate(document), dtd.error_log


def _write(path, data: bytes):
    path.write_bytes(data)
    return str(path)


def test_import_takes_exact_pairs_with_any_language_code_spelling(project):
    units = (
        tu("ZH-CN", CHINESE_P003, "EN-US", "Chairman Zhou posted on Weibo.",
           ' creationid="ANNA" changedate="20240105T101500Z"')
        + tu("zh-Hans", CHINESE_P004, "en-GB", "Zhou said AI will not upend every industry.")
        + tu("zh", "你好。", "EN", "Hello.")
        + tu("de-DE", "Hallo.", "en", "Hello.")
        + tu("zh-CN", "空的。", "en", "")
        + tu("zh-CN", "占位{0}。", "en", 'Placeholder <ph x="1">{0}</ph>.')
        + tu("zh-CN", "格式。", "en", 'A <bpt i="1">&lt;b&gt;</bpt>bold<ept i="1">&lt;/b&gt;</ept>')
    )  # fmt: skip
    (project.root / "other.tmx").write_text(foreign_tmx(units), encoding="utf-8")
    out = run(project, "tm", "import", "other.tmx")
    assert "4 taken, 3 skipped" in out and "0 conflicting; 7 units read" in out
    assert "1 other language pair" in out and "1 empty" in out
    assert "1 inline placeholder codes" in out
    entries = memory(project)
    assert entries[CHINESE_P003]["english"] == "Chairman Zhou posted on Weibo."
    assert entries[CHINESE_P003]["origin"] == "other.tmx (ANNA)"
    assert entries[CHINESE_P003]["time"] == "2024-01-05T10:15:00+00:00"
    assert entries["格式。"]["english"] == "A bold"
    assert "占位{0}。" not in entries

    before = (project.root / "tm" / "memory.jsonl").read_bytes()
    assert "0 taken" in run(project, "tm", "import", "other.tmx")  # twice: nothing changes
    assert (project.root / "tm" / "memory.jsonl").read_bytes() == before

    build = project.run("build", "--json")
    assert build.code == 0, build.err
    report = json.loads(build.out)
    assert report["documents"][NAME]["memory"] == 2
    assert docx_english(project, "zh-Hant")["p004.s01"] == (
        "Zhou said AI will not upend every industry."
    )


def test_characters_no_output_can_hold_are_not_taken(project):
    units = tu("zh-CN", "下一行。", "en", "Next&#x85;line.") + tu("zh-CN", "你好。", "en", "Hello.")
    (project.root / "odd.tmx").write_text(foreign_tmx(units), encoding="utf-8")
    out = run(project, "tm", "import", "odd.tmx")
    assert "1 taken, 1 skipped (1 characters no output can hold)" in out
    assert list(memory(project)) == ["你好。"]


def test_an_entry_with_other_english_is_a_conflict_never_overwritten(project):
    (project.root / "a.tmx").write_text(
        foreign_tmx(tu("zh-CN", CHINESE_P003, "en", "First.")), encoding="utf-8"
    )
    run(project, "tm", "import", "a.tmx")
    units = tu("zh-CN", CHINESE_P003, "en", "Second.") + tu("zh-CN", "新的。", "en", "New.")
    units += tu("zh-CN", "新的。", "en", "Another new.")
    (project.root / "b.tmx").write_text(foreign_tmx(units), encoding="utf-8")
    out = run(project, "tm", "import", "b.tmx", code=2)
    # The file translates 新的。 two ways: neither is taken, whichever comes first.
    assert "0 taken, 0 skipped, 3 conflicting; 3 units read" in out
    assert f"b.tmx:2: «{CHINESE_P003}»: the memory reads «First.», this unit «Second.»" in out
    assert "b.tmx:2: «新的。»: later in this file reads «Another new.», this unit «New.»" in out
    assert "b.tmx:2: «新的。»: earlier in this file reads «New.», this unit «Another new.»" in out
    assert list(memory(project)) == [CHINESE_P003]
    assert memory(project)[CHINESE_P003]["english"] == "First."
    summary = json.loads(project.run("tm", "import", "b.tmx", "--json").out)
    assert summary["conflicts"] == 3 and summary["skipped"] == {}


@pytest.mark.parametrize("order", ["as written", "reversed"])
def test_a_sentence_the_tmx_translates_two_ways_is_not_taken_in_any_order(project, order):
    pairs = [("新的。", "New."), ("新的。", "New."), ("新的。", "Other."), ("你好。", "Hello.")]
    units = [tu("zh-CN", zh, "en", en) for zh, en in pairs]
    units = units if order == "as written" else units[::-1]
    (project.root / "b.tmx").write_text(foreign_tmx("".join(units)), encoding="utf-8")
    summary = json.loads(project.run("tm", "import", "b.tmx", "--json").out)
    assert (summary["taken"], summary["conflicts"], summary["skipped"]) == (1, 3, {})
    assert list(memory(project)) == ["你好。"]


def test_a_docx_edit_built_before_a_tmx_import_is_judged_by_the_usual_rule(project):
    from word_xml import WordDocx
    from word_xml import run as word_run

    assert project.run("build").code == 0
    word = WordDocx(project.root / f"dist/{NAME}.zh-Hans_en.docx")
    word.set_cell("p003.s01", 2, word_run("From Word."))
    word.save(project.root / "word.docx")
    (project.root / "a.tmx").write_text(
        foreign_tmx(tu("zh-CN", CHINESE_P003, "en", "From the TMX.")), encoding="utf-8"
    )
    run(project, "tm", "import", "a.tmx")
    out = run(project, "import", "word.docx", code=2)
    assert "conflict: the memory now reads «From the TMX.»" in out


def test_round_trip_through_tmx_into_a_new_project(project, tmp_path):
    (project.root / "tm").mkdir()
    lines = [
        {"source": f"句子{n}。", "english": f"Sentence {n}.", "id": f"p{n:03}.s01",
         "origin": "alice.docx", "time": "2026-01-02T03:04:05+00:00", "notes": [f"note {n}"]}
        for n in range(5)
    ]  # fmt: skip
    (project.root / "tm" / "memory.jsonl").write_text(
        "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in lines), encoding="utf-8"
    )
    run(project, "tm", "export")
    other = tmp_path / "other"
    (other / "seeds").mkdir(parents=True)
    copy = Project(other, project.env)
    assert "5 taken" in run(copy, "tm", "import", str(project.root / "tm" / "memory.tmx"))
    taken = memory(copy)
    for entry in lines:
        got = taken[entry["source"]]
        assert (got["english"], got["id"], got["notes"], got["time"]) == (
            entry["english"], entry["id"], entry["notes"], entry["time"],
        )  # fmt: skip
        assert got["origin"] == "memory.tmx (alice.docx)"


def test_utf16_tmx_as_trados_writes_it(project):
    text = foreign_tmx(tu("zh-CN", "今天是星期天。", "en-US", "It is Sunday."))
    text = text.replace('encoding="UTF-8"', 'encoding="UTF-16"')
    (project.root / "trados.tmx").write_bytes(text.encode("utf-16"))
    assert "1 taken" in run(project, "tm", "import", "trados.tmx")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x00\x01binary", "not XML"),
        (b"<tmx version='1.4'><header/><body><tu>", "not XML"),
        (b"<xliff/>", "not a TMX file (its root element is <xliff>)"),
        (
            foreign_tmx(tu("de-DE", "Hallo.", "fr-FR", "Bonjour.")).encode(),
            "no unit pairs Simplified Chinese with English (languages in the file: de-DE, fr-FR)",
        ),
    ],
)
def test_bad_tmx_files_get_one_clear_line_and_nothing_is_imported(project, content, message):
    (project.root / "bad.tmx").write_bytes(content)
    result = project.run("tm", "import", "bad.tmx")
    assert result.code == 2 and "Traceback" not in result.err
    assert result.err.startswith("bilingual: bad.tmx") and message in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert not (project.root / "tm" / "memory.jsonl").exists()


def test_a_tmx_broken_after_many_units_imports_nothing(project):
    units = "".join(tu("zh-CN", f"第{n}句。", "en", f"Sentence {n}.") for n in range(500))
    (project.root / "cut.tmx").write_text(foreign_tmx(units)[:-40], encoding="utf-8")
    result = project.run("tm", "import", "cut.tmx")
    assert result.code == 2 and "not XML" in result.err
    assert not (project.root / "tm" / "memory.jsonl").exists()
