"""Hostile files, as an attacker (or a careless tool) would write them: links that run something
when clicked, paths and symlinks that leave the project, pictures that are not what their name
says, ZIP bombs with honest and lying headers, YAML alias bombs, nesting past the parser's limit,
and entity references in every XML format. Each is refused by FILE:LINE (exit 2) or neutralised
with a note in ``qa.json``, in bounded memory, and no text is lost on the way."""

from __future__ import annotations

import io
import json
import struct
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from bilingual.errors import InputError
from bilingual.glossary.terms import Glossary
from bilingual.project.build import prepare
from bilingual.readers import read_source
from conftest import REPO, Project, new_project
from sources import png

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS = f'xmlns:w="{W}" xmlns:r="{R}"'
HYPERLINK = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"

# Addresses that run something, read something local or leave through a file share when clicked,
# in the spellings browsers accept (case, leading space, a tab or line break in the scheme).
HOSTILE_URLS = [
    "javascript:alert(document.domain)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "vbscript:msgbox(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "file:///etc/passwd",
    "\\\\attacker.example\\share\\x",
    "//attacker.example/x",
]


def one_line(result) -> str:
    lines = [line for line in result.err.splitlines() if line.strip()]
    assert len(lines) == 1, result.err
    assert "Traceback" not in result.err
    return lines[0]


def attribute(text: str) -> str:
    """``text`` inside a double-quoted XML attribute, tabs and line breaks kept."""
    return escape(text, {'"': "&quot;", "\t": "&#9;", "\n": "&#10;"})


def word_file(path: Path, paragraphs: list[str], links: list[str] = ()) -> Path:
    """A Word file whose body is ``paragraphs`` (inner XML of each w:p; ``{rid0}``, ... name
    hyperlink relationships to ``links``), saved by python-docx."""
    import docx
    from docx.oxml import parse_xml

    document = docx.Document()
    rids = {f"rid{n}": document.part.relate_to(url, HYPERLINK, is_external=True) for n, url in
            enumerate(links)}  # fmt: skip
    for n, inner in enumerate(paragraphs):
        xml = f"<w:p {NS}>{inner.format(**rids)}</w:p>"
        document.element.body.insert(n, parse_xml(xml))
    document.save(str(path))
    return path


def run(text: str) -> str:
    return f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>'


def field(instruction: str, text: str) -> str:
    return (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r><w:instrText xml:space="preserve">{escape(instruction)}</w:instrText></w:r>'
        f'<w:r><w:fldChar w:fldCharType="separate"/></w:r>{run(text)}'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )


def linked_spans(document) -> list[str]:
    return [s.url for p in document.paragraphs for s in p.spans if s.url]


def notes(document, check: str = "link-refused") -> list:
    return [n for n in getattr(document, "reading_notes", ()) if n.check == check]


# --- links ---------------------------------------------------------------------------------


@pytest.mark.parametrize("url", HOSTILE_URLS, ids=repr)
def test_word_links_that_run_something_become_text_with_a_note(tmp_path, url):
    path = word_file(
        tmp_path / "links.docx",
        [
            run("第一段，")
            + '<w:hyperlink r:id="{rid0}">'
            + run("超链接")
            + "</w:hyperlink>"
            + run("。"),
            run("第二段，") + field(f' HYPERLINK "{url}" ', "域链接") + run("。"),
            f'<w:fldSimple w:instr=" HYPERLINK &quot;{attribute(url)}&quot; ">'
            + run("简单域")
            + "</w:fldSimple>",
            run("好的") + field(' HYPERLINK "https://example.com/ok" ', "链接") + run("。"),
        ],
        [url],
    )
    document = read_source(path)
    assert [p.text for p in document.paragraphs] == [
        "第一段，超链接。",
        "第二段，域链接。",
        "简单域",
        "好的链接。",
    ]
    assert linked_spans(document) == ["https://example.com/ok"]
    refused = notes(document)
    assert [n.line for n in refused] == [1, 2, 3]
    assert all(repr(url)[1:-1] in n.message for n in refused), refused


MARKDOWN_LINKS = """\
# 链接

[链接一](javascript:alert(1))

<javascript:alert(2)>

[链接三][ref]

[ref]: javascript:alert(3)

[链接四](JAVASCRIPT:alert(4))

[链接五](javascript&#58;alert(5))

[链接六](vbscript:msgbox(6))

[链接七](file:///etc/passwd)

[链接八](data:text/html;base64,PHNjcmlwdD4=)

![图九](data:image/png;base64,iVBORw0KGgo=)

[链接十](other-article.md)

[好链接](https://example.com/ok)和[邮件](mailto:editor@example.com)。
"""


def test_markdown_links_autolinks_and_references_that_run_something_are_text_with_a_note(
    tmp_path,
):
    path = tmp_path / "links.md"
    path.write_text(MARKDOWN_LINKS, encoding="utf-8")
    document = read_source(path)
    texts = [p.text for p in document.paragraphs]
    for word in ("链接一", "javascript:alert(2)", "链接三", "链接四", "链接五", "链接六", "图九"):
        assert any(word in t for t in texts), (word, texts)
    assert not any("](" in t for t in texts)  # read as links, not left as Markdown syntax
    assert linked_spans(document) == ["https://example.com/ok", "mailto:editor@example.com"]
    assert all(p.image is None for p in document.paragraphs)  # no data: picture
    assert [n.line for n in notes(document)] == [3, 5, 7, 11, 13, 15, 17, 19, 21, 23]
    assert "'javascript:alert(1)'" in notes(document)[0].message


def test_markdown_html_blocks_that_could_run_something_are_shown_as_code(tmp_path):
    from bilingual.document import Kind
    from bilingual.document.editions import SIMPLIFIED
    from bilingual.writers.markdown import render_markdown

    path = tmp_path / "html.md"
    path.write_text(
        "正文。\n\n<script>alert(1)</script>\n\n"
        '<div><img src="x" onerror="alert(2)"></div>\n\n'
        '<p><a href="jav&#x61;script:alert(3)">点</a></p>\n\n'
        "<!-- --!><script>alert(4)</script> -->\n\n"
        '<div class="note">无害的 <b>HTML</b></div>\n',
        encoding="utf-8",
    )
    document = prepare(read_source(path), Glossary())
    kinds = [(p.kind, p.info) for p in document.paragraphs]
    assert kinds == [(Kind.PARAGRAPH, "")] + [(Kind.CODE, "html")] * 4 + [(Kind.HTML, "")]
    assert [n.line for n in notes(document, "html-shown-as-code")] == [3, 5, 7, 9]
    edition = render_markdown(document, SIMPLIFIED)
    assert edition.count("```html") == 4 and '<div class="note">无害的' in edition


# --- confinement: sources and pictures come only from inside the sources folder --------------


@pytest.fixture
def outside(tmp_path) -> Path:
    """A folder outside the project with a real picture and a secret in it."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "key.png").write_bytes(png(rgb=(1, 2, 3)))
    (folder / "secret.txt").write_text("这是机密。\n", encoding="utf-8")
    return folder


def only_source(project: Project, name: str, text: str) -> Path:
    seeds = project.root / "seeds"
    for old in seeds.iterdir():
        old.unlink()
    path = seeds / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("how", ["absolute", "dot-dot", "symlinked-folder"])
def test_a_picture_outside_the_sources_folder_is_refused_by_line(bare_project, outside, how):
    seeds = bare_project.root / "seeds"
    src = {
        "absolute": str(outside / "key.png"),
        "dot-dot": "../../outside/key.png",
        "symlinked-folder": "pictures/key.png",
    }[how]
    only_source(bare_project, "article.md", f"# 标题\n\n正文。\n\n![图]({src})\n")
    if how == "symlinked-folder":
        (seeds / "pictures").symlink_to(outside, target_is_directory=True)
    result = bare_project.run("build")
    assert result.code == 2
    assert "seeds/article.md:5: image" in one_line(result) and "outside" in one_line(result)
    assert not (bare_project.dist / "article.assets").exists()


def test_a_source_that_is_a_symlink_out_of_the_sources_folder_is_refused(bare_project, outside):
    seeds = bare_project.root / "seeds"
    (seeds / "leak.txt").symlink_to(outside / "secret.txt")
    result = bare_project.run("build")
    assert result.code == 2 and "seeds/leak.txt: leads out of" in one_line(result)
    result = bare_project.run("segment", "seeds/leak.txt")
    assert result.code == 2 and "机密" not in result.out


def test_a_symlink_inside_the_sources_folder_is_fine(tmp_path):
    seeds = tmp_path / "seeds"
    (seeds / "images").mkdir(parents=True)
    (seeds / "images" / "chart.png").write_bytes(png())
    (seeds / "chart-link.png").symlink_to(seeds / "images" / "chart.png")
    (seeds / "a.md").write_text("正文。\n\n![图](chart-link.png)\n", encoding="utf-8")
    (seeds / "b.md").symlink_to(seeds / "a.md")
    document = read_source(seeds / "b.md")
    assert document.paragraphs[-1].image.data == png()


def chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def huge_png(width: int, height: int) -> bytes:
    """A PNG whose header claims ``width`` x ``height`` pixels, with a few bytes of data."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("key.png", b"password=hunter2\n", "is not a PNG image"),
        ("photo.jpg", png(), "is not a JPEG image"),
        (  # a PNG header claiming 100,000 x 100,000 pixels: a decompression bomb
            "huge.png",
            huge_png(100_000, 100_000),
            "more pixels than",
        ),
        (
            "evil.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "SVG with a <script>",
        ),
        (
            "handler.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
            "event handler",
        ),
    ],
)
def test_picture_bytes_must_be_what_their_name_says(bare_project, name, data, message):
    only_source(bare_project, "article.md", f"正文。\n\n![图]({name})\n")
    (bare_project.root / "seeds" / name).write_bytes(data)
    result = bare_project.run("build")
    assert result.code == 2 and message in one_line(result), result.err
    assert "seeds/article.md:3:" in one_line(result)


def word_with_picture(path: Path, picture: bytes, name: str = "big.png") -> Path:
    import docx

    document = docx.Document()
    document.add_paragraph("图片前的文字。")
    document.add_picture(io.BytesIO(picture))
    document.save(str(path))
    return path


def big_png(size: int) -> bytes:
    """A valid PNG of ``size`` bytes or more (incompressible text in an ancillary chunk)."""
    import os

    base = png()
    text = b"Comment\0" + os.urandom(size).hex().encode()[:size]
    return base[:33] + chunk(b"tEXt", text) + base[33:]


def test_a_word_picture_over_20_mb_is_refused_like_a_markdown_one(bare_project):
    seeds = bare_project.root / "seeds"
    for old in seeds.iterdir():
        old.unlink()
    word_with_picture(seeds / "pictured.docx", big_png(21 * 1024 * 1024))
    result = bare_project.run("build")
    assert result.code == 2 and "more than 20 MB" in one_line(result)


# --- ZIP bombs: limits that hold whatever the headers say -------------------------------------


def peak_run(project: Project, *args: str) -> tuple[int, str, int]:
    """``bilingual ARGS`` in a child of a fresh process: (exit code, stderr, peak RSS in MB)."""
    watcher = (
        "import resource, subprocess, sys\n"
        "p = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "sys.stderr.write(p.stderr)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)\n"
        "sys.exit(p.returncode)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", watcher, sys.executable, "-m", "bilingual", *args],
        cwd=project.root,
        env=project.env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    return proc.returncode, proc.stderr, int(proc.stdout.split()[-1])


GIB = 1024**3
DEFLATED = zipfile.ZIP_DEFLATED


def deflated_zeros(size: int) -> tuple[bytes, int]:
    """(raw deflate stream, CRC-32) of ``size`` zero bytes."""
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    block = bytes(1 << 20)
    parts = [compressor.compress(block) for _ in range(size >> 20)]
    parts.append(compressor.flush())
    crc = 0
    for _ in range(size >> 20):
        crc = zlib.crc32(block, crc)
    return b"".join(parts), crc


def lying_zip(members: dict[str, bytes], bomb: str, stream: bytes, claimed: int) -> bytes:
    """A ZIP of ``members`` (stored) in which ``bomb`` is the deflate ``stream`` while its
    headers claim ``claimed`` bytes, with the CRC of the first ``claimed`` (zeros)."""
    crc = zlib.crc32(bytes(claimed)) & 0xFFFFFFFF
    out, central = io.BytesIO(), io.BytesIO()
    for name, data in [*members.items(), (bomb, None)]:
        raw = name.encode()
        method, body = (0, data) if data is not None else (8, stream)
        size = len(data) if data is not None else claimed
        check = zlib.crc32(data) & 0xFFFFFFFF if data is not None else crc
        offset = out.tell()
        fields = (20, 0, method, 0, 0, check, len(body), size, len(raw), 0)
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, *fields) + raw + body)
        central.write(
            struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, method, 0, 0, check,
                        len(body), size, len(raw), 0, 0, 0, 0, 0, offset) + raw
        )  # fmt: skip
    count = len(members) + 1
    directory = central.getvalue()
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, len(directory), out.tell(), 0)
    return out.getvalue() + directory + end


@pytest.fixture(scope="module")
def gib_of_zeros() -> tuple[bytes, int]:
    return deflated_zeros(GIB)


def test_a_word_source_whose_document_expands_to_a_gigabyte_is_refused_in_little_memory(
    bare_project, tmp_path
):
    seeds = bare_project.root / "seeds"
    for old in seeds.iterdir():
        old.unlink()
    plain = word_with_picture(tmp_path / "plain.docx", png())
    bomb_path = seeds / "bomb.docx"
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(bomb_path, "w", DEFLATED) as bomb:
        for info in source.infolist():
            if info.filename != "word/document.xml":
                bomb.writestr(info, source.read(info))
        with bomb.open("word/document.xml", "w", force_zip64=True) as member:
            block = b"<w:p/>" * (1 << 16)
            for _ in range(GIB // len(block)):
                member.write(block)
    assert (seeds / "bomb.docx").stat().st_size < 4 * 1024**2
    code, err, peak = peak_run(bare_project, "segment", "seeds/bomb.docx")
    assert peak < 300, f"{peak} MB"
    assert code == 2 and "word/document.xml expands to more than" in err, err


@pytest.mark.parametrize("command", ["segment", "import"])
def test_headers_that_lie_about_sizes_cost_no_memory(bare_project, tmp_path, gib_of_zeros, command):
    stream, _ = gib_of_zeros
    plain = word_with_picture(tmp_path / "plain.docx", png())
    with zipfile.ZipFile(plain) as source:
        members = {n: source.read(n) for n in source.namelist() if n != "word/document.xml"}
    data = lying_zip(members, "word/document.xml", stream, 1024)
    path = bare_project.root / ("seeds" if command == "segment" else ".") / "liar.docx"
    path.write_bytes(data)
    code, err, peak = peak_run(bare_project, command, str(path.relative_to(bare_project.root)))
    assert peak < 300, f"{peak} MB"
    assert code == 2 and "liar.docx" in err and "Traceback" not in err, err


def test_a_model_package_with_lying_headers_is_read_as_far_as_they_say_in_little_memory(
    bare_project, model_file, gib_of_zeros
):
    stream, _ = gib_of_zeros
    with zipfile.ZipFile(model_file) as source:
        members = {n: source.read(n) for n in source.namelist()}
    top = next(iter(members)).split("/")[0]
    liar = bare_project.root / "liar.argosmodel"
    liar.write_bytes(lying_zip(members, f"{top}/padding.bin", stream, 1024))
    code, err, peak = peak_run(bare_project, "models", "install", "--file", str(liar))
    assert code == 0, err
    assert peak < 400, f"{peak} MB"
    packages = Path(bare_project.env["ARGOS_PACKAGES_DIR"])
    assert (packages / top / "padding.bin").stat().st_size == 1024  # not a byte more


# --- YAML: no aliases, and error lists capped ----------------------------------------------------


def test_a_front_matter_alias_bomb_is_refused_by_line(bare_project):
    levels = "\n".join(f"x{n}: &x{n} [" + ", ".join([f"*x{n - 1}"] * 10) + "]" for n in range(1, 7))
    text = f"---\nx0: &x0 [甲]\n{levels}\ntitle: *x6\n---\n正文。\n"
    only_source(bare_project, "bomb.md", text)
    result = bare_project.run("segment", "seeds/bomb.md")
    assert result.code == 2
    assert "seeds/bomb.md:2: front matter: YAML anchor &x0 refused" in one_line(result)


def test_a_glossary_alias_of_a_long_list_is_refused_by_line_not_checked_thousands_of_times(
    bare_project,
):
    variants = ", ".join(f"变体{n}" for n in range(200))
    terms = "\n".join(f"  - zh: 术语{n}\n    en: term {n}\n    variants: *v" for n in range(300))
    glossary = bare_project.root / "glossary"
    (glossary / "bomb.yaml").write_text(
        f"shared: &v [{variants}]\nterms:\n{terms}\n", encoding="utf-8"
    )
    result = bare_project.run("glossary", "check")
    assert result.code == 2
    assert one_line(result).startswith("glossary/bomb.yaml:1: YAML anchor &v refused")


def test_error_lists_are_capped(bare_project):
    glossary = bare_project.root / "glossary"
    entries = "\n".join(f"  - zh: 术语{n}" for n in range(45))  # every one lacks 'en'
    (glossary / "bad.yaml").write_text(f"terms:\n{entries}\n", encoding="utf-8")
    result = bare_project.run("glossary", "check")
    lines = result.err.strip().splitlines()
    assert result.code == 2 and len(lines) == 21, result.err
    assert lines[-1] == "… and 25 more"


# --- nesting past the parser's limit loses nothing ---------------------------------------------


def sentences(path: Path) -> list[str]:
    return [s.text for s in prepare(read_source(path), Glossary()).segments]


def test_markdown_nested_past_the_parsers_limit_keeps_every_sentence(tmp_path):
    deep_list = "".join("  " * n + f"- 第{n + 1}层列表。\n" for n in range(12))
    deep_quote = "".join(">" * (n + 1) + f" 第{n + 1}层引用。\n" + ">" * (n + 1) + "\n"
                         for n in range(21))  # fmt: skip
    path = tmp_path / "deep.md"
    path.write_text(
        f"{deep_list}\n之后的段落。\n\n{deep_quote}\n{'>' * 25} 最深处。\n\n结尾。\n",
        encoding="utf-8",
    )
    read = sentences(path)
    expected = [f"第{n + 1}层列表。" for n in range(12)] + ["之后的段落。"]
    expected += [f"第{n + 1}层引用。" for n in range(21)] + ["最深处。", "结尾。"]
    assert read == expected
    flattened = notes(read_source(path), "nesting-flattened")
    assert flattened and all("nested deeper than" in n.message for n in flattened)
    assert [n.line for n in flattened][0] == 10  # the list's 10th level


@pytest.mark.parametrize("ilvl", ["x", "99999999", "-5", "9" * 5000])
def test_word_list_levels_beyond_words_nine_are_read_at_the_ninth(tmp_path, ilvl):
    item = (
        f'<w:pPr><w:pStyle w:val="ListBullet"/><w:numPr><w:ilvl w:val="{ilvl}"/>'
        '<w:numId w:val="1"/></w:numPr></w:pPr>' + run("列表项。")
    )
    path = word_file(tmp_path / "levels.docx", [item, run("之后。")])
    document = read_source(path)
    assert [p.text for p in document.paragraphs] == ["列表项。", "之后。"]
    assert 1 <= document.paragraphs[0].depth <= 9


def test_word_list_ids_are_looked_up_never_read_as_a_query(tmp_path):
    item = (
        '<w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1\'] | //*[@x=\'"/></w:numPr>'
        "</w:pPr>" + run("列表项。")
    )
    document = read_source(word_file(tmp_path / "ids.docx", [item]))
    assert [p.text for p in document.paragraphs] == ["列表项。"]


# --- entities: expanded where XML defines them, refused by line otherwise, in every format --------

DECLARED = '<!DOCTYPE {root} [<!ENTITY name "周鸿祎">]>'
UNDECLARED = '<!DOCTYPE {root} SYSTEM "unreachable.dtd">'
EXTERNAL = '<!DOCTYPE {root} [<!ENTITY name SYSTEM "file:///etc/hostname">]>'
LAUGHS = (
    '<!DOCTYPE {root} [<!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">'
    + "".join(
        f'<!ENTITY {b} "{("&" + a + ";") * 10}">'
        for a, b in zip("abcdefgh", "bcdefghi", strict=True)
    )
    + "]>"
)
XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'


def xliff(doctype: str, ref: str) -> str:
    return (
        f"{XML_HEAD}{doctype.format(root='xliff')}\n"
        '<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="zh-Hans"'
        ' trgLang="en">\n<file id="f1">\n<unit id="p001.s01"><segment>\n'
        "<source>周鸿祎说。</source>\n"
        f"<target>Before {ref} after.</target>\n"
        "</segment></unit>\n</file>\n</xliff>\n"
    )


def tmx(doctype: str, ref: str) -> str:
    return (
        f"{XML_HEAD}{doctype.format(root='tmx')}\n"
        '<tmx version="1.4"><header creationtool="x" creationtoolversion="1" segtype="sentence"'
        ' o-tmf="x" adminlang="en" srclang="zh-CN" datatype="plaintext"/>\n<body>\n'
        '<tu><tuv xml:lang="zh-CN"><seg>周鸿祎说。</seg></tuv>\n'
        f'<tuv xml:lang="en-US"><seg>Before {ref} after.</seg></tuv></tu>\n'
        "</body></tmx>\n"
    )


def tbx(doctype: str, ref: str) -> str:
    return (
        f"{XML_HEAD}{doctype.format(root='martif')}\n"
        '<martif type="TBX" xml:lang="en"><text><body>\n'
        '<termEntry id="t1"><langSet xml:lang="zh-CN"><tig><term>周鸿祎</term></tig></langSet>\n'
        f'<langSet xml:lang="en"><tig><term>Before {ref} after</term></tig></langSet>'
        "</termEntry>\n</body></text></martif>\n"
    )


def patched_docx(path: Path, source: Path, doctype: str, ref: str) -> Path:
    """``source`` with ``MARKER`` in its document.xml replaced by ``ref``, under ``doctype``."""
    with zipfile.ZipFile(source) as archive:
        parts = {n: archive.read(n) for n in archive.namelist()}
    xml = parts["word/document.xml"].decode("utf-8")
    head, _, body = xml.partition("?>")
    parts["word/document.xml"] = (
        f"{head}?>\n{doctype.format(root='w:document')}\n{body.lstrip()}".replace("MARKER", ref)
    ).encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


@pytest.fixture(scope="module")
def edition(tmp_path_factory, installed_packages) -> Path:
    """An editors' DOCX a real build wrote, its first English cell holding ``MARKER``."""
    from word_xml import WordDocx

    project = new_project(tmp_path_factory.mktemp("edition"), installed_packages)
    only_source(project, "short.txt", "周鸿祎说。\n")
    assert project.run("build", "--outputs", "docx").code == 0
    word = WordDocx(project.dist / "short.zh-Hans_en.docx")
    word.set_cell("p001.s01", 2, run("Before MARKER after."))
    out = project.root / "marked.docx"
    word.save(out)
    return out


def read_english(fmt: str, doctype: str, ref: str, folder: Path, edition: Path) -> str:
    """The English the reader of ``fmt`` reads from a file whose English is 'Before REF after.'"""
    from bilingual.glossary.exchange import read_tbx
    from bilingual.memory.tmx import read_tmx
    from bilingual.memory.translation_memory import TranslationMemory
    from bilingual.returns import docx as returned_docx
    from bilingual.returns import xliff as returned_xliff

    if fmt == "docx-source":
        source = word_file(folder / "plain.docx", [run("Before MARKER after.")])
        path = patched_docx(folder / "source.docx", source, doctype, ref)
        return read_source(path).paragraphs[0].text
    if fmt == "docx-returned":
        path = patched_docx(folder / "returned.docx", edition, doctype, ref)
        return next(r.english for r in returned_docx.read(path).rows if r.id == "p001.s01")
    path = folder / f"file.{fmt}"
    path.write_text({"xlf": xliff, "tmx": tmx, "tbx": tbx}[fmt](doctype, ref), encoding="utf-8")
    if fmt == "xlf":
        return returned_xliff.read(path).rows[0].english
    if fmt == "tmx":
        memory = TranslationMemory(folder / f"tm{len(list(folder.glob('tm*')))}")  # a new one
        try:
            with memory.writing():
                read_tmx(path, memory)
            return memory.get("周鸿祎说。") or ""
        finally:
            memory.close()
    return next(iter(read_tbx(path))).en


FORMATS = ["docx-source", "docx-returned", "xlf", "tmx", "tbx"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_entities_the_file_declares_are_expanded_and_nothing_after_them_is_lost(
    tmp_path, edition, fmt
):
    english = read_english(fmt, DECLARED, "&name;", tmp_path, edition)
    assert english.rstrip(".") == "Before 周鸿祎 after"
    # character references and XML's own entities, everywhere
    english = read_english(fmt, "", "&#x5468;&amp;&lt;", tmp_path, edition)
    assert english.rstrip(".") == "Before 周&< after"


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    ("doctype", "ref", "message"),
    [
        (UNDECLARED, "&nbsp;", "&nbsp; is not declared in the file"),
        (EXTERNAL, "&name;", "&name; is not declared in the file"),
        (LAUGHS, "&i;", "expand to far more text than the file holds"),
    ],
    ids=["undeclared", "external", "billion-laughs"],
)
def test_other_entities_are_refused_with_file_and_line(
    tmp_path, edition, fmt, doctype, ref, message
):
    with pytest.raises(InputError) as caught:
        read_english(fmt, doctype, ref, tmp_path, edition)
    text = str(caught.value)
    assert message in text, text
    where = "word/document.xml:" if fmt.startswith("docx") else f"file.{fmt}:"
    assert where in text and "\n" not in text


def test_a_returned_docx_with_an_undeclared_entity_is_one_line_exit_2(bare_project, edition):
    patched = patched_docx(bare_project.root / "returned.docx", edition, UNDECLARED, "&nbsp;")
    result = bare_project.run("import", str(patched))
    assert result.code == 2, result.out + result.err
    assert "returned.docx: word/document.xml:3: &nbsp; is not declared" in result.out + result.err


# --- the real clients: clicking runs nothing ----------------------------------------------------

CHROMIUM = Path("/usr/lib/chromium/chromium")


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory, installed_packages) -> Project:
    """A project of a Word file and a Markdown file full of hostile links, built."""
    project = new_project(tmp_path_factory.mktemp("hostile"), installed_packages)
    seeds = project.root / "seeds"
    for old in seeds.iterdir():
        old.unlink()
    paragraphs, links = [], []
    for n, url in enumerate(HOSTILE_URLS):
        hyperlink = f'<w:hyperlink r:id="{{rid{n}}}">' + run("点这里") + "</w:hyperlink>"
        hyperfield = field(f' HYPERLINK "{url}" ', "或这里")
        paragraphs.append(run(f"第{n}段：") + hyperlink + hyperfield + run("。"))
        links.append(url)
    good = field(' HYPERLINK "https://example.com/" ', "链接")
    paragraphs.append(run("正常的") + good + run("。"))
    word_file(seeds / "word-links.docx", paragraphs, links)
    (seeds / "md-links.md").write_text(MARKDOWN_LINKS, encoding="utf-8")
    result = project.run("build")
    assert result.code == 0, result.err
    return project


def test_qa_json_names_every_link_made_plain_text(hostile_build):
    items = json.loads((hostile_build.dist / "word-links.qa.json").read_text(encoding="utf-8"))
    refused = [i for i in items if i["check"] == "link-refused"]
    assert len(refused) == 2 * len(HOSTILE_URLS)
    assert all(i["severity"] == "warning" and i["line"] for i in refused)
    assert "'javascript:alert(document.domain)'" in refused[0]["message"]
    report = json.loads(hostile_build.run("build", "--json").out)
    assert report["documents"]["md-links"]["qa"]["warning"] >= 10


def chapter_of(epub: Path, folder: Path) -> Path:
    with zipfile.ZipFile(epub) as archive:
        name = next(n for n in archive.namelist() if n.endswith("article.xhtml"))
        archive.extractall(folder)
    return folder / name


@pytest.mark.parametrize("name", ["word-links", "md-links"])
@pytest.mark.parametrize("kind", ["html", "epub"])
def test_clicking_every_link_in_chromium_runs_nothing(hostile_build, tmp_path, name, kind):
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (.ci/install-clients installs it)")
    output = hostile_build.dist / f"{name}.zh-Hans_en.{kind}"
    page_file = output if kind == "html" else chapter_of(output, tmp_path / "book")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM))
        try:
            context = browser.new_context()
            context.route(  # nothing leaves the machine; a web link's click just fails
                "**/*",
                lambda route: (
                    route.continue_() if route.request.url.startswith("file:") else route.abort()
                ),
            )
            ran: list[str] = []
            created: list = []
            context.on("page", lambda page: created.append(page))
            ours: list = []

            def opened():
                page = context.new_page()
                ours.append(page)
                page.on("dialog", lambda dialog: (ran.append(dialog.message), dialog.dismiss()))
                page.goto(page_file.as_uri())
                return page

            page = opened()
            hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
            text = page.inner_text("body")
            (REPO / "tests" / "artifacts").mkdir(exist_ok=True)
            page.screenshot(path=str(REPO / "tests" / "artifacts" / f"hostile.{name}.{kind}.png"))
            page.close()
            for index in range(len(hrefs)):  # each click in a fresh tab: a web link leaves it
                page = opened()
                page.locator("a[href]").nth(index).click(no_wait_after=True)
                page.wait_for_timeout(150)
                page.close()
            ran += [f"opened {p.url}" for p in created if not any(p is o for o in ours)]
            assert ran == [], ran
            assert hrefs and all(h.startswith(("https:", "mailto:", "file:")) for h in hrefs)
            assert all("#" in h for h in hrefs if h.startswith("file:")), hrefs
            assert "点这里" in text or "链接一" in text  # the links' words are still there
        finally:
            browser.close()


@pytest.mark.parametrize("name", ["word-links", "md-links"])
def test_the_hostile_epubs_still_pass_epubcheck(hostile_build, name):
    import re

    from test_publishing import epubcheck

    report = epubcheck(hostile_build.dist / f"{name}.zh-Hans_en.epub")
    summary = re.search(r"Messages: (\d+) fatals / (\d+) errors / (\d+) warnings", report)
    assert summary is not None and summary.groups() == ("0", "0", "0"), report
