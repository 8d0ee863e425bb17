"""CSV read as spreadsheets write it: Excel's encodings, separators and header names.

Encoding, from the bytes: UTF-8 (with or without a byte-order mark), UTF-16 with a byte-order
mark (Excel's "Unicode Text") or GB18030 (Excel's "CSV" on Chinese Windows, a superset of GBK
and GB2312). Hand-written rather than a charset guesser: three candidates told apart by a BOM
and a strict UTF-8 decode are certain, where a statistical guess on a few short rows is not.
The separator is sniffed from the header row (comma, semicolon or tab). Columns are named in
either language; language codes (zh-CN, en-US, zh-TW...) work too. One line says what was read.
"""

from __future__ import annotations

import codecs
import csv
import io
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bilingual.document.languages import ENGLISH, SIMPLIFIED, TRADITIONAL, role
from bilingual.errors import InputError
from bilingual.glossary.incoming import Incoming

VARIANT_SEPARATOR = ";"
# Accepted column names (compared case-insensitively, full-width brackets as ASCII).
COLUMNS: dict[str, tuple[str, ...]] = {
    "zh": ("zh", "source", "中文", "简体中文", "Chinese (Simplified)", "Simplified Chinese",
           "中文(简体)", "源语言", "原文"),
    "en": ("en", "target", "英文", "English", "英语", "译文", "目标语言"),
    "zh_hant": ("zh_hant", "繁体中文", "繁體中文", "Chinese (Traditional)",
                "Traditional Chinese", "中文(繁体)"),
    "variants": ("variants", "variant", "变体"),
    "note": ("note", "notes", "comment", "comments", "definition", "备注", "注释", "说明"),
}  # fmt: skip
_NAMES = {unicodedata.normalize("NFKC", n).casefold(): c for c, ns in COLUMNS.items() for n in ns}
_CODES = {SIMPLIFIED: "zh-CN, zh-Hans", ENGLISH: "en-US, en", TRADITIONAL: "zh-TW, zh-Hant"}
_SEPARATORS = {",": "commas", ";": "semicolons", "\t": "tabs"}


@dataclass
class Sheet:
    """A CSV file's rows as terms, and the one line saying how it was read."""

    path: Path
    text: str
    encoding: str
    delimiter: str
    notices: list[str]

    @property
    def line(self) -> str:
        return f"{self.path}: read as {self.encoding}, separated by {_SEPARATORS[self.delimiter]}"


def decode(path: Path, data: bytes) -> tuple[str, str]:
    """(the text, the encoding named for the user)."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="strict"), "UTF-8 (with BOM)"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "UTF-16 (Excel's Unicode Text)"
        except UnicodeDecodeError as exc:
            raise InputError(
                f"{path}: begins like UTF-16 but is not (byte {exc.start}); save it again as "
                "CSV UTF-8"
            ) from None
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "GB18030 (Excel's CSV on Chinese Windows)"
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            f"{path}:{line}: neither UTF-8, UTF-16 nor GB18030 (byte {exc.start}); save it as CSV "
            "UTF-8 and import again"
        ) from None


def _delimiter(header: str) -> str:
    try:
        found = csv.Sniffer().sniff(header, delimiters=",;\t").delimiter
    except csv.Error:
        found = ""
    if found and found in header:
        return found
    counts = {d: header.count(d) for d in "\t,;"}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def column(name: str) -> str | None:
    key = " ".join(unicodedata.normalize("NFKC", name.strip().lstrip("\ufeff")).split())
    if (found := _NAMES.get(key.casefold())) is not None:
        return found
    return {SIMPLIFIED: "zh", TRADITIONAL: "zh_hant", ENGLISH: "en"}.get(role(key) or "")


def _accepted(name: str, language: str | None) -> str:
    names = COLUMNS[name]
    codes = f" (or a language code: {_CODES[language]})" if language else ""
    return f"{', '.join(names[:-1])} or {names[-1]}{codes}"


def read_sheet(path: Path) -> Sheet:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    text, encoding = decode(path, data)
    return Sheet(path, text, encoding, _delimiter(text.split("\n", 1)[0]), [])


def read_csv(sheet: Sheet) -> Iterator[Incoming]:
    """The rows of ``sheet`` as terms; the header is checked (and its notices added) now."""
    path = sheet.path
    rows = csv.reader(io.StringIO(sheet.text), delimiter=sheet.delimiter)
    header = next(rows, [])
    columns = [column(name) for name in header]
    missing = [
        (name, language)
        for name, language in (("zh", SIMPLIFIED), ("en", ENGLISH))
        if name not in columns
    ]
    if missing:
        given = ", ".join(f'"{n.strip()}"' for n in header if n.strip()) or "none"
        wanted = "; ".join(
            f"the {'Simplified Chinese' if n == 'zh' else 'English'} column is named "
            + _accepted(n, language)
            for n, language in missing
        )
        raise InputError(
            f"{path}:1: the first row must name the columns (it has {given}); {wanted}"
        )
    unknown = [n.strip() for n, c in zip(header, columns, strict=True) if c is None and n.strip()]
    if unknown:
        sheet.notices.append(
            f"{path}:1: column{'s' if len(unknown) > 1 else ''} "
            f"{', '.join(repr(n) for n in unknown)} ignored (columns read: "
            + "; ".join(f"{name}: {', '.join(names)}" for name, names in COLUMNS.items())
            + ")"
        )
    return _rows(path, rows, columns)


def _rows(path: Path, rows: Iterator[list[str]], columns: list[str | None]) -> Iterator[Incoming]:
    for number, row in enumerate(rows, start=2):
        values: dict[str, str] = {}
        for name, value in zip(columns, row, strict=False):
            if name and value.strip() and name not in values:
                values[name] = value.strip()
        if not values:
            continue
        variants = tuple(
            v.strip() for v in values.get("variants", "").split(VARIANT_SEPARATOR) if v.strip()
        )
        yield Incoming(
            values.get("zh", ""),
            values.get("en", ""),
            values.get("zh_hant"),
            variants,
            values.get("note"),
            f"{path}:{number}",
        )
