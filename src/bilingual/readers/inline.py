"""Building one block's plain text and its spans, as the structured readers walk its runs."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from bilingual.document import Span, SpanKind
from bilingual.document.spans import merged

_BREAK = "\n"


def _is_cjk(char: str) -> bool:
    """Han, kana, CJK punctuation and full-width forms: no space between them."""
    code = ord(char)
    return (
        0x2E80 <= code <= 0x9FFF
        or 0xF900 <= code <= 0xFAFF
        or 0xFE30 <= code <= 0xFE4F
        or 0xFF00 <= code <= 0xFFEF
        or code >= 0x20000
    )


@dataclass
class InlineText:
    """Plain text with spans; a line break inside a block becomes nothing between two CJK
    characters (Chinese has no spaces) and one space elsewhere."""

    parts: list[str] = field(default_factory=list)
    spans: list[Span] = field(default_factory=list)
    _open: list[tuple[SpanKind, int, str | None]] = field(default_factory=list)
    length: int = 0  # of the parts so far

    def add(self, text: str) -> None:
        if text:
            self.parts.append(text)
            self.length += len(text)

    def extend(self, other: InlineText) -> None:
        """``other``'s text and spans after this one's."""
        offset = self.length
        self.parts.extend(other.parts)
        self.length += other.length
        self.spans.extend(s.shifted(offset) for s in other.spans)

    def line_break(self) -> None:
        self.add(_BREAK)

    def open(self, kind: SpanKind, url: str | None = None) -> None:
        self._open.append((kind, self.length, url))

    def close(self, kind: SpanKind) -> None:
        for i in range(len(self._open) - 1, -1, -1):
            if self._open[i][0] is kind:
                _, start, url = self._open.pop(i)
                if self.length > start:
                    self.spans.append(Span(kind, start, self.length, url))
                return

    def footnote_mark(self, label: str) -> None:
        """A footnote's reference mark here (it covers no text)."""
        self.spans.append(Span(SpanKind.FOOTNOTE_REF, self.length, self.length, label=label))

    def span(self, kind: SpanKind, text: str, url: str | None = None) -> None:
        """``text`` formatted as ``kind`` as a whole (inline code, a whole run)."""
        self.open(kind, url)
        self.add(text)
        self.close(kind)

    def result(self) -> tuple[str, tuple[Span, ...]]:
        """The trimmed text, line breaks resolved, and the spans on it (outer first); touching
        spans of one formatting (a bold phrase Word split into runs) are one."""
        raw = "".join(self.parts)
        new_offset = [0] * (len(raw) + 1)
        out: list[str] = []
        after_of = _next_visible(raw)
        before = ""  # the last character before here that is not a space or a line break
        for i, char in enumerate(raw):
            new_offset[i] = len(out)
            if char not in " \n":
                before = char
            if char in " \t" and (not out or out[-1] == " "):
                continue  # runs of spaces (a picture taken out, a tab) are one
            if char == "\t":
                out.append(" ")
            elif char == _BREAK:
                after = after_of[i]
                joined = (before and after and _is_cjk(before) and _is_cjk(after)) or (
                    out and out[-1] == " "
                )
                if not joined:
                    out.append(" ")
            else:
                out.append(char)
        new_offset[len(raw)] = len(out)
        text = "".join(out)
        lead = len(text) - len(text.lstrip())
        stripped = text.strip()
        spans = []
        for s in self.spans:
            start = min(max(new_offset[s.start] - lead, 0), len(stripped))
            end = min(max(new_offset[s.end] - lead, 0), len(stripped))
            if s.kind.mark:  # a mark stands right after the text it follows, not after a space
                while start and stripped[start - 1].isspace():
                    start -= 1
                spans.append(replace(s, start=start, end=start))
                continue
            # formatting never starts or ends on white space
            while start < end and stripped[start].isspace():
                start += 1
            while end > start and stripped[end - 1].isspace():
                end -= 1
            if start < end:
                spans.append(replace(s, start=start, end=end))
        return stripped, merged(spans, stripped)


def _next_visible(text: str) -> list[str]:
    """For each position, the first character after it that is not a space or a line break
    ("" if none): one pass from the end, not a search from every line break."""
    found, after = [""] * len(text), ""
    for i in range(len(text) - 1, -1, -1):
        found[i] = after
        if text[i] not in " \n":
            after = text[i]
    return found
