"""The translation memory as a store: one SQLite index beside tm/memory.jsonl (the file users
commit), exact matches after one normalization, fuzzy matches offered to editors, corrections
whose sentence was reworded kept visible (build note, `tm status`, offered as fuzzy matches)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time

import docx
from cat_files import xliff_schema
from lxml import etree
from word_xml import WordDocx, run

from conftest import Project

NAME = "zhou-hongyi-on-sora"
HANS = f"dist/{NAME}.zh-Hans_en.docx"
HANT = f"dist/{NAME}.zh-Hant_en.docx"
P004 = "周鸿祎表示,AI不一定那么快颠覆所有行业,但它能激发更多人的创作力。"
REWORDED = "周鸿祎表示,AI未必那么快颠覆所有行业,但它能激发更多人的创作力。"
EDIT = "Zhou Hongyi said AI will not upend every industry so soon, but it can spur creativity."
X2 = "urn:oasis:names:tc:xliff:document:2.0"
MTC = "urn:oasis:names:tc:xliff:matches:2.0"
X12 = "urn:oasis:names:tc:xliff:document:1.2"


def test_the_normalization_rule():
    from bilingual.glossary.terms import Glossary, Term
    from bilingual.memory.normalize import Normalizer
    from bilingual.stages.glossary import memory_normalizer

    key = memory_normalizer(Glossary((Term("OpenAI", "OpenAI", variants=("OpenAl",)),))).key
    assert key("昨日，360董事长 周鸿祎\t在微博发文：谈到ＯｐｅｎＡl。") == key(
        "昨日,360董事长周鸿祎在微博发文:谈到OpenAI。"
    )
    assert key(" AI 领域 ") == "AI领域" and key("Open  AI") == "Open AI" != key("OpenAI")
    assert key("“好。”") == "“好。”"  # CJK punctuation has no plain form: kept
    assert Normalizer().key("OpenAl。") == "OpenAl。"  # no glossary, no correction


def test_the_differences_are_marked_in_the_memorys_chinese():
    from bilingual.memory.fuzzy import length_range, marked, similarity

    assert marked("周鸿祎说了很多。", "周鸿祎讲了很多。") == "周鸿祎【说→讲】了很多。"
    assert marked("他今天来了。", "他来了。") == "他【今天→】来了。"
    assert marked("他来了。", "他昨天就来了。") == "他【→昨天就】来了。"
    assert similarity("周鸿祎说了很多。", "周鸿祎说了很多。") == 100
    assert similarity("周鸿祎说了很多。", "周鸿祎讲了很多。") == 87  # 1 edit in 8
    assert length_range(20, 75) == (15, 26)


def ok(project: Project, *args: str) -> str:
    result = project.run(*args)
    assert result.code == 0, result.out + result.err
    assert "Traceback" not in result.err
    return result.out + result.err


def notes(project: Project, path: str) -> dict[str, tuple[str, str]]:
    """Per segment ID: (English, Notes) of an editors' DOCX."""
    table = docx.Document(str(project.root / path)).tables[0]
    return {r.cells[0].text: (r.cells[2].text, r.cells[3].text) for r in table.rows[1:]}


def memory_lines(project: Project) -> list[dict]:
    text = (project.root / "tm" / "memory.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines()]


def edit_p004(project: Project) -> None:
    """An editor corrects p004.s01 in Word and it is imported."""
    document = WordDocx(project.root / HANS)
    document.set_cell("p004.s01", 2, run(EDIT))
    document.save(project.root / "edited.docx")
    assert "1 edited" in ok(project, "import", "edited.docx")


def reword_p004(project: Project) -> None:
    source = project.root / "seeds" / f"{NAME}.txt"
    text = source.read_text(encoding="utf-8")
    assert P004 in text
    source.write_text(text.replace(P004, REWORDED), encoding="utf-8")


def test_a_reworded_sentence_is_offered_its_old_correction_in_the_rebuilt_docx(project):
    ok(project, "build")
    edit_p004(project)
    build = json.loads(project.run("build", "--json").out)
    assert notes(project, HANS)["p004.s01"][0] == EDIT  # the exact match is applied
    assert not any("match no sentence" in n or "no source has" in n for n in build["notes"])

    reword_p004(project)
    result = project.run("build", "--json")
    assert result.code == 0, result.err
    report = json.loads(result.out)

    english, hans_notes = notes(project, HANS)["p004.s01"]
    assert english != EDIT  # offered, never applied: the English is the machine's
    assert hans_notes.startswith("machine")
    offer = next(line for line in hans_notes.splitlines() if "% match" in line)
    assert offer == (
        f"91% match (p004.s01, edited.docx, {_today()}): "
        f"周鸿祎表示,AI【不一定→未必】那么快颠覆所有行业,但它能激发更多人的创作力。 = {EDIT}"
    )
    hant_offer = next(line for line in notes(project, HANT)["p004.s01"][1].splitlines()
                      if "% match" in line)  # fmt: skip
    assert "周鴻禕表示,AI【不一定→未必】那麼快顛覆所有行業" in hant_offer and EDIT in hant_offer

    qa = json.loads((project.dist / f"{NAME}.qa.json").read_text(encoding="utf-8"))
    offered = [i for i in qa if i["check"] == "fuzzy-match" and i["id"] == "p004.s01"]
    assert len(offered) == 1 and offered[0]["severity"] == "info"
    assert report["documents"][NAME]["qa"]["info"] >= 1
    assert "1 editors' correction is for sentences no source has any more" in " ".join(
        report["notes"]
    )

    status = ok(project, "tm", "status")
    assert f"p004.s01, edited.docx, {_today()}: {P004} = {EDIT}" in status
    assert (
        f"closest today: 91% {NAME} p004.s01: "
        "周鸿祎表示,AI【不一定→未必】那么快颠覆所有行业,但它能激发更多人的创作力。" in status
    )
    data = json.loads(ok(project, "tm", "status", "--json"))
    (orphan,) = data["orphaned_corrections"]
    assert orphan["english"] == EDIT and orphan["closest"]["id"] == "p004.s01"


def _today() -> str:
    return time.strftime("%Y-%m-%d", time.gmtime())


def test_fuzzy_matches_reach_xliff_2_as_translation_candidates_and_1_2_as_alt_trans(project):
    ok(project, "build")
    edit_p004(project)
    reword_p004(project)
    ok(project, "export", "xliff")
    tree = etree.parse(str(project.dist / f"{NAME}.zh-Hans_en.xlf"))
    schema = xliff_schema("2.1")
    assert schema.validate(tree), schema.error_log
    root = tree.getroot()
    unit = next(u for u in root.iter(f"{{{X2}}}unit") if u.get("id") == "p004.s01")
    (match,) = unit.iter(f"{{{MTC}}}match")
    segment = unit.find(f"{{{X2}}}segment")
    assert match.get("ref") == f"#{segment.get('id')}"
    assert match.get("similarity") == "91" and match.get("type") == "tm"
    assert match.get("origin") == "edited.docx"
    assert match.find(f"{{{X2}}}source").text == P004
    assert match.find(f"{{{X2}}}target").text == EDIT
    assert segment.find(f"{{{X2}}}target").text != EDIT  # not applied

    ok(project, "export", "xliff", "--xliff-version", "1.2")
    tree = etree.parse(str(project.dist / f"{NAME}.zh-Hans_en.xlf"))
    schema = xliff_schema("1.2")
    assert schema.validate(tree), schema.error_log
    root = tree.getroot()
    unit = next(u for u in root.iter(f"{{{X12}}}trans-unit") if u.get("id") == "p004.s01")
    (alt,) = unit.iter(f"{{{X12}}}alt-trans")
    assert alt.get("match-quality") == "91" and alt.get("origin") == "edited.docx"
    assert alt.find(f"{{{X12}}}source").text == P004
    assert alt.find(f"{{{X12}}}target").text == EDIT

    # A CAT tool's file with the candidates in it comes back: they are not an edit.
    assert "0 edited" in ok(project, "import", f"dist/{NAME}.zh-Hans_en.xlf")


def test_the_same_sentence_matches_however_another_tool_typed_it(project):
    """Full-width punctuation, spaces a tool put between words, a glossary variant the build
    corrects (OpenAl -> OpenAI): one sentence, one match."""
    typed = "昨日，360董事长 周鸿祎 在微博发文，谈到OpenAl的文字转视频模型Sora。"
    tmx = (
        '<?xml version="1.0" encoding="UTF-8"?><tmx version="1.4"><header creationtool="x" '
        'creationtoolversion="1" segtype="sentence" o-tmf="x" adminlang="en" srclang="zh-CN" '
        f'datatype="plaintext"/><body><tu><tuv xml:lang="zh-CN"><seg>{typed}</seg></tuv>'
        '<tuv xml:lang="en-US"><seg>Yesterday Zhou posted on Weibo about Sora.</seg></tuv></tu>'
        "</body></tmx>"
    )
    (project.root / "other.tmx").write_text(tmx, encoding="utf-8")
    out = ok(project, "tm", "import", "other.tmx")
    assert "1 taken" in out and "1 of the 1 sentences taken are sentences of today's sources" in out
    report = json.loads(project.run("build", "--json").out)
    assert report["documents"][NAME]["memory"] == 1
    assert notes(project, HANS)["p003.s01"][0] == "Yesterday Zhou posted on Weibo about Sora."


def test_a_glossary_variant_added_later_makes_a_taken_unit_match(project):
    """The keys follow the glossary: a new variant is applied to what the memory holds."""
    typed = "昨日,360董事长周鸿祎在微博发文,谈到Open-AI的文字转视频模型Sora。"
    (project.root / "other.tmx").write_text(
        _big_tmx([(typed, "Yesterday Zhou posted on Weibo about Sora.")]), encoding="utf-8"
    )
    ok(project, "tm", "import", "other.tmx")
    assert json.loads(project.run("build", "--json").out)["documents"][NAME]["memory"] == 0
    terms = project.root / "glossary" / "people-and-companies.yaml"
    text = terms.read_text(encoding="utf-8")
    terms.write_text(
        text.replace("[OpenAl, OpenA!,", "[Open-AI, OpenAl, OpenA!,"), encoding="utf-8"
    )
    assert json.loads(project.run("build", "--json").out)["documents"][NAME]["memory"] == 1


def test_a_unit_holding_two_sentences_is_named_as_never_matching_exactly(project):
    two = "周鸿祎表示,AI不一定那么快颠覆所有行业。但它能激发更多人的创作力。"
    tmx = (
        '<?xml version="1.0" encoding="UTF-8"?><tmx version="1.4"><header creationtool="x" '
        'creationtoolversion="1" segtype="paragraph" o-tmf="x" adminlang="en" srclang="zh-CN" '
        f'datatype="plaintext"/><body>\n<tu tuid="7"><tuv xml:lang="zh-CN"><seg>{two}</seg></tuv>'
        '<tuv xml:lang="en-US"><seg>AI will not upend everything. It inspires.</seg></tuv></tu>'
        "\n</body></tmx>"
    )
    (project.root / "para.tmx").write_text(tmx, encoding="utf-8")
    out = ok(project, "tm", "import", "para.tmx")
    assert "1 units taken hold more than one sentence as the build segments text (para.tmx:2)" in (
        out
    )
    data = json.loads(ok(project, "tm", "import", "para.tmx", "--json"))  # again: nothing new
    assert data["taken"] == 0


def test_an_old_project_migrates_with_one_notice_and_its_file_is_written_sorted_later(project):
    tm = project.root / "tm"
    tm.mkdir()
    lines = [
        {"source": "第二句。", "english": "Second.", "id": "p2", "origin": "a.docx",
         "time": "2026-01-01T00:00:00+00:00"},
        {"source": "第一句。", "english": "First.", "id": "p1", "origin": "a.docx",
         "time": "2026-01-01T00:00:00+00:00"},
    ]  # fmt: skip
    before = "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in lines)
    (tm / "memory.jsonl").write_text(before, encoding="utf-8")
    result = project.run("build")
    assert result.code == 0, result.err
    migrated = [line for line in result.err.splitlines() if "is now indexed in" in line]
    assert len(migrated) == 1 and "(2 entries)" in migrated[0]
    assert (tm / ".memory.sqlite").is_file()
    assert ".memory.sqlite" in (tm / ".gitignore").read_text(encoding="utf-8")
    assert (tm / "memory.jsonl").read_text(encoding="utf-8") == before  # a build writes nothing
    again = project.run("build")
    assert "is now indexed" not in again.err

    edit_p004(project)
    sources = [e["source"] for e in memory_lines(project)]
    assert sources == sorted(sources) and len(sources) == 3


def test_the_file_wins_when_it_changes_behind_the_store_even_with_an_older_time(project):
    """A git pull, a checkout of another branch: the file is read again, whatever its mtime."""
    ok(project, "build")
    edit_p004(project)
    path = project.root / "tm" / "memory.jsonl"
    stat = path.stat()
    other = EDIT.replace("so soon", "quickly")  # another English, of another length
    path.write_text(path.read_text(encoding="utf-8").replace(EDIT, other), encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns - 3_600_000_000_000))  # an hour older
    result = project.run("build")
    assert result.code == 0, result.err
    assert "changed since it last read them (a git pull?); 1 entries read again" in result.err
    assert notes(project, HANS)["p004.s01"][0] == other


def test_a_damaged_store_is_set_aside_and_rebuilt_from_the_file(project):
    ok(project, "build")
    edit_p004(project)
    store = project.root / "tm" / ".memory.sqlite"
    for suffix in ("-wal", "-shm"):
        (store.parent / f"{store.name}{suffix}").unlink(missing_ok=True)
    store.write_bytes(b"this is not a database" * 100)
    result = project.run("build")
    assert result.code == 0, result.err
    assert "damaged index of the memory moved aside" in result.err
    assert notes(project, HANS)["p004.s01"][0] == EDIT


def test_fuzzy_threshold_setting(project):
    ok(project, "build")
    edit_p004(project)
    reword_p004(project)
    (project.root / "bilingual.toml").write_text("fuzzy_threshold = 95\n", encoding="utf-8")
    ok(project, "build")
    assert "% match" not in notes(project, HANS)["p004.s01"][1]  # 91% < 95%
    (project.root / "bilingual.toml").write_text("fuzzy_threshold = 30\n", encoding="utf-8")
    result = project.run("build")
    assert result.code == 2 and "fuzzy_threshold must be a percentage from 50 to 100" in result.err


CONCURRENT = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from bilingual.memory.translation_memory import Entry, TranslationMemory
    memory = TranslationMemory(Path(sys.argv[1]))
    name = sys.argv[2]
    with memory.writing():
        for n in range(200):
            memory.put(Entry(f"{name}第{n}句。", f"{name} {n}.", f"p{n}", name, "2026-01-01"))
            if n == 100:
                time.sleep(0.5)  # the other writer comes while this one is half done
    """
)


def test_two_writers_at_once_take_turns_and_lose_nothing(tmp_path):
    tm = tmp_path / "tm"
    writers = [subprocess.Popen([sys.executable, "-c", CONCURRENT, str(tm), name]) for name in "AB"]
    assert [w.wait(timeout=120) for w in writers] == [0, 0]
    lines = (tm / "memory.jsonl").read_text(encoding="utf-8").splitlines()
    sources = [json.loads(line)["source"] for line in lines]
    assert len(sources) == 400 and sources == sorted(sources)


def _big_tmx(units: list[tuple[str, str]], tail: str = "</body></tmx>") -> str:
    head = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header creationtool="x" '
        'creationtoolversion="1" segtype="sentence" o-tmf="x" adminlang="en" srclang="zh-CN" '
        'datatype="plaintext"/><body>\n'
    )
    body = "".join(
        f'<tu tuid="{n}"><tuv xml:lang="zh-CN"><seg>{zh}</seg></tuv><tuv xml:lang="en-US">'
        f"<seg>{en}</seg></tuv></tu>\n"
        for n, (zh, en) in enumerate(units, 1)
    )
    return head + body + tail


def test_a_large_tmx_is_read_by_a_second_process_with_the_same_rules(project):
    """From a megabyte on, a TMX is read in a process of its own: same counts, same
    conflicts, and a file broken halfway still takes nothing."""
    padding = "这是一个很长的句子，用来让文件超过一兆字节的大小。" * 3
    units = [(f"第{n}句{padding}", f"Sentence {n}, long enough.") for n in range(6000)]
    units += [("第7句" + padding, "Sentence 7, long enough.")]  # a duplicate
    units += [("第8句" + padding, "Another English.")]  # the file disagrees with itself
    text = _big_tmx(units)
    assert len(text.encode()) > 1 << 20
    (project.root / "big.tmx").write_text(text, encoding="utf-8")
    result = project.run("tm", "import", "big.tmx", "--json")
    assert result.code == 2, result.err  # the conflict
    data = json.loads(result.out)
    assert data["taken"] == 5999 and data["conflicts"] == 2
    assert data["skipped"] == {"duplicate in the file": 1}
    assert any(
        "big.tmx:11: «第8句" in p and "later in this file reads" in p for p in data["problems"]
    )
    assert len(memory_lines(project)) == 5999

    broken = _big_tmx([(f"新{n}句{padding}", f"New {n}.") for n in range(6000)], tail="<tu>")
    (project.root / "broken.tmx").write_text(broken, encoding="utf-8")
    before = (project.root / "tm" / "memory.jsonl").read_bytes()
    result = project.run("tm", "import", "broken.tmx")
    assert result.code == 2 and "broken.tmx:" in result.err and "not XML" in result.err
    assert "Traceback" not in result.err
    assert (project.root / "tm" / "memory.jsonl").read_bytes() == before


def test_a_large_tmx_read_by_a_second_process_is_read_as_its_tool_wrote_it(project):
    """The second process reads units by the same rules as a small file (tmx_units): authors
    on the <tuv>, OmegaT's tag text, machine units as suggestions, units refused and named by
    tuid in --json."""
    padding = "这是一个很长的句子，用来让文件超过一兆字节的大小。" * 3
    units = [(f"第{n}句{padding}", f"Sentence {n}, long enough.") for n in range(6000)]
    text = _big_tmx(units).replace(
        "</body>",
        '<tu tuid="mt"><prop type="x-Origin">MachineTranslation</prop>'
        f'<tuv xml:lang="zh-CN"><seg>机器{padding}</seg></tuv>'
        '<tuv xml:lang="en-US"><seg>A machine wrote it.</seg></tuv></tu>\n'
        '<tu tuid="two"><tuv xml:lang="zh-CN"><seg>两段。</seg></tuv>'
        '<tuv xml:lang="en-US"><seg>One.</seg><seg>Two.</seg></tuv></tu>\n'
        '<tu tuid="ph"><tuv xml:lang="zh-CN"><seg>见图。</seg></tuv>'
        '<tuv xml:lang="en-US"><seg>See <ph x="1"/>.</seg></tuv></tu>\n'
        '<tu tuid="omegat"><tuv lang="zh-CN"><seg>&lt;b0&gt;周鸿祎&lt;/b0&gt;说。</seg></tuv>'
        '<tuv lang="en-US" changeid="Alice" changedate="20240105T101500Z">'
        "<seg>&lt;b0&gt;Zhou&lt;/b0&gt; said.</seg></tuv></tu>\n</body>",
    )
    assert len(text.encode()) > 1 << 20
    (project.root / "big.tmx").write_text(text, encoding="utf-8")
    data = json.loads(ok(project, "tm", "import", "big.tmx", "--json"))
    assert (data["taken"], data["suggestions"], data["conflicts"]) == (6001, 1, 0)
    assert {(u["unit"], u["tuid"], u["why"]) for u in data["skipped_units"]} == {
        ("big.tmx:6004", "two", "several <seg> in one <tuv>: en-US"),
        ("big.tmx:6005", "ph", "inline placeholder codes: <ph/>"),
    }
    entry = next(e for e in memory_lines(project) if e["source"] == "周鸿祎说。")
    assert (entry["english"], entry["origin"]) == ("Zhou said.", "big.tmx (Alice)")
    assert entry["time"] == "2024-01-05T10:15:00+00:00"
    (suggestion,) = (project.root / "tm" / "suggestions.jsonl").read_text("utf-8").splitlines()
    assert json.loads(suggestion)["why"] == "machine translation (x-Origin MachineTranslation)"


def test_a_large_tmx_with_an_entity_it_does_not_declare_is_refused_by_line(project):
    """The entity rule of every XML input (util.xml_input) holds in the second process too:
    an entity of an external DTD is refused with the file and line, and nothing is taken."""
    padding = "这是一个很长的句子，用来让文件超过一兆字节的大小。" * 3
    units = [(f"第{n}句{padding}", f"Sentence {n}.") for n in range(6000)]
    units[3000] = ("周鸿祎说。", "Before &nbsp; after.")
    text = _big_tmx(units).replace("<tmx ", '<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n<tmx ', 1)
    assert len(text.encode()) > 1 << 20
    (project.root / "big.tmx").write_text(text, encoding="utf-8")
    result = project.run("tm", "import", "big.tmx")
    assert result.code == 2 and "Traceback" not in result.err, result.err
    assert "big.tmx:3004: &nbsp; is not declared in the file" in result.err
    assert not (project.root / "tm" / "memory.jsonl").exists()


def test_ctrl_c_in_a_large_import_is_answered_at_once_and_takes_nothing(project):
    import signal

    padding = "这是一个很长的句子，用来让文件变大。" * 4
    units = [(f"第{n}句{padding}", f"Sentence {n}.") for n in range(60_000)]
    (project.root / "big.tmx").write_text(_big_tmx(units), encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-m", "bilingual", "tm", "import", "big.tmx"],
        cwd=project.root, env=project.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    time.sleep(1.5)  # reading and taking, in two processes
    assert proc.poll() is None, "the import ended before it could be interrupted"
    sent = time.monotonic()
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert time.monotonic() - sent < 2.0
    assert proc.returncode == 130 and "Traceback" not in err, err
    assert not (project.root / "tm" / "memory.jsonl").exists()
    leftover = subprocess.run(["pgrep", "-f", "tm import big.tmx"], capture_output=True)
    assert leftover.stdout == b""  # the reading process ended with it


def test_a_read_only_tm_folder_is_read_without_an_index_file(project):
    ok(project, "build")
    edit_p004(project)
    tm = project.root / "tm"
    for path in tm.glob(".memory.sqlite*"):
        path.unlink()
    tm.chmod(0o555)
    try:
        result = project.run("build", unprivileged=True)
    finally:
        tm.chmod(0o755)
    assert result.code == 0, result.err
    assert "the memory is read into memory for this run" in result.err
    assert not list(tm.glob(".memory.sqlite*"))
    assert notes(project, HANS)["p004.s01"][0] == EDIT


def test_a_machine_suggestion_is_offered_never_used(project):
    """tm/suggestions.jsonl (a TMX's machine and draft translations): offered as a fuzzy match,
    an exact one at 100%, never the build's English."""
    ok(project, "build")
    tm = project.root / "tm"
    tm.mkdir()
    suggestion = {
        "source": P004, "english": "A machine's English.", "origin": "trados.tmx (MT)",
        "time": "2025-02-01T09:30:00+00:00",
        "why": "machine translation (x-Origin MachineTranslation)",
    }  # fmt: skip
    (tm / "suggestions.jsonl").write_text(
        json.dumps(suggestion, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    report = json.loads(project.run("build", "--json").out)
    assert report["documents"][NAME]["memory"] == 0
    english, cell = notes(project, HANS)["p004.s01"]
    assert english != "A machine's English."
    assert (
        "100% match (trados.tmx (MT), 2025-02-01, machine translation (x-Origin "
        f"MachineTranslation)): {P004} = A machine's English." in cell
    )
    edit_p004(project)  # an editor's English wins; the suggestion is kept, and its file too
    ok(project, "build")
    assert notes(project, HANS)["p004.s01"][0] == EDIT
    assert json.loads((tm / "suggestions.jsonl").read_text(encoding="utf-8")) == suggestion
    status = ok(project, "tm", "status", "--json")
    assert json.loads(status)["suggestions"] == 1
