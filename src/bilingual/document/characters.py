"""Characters no output format can hold, handled once, at reading time, for every writer.

XML (DOCX, XLIFF, EPUB, HTML) cannot hold NUL, most C0 controls or noncharacters; C1 controls
and lone surrogates are garbage from a bad conversion. Each is removed (form feed, vertical tab
and next-line become a space; a lone surrogate becomes U+FFFD, so the damage stays visible), and
every occurrence is recorded with its line and column for ``qa.json``. Everything else in the
source, invisible or not, is kept: the Simplified column stays otherwise lossless.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


@dataclass(frozen=True)
class Cleaned:
    """A character no output format can hold, removed or replaced when the source was read."""

    line: int  # 1-based, in the source file
    column: int  # 1-based
    character: str
    replacement: str  # "" when removed

    @property
    def message(self) -> str:
        done = "removed" if not self.replacement else f"replaced by {describe(self.replacement)}"
        return f"line {self.line}, column {self.column}: {describe(self.character)} {done}"


def has_chinese(text: str) -> bool:
    """Whether ``text`` holds a Han character."""
    return bool(_HAN.search(text))


_AS_SPACE = {"\x0b", "\x0c", "\x85"}
UNSUPPORTED = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
    + "".join(f"{chr(plane << 16 | 0xFFFE)}{chr(plane << 16 | 0xFFFF)}" for plane in range(1, 17))
    + "]"
)
_NAMES = {
    "\x00": "NULL",
    "\x1b": "ESCAPE",
    "\x0c": "FORM FEED",
    "\x0b": "LINE TABULATION",
    "\x7f": "DELETE",
    "\x85": "NEXT LINE",
}


def describe(char: str) -> str:
    """``U+001B (ESCAPE)``."""
    name = _NAMES.get(char) or unicodedata.name(char, "")
    if not name and 0xD800 <= ord(char) <= 0xDFFF:
        name = "lone surrogate"
    elif not name and (0xFDD0 <= ord(char) <= 0xFDEF or ord(char) & 0xFFFE == 0xFFFE):
        name = "noncharacter"
    return f"U+{ord(char):04X}" + (f" ({name})" if name else "")


def replacement(char: str) -> str:
    if char in _AS_SPACE:
        return " "
    if 0xD800 <= ord(char) <= 0xDFFF:
        return "\ufffd"
    return ""


def clean_text(text: str) -> tuple[str, tuple[Cleaned, ...]]:
    """``text`` without unsupported characters, and each one removed or replaced."""
    if not UNSUPPORTED.search(text):
        return text, ()
    found: list[Cleaned] = []
    line, line_start = 1, 0
    last = 0
    for match in UNSUPPORTED.finditer(text):
        start = match.start()
        line += text.count("\n", last, start)
        newline = text.rfind("\n", 0, start)
        line_start = newline + 1
        last = start
        char = match.group()
        found.append(Cleaned(line, start - line_start + 1, char, replacement(char)))
    return UNSUPPORTED.sub(lambda m: replacement(m.group()), text), tuple(found)
