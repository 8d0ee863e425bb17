"""Readers: source files into the document model, one module per format, chosen by suffix.

A new source format is one module with ``read(path, data, name, root) -> Document`` and one line
in ``READERS``. Reading bytes, the size limit, refusing unreadable files and confinement are
shared here: a source, and every file it brings in (pictures), is read only from inside ``root``
(the sources folder) once symlinks are resolved.

May import the stages (sentence rules), the glossary, the document model and ``util``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bilingual.document import Document
from bilingual.errors import InputError
from bilingual.util.registry import Entry, Registry

# A long feature is ~50 KB; 5 MB (~1.7 million characters) is a book, not an article, and its
# DOCX would be unusable. Refusing beats a build that runs for hours.
MAX_SOURCE_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class ReaderInfo:
    description: str
    max_bytes: int = MAX_SOURCE_BYTES  # a Word file carries its pictures: it may be larger


READERS: Registry[ReaderInfo] = Registry(
    "reader",
    [
        Entry(".txt", "bilingual.readers.text:read", ReaderInfo("plain text, a paragraph a line")),
        Entry(".md", "bilingual.readers.markdown:read", ReaderInfo("CommonMark Markdown")),
        Entry(
            ".docx",
            "bilingual.readers.docx:read",
            ReaderInfo("a Word document", max_bytes=50 * 1024 * 1024),
        ),
    ],
)
SOURCE_SUFFIXES = tuple(READERS)


def read_source(path: Path, name: str | None = None, root: Path | None = None) -> Document:
    """Read one source file into a Document (no segments yet), by its suffix; it and the files
    it brings in are read only from inside ``root`` (default: its own folder)."""
    from bilingual.readers.images import inside

    suffix = path.suffix.lower()
    if suffix not in READERS:
        raise InputError(
            f"{path}: not a source format ({', '.join(SOURCE_SUFFIXES)} are); rename or remove it"
        )
    root = root if root is not None else path.parent
    real = inside(path, root)
    if real is None:
        raise InputError(
            f"{path}: leads out of {root} (a symlink to {_target(path)}); sources are read only "
            "from inside the sources folder: copy the file in instead"
        )
    try:
        if not real.is_file():
            raise InputError(f"{path}: not a regular file; replace it with the article")
        size = real.stat().st_size
        limit = READERS[suffix].info.max_bytes
        if size > limit:
            raise InputError(
                f"{path}: {size / 2**20:.0f} MB is more than the "
                f"{limit // 2**20} MB a source may be; split it into articles"
            )
        with open(real, "rb") as handle:
            data = handle.read(limit + 1)  # a file that grows after the stat is cut here
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    if len(data) > limit:
        raise InputError(f"{path}: more than the {limit // 2**20} MB a source may be")
    return READERS[suffix].load()(path, data, name or path.stem, root)


def _target(path: Path) -> str:
    try:
        return str(path.resolve())
    except (OSError, RuntimeError):
        return "a loop of symlinks"
