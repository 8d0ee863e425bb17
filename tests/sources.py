"""Structured sources with every block and inline kind, as writers and editors make them: a
Markdown article with a picture beside it, a Word article written with Word's own styles, and
the same Word article re-saved by LibreOffice."""

from __future__ import annotations

import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

SOFFICE = shutil.which("soffice")


def png(width: int = 120, height: int = 60, rgb: tuple[int, int, int] = (30, 120, 200)) -> bytes:
    """A real PNG (a coloured rectangle with a stripe)."""
    rows = []
    for y in range(height):
        colour = (250, 200, 40) if height // 3 <= y < 2 * height // 3 else rgb
        rows.append(b"\x00" + bytes(colour) * width)

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows)))
        + chunk(b"IEND", b"")
    )


MARKDOWN = """\
---
title: 具身智能周报
date: 2024-03-01
---
# 具身智能的新进展

这是一段**重要**的文字，提到了*具身智能*和[OpenAI](https://openai.com/sora)。它还包含代码`GPT-5.1`。

## 列表与引用

- 第一项讲[具身智能](https://example.com/embodied)。
- 第二项有子项：
  1. 子项一。
  2. 子项二。

3. 从三开始的有序列表。
4. 有序第二项。

> 引用的一句话，来自**周鸿祎**。
>
> 第二段引用。

**整句都是粗体的一句话。**

![一张蓝色的图表](images/chart.png)

```python
print("代码不翻译")
```

<div class="note">原始 HTML 不翻译</div>

---

Latin only with **Sora** and `code` and [a link](https://example.com/latin).

1\\. Not a list, a sentence that starts with a number.

另见[上一期](https://example.com/previous#part)。

| 公司 | 估值 |
| --- | --- |
| **OpenAI** | 800亿美元 |
"""

# (style, text runs) of the Word article; a run is (text, {"bold", "italic", "code"}, url)
Run = tuple[str, set, str | None]
DOCX_BLOCKS: list[tuple[str, list[Run]]] = [
    ("Title", [("具身智能的新进展", set(), None)]),
    (
        "Normal",
        [
            ("这是一段", set(), None),
            ("重要", {"bold"}, None),
            ("的文字，提到了", set(), None),
            ("具身智能", {"italic"}, None),
            ("和", set(), None),
            ("OpenAI", set(), "https://openai.com/sora"),
            ("。它还包含代码", set(), None),
            ("GPT-5.1", {"code"}, None),
            ("。", set(), None),
        ],
    ),
    ("Heading 2", [("列表与引用", set(), None)]),
    ("List Bullet", [("第一项讲", set(), None), ("具身智能", set(), "https://example.com/e")]),
    ("List Bullet", [("第二项有子项：", set(), None)]),
    ("List Bullet 2", [("子项一。", set(), None)]),
    ("List Number", [("有序第一项。", set(), None)]),
    ("List Number", [("有序第二项。", set(), None)]),
    (
        "Quote",
        [("引用的一句话，来自", set(), None), ("周鸿祎", {"bold"}, None), ("。", set(), None)],
    ),
    ("Normal", [("整句都是粗体的一句话。", {"bold"}, None)]),
    ("Code", [('print("代码不翻译")', set(), None)]),
    ("Normal", [("Latin only with ", set(), None), ("Sora", {"bold"}, None), (".", set(), None)]),
]
DOCX_PICTURE_ALT = "一张蓝色的图表"
DOCX_TABLE = ("公司", "估值", "OpenAI", "800亿美元")


def write_markdown(folder: Path, name: str = "structured") -> Path:
    (folder / "images").mkdir(parents=True, exist_ok=True)
    (folder / "images" / "chart.png").write_bytes(png())
    path = folder / f"{name}.md"
    path.write_text(MARKDOWN, encoding="utf-8")
    return path


def _hyperlink(paragraph, text: str, url: str):
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    rid = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rid)
    run = OxmlElement("w:r")
    props = OxmlElement("w:rPr")
    style = OxmlElement("w:rStyle")
    style.set(qn("w:val"), "Hyperlink")
    props.append(style)
    run.append(props)
    text_el = OxmlElement("w:t")
    text_el.text = text
    run.append(text_el)
    link.append(run)
    paragraph._p.append(link)


def write_docx(folder: Path, name: str = "worded") -> Path:
    """The Word article, written with python-docx and Word's built-in styles."""
    import docx
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Cm

    document = docx.Document()
    document.core_properties.author = "周编辑"  # Word's File > Info > Author (dc:creator)
    code = document.styles.add_style("Code", WD_STYLE_TYPE.PARAGRAPH)
    code.base_style = document.styles["Normal"]
    code.font.name = "Courier New"
    for style, runs in DOCX_BLOCKS:
        paragraph = document.add_paragraph(style=style)
        for text, kinds, url in runs:
            if url:
                _hyperlink(paragraph, text, url)
                continue
            run = paragraph.add_run(text)
            run.bold = "bold" in kinds or None
            run.italic = "italic" in kinds or None
            if "code" in kinds:
                run.font.name = "Courier New"
    picture = folder / "chart-for-word.png"
    picture.write_bytes(png(rgb=(200, 60, 60)))
    document.add_picture(str(picture), width=Cm(4))
    document.inline_shapes[0]._inline.docPr.set("descr", DOCX_PICTURE_ALT)
    picture.unlink()
    table = document.add_table(rows=2, cols=2)
    table.style = "Table Grid"
    for (row, column), text in zip(((0, 0), (0, 1), (1, 0), (1, 1)), DOCX_TABLE, strict=True):
        table.cell(row, column).text = text
    table.cell(1, 0).add_paragraph("第二段。")
    path = folder / f"{name}.docx"
    document.save(str(path))
    return path


def resave_with_libreoffice(source: Path, folder: Path, name: str) -> Path:
    """``source`` re-saved by LibreOffice as ``folder/NAME.docx`` (its own style definitions and
    numbering); ``source`` may be any file LibreOffice opens (a flat ODT)."""
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed; .ci/install-clients installs it")
    out = folder / "lo-out"
    profile = folder / "lo-profile"
    subprocess.run(
        [
            SOFFICE,
            "--headless",
            f"-env:UserInstallation=file://{profile}",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(out),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    target = folder / f"{name}.docx"
    (out / f"{source.stem}.docx").replace(target)  # a .docx, or any file LibreOffice opens
    return target


SAMPLE = Path(__file__).resolve().parent.parent / "docs" / "sample"


def sample_project(root: Path) -> None:
    """The README's sample in a project folder: its article as the only source, the English
    typed for it as the translation memory, the repository's glossary."""
    seeds = root / "seeds"
    if seeds.exists():
        shutil.rmtree(seeds)
    seeds.mkdir(parents=True)
    shutil.copy(SAMPLE / "robots-on-the-line.md", seeds)
    (root / "tm").mkdir(exist_ok=True)
    shutil.copy(SAMPLE / "memory.jsonl", root / "tm" / "memory.jsonl")
    glossary = SAMPLE.parent.parent / "glossary"
    if not (root / "glossary").exists():
        shutil.copytree(glossary, root / "glossary")
