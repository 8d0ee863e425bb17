"""Writers: the document model into output files, one module per format, chosen by name.

A new output format is one module with ``write(document, edition, path, options)`` and one line
in ``WRITERS``; ``outputs`` in ``bilingual.toml`` (or ``build --outputs``) picks what a build
writes. A writer never re-segments or re-translates, and writes only the path it is given; a
writer whose output refers to picture files (``copies_images``) gets them copied once per
document into ``NAME.assets/``, staged and renamed like every other output.

May import the stages, the document model and ``util``; never a reader.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bilingual.document import Document
from bilingual.document.editions import EDITIONS, Edition
from bilingual.util.registry import Entry, Registry


@dataclass(frozen=True)
class WriterInfo:
    description: str
    suffix: str  # the file name's ending, e.g. "docx", "qa.json"
    per_edition: bool  # one file per edition (NAME.zh-Hans_en.SUFFIX) or per document (NAME.SUFFIX)
    copies_images: bool = False  # refers to pictures in dist/NAME.assets/ rather than embedding
    default: bool = True  # written when ``outputs`` is not set


@dataclass(frozen=True)
class WriteOptions:
    """Settings a writer may need; everything else comes from the document."""

    paper: str = "a4"  # "a4" or "letter" (page formats: DOCX)
    xliff_version: str = "2.1"  # "2.1" or "1.2" (XLIFF)
    xliff_targets: str = "english"  # what <target> holds: "english", or "source" (XLIFF)
    pdf_layout: str = "facing"  # "facing" (A5, Chinese left, English right) or "columns" (PDF)


WRITERS: Registry[WriterInfo] = Registry(
    "writer",
    [
        Entry(
            "docx",
            "bilingual.writers.docx:write",
            WriterInfo("editors' table: ID, Chinese, English, Notes", "docx", per_edition=True),
        ),
        Entry(
            "md",
            "bilingual.writers.markdown:write",
            WriterInfo(
                "readers' Markdown, Chinese then English",
                "md",
                per_edition=True,
                copies_images=True,
            ),
        ),
        Entry(
            "html",
            "bilingual.writers.html:write",
            WriterInfo("readers' web page, one self-contained file", "html", per_edition=True),
        ),
        Entry(
            "epub",
            "bilingual.writers.epub:write",
            WriterInfo("readers' EPUB 3 e-book", "epub", per_edition=True),
        ),
        Entry(
            "pdf",
            "bilingual.writers.pdf:write",
            WriterInfo(
                "readers' print edition (WeasyPrint)", "pdf", per_edition=True, default=False
            ),
        ),
        Entry(
            "qa",
            "bilingual.writers.qa:write",
            WriterInfo("every QA flag, as JSON", "qa.json", per_edition=False),
        ),
        Entry(
            "xliff",
            "bilingual.writers.xliff:write",
            # One per document: the source is the Simplified edition (the Traditional is derived
            # from it by OpenCC, and both editions share the English), hence the file name.
            WriterInfo(
                "CAT tools' XLIFF 2.1 or 1.2 (bilingual export xliff)",
                "zh-Hans_en.xlf",
                per_edition=False,
                default=False,
            ),
        ),
    ],
)

Write = Callable[[Path], None]


def output_name(document: Document, writer: str, edition: Edition | None) -> str:
    suffix = WRITERS[writer].info.suffix
    return f"{document.name}.{suffix}" if edition is None else edition.file_name(document, suffix)


def _editions(writer: str) -> tuple[Edition | None, ...]:
    """The editions a writer writes a file for: each, or (None,) for one file per document."""
    return EDITIONS if WRITERS[writer].info.per_edition else (None,)


def output_names(name: str, outputs: tuple[str, ...]) -> list[str]:
    """The file names a document called ``name`` gets in ``dist/``."""
    named = Document(name, "", ())  # only the name makes a file name
    return [output_name(named, writer, e) for writer in outputs for e in _editions(writer)]


def targets(
    document: Document, dist: Path, outputs: tuple[str, ...], options: WriteOptions
) -> list[tuple[Path, Write]]:
    """Every file ``outputs`` asks for, as (target path, function writing it to a given path)."""
    out: list[tuple[Path, Write]] = []
    copies = {}
    for name in outputs:
        entry = WRITERS[name]
        if entry.info.copies_images:
            for image in document.images:
                copies[dist / assets_folder(document) / image.file_name] = image.data
        write = entry.load()
        for edition in _editions(name):
            out.append(
                (
                    dist / output_name(document, name, edition),
                    _bind(write, document, edition, options),
                )
            )
    out += [(target, _copy(data)) for target, data in copies.items()]
    return out


def assets_folder(document: Document) -> str:
    """The folder beside the outputs that holds copies of the document's pictures."""
    return f"{document.name}.assets"


def _copy(data: bytes) -> Write:
    def copy(tmp: Path) -> None:
        tmp.write_bytes(data)

    return copy


def _bind(
    write: Callable, document: Document, edition: Edition | None, options: WriteOptions
) -> Write:
    return lambda tmp: write(document, edition, tmp, options)
