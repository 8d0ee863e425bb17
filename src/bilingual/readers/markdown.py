"""The Markdown reader: CommonMark (markdown-it-py) into blocks with inline spans.

A block's ``index`` is its first source line (0-based, front matter counted), so segment IDs
name the line an editor finds the sentence on. YAML front matter (between ``---`` lines at the
top) may give ``title``, ``author`` and ``date``; a title that is not the text of a heading
becomes the document's title block (a heading of level 0, translated like any other) at the line
it is on. Pictures are read from beside the source; a picture inside
a line of text becomes its own block after that text. GitHub-style tables are read too (their
cells are blocks, numbered on along the row's line). Inline HTML tags are left out (their text
stays, and each is named in a reading note); line breaks inside a block join the text. A
paragraph right under a picture that repeats its description is its caption.

Emphasis follows the CJK-friendly flanking rules (``cjk_emphasis``: ``**导语：**随着`` is bold);
``~~strikethrough~~`` is read. Footnotes (``text[^1]`` ... ``[^1]: note``, and inline
``^[note]``), by mdit-py-plugins' footnote plugin: the citing block gets a mark where the
reference stands, and each note's paragraphs become ``Kind.FOOTNOTE`` blocks after the article,
in the order the notes are first cited, numbered by the line their definition starts on. A note
that is never cited comes last, named in a reading note; lists, quotes and headings inside a note
are read as the note's paragraphs, and said.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from bilingual.document import (
    SOURCE_UNSUPPORTED,
    Document,
    Image,
    Kind,
    Paragraph,
    ReadingNote,
    Severity,
    SpanKind,
)
from bilingual.document.links import (
    active_html,
    allowed,
    picture_allowed,
    shown,
    why_refused,
)
from bilingual.errors import InputError
from bilingual.readers.decode import decode_source, file_date
from bilingual.readers.images import DocumentImages, image_file, is_remote
from bilingual.readers.inline import InlineText

_OPENS_FRONT = re.compile(r"---[ \t]*\n")  # not "-----": a thematic break
_FRONT = re.compile(r"\A---[ \t]*\n(?P<body>.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_INLINE_SPANS = {
    "em": SpanKind.EMPHASIS,
    "strong": SpanKind.STRONG,
    "link": SpanKind.LINK,
    "s": SpanKind.STRIKE,
}
_HTML_TAG = re.compile(r"<\s*/?\s*([A-Za-z][\w-]*)")
# inline HTML that is formatting the model has: <em>, <strong>, <del> (the writer's fallback
# where CommonMark's * cannot open or close) and their older names
_HTML_SPANS = {
    "em": SpanKind.EMPHASIS,
    "i": SpanKind.EMPHASIS,
    "strong": SpanKind.STRONG,
    "b": SpanKind.STRONG,
    "del": SpanKind.STRIKE,
    "s": SpanKind.STRIKE,
    "strike": SpanKind.STRIKE,
}
_HTML_FORMAT = re.compile(r"<(/?)(\w+)\s*>$")
# What opens a nested block on a line: quote markers, bullets, numbers (CommonMark's forms).
_CONTAINER_MARKS = re.compile(r"^(?:[ \t]*(?:>|[-+*](?=[ \t]|$)|\d{1,9}[.)](?=[ \t]|$)))+[ \t]*")


def front_matter(text: str, path: Path) -> tuple[dict[str, Any], str]:
    """The front matter as a mapping, and the text with its lines blanked (lines keep numbers)."""
    if not _OPENS_FRONT.match(text):
        return {}, text
    match = _FRONT.match(text)
    if match is None:
        raise InputError(
            f"{path}:1: front matter opened with '---' is never closed; "
            "end it with a '---' line or remove the first line"
        )
    import yaml

    from bilingual.util.yaml_input import alias_problem

    body = match["body"] or ""
    if alias := alias_problem(body):
        line, message = alias
        raise InputError(f"{path}:{line + 2}: front matter: {message}")
    try:
        data = yaml.load(body, Loader=_loader()) or {}
    except yaml.YAMLError as exc:
        # where the problem starts (an unclosed bracket), else where YAML noticed it
        mark = getattr(exc, "context_mark", None) or getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        problem = getattr(exc, "problem", None) or "not valid YAML"
        raise InputError(f"{path}:{line}: front matter: {problem}; fix the YAML") from None
    if not isinstance(data, dict):
        raise InputError(f"{path}:2: front matter must be 'key: value' lines; fix the YAML")
    blank = "\n" * match.group(0).count("\n")
    return data, blank + text[match.end() :]


def _loader() -> type:
    """PyYAML's safe loader, with a date that is no date (2024-13-45) a YAML error at its line
    rather than a bare ValueError."""
    import yaml

    class Loader(yaml.SafeLoader):
        def construct_yaml_timestamp(self, node):
            try:
                return super().construct_yaml_timestamp(node)
            except ValueError as exc:
                raise yaml.constructor.ConstructorError(
                    None, None, f"{node.value} is not a date ({exc})", node.start_mark
                ) from None

    Loader.add_constructor("tag:yaml.org,2002:timestamp", Loader.construct_yaml_timestamp)
    return Loader


def _date(value: Any) -> str | None:
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, str) and re.match(r"\d{4}-\d\d-\d\d", value):
        return value[:10]
    return None


@dataclass
class _Context:
    quote: int = 0
    lists: list[list] = field(default_factory=list)  # [ordered, next number, item_pending]


@dataclass
class _Note:
    """A footnote being read: its label and where its blocks go."""

    label: str
    outer: _Context  # the article's context, back when the note ends
    outer_blocks: list[Paragraph]
    flattened: set[str] = field(default_factory=set)  # structure read as the note's paragraphs


class _Reader:
    def __init__(self, path: Path, root: Path):
        self.path = path
        self.root = root
        self.images = DocumentImages()
        self.blocks: list[Paragraph] = []
        self.context = _Context()
        self.cell: tuple[int, int] | None = None  # inside a table cell: (row, column)
        self.note: _Note | None = None  # inside a footnote's definition
        self.notes: dict[str, list[Paragraph]] = {}  # label -> the note's blocks
        self.note_lines: dict[str, int] = {}  # label -> the line its definition starts on
        self.inline_notes: dict[int, tuple[int, list]] = {}  # ^[...] id -> (line, tokens)
        self.labels: dict[int, str] = {}  # footnote id (citation order) -> label
        self.reading_notes: list[ReadingNote] = []

    def where(self, line: int) -> str:
        return f"{self.path}:{line + 1}"

    def say(self, line: int, message: str) -> None:
        self.reading_notes.append(ReadingNote(line + 1, SOURCE_UNSUPPORTED, message, Severity.INFO))

    def container(self, kind: Kind) -> dict[str, Any]:
        """Where a block sits: quote depth, list depth; the first paragraph of an item."""
        if self.note is not None:
            return self.in_note(kind)
        fields: dict[str, Any] = {"quote": self.context.quote, "depth": len(self.context.lists)}
        if self.cell is not None and kind is Kind.PARAGRAPH:
            return {**fields, "kind": Kind.TABLE_CELL, "cell": self.cell}
        if self.context.lists:
            ordered, number, pending = self.context.lists[-1]
            fields["ordered"] = ordered
            if pending and kind is Kind.PARAGRAPH:
                self.context.lists[-1][2] = False
                return {**fields, "kind": Kind.LIST_ITEM, "number": number}
        if kind is Kind.PARAGRAPH and self.context.quote:
            kind = Kind.QUOTE
        return {**fields, "kind": kind}

    def refuse_link(self, line: int, url: str, what: str = "link") -> None:
        self.reading_notes.append(
            ReadingNote(
                line + 1,
                "link-refused",
                f"line {line + 1}: {what} to {shown(url)} made plain text ({why_refused(url)}; "
                "only http, https and mailto addresses and #places in the document are kept)",
            )
        )

    def in_note(self, kind: Kind) -> dict[str, Any]:
        """A block of a footnote: text blocks are the note's paragraphs (a list, quote,
        heading or table inside the note is read as paragraphs, and said); code, pictures and
        rules keep their kind."""
        assert self.note is not None
        inner = [
            name
            for name, inside in (
                ("a list", self.context.lists),
                ("a block quote", self.context.quote),
                ("a table", self.cell is not None),
                ("a heading", kind is Kind.HEADING),
            )
            if inside
        ]
        self.note.flattened.update(inner)
        if kind in (Kind.PARAGRAPH, Kind.HEADING):
            kind = Kind.FOOTNOTE
        return {"kind": kind, "footnote": self.note.label}

    def inline(self, token, line: int, kind: Kind, level: int = 0) -> None:
        text, images = self.inline_text(token.children or [], line)
        plain, spans = text.result()
        fields = self.container(kind)
        if fields["kind"] is Kind.FOOTNOTE:
            level = 0
        if not images and not spans and self.is_caption(plain, fields):
            return
        if plain or fields["kind"] is Kind.TABLE_CELL:  # an empty cell keeps its place
            self.blocks.append(Paragraph(line, plain, level=level, spans=spans, **fields))
        for alt, image in images:
            alt_plain, _ = _plain(alt)
            picture = {**fields, "kind": Kind.IMAGE, "number": 0}  # an item's number is its text's
            self.blocks.append(Paragraph(line, alt_plain, image=image, **picture))

    def is_caption(self, text: str, fields: dict[str, Any]) -> bool:
        """A paragraph right under a picture that repeats its description: the picture's
        caption (the readers' Markdown writes one), not a block of its own."""
        previous = self.blocks[-1] if self.blocks else None
        return (
            bool(text)
            and previous is not None
            and previous.kind is Kind.IMAGE
            and previous.text == text
            and fields["kind"] in (Kind.PARAGRAPH, Kind.QUOTE, Kind.FOOTNOTE)
            and (previous.quote, previous.depth, previous.footnote, previous.cell)
            == tuple(
                fields.get(k, d)
                for k, d in (("quote", 0), ("depth", 0), ("footnote", ""), ("cell", None))
            )  # fmt: skip
        )

    def inline_text(self, children, line: int) -> tuple[InlineText, list]:
        """The text and spans of inline tokens, and the pictures among them."""
        text = InlineText()
        images: list[tuple[str, Image]] = []
        links: list[bool] = []  # open links: kept or made plain text
        for child in children:
            name = child.type
            if name in ("text", "text_special"):
                text.add(child.content)
            elif name in ("softbreak", "hardbreak"):
                text.line_break()
            elif name == "code_inline":
                text.span(SpanKind.CODE, child.content)
            elif name == "link_open":
                href = str(child.attrs.get("href", ""))
                links.append(allowed(href))
                if links[-1]:
                    text.open(SpanKind.LINK, href)
                else:
                    self.refuse_link(line, href)
            elif name == "link_close":
                kept = links.pop() if links else False
                if kept:
                    text.close(SpanKind.LINK)
            elif name.endswith("_open") and name[:-5] in _INLINE_SPANS:
                text.open(_INLINE_SPANS[name[:-5]])
            elif name.endswith("_close") and name[:-6] in _INLINE_SPANS:
                text.close(_INLINE_SPANS[name[:-6]])
            elif name == "footnote_ref":
                text.footnote_mark(self.cite(child.meta, line))
            elif name == "image":
                alt = "".join(c.content for c in child.children or [] if c.type == "text")
                src = str(child.attrs.get("src", ""))
                if not is_remote(src):
                    where = self.where(line)
                    images.append((alt, image_file(src, self.path, where, self.images, self.root)))
                elif picture_allowed(src):
                    images.append((alt, Image(src, "", "")))
                else:  # its alt text stays, as text
                    self.refuse_link(line, src, "picture")
                    text.add(alt)
            elif name == "html_inline" and _BR.match(child.content):
                text.line_break()
            elif name == "html_inline" and (
                (tag := _HTML_FORMAT.match(child.content)) and tag[2].lower() in _HTML_SPANS
            ):
                if tag[1]:
                    text.close(_HTML_SPANS[tag[2].lower()])
                else:
                    text.open(_HTML_SPANS[tag[2].lower()])
            elif name == "html_inline":  # the tag is left out, the text around it stays
                tag = _HTML_TAG.match(child.content)
                if tag is not None and not child.content.startswith("</"):
                    self.say(line, f"inline HTML <{tag[1]}> left out (its text is kept)")
        return text, images

    def cite(self, meta: dict, line: int) -> str:
        """The label of the footnote a reference cites (an inline note ``^[...]`` gets the
        first free number)."""
        ident = int(meta["id"])
        if ident not in self.labels:
            label = meta.get("label")
            if label is None:
                self.inline_notes.setdefault(ident, (line, []))
            self.labels[ident] = label if label is not None else ""
        return self.labels[ident] or f"#inline-{ident}"

    def open_note(self, label: str, line: int) -> None:
        self.note = _Note(label, self.context, self.blocks)
        self.context, self.blocks = _Context(), []
        self.note_lines[label] = line

    def close_note(self) -> None:
        note = self.note
        assert note is not None
        self.notes[note.label] = self.blocks
        for inner in sorted(note.flattened):
            self.say(
                self.note_lines[note.label],
                f"{inner} inside footnote [^{note.label}] is read as the note's paragraphs",
            )
        self.context, self.blocks, self.note = note.outer, note.outer_blocks, None

    def footnotes(self, env: dict) -> list[Paragraph]:
        """The notes' blocks, in the order they are first cited: by the article, then by the
        notes in that order (a note cited only by another note follows it); notes never cited
        come last, in the order they are defined, named in a reading note."""
        listed = env.get("footnotes", {}).get("list", {})
        cited = {f.get("label") for f in listed.values()}
        used = {label for label in self.notes} | {v for v in self.labels.values() if v}
        free = (str(n) for n in range(1, len(listed) + len(used) + 2) if str(n) not in used)
        rename = {}
        for ident in sorted(listed):
            if self.labels.get(ident) or listed[ident].get("label"):
                continue
            label = next(free)  # an inline note ^[...]: its own paragraph, numbered on
            rename[f"#inline-{ident}"] = label
            line, _ = self.inline_notes.get(ident, (0, []))
            text, images = self.inline_text(listed[ident].get("tokens", []), line)
            plain, spans = text.result()
            fields: dict[str, Any] = {"footnote": label}
            blocks = [Paragraph(line, plain, spans=spans, kind=Kind.FOOTNOTE, **fields)]
            blocks += [Paragraph(line, _plain(alt)[0], kind=Kind.IMAGE, image=image, **fields)
                       for alt, image in images]  # fmt: skip
            self.notes[label], self.note_lines[label] = blocks, line
            cited.add(label)
        if rename:
            self.blocks = [_relabel(b, rename) for b in self.blocks]
            self.notes = {k: [_relabel(b, rename) for b in v] for k, v in self.notes.items()}
        order: list[str] = []
        ordered: set[str] = set()

        def cites(blocks: list[Paragraph]) -> None:
            for block in blocks:
                for span in block.spans:
                    label = span.label or ""
                    if span.kind.mark and label in self.notes and label not in ordered:
                        order.append(label)
                        ordered.add(label)

        cites(self.blocks)
        remaining = iter(self.notes)  # in the order defined: each looked at once
        done = 0
        while len(order) < len(self.notes):
            if done < len(order):
                cites(self.notes[order[done]])
                done += 1
                continue
            label = next(k for k in remaining if k not in ordered)
            if label not in cited:
                self.say(
                    self.note_lines[label],
                    f"footnote [^{label}] is never cited: shown after the others, without a mark",
                )
            order.append(label)
            ordered.add(label)
        return [block for label in order for block in self.notes[label]]

    def read(self, tokens) -> tuple[Paragraph, ...]:
        lists = self.context.lists
        heading = 0
        row = column = -1
        for token in tokens:
            kind = token.type
            line = token.map[0] if token.map else 0
            if kind in ("bullet_list_open", "ordered_list_open"):
                start = int(token.attrs.get("start", 1) or 1)
                lists.append([kind == "ordered_list_open", start - 1, False])
            elif kind in ("bullet_list_close", "ordered_list_close"):
                lists.pop()
            elif kind == "list_item_open":
                lists[-1][1] += 1
                lists[-1][2] = True
            elif kind == "blockquote_open":
                self.context.quote += 1
            elif kind == "blockquote_close":
                self.context.quote -= 1
            elif kind == "heading_open":
                heading = int(token.tag[1:])
            elif kind == "heading_close":
                heading = 0
            elif kind == "table_open":
                row = -1
            elif kind == "tr_open":
                row, column = row + 1, -1
            elif kind in ("th_open", "td_open"):
                column += 1
                self.cell = (row, column)
            elif kind in ("th_close", "td_close"):
                self.cell = None
            elif kind == "inline":
                block = Kind.HEADING if heading else Kind.PARAGRAPH
                self.inline(token, line, block, heading)
            elif kind in ("fence", "code_block"):
                fields = self.container(Kind.CODE)
                code = token.content.rstrip("\n")
                self.blocks.append(Paragraph(line, code, info=token.info.strip(), **fields))
            elif kind == "html_block":
                html = token.content.rstrip("\n")
                if reason := active_html(html):  # shown, never run: as code in every edition
                    fields = self.container(Kind.CODE)
                    self.blocks.append(Paragraph(line, html, info="html", **fields))
                    self.reading_notes.append(
                        ReadingNote(
                            line + 1,
                            "html-shown-as-code",
                            f"line {line + 1}: HTML block with {reason}; shown as code in "
                            "every edition, never as HTML",
                        )
                    )
                else:
                    self.blocks.append(Paragraph(line, html, **self.container(Kind.HTML)))
            elif kind == "hr":
                self.blocks.append(Paragraph(line, "", **self.container(Kind.RULE)))
            elif kind == "footnote_reference_open":
                self.open_note(str(token.meta["label"]), line)
            elif kind == "footnote_reference_close":
                self.close_note()
        return tuple(self.blocks)


def _relabel(block: Paragraph, rename: dict[str, str]) -> Paragraph:
    spans = tuple(
        replace(s, label=rename.get(s.label or "", s.label)) if s.kind.mark else s
        for s in block.spans
    )
    return replace(block, spans=spans, footnote=rename.get(block.footnote, block.footnote))


def _plain(text: str) -> tuple[str, tuple]:
    inline = InlineText()
    inline.add(text)
    return inline.result()


def _flat_paragraphs(lines: list[str], first: int) -> list[tuple[int, str]]:
    """(line, text) of paragraphs made of ``lines`` (the first at line ``first``), their
    nesting markers removed: a marker or a blank line starts a new one."""
    out: list[tuple[int, str]] = []
    current: list[str] = []
    start = first
    for number, raw in enumerate(lines, start=first):
        marker = _CONTAINER_MARKS.match(raw)
        text = raw[marker.end() :] if marker else raw
        if (marker or not text.strip()) and current:
            out.append((start, "\n".join(current)))
            current = []
        if text.strip():
            if not current:
                start = number
            current.append(text.strip())
    if current:
        out.append((start, "\n".join(current)))
    return out


def markdown_parser():
    """markdown-it: CommonMark with GitHub's tables and strikethrough, footnotes (their
    definitions left where they stand, so their lines are known) and CJK-friendly emphasis
    (``cjk_emphasis``); and two changes: every link address reaches the
    reader, which judges it by ``links.allowed`` and says what it refused (markdown-it would
    leave ``[x](javascript:...)`` as text, silently); and blocks nested deeper than its
    ``maxNesting`` (20 levels: a quote 20 deep, a list 10 deep), which it drops with all
    that follows in their container, are read as plain paragraphs at that depth, each
    listed in ``env["flattened"]``."""
    from markdown_it import MarkdownIt
    from markdown_it.parser_block import ParserBlock
    from mdit_py_plugins.footnote import footnote_plugin

    from bilingual.readers.cjk_emphasis import cjk_emphasis

    class Parser(MarkdownIt):
        def validateLink(self, url: str) -> bool:  # noqa: N802 (markdown-it's name)
            return True

    class Block(ParserBlock):
        def tokenize(self, state, startLine: int, endLine: int) -> None:  # noqa: N803
            if state.level < state.md.options.maxNesting:
                return super().tokenize(state, startLine, endLine)
            line = stop = state.skipEmptyLines(startLine)
            while stop < endLine and (state.isEmpty(stop) or state.sCount[stop] >= state.blkIndent):
                stop += 1
            if line >= stop:
                return super().tokenize(state, startLine, endLine)
            text = state.getLines(line, stop, state.blkIndent, False)
            for first, content in _flat_paragraphs(text.split("\n"), line):
                state.push("paragraph_open", "p", 1).map = [first, first + 1]
                inline = state.push("inline", "", 0)
                inline.content, inline.map, inline.children = content, [first, first + 1], []
                state.push("paragraph_close", "p", -1)
                state.env.setdefault("flattened", []).append(first)
            state.line = stop
            return None

    md = Parser("commonmark").use(cjk_emphasis).enable(["table", "strikethrough"])
    block = Block()
    block.ruler = md.block.ruler  # the preset's rules, as configured
    md.block = block
    return md.use(footnote_plugin).disable("footnote_tail")


def parse(
    text: str, path: Path, root: Path | None = None
) -> tuple[tuple[Paragraph, ...], dict[str, Any], tuple[ReadingNote, ...]]:
    """The blocks (the article's, then its footnotes'), the front matter and what reading
    changed; pictures are read only from inside ``root`` (default: the source's folder)."""
    meta, body = front_matter(text.replace("\r\n", "\n").replace("\r", "\n"), path)
    env: dict[str, Any] = {}
    tokens = markdown_parser().parse(body, env)
    reader = _Reader(path, root if root is not None else path.parent)
    reader.read(tokens)
    notes = reader.footnotes(env)  # first: it renumbers inline notes in reader.blocks
    blocks = tuple(reader.blocks) + tuple(notes)
    flattened = [
        ReadingNote(
            line + 1,
            "nesting-flattened",
            f"line {line + 1}: quotes and lists nested deeper than 20 levels; read as a plain "
            "paragraph at that depth",
        )
        for line in sorted(set(env.get("flattened", [])))
    ]
    said = sorted([*reader.reading_notes, *flattened], key=lambda n: n.line)
    return blocks, meta, tuple(said)


_TITLE_LINE = re.compile(r"^title[ \t]*:", re.MULTILINE)
_MAX_AUTHORS = 20


def _title_block(title: str, text: str, blocks: tuple[Paragraph, ...]) -> tuple[Paragraph, ...]:
    """The blocks with the front matter's title first, as the document's title block (so it is
    translated), unless a heading already says it."""
    if any(b.kind is Kind.HEADING and b.text == title for b in blocks):
        return blocks
    found = _TITLE_LINE.search(text)
    line = text.count("\n", 0, found.start()) if found else 0
    plain, spans = _plain(title)
    if not plain:
        return blocks
    return (Paragraph(line, plain, kind=Kind.HEADING, level=0, spans=spans), *blocks)


def _author(value: Any) -> str | None:
    """``author: Name`` or a list of names, as one line."""
    names = value[:_MAX_AUTHORS] if isinstance(value, list) else [value]
    text = ", ".join(str(n).strip() for n in names if isinstance(n, str | int) and str(n).strip())
    return text[:255] or None


def read(path: Path, data: bytes, name: str, root: Path | None = None) -> Document:
    """A Markdown source's bytes as a Document (no segments yet)."""
    decoded = decode_source(path, data)
    text = decoded.text.lstrip("\ufeff")
    blocks, meta, reading_notes = parse(text, path, root)
    title = " ".join(str(meta.get("title") or "").split())
    if title:
        blocks = _title_block(title, text, blocks)
    return Document(
        name,
        str(path),
        blocks,
        decoded.encoding,
        title=title or None,
        author=_author(meta.get("author")),
        date=_date(meta.get("date")) or file_date(path),
        cleaned=decoded.cleaned,
        reading_notes=reading_notes,
    )
