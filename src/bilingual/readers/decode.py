"""Text sources' bytes to text: UTF-8 (with or without BOM) just works; GB18030/GBK, Big5 and
UTF-16 are detected (charset-normalizer, limited to those encodings) and named; binary data is
refused by name. Shared by every text-based reader (plain text, Markdown).
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

from bilingual.document import Cleaned
from bilingual.document.characters import clean_text
from bilingual.errors import InputError
from bilingual.util.reproducible import source_date_epoch

# Text in UTF-16 always holds NUL bytes (every newline is 0A 00); GB18030 and Big5 never do.
_WITH_NUL = ["utf_16_le", "utf_16_be"]
_WITHOUT_NUL = ["gb18030", "big5"]
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


@dataclass(frozen=True)
class DecodedText:
    text: str
    encoding: str  # the codec used, e.g. "utf-8", "gb18030"
    cleaned: tuple[Cleaned, ...] = ()  # characters removed (see ``readers.clean``)


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13, 27))
    return controls > len(sample) * 0.05 or b"\x00\x00\x00" in sample


def _simplified_share(text: str) -> float:
    """Share of Han characters in GB2312: ~1.0 for Simplified text, far lower for Big5 misread."""
    han = [c for c in text if "\u3400" <= c <= "\u9fff"]
    common = sum(1 for c in han if c.encode("gb2312", "ignore"))
    return common / len(han) if han else 0.0


def decode_text(data: bytes, name: str) -> DecodedText:
    """Decode a source file's bytes, or refuse it with a message naming ``name``."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return DecodedText(data.decode(codec), codec)
            except UnicodeDecodeError as exc:
                raise InputError(
                    f"{name}: starts with a {codec} mark but is not valid {codec} "
                    f"(byte {exc.start}); re-save it as UTF-8"
                ) from None
    try:
        return DecodedText(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    if b"\x00" not in data:
        try:
            text = data.decode("gb18030")
            if _simplified_share(text) >= 0.9:  # mainland sources: GBK/GB18030 first
                return DecodedText(text, "gb18030")
        except UnicodeDecodeError:
            pass
    import charset_normalizer

    candidates = _WITH_NUL if b"\x00" in data else _WITHOUT_NUL
    best = charset_normalizer.from_bytes(data, cp_isolation=candidates).best()
    if best is None:
        raise InputError(
            f"{name}: not text (binary data, or an encoding other than UTF-8, "
            "GB18030/GBK, Big5, UTF-16); remove it or re-save it as UTF-8"
        )
    return DecodedText(str(best), best.encoding)


def decode_source(path: Path, data: bytes) -> DecodedText:
    """``decode_text``, binary data refused by the file's name, unsupported characters removed."""
    decoded = decode_text(data, str(path))
    if _looks_binary(decoded.text.encode("utf-8", "surrogatepass")):
        raise InputError(f"{path}: binary data, not text; remove it from the sources")
    text, cleaned = clean_text(decoded.text)
    return DecodedText(text, decoded.encoding, cleaned)


def file_date(path: Path) -> str | None:
    """The date of a source without one of its own, YYYY-MM-DD (UTC): ``SOURCE_DATE_EPOCH``'s when
    set (a checkout or a copy changes files' times, not their content), else the file's
    modification date."""
    from datetime import UTC, datetime

    if (epoch := source_date_epoch()) is not None:
        return epoch.date().isoformat()
    try:
        return datetime.fromtimestamp(path.stat().st_mtime, UTC).date().isoformat()
    except OSError:
        return None
