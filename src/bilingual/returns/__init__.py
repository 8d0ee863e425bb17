"""Files that come back from editors and translators, read into one format-independent shape.

A returned file is an edition (identified by the identity it carries) and its rows as the editor
left them: ID, Chinese, English, and the editor's other words (notes, comments, footnotes). Each
format is one module with ``read(path) -> ReturnedFile`` registered by suffix in ``RETURNS``;
the import (``project.importer``) judges every format's rows by the same rules.

May import the writers (the identity and layout they wrote), the document model and ``util``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bilingual.document.editions import Edition, EditionTable
from bilingual.errors import InputError
from bilingual.util.registry import Entry, Registry


@dataclass(frozen=True)
class ReturnedRow:
    id: str
    chinese: str
    english: str
    where: str  # how a message names the row: "row 12", "unit p003.s01"
    notes_cell: str | None = None  # the Notes column as the editor left it (None: no such column)
    remarks: tuple[str, ...] = ()  # comments and footnotes anchored in the row
    tracked: bool = False  # the row carried tracked changes
    problem: str | None = None  # why the row cannot be read safely, if it cannot
    untranslated: bool = False  # no English at all (a CAT tool's empty or source-copy target)


@dataclass(frozen=True)
class ReturnedFile:
    path: Path
    edition: Edition
    identities: tuple[str, ...]  # every edition identity found in the file, most reliable first
    embedded_base: EditionTable | None  # the base the file itself carries, if it survived
    rows: tuple[ReturnedRow, ...]
    notices: tuple[str, ...] = ()  # things in the file that are not imported, said once each


@dataclass(frozen=True)
class ReturnInfo:
    description: str


RETURNS: Registry[ReturnInfo] = Registry(
    "returned file",
    [
        Entry(".docx", "bilingual.returns.docx:read", ReturnInfo("the editors' DOCX")),
        Entry(".xlf", "bilingual.returns.xliff:read", ReturnInfo("a CAT tool's XLIFF")),
        Entry(".xliff", "bilingual.returns.xliff:read", ReturnInfo("a CAT tool's XLIFF")),
    ],
)

ASK_FOR_DOCX = "open it in Word or LibreOffice and save it as Word .docx"


def is_lock_file(path: Path) -> bool:
    """Word's owner file (``~$name.docx``), left beside an open document."""
    return path.name.startswith("~$")


def read_returned(path: Path) -> ReturnedFile:
    """Read an edited edition of any registered format, or InputError saying what to do."""
    suffix = path.suffix.lower()
    if suffix in (".odt", ".doc", ".rtf", ".pages", ".wps"):
        raise InputError(f"{path}: a {suffix} file, not a bilingual edition; {ASK_FOR_DOCX}")
    if suffix not in RETURNS:
        raise InputError(
            f"{path}: not an edition bilingual can import ({', '.join(RETURNS)} files are)"
        )
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    return RETURNS[suffix].load()(path)
