"""Edit a DOCX in LibreOffice itself, as an editor does, through its UNO API (run with the system
Python that has ``uno``: Debian's python3-uno).

    python3 libreoffice_edit.py IN.docx OUT.docx [--split ID...] [--split-above ID...]
        [--track ID=English...] [--insert-after ID=English...]

``--split`` splits the row's English cell in two side by side, ``--split-above`` one above the
other (Table > Split Cells), before anything is recorded. Then LibreOffice records each change
(Edit > Track Changes > Record): the old English becomes a tracked deletion and the new one a
tracked insertion, and ``--insert-after`` inserts a row below the row (a tracked row insertion)
with English typed into it; all in LibreOffice's own XML, saved with its Word filter. (Comments
inserted through UNO crash LibreOffice 7.4's Word export, so comments are tested with Word's XML
and LibreOffice re-saves instead.)
"""

from __future__ import annotations

import argparse
import contextlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import uno  # noqa: F401 (registers the com.sun.star import hook)
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def connect(profile: Path, pipe: str):
    # A new profile makes LibreOffice restart once to finish it: do that first, on its own.
    subprocess.run(
        [
            "soffice",
            "--headless",
            "--terminate_after_init",
            f"-env:UserInstallation=file://{profile}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=120,
        check=False,
    )
    office = subprocess.Popen(
        [
            "soffice",
            "--headless",
            "--invisible",
            "--norestore",
            f"-env:UserInstallation=file://{profile}",
            f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local
    )
    for _ in range(300):
        try:
            context = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            break
        except NoConnectException:
            time.sleep(0.1)
    else:
        office.kill()
        raise SystemExit("LibreOffice did not start")
    desktop = context.ServiceManager.createInstanceWithContext(
        "com.sun.star.frame.Desktop", context
    )
    return office, desktop


def row_index(table, sid: str) -> int:
    for r in range(table.getRows().getCount()):
        shown = table.getCellByPosition(0, r).getString().strip()
        if shown.splitlines()[:1] == [sid]:  # the ID's first line (the row's kind is under it)
            return r
    raise SystemExit(f"no row {sid}")


def row_cells(table, sid: str):
    r = row_index(table, sid)
    return [table.getCellByPosition(c, r) for c in range(4)]


def split_english(table, sid: str, side_by_side: bool) -> None:
    """Table > Split Cells on the row's English cell: into two columns or two rows."""
    name = table.getCellByPosition(2, row_index(table, sid)).CellName
    table.createCursorByCellName(name).splitRange(1, not side_by_side)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("source", type=Path)
    parser.add_argument("target", type=Path)
    parser.add_argument("--track", nargs="*", default=[])
    parser.add_argument("--split", nargs="*", default=[])
    parser.add_argument("--split-above", nargs="*", default=[])
    parser.add_argument("--insert-after", nargs="*", default=[])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        office, desktop = connect(Path(tmp) / "profile", f"bilingual{os.getpid()}")
        try:
            url = uno.systemPathToFileUrl(str(args.source.resolve()))
            doc = desktop.loadComponentFromURL(url, "_blank", 0, (prop("Hidden", True),))
            table = doc.getTextTables().getByIndex(0)
            for sid in args.split:
                split_english(table, sid, side_by_side=True)
            for sid in args.split_above:
                split_english(table, sid, side_by_side=False)
            doc.RecordChanges = True
            for item in args.insert_after:
                sid, english = item.split("=", 1)
                r = row_index(table, sid) + 1
                table.getRows().insertByIndex(r, 1)
                table.getCellByPosition(2, r).setString(english)
            for item in args.track:
                sid, english = item.split("=", 1)
                cell = row_cells(table, sid)[2]
                text = cell.getText()
                cursor = text.createTextCursor()
                cursor.gotoStart(False)
                cursor.gotoEnd(True)
                text.insertString(cursor, english, True)  # replace: a tracked delete + insert
            target = uno.systemPathToFileUrl(str(args.target.resolve()))
            doc.storeToURL(target, (prop("FilterName", "MS Word 2007 XML"),))
            doc.close(True)
        finally:
            with contextlib.suppress(Exception):  # the bridge may already be gone
                desktop.terminate()
            try:
                office.wait(timeout=30)
            except subprocess.TimeoutExpired:
                office.kill()
    sys.exit(0)


if __name__ == "__main__":
    main()
