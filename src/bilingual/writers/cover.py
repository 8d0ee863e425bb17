"""The EPUB's cover: the title in both languages (and the author), drawn with Pillow in the
editions' own faces (``typography``) from the fonts installed on this machine; nothing is
fetched. Without a CJK font to draw with, the cover is an SVG whose text the reading system
sets. The same title gives the same bytes.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from html import escape

from bilingual.writers.typography import CHINESE, LATIN, FontFile, find_font

WIDTH, HEIGHT = 1200, 1800  # 2:3, the shape of a book
MARGIN = 120
INK = (28, 28, 28)
PAPER = (247, 244, 237)
ACCENT = (155, 35, 35)


@dataclass(frozen=True)
class Cover:
    data: bytes
    media_type: str  # "image/png" or "image/svg+xml"
    suffix: str  # ".png" or ".svg"


def cover(chinese: str, english: str, author: str | None, lang: str) -> Cover:
    """The cover of a book titled ``chinese`` / ``english``, in the edition ``lang``."""
    cjk = find_font(CHINESE[lang][0], "Bold")
    if cjk is None:
        return Cover(_svg(chinese, english, author, lang).encode(), "image/svg+xml", ".svg")
    return Cover(_png(chinese, english, author, lang), "image/png", ".png")


def _png(chinese: str, english: str, author: str | None, lang: str) -> bytes:
    from PIL import Image, ImageDraw

    cjk_bold = find_font(CHINESE[lang][0], "Bold")
    cjk_regular = find_font(CHINESE[lang][0], "Regular") or cjk_bold
    latin = find_font(LATIN[0], "Regular") or cjk_regular
    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(image)
    width = WIDTH - 2 * MARGIN
    draw.rectangle((MARGIN, 300, MARGIN + 160, 312), fill=ACCENT)
    y = 380
    size = 104 if len(chinese) <= 24 else 80
    font = _font(cjk_bold, size)
    for line in _wrap(draw, chinese, font, width, by_word=False, most=6):
        draw.text((MARGIN, y), line, font=font, fill=INK)
        y += int(size * 1.35)
    if english:
        y += 40
        font = _font(latin, 58 if len(english) <= 60 else 46)
        for line in _wrap(draw, english, font, width, by_word=True, most=6):
            draw.text((MARGIN, y), line, font=font, fill=INK)
            y += int(font.size * 1.35)
    if author:
        font = _font(cjk_regular, 48)
        lines = _wrap(draw, author, font, width, by_word=True, most=2)
        for n, line in enumerate(lines):
            draw.text((MARGIN, HEIGHT - 200 - 64 * (len(lines) - 1 - n)), line, font=font, fill=INK)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


_NO_LINE_START = set("，。、：；！？）」』”’》〉…")  # Chinese punctuation never opens a line


def _font(face: FontFile | None, size: int):
    from PIL import ImageFont

    assert face is not None  # the caller found a CJK face
    return ImageFont.truetype(str(face.path), size, index=face.index)


_LINE_CHARACTERS = 80  # more than a cover's line holds at any of its sizes


def _wrap(draw, text: str, font, width: int, by_word: bool, most: int) -> list[str]:
    """The first ``most`` lines of ``text`` no wider than ``width``: at spaces (English), or
    anywhere (Chinese, and a word too long for a line). Only as much of the text is measured as
    those lines can hold (a title may be a paragraph of a million characters)."""
    lines: list[str] = []
    line = ""
    text = text[: _LINE_CHARACTERS * (most + 1)]
    units = text.split(" ") if by_word else list(text)
    for unit in units:
        if len(lines) >= most:
            break
        candidate = f"{line} {unit}" if by_word and line else line + unit
        fits = draw.textlength(candidate, font=font) <= width
        if not line or fits or (not by_word and unit in _NO_LINE_START):
            line = candidate
            continue
        lines.append(line)
        line = unit
        while draw.textlength(line, font=font) > width and len(line) > 1:  # a very long word
            cut = len(line) - 1
            while cut > 1 and draw.textlength(line[:cut], font=font) > width:
                cut -= 1
            lines.append(line[:cut])
            line = line[cut:]
    if line:
        lines.append(line)
    return lines[:most]


def _hex(colour: tuple[int, int, int]) -> str:
    return "#" + "".join(f"{c:02x}" for c in colour)


def _svg(chinese: str, english: str, author: str | None, lang: str) -> str:
    """A cover whose text the reading system sets (no font here to draw it with)."""
    faces = ", ".join(f"'{f}'" for f in CHINESE[lang]) + ", sans-serif"
    latin = ", ".join(f"'{f}'" for f in LATIN) + ", sans-serif"
    ink, paper, accent = (_hex(c) for c in (INK, PAPER, ACCENT))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}">',
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="{paper}"/>',
        f'<rect x="{MARGIN}" y="300" width="160" height="12" fill="{accent}"/>',
        f'<text x="{MARGIN}" y="480" font-family="{faces}" font-size="96" font-weight="bold" '
        f'fill="{ink}" xml:lang="{lang}">{escape(chinese[:40])}</text>',
    ]
    if english:
        parts.append(
            f'<text x="{MARGIN}" y="600" font-family="{latin}" font-size="52" fill="{ink}" '
            f'xml:lang="en">{escape(english[:60])}</text>'
        )
    if author:
        parts.append(
            f'<text x="{MARGIN}" y="{HEIGHT - 200}" font-family="{faces}" font-size="48" '
            f'fill="{ink}">{escape(author[:60])}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
