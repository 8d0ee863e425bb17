"""Edit a DOCX in LibreOffice itself, as an editor does, through its UNO API (run with the system
Python that has ``uno``: Debian's python3-uno).

    python3 libreoffice_edit.py IN.docx OUT.docx --track ID=English...

LibreOffice records each change (Edit > Track Changes > Record): the old English becomes a
tracked deletion and the new one a tracked insertion, in LibreOffice's own XML, and the result is
saved with LibreOffice's Word filter. (Comments inserted through UNO crash LibreOffice 7.4's
Word export, so comments are tested with Word's XML and LibreOffice re-saves instead.)
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


def row_cells(table, sid: str):
    rows = table.getRows().getCount()
    for r in range(rows):
        shown = table.getCellByPosition(0, r).getString().strip()
        if shown.splitlines()[:1] == [sid]:  # the ID's first line (the row's kind is under it)
            return [table.getCellByPosition(c, r) for c in range(4)]
    raise SystemExit(f"no row {sid}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("source", type=Path)
    parser.add_argument("target", type=Path)
    parser.add_argument("--track", nargs="*", default=[])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        office, desktop = connect(Path(tmp) / "profile", f"bilingual{os.getpid()}")
        try:
            url = uno.systemPathToFileUrl(str(args.source.resolve()))
            doc = desktop.loadComponentFromURL(url, "_blank", 0, (prop("Hidden", True),))
            table = doc.getTextTables().getByIndex(0)
            doc.RecordChanges = True
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
