"""ZIP archives from outside (Word files, model packages), read with limits that hold whatever
their headers say.

A ZIP's headers state each member's size, and a hostile one lies: ``zipfile`` trusts the stated
size to stop, and its ``read()`` inflates a whole member in one call before cutting it to that
size, so a 2 MB member can take gigabytes of memory on the way. Here every member is read in
chunks of 64 KiB and its bytes are counted as they are decompressed: reading stops as soon as a
member passes its limit, or all members together pass the archive's, and ``error`` (the
caller's exception class, with its exit code) names the file, the member and the limit. Damaged
archives raise what ``zipfile`` raises (``DAMAGED``), for the caller's own wording.
"""

from __future__ import annotations

import lzma
import zipfile
import zlib
from collections.abc import Callable
from typing import IO

from bilingual.errors import BilingualError, InputError

CHUNK = 64 * 1024
# What reading a damaged member raises: a bad CRC or header, a corrupted deflate (zlib) or LZMA
# stream, a compression method zipfile does not know, an encrypted member (RuntimeError).
DAMAGED = (
    zipfile.BadZipFile,
    OSError,
    ValueError,
    EOFError,
    zlib.error,
    lzma.LZMAError,
    NotImplementedError,
    RuntimeError,
)


def megabytes(size: int) -> str:
    return f"{size / 2**20:,.0f} MB"


class BoundedZip:
    """Members of ``archive`` (named ``where`` in messages) that together expand to at most
    ``total`` bytes; each read takes its own limit too."""

    def __init__(
        self,
        archive: zipfile.ZipFile,
        where: str,
        total: int,
        error: type[BilingualError] = InputError,
        advice: str = "refused",
    ):
        self.archive, self.where, self.total, self.error = archive, where, total, error
        self.advice = advice
        self.used = 0  # bytes decompressed so far, all members together

    def _copy(self, info: zipfile.ZipInfo, limit: int, write: Callable[[bytes], object]) -> int:
        size = 0
        with self.archive.open(info) as member:
            while chunk := member.read(CHUNK):
                size += len(chunk)
                self.used += len(chunk)
                if size > limit:
                    raise self.error(
                        f"{self.where}: {info.filename} expands to more than {megabytes(limit)}, "
                        f"the most such a part may; {self.advice}"
                    )
                if self.used > self.total:
                    raise self.error(
                        f"{self.where}: its parts expand to more than {megabytes(self.total)} "
                        f"together; {self.advice}"
                    )
                write(chunk)
        return size

    def read(self, info: zipfile.ZipInfo | str, limit: int) -> bytes:
        """The bytes of one member, at most ``limit`` of them (CRC checked)."""
        if isinstance(info, str):
            info = self.archive.getinfo(info)
        pieces: list[bytes] = []
        self._copy(info, limit, pieces.append)
        return b"".join(pieces)

    def check(self, info: zipfile.ZipInfo, limit: int) -> int:
        """Decompress one member without keeping it (sizes and CRC checked); its size."""
        return self._copy(info, limit, lambda _chunk: None)

    def extract(self, info: zipfile.ZipInfo, out: IO[bytes], limit: int) -> int:
        """Decompress one member into ``out``; its size."""
        return self._copy(info, limit, out.write)
