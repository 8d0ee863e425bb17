"""The readers' editions' type, chosen in this one place: the web page, the EPUB, the print PDF
and the EPUB's cover all set Chinese and English from the pairing below.

The pairing is Noto Sans CJK with Noto Sans: one family, drawn to be used together (the same
stroke weight and x-height relation), so the English column looks like the Chinese one's
translation and not like another publication. Each stack falls back to what the reader's system
has (Source Han Sans is Noto Sans CJK under Adobe's name; PingFang and Microsoft YaHei on Apple
and Windows); nothing is fetched. The English of a heading is set one step of the scale smaller
than its Chinese (English runs about twice as long), never below the body size.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path

CHINESE = {
    "zh-Hans": (
        "Noto Sans CJK SC",
        "Source Han Sans SC",
        "PingFang SC",
        "Hiragino Sans GB",
        "Microsoft YaHei",
    ),
    "zh-Hant": (
        "Noto Sans CJK TC",
        "Source Han Sans TC",
        "PingFang TC",
        "Microsoft JhengHei",
    ),
}
LATIN = ("Noto Sans", "Source Sans 3", "Source Sans Pro", "Segoe UI", "Roboto", "Helvetica Neue")
MONO = ("Noto Sans Mono", "DejaVu Sans Mono", "Menlo", "Consolas")
GENERIC = "sans-serif"

# Heading sizes in em of the body, h1 to h6; a heading's English takes the next step down.
TITLE_SIZE = 2.0
SCALE = (1.7, 1.4, 1.2, 1.1, 1.0, 1.0)


def stack(families: tuple[str, ...], generic: str = GENERIC) -> str:
    return ", ".join([f'"{f}"' for f in families] + [generic])


def font_css() -> str:
    """The ``font-family`` rules by language (``lang`` is on every block)."""
    rules = [f":root {{ font-family: {stack(LATIN + CHINESE['zh-Hans'])}; }}"]
    rules += [
        f'[lang="{code}"] {{ font-family: {stack(faces)}; }}' for code, faces in CHINESE.items()
    ]
    rules.append(f'[lang="en"] {{ font-family: {stack(LATIN)}; }}')
    rules.append(f"code, pre, kbd {{ font-family: {stack(MONO, 'monospace')}; }}")
    # list markers alike beside both languages (a CJK face's bullet is a full-width glyph)
    rules.append(f"li > .pair:first-child > *::before {{ font-family: {stack(LATIN)}; }}")
    return "\n".join(rules)


def heading_css() -> str:
    """Heading sizes: each level's Chinese and, one step smaller, its English; a document's
    title (Word's Title style, a front matter title) a step above Heading 1."""
    levels = ", ".join(f".pair > h{n}[lang]" for n in range(1, 7))
    rules = [
        f"{levels} {{ line-height: 1.3; }}",  # over the languages' text leading
        f".pair.title > h1 {{ font-size: {TITLE_SIZE}em; }}",
        f'.pair.title > h1[lang="en"] {{ font-size: {SCALE[0]}em; }}',
    ]
    for level in range(1, 7):
        size = SCALE[level - 1]
        english = SCALE[level] if level < len(SCALE) else SCALE[-1]
        rules.append(f".pair > h{level} {{ font-size: {size}em; }}")
        rules.append(f'.pair > h{level}[lang="en"] {{ font-size: {max(english, 1.0)}em; }}')
    return "\n".join(rules)


@dataclass(frozen=True)
class FontFile:
    path: Path
    index: int  # the face's number in a collection (.ttc)


def find_font(family: str, style: str = "Bold") -> FontFile | None:
    """An installed font (by fontconfig), for drawing a cover; None without it."""
    return _find_font(family, style)


@cache
def _find_font(family: str, style: str) -> FontFile | None:
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return None
    try:
        found = subprocess.run(
            [fc_match, "--format=%{family}\t%{file}\t%{index}", f"{family}:style={style}"],
            capture_output=True,
            text=True,
            timeout=20,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    families, file, index = (found.split("\t") + ["", ""])[:3]
    if family.lower() not in families.lower() or not file:
        return None  # fontconfig's fallback for a missing family: not what we asked for
    return FontFile(Path(file), int(index) if index.isdigit() else 0)


# Lists and quotes, drawn beside each language's text (a side-by-side page has two columns, and
# the native list marker and a blockquote's border would mark only the first). The indent of a
# block is its quotes' (--q) plus its lists' (--l); the marker hangs in the list's indent.
BLOCKS_CSS = """
ul, ol { list-style: none; margin: .4em 0; padding: 0; }
li { --l: 1.7em; }
li li { --l: 3.4em; }
li li li { --l: 5.1em; }
li li li li { --l: 6.8em; }
blockquote { margin: 1em 0; padding: 0; --q: 1.2em; }
blockquote blockquote { --q: 2.4em; }
.pair > *, li > figure, li > pre, li > .table, blockquote > figure, blockquote > pre {
  margin-left: 0; padding-left: calc(var(--q, 0em) + var(--l, 0em)); }
li > pre, blockquote > pre { padding-left: 1em; margin-left: calc(var(--q, 0em) + var(--l, 0em)); }
li > .pair:first-child > * { position: relative; }
li > .pair:first-child > *::before { position: absolute; width: 1.4em; text-align: right;
  left: calc(var(--q, 0em) + var(--l) - 1.7em); font-weight: normal; }
ul > li > .pair:first-child > *::before { content: "\\2022"; }
li ul > li > .pair:first-child > *::before { content: "\\25E6"; }
li li ul > li > .pair:first-child > *::before { content: "\\25AA"; }
ol > li > .pair:first-child > *::before { content: counter(list-item) "."; }
blockquote .pair > * { border-left: 3px solid var(--quote, #c8c8c8); }
blockquote blockquote .pair > * { background: linear-gradient(to right,
  transparent 0 .9em, var(--quote, #c8c8c8) .9em calc(.9em + 3px), transparent 0) no-repeat; }
.cell > * { padding-left: 0; border: 0; background: none; }
.cell > *::before { content: none; }
"""
