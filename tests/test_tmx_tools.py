"""TMX as other tools write it: OmegaT (run for real: TMX 1.1 with its tag text, authors on the
<tuv>, alternative translations, and its TMX 1.4 level 2), Trados (UTF-16 with CRLF, draft and
machine-translated units) and memoQ (case variants, context props, {} codes). What lands in the
memory, what is kept only as a suggestion, what is refused by unit, and what the next build
publishes."""

from __future__ import annotations

import json

from cat_files import NAME, PROJECT, docx_english, memory, omegat

from conftest import Project

P003 = "昨日,360董事长周鸿祎在微博发文,谈到OpenAI的文字转视频模型Sora。"
P004 = "周鸿祎表示,AI不一定那么快颠覆所有行业,但它能激发更多人的创作力。"
P006 = "以下为周鸿祎发文全文:"
ALICE = "Yesterday Zhou Hongyi, chairman of 360, posted about Sora on Weibo."
BOB = "Zhou said AI will not upend every industry so fast."
CAROL = "As Zhou put it, AI inspires more people to create."


def run(project: Project, *args: str, code: int = 0) -> str:
    result = project.run(*args)
    assert result.code == code, result.out + result.err
    assert "Traceback" not in result.err
    return result.out + result.err


def suggestions(project: Project) -> list[dict]:
    path = project.root / "tm" / "suggestions.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


# What OmegaT keeps of a translator's work (omegat/project_save.tmx), as OmegaT 3.6 writes it:
# TMX 1.1 (lang=), the author and date on the English <tuv>, tags as OmegaT's shortcut text, and
# an alternative translation (for one place: file, previous and next paragraphs) after the
# default ones.
PROJECT_SAVE = f"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE tmx SYSTEM "tmx11.dtd">
<tmx version="1.1">
  <header creationtool="OmegaT" o-tmf="OmegaT TMX" adminlang="EN-US" datatype="plaintext" \
creationtoolversion="3.6.0_10_unknown" segtype="paragraph" srclang="zh-CN"/>
  <body>
<!-- Default translations -->
    <tu>
      <tuv lang="zh-CN">
        <seg>昨日,360董事长&lt;b0&gt;周鸿祎&lt;/b0&gt;在微博发文,谈到OpenAI的文字转视频模型Sora。</seg>
      </tuv>
      <tuv lang="en-US" changeid="Alice" changedate="20240105T101500Z" creationid="Alice" \
creationdate="20240105T101500Z">
        <seg>Yesterday &lt;b0&gt;Zhou Hongyi&lt;/b0&gt;, chairman of 360, posted about Sora \
on Weibo.</seg>
      </tuv>
    </tu>
    <tu>
      <tuv lang="zh-CN">
        <seg>{P004}</seg>
      </tuv>
      <tuv lang="en-US" changeid="Bob" changedate="20240106T093000Z" creationid="Bob" \
creationdate="20240106T093000Z">
        <seg>{BOB}</seg>
      </tuv>
    </tu>
<!-- Alternative translations -->
    <tu>
      <prop type="file">sora.html</prop>
      <prop type="prev">{P006}</prop>
      <prop type="next">完。</prop>
      <tuv lang="zh-CN">
        <seg>{P004}</seg>
      </tuv>
      <tuv lang="en-US" changeid="Carol" changedate="20240107T080000Z" creationid="Carol" \
creationdate="20240107T080000Z">
        <seg>{CAROL}</seg>
      </tuv>
    </tu>
  </body>
</tmx>
"""

SOURCE_HTML = f"""<html><head><meta charset="utf-8"><title>Sora</title></head><body>
<p>昨日,360董事长<b>周鸿祎</b>在微博发文,谈到OpenAI的文字转视频模型Sora。</p>
<p>{P004}</p>
<p>{P006}</p>
<p>{P004}</p>
<p>完。</p>
</body></html>
"""


def test_omegat_tmx_comes_in_without_tag_text_with_authors_and_alternatives_as_suggestions(
    project: Project, tmp_path
):
    folder = project.root / "omegat"
    for sub in ("source", "target", "tm/auto", "omegat", "glossary", "dictionary"):
        (folder / sub).mkdir(parents=True)
    (folder / "omegat.project").write_text(PROJECT, encoding="utf-8")
    (folder / "source" / "sora.html").write_text(SOURCE_HTML, encoding="utf-8")
    (folder / "omegat" / "project_save.tmx").write_text(PROJECT_SAVE, encoding="utf-8")
    omegat(folder, tmp_path)
    target = (folder / "target" / "sora.html").read_text(encoding="utf-8")
    assert CAROL in target and "<b>Zhou Hongyi</b>" in target  # OmegaT read its project
    written = folder / "omegat-omegat.tmx"  # what OmegaT itself writes from the project
    assert "&lt;b0&gt;Zhou Hongyi&lt;/b0&gt;" in written.read_text(encoding="utf-8")

    out = run(project, "tm", "import", str(written))
    assert "2 taken, 1 kept as suggestions" in out and "0 conflicting; 3 units read" in out
    entries = memory(project)
    assert set(entries) == {P003, P004}
    assert entries[P003]["english"] == ALICE  # no <b0> tag text
    assert entries[P003]["origin"] == "omegat-omegat.tmx (Alice)"  # author on the <tuv>
    assert entries[P003]["time"] == "2024-01-05T10:15:00+00:00"
    assert (entries[P004]["english"], entries[P004]["origin"]) == (BOB, "omegat-omegat.tmx (Bob)")
    (alternative,) = suggestions(project)
    assert (alternative["source"], alternative["english"]) == (P004, CAROL)
    assert alternative["why"] == "OmegaT alternative translation for one place in sora.html"
    assert alternative["origin"] == "omegat-omegat.tmx (Carol)"

    # OmegaT's TMX 1.4 (level 2: the tags as <bpt>/<ept>) holds the same: nothing changes.
    level2 = folder / "omegat-level2.tmx"
    assert '<bpt i="0" x="0">&lt;b0&gt;</bpt>' in level2.read_text(encoding="utf-8")
    before = project.snapshot("tm")
    out = run(project, "tm", "import", str(level2))
    assert "0 taken, 3 skipped (3 already in the memory), 0 conflicting" in out
    assert project.snapshot("tm") == before

    assert project.run("build").code == 0
    english = docx_english(project, "zh-Hans")
    assert (english["p003.s01"], english["p004.s01"]) == (ALICE, BOB)
    published = (project.dist / f"{NAME}.zh-Hant_en.md").read_text(encoding="utf-8")
    assert ALICE in published and "<b0>" not in published and CAROL not in published


def _trados(units: list[str]) -> bytes:
    """A TMX as Trados Studio exports it: UTF-16 LE with a byte-order mark, CRLF line ends,
    SDL's header props, per unit the SDL props and empty bpt/ept/ph codes."""
    lines = [
        '<?xml version="1.0" encoding="utf-16"?>',
        '<tmx version="1.4">',
        '  <header creationtool="SDL Language Platform" creationtoolversion="8.1" '
        'o-tmf="SDL TM8 Format" datatype="xml" segtype="sentence" adminlang="en-US" '
        'srclang="zh-CN" creationdate="20240101T080000Z" creationid="STUDIO\\pm">',
        '    <prop type="x-Recognizers">RecognizeAll</prop>',
        '    <prop type="x-IncludesContextContent">True</prop>',
        '    <prop type="x-TMName">Sora zh-en</prop>',
        '    <prop type="x-TokenizerFlags">DefaultFlags</prop>',
        '    <prop type="x-WordCountFlags">DefaultFlags</prop>',
        "  </header>",
        "  <body>",
        *units,
        "  </body>",
        "</tmx>",
    ]
    return b"\xff\xfe" + "\r\n".join(lines).encode("utf-16-le")


def _trados_unit(zh: str, en: str, origin: str, level: str, who: str = "STUDIO\\anna") -> str:
    return "\r\n".join(
        [
            f'    <tu creationdate="20240201T101500Z" creationid="{who}" '
            f'changedate="20240202T111500Z" changeid="{who}" lastusagedate="20240203T101500Z" '
            'usagecount="1">',
            f'      <prop type="x-LastUsedBy">{who}</prop>',
            '      <prop type="x-Context">0, 0</prop>',
            f'      <prop type="x-Origin">{origin}</prop>',
            f'      <prop type="x-ConfirmationLevel">{level}</prop>',
            '      <tuv xml:lang="zh-CN">',
            f"        <seg>{zh}</seg>",
            "      </tuv>",
            '      <tuv xml:lang="en-US">',
            f"        <seg>{en}</seg>",
            "      </tuv>",
            "    </tu>",
        ]
    )


def test_trados_draft_and_machine_units_are_suggestions_never_editors_english(project):
    machine = "Zhou said that AI does not necessarily subvert all industries so quickly."
    units = [
        _trados_unit(
            '昨日,360董事长<bpt i="1" type="1" x="1" />周鸿祎<ept i="1" />在微博发文,'
            "谈到OpenAI的文字转视频模型Sora。",
            'Yesterday <bpt i="1" type="1" x="1" />Zhou Hongyi<ept i="1" />, chairman of '
            "360, posted about Sora on Weibo.",
            "TM",
            "ApprovedSignOff",
        ),
        _trados_unit(P004, machine, "MachineTranslation", "Draft"),
        _trados_unit("今天是星期天。", "Today is Sunday.", "TM", "Draft"),
        _trados_unit("今天下雨。", "It rains today.", "Nmt", "Translated"),
        _trados_unit("明天是星期一。", "Tomorrow is Monday.", "TM", "RejectedTranslation"),
        _trados_unit(
            '见图<ph x="2" type="0" />。', 'See figure <ph x="2" type="0" />.', "TM", "Translated"
        ),  # fmt: skip
    ]
    (project.root / "studio.tmx").write_bytes(_trados(units))
    out = run(project, "tm", "import", "studio.tmx")
    assert "1 taken, 3 kept as suggestions" in out
    assert "2 skipped (" in out and "1 inline placeholder codes" in out
    assert "1 rejected in review" in out
    assert "studio.tmx:59: unit: rejected in review: x-ConfirmationLevel RejectedTranslation" in out
    assert "studio.tmx:71: unit: inline placeholder codes: <ph/>; not taken" in out
    entries = memory(project)
    assert list(entries) == [P003]
    assert entries[P003]["english"] == ALICE
    assert entries[P003]["origin"] == "studio.tmx (STUDIO\\anna)"
    assert entries[P003]["time"] == "2024-02-02T11:15:00+00:00"
    kept = {s["source"]: s for s in suggestions(project)}
    assert kept[P004]["english"] == machine
    assert kept[P004]["why"] == "machine translation (x-Origin MachineTranslation)"
    assert kept["今天是星期天。"]["why"] == "draft (x-ConfirmationLevel Draft)"
    assert kept["今天下雨。"]["why"] == "machine translation (x-Origin Nmt)"

    summary = json.loads(project.run("tm", "import", "studio.tmx", "--json").out)
    named = {u["unit"]: u["why"] for u in summary["skipped_units"]}
    assert named == {
        "studio.tmx:11": "already in the memory",
        "studio.tmx:23": "already in the memory",
        "studio.tmx:35": "already in the memory",
        "studio.tmx:47": "already in the memory",
        "studio.tmx:59": "rejected in review: x-ConfirmationLevel RejectedTranslation",
        "studio.tmx:71": "inline placeholder codes: <ph/>",
    }  # each <tu> by its line

    build = project.run("build", "--json")
    assert build.code == 0, build.err
    assert json.loads(build.out)["documents"][NAME]["memory"] == 1
    english = docx_english(project, "zh-Hans")
    assert english["p003.s01"] == ALICE
    assert english["p004.s01"] != machine  # the machine's English is no editor's


def test_memoq_tmx_case_variants_context_and_codes_and_bad_units_named_by_tuid(project):
    memoq = f"""<?xml version="1.0" encoding="utf-8"?>
<tmx version="1.4">
  <header creationtool="MemoQ" creationtoolversion="9.14.9" segtype="sentence" o-tmf="MemoQTM" \
adminlang="en-us" srclang="zh-cn" datatype="unknown" creationdate="20240301T090000Z" \
creationid="PM">
    <prop type="defclient"></prop>
    <prop type="targetlang">en-us</prop>
    <prop type="name">sora-tm</prop>
  </header>
  <body>
    <tu tuid="7" changedate="20240301T090000Z" creationdate="20240301T090000Z" creationid="Dana" \
changeid="Dana">
      <prop type="client"></prop>
      <prop type="corrected">no</prop>
      <prop type="aligned">no</prop>
      <prop type="x-document">sora.docx</prop>
      <tuv xml:lang="ZH-CN">
        <prop type="x-context-pre">&lt;seg&gt;{P006}&lt;/seg&gt;</prop>
        <prop type="x-context-post">&lt;seg&gt;完。&lt;/seg&gt;</prop>
        <seg>{P004}</seg>
      </tuv>
      <tuv xml:lang="EN-US" changeid="Erin" changedate="20240302T100000Z">
        <seg><bpt i="1" type="bold">{{}}</bpt>Zhou<ept i="1">{{}}</ept> said AI will not \
upend every industry so fast.</seg>
      </tuv>
    </tu>
    <tu tuid="8">
      <tuv xml:lang="zh-Hans"><seg>今天是星期天。</seg></tuv>
      <tuv xml:lang="en-us"><seg>Today is Sunday.</seg><seg>It is Sunday.</seg></tuv>
    </tu>
    <tu tuid="9">
      <tuv xml:lang="zh-cn"><seg>明天是星期一。</seg></tuv>
      <tuv xml:lang="en-US"><seg>Tomorrow is Monday.</seg></tuv>
      <tuv xml:lang="en-GB"><seg>Monday tomorrow.</seg></tuv>
    </tu>
    <tu tuid="10">
      <tuv xml:lang="zh-CN"><seg>见图。</seg></tuv>
      <tuv xml:lang="en-US"><seg>See the figure<ph type="image">{{}}</ph>.</seg></tuv>
    </tu>
  </body>
</tmx>
"""
    (project.root / "memoq.tmx").write_text(memoq, encoding="utf-8")
    result = project.run("tm", "import", "memoq.tmx", "--json")
    assert result.code == 0, result.err
    summary = json.loads(result.out)
    assert (summary["taken"], summary["suggestions"], summary["conflicts"]) == (1, 0, 0)
    named = {(u["tuid"], u["why"]) for u in summary["skipped_units"]}
    assert named == {
        ("8", "several <seg> in one <tuv>: en-us"),
        ("9", "two different texts in one language: en-GB"),
        ("10", "inline placeholder codes: <ph/>"),
    }
    entry = memory(project)[P004]
    assert entry["english"] == BOB  # no {} and no codes
    assert entry["origin"] == "memoq.tmx (Erin)"  # the <tuv>'s author wins over the <tu>'s
    assert entry["time"] == "2024-03-02T10:00:00+00:00"
    assert entry["id"] == "7"
    out = run(project, "tm", "import", "memoq.tmx")
    assert "memoq.tmx:23: unit 8: several <seg> in one <tuv>: en-us; not taken" in out

    assert project.run("build").code == 0
    assert docx_english(project, "zh-Hant")["p004.s01"] == BOB


def test_suggestions_never_overwrite_and_an_editors_unit_takes_the_sentence(project):
    """A machine unit and an editor's unit for the same sentence are no conflict: the editor's
    English is taken, the machine's kept as a suggestion; importing again changes nothing."""
    machine = "Zhou said AI may not overturn all trades."
    units = [
        _trados_unit(P004, machine, "MachineTranslation", "Draft"),
        _trados_unit(P004, BOB, "TM", "Translated"),
    ]
    (project.root / "mixed.tmx").write_bytes(_trados(units))
    out = run(project, "tm", "import", "mixed.tmx")
    assert "1 taken, 1 kept as suggestions" in out and "0 conflicting" in out
    assert memory(project)[P004]["english"] == BOB
    assert [s["english"] for s in suggestions(project)] == [machine]
    before = project.snapshot("tm")
    assert "0 taken, 2 skipped (2 already in the memory)" in run(
        project, "tm", "import", "mixed.tmx"
    )
    assert project.snapshot("tm") == before
