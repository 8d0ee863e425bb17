"""Pictures in structured sources: found, checked and read once per document (however often it
shows them), with a unique copy name."""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from bilingual.document import Image
from bilingual.errors import InputError

MAX_IMAGE_BYTES = 20 * 1024 * 1024
# What browsers and EPUB 3 reading systems show (EPUB's core media types, plus WebP).
MEDIA_TYPES = {"image/png", "image/jpeg", "image/gif", "image/svg+xml", "image/webp"}


class DocumentImages:
    """A document's pictures: each read once, however often the document shows it, under a copy
    name unique within the document (``chart.png``, ``chart-2.png``, ...)."""

    def __init__(self) -> None:
        self.taken: set[str] = set()
        self.read: dict[str, Image] = {}  # by where the bytes come from

    def unique(self, name: str) -> str:
        stem, dot, suffix = name.rpartition(".")
        if not dot:
            stem, suffix = name, ""
        stem = re.sub(r"[^\w.-]+", "-", stem).strip("-.") or "image"
        candidate, n = f"{stem}.{suffix.lower()}" if suffix else stem, 1
        while candidate.casefold() in self.taken:
            n += 1
            candidate = f"{stem}-{n}.{suffix.lower()}" if suffix else f"{stem}-{n}"
        self.taken.add(candidate.casefold())
        return candidate

    def once(self, key: str, read: Callable[[], Image]) -> Image:
        """The picture from ``key`` (a resolved path, a package part), ``read`` the first time."""
        if key not in self.read:
            self.read[key] = read()
        return self.read[key]


def is_remote(src: str) -> bool:
    return bool(urlsplit(src).scheme) and len(urlsplit(src).scheme) > 1  # "C:" is a drive


def image_file(src: str, source: Path, where: str, images: DocumentImages) -> Image:
    """The picture ``src`` (as a Markdown source wrote it) next to ``source``; remote pictures
    are kept as links. ``where`` ("FILE:LINE") names the place in errors."""
    if is_remote(src):
        return Image(src, "", "")
    relative = unquote(urlsplit(src).path)
    path = source.parent / relative
    try:
        found = bool(relative) and path.is_file()
    except OSError as exc:  # a name too long for the file system
        shown = relative if len(relative) <= 60 else relative[:60] + "..."
        raise InputError(f"{where}: image {shown}: {exc.strerror}; fix the path") from None
    if not found:
        raise InputError(f"{where}: image {src} not found ({path}); add the file or fix the path")
    media_type = mimetypes.guess_type(path.name)[0] or ""
    if media_type not in MEDIA_TYPES:
        raise InputError(
            f"{where}: {src} is not a PNG, JPEG, GIF, SVG or WebP image; convert it or remove it"
        )

    def read() -> Image:
        try:
            size = path.stat().st_size
            if size > MAX_IMAGE_BYTES:
                raise InputError(
                    f"{where}: image {src} is {size / 2**20:.0f} MB, more than "
                    f"{MAX_IMAGE_BYTES // 2**20} MB; make it smaller"
                )
            data = path.read_bytes()
        except OSError as exc:
            raise InputError(f"{where}: cannot read image {src} ({exc.strerror})") from None
        return Image(src, images.unique(PurePosixPath(relative).name), media_type, data)

    return images.once(str(path.resolve()), read)


def embedded_image(
    part: str, media_type: str, data: bytes, where: str, images: DocumentImages
) -> Image:
    """A picture stored inside a source (DOCX media), ``part`` its name in the package."""
    if media_type not in MEDIA_TYPES:
        name = part.rsplit("/", 1)[-1]
        raise InputError(
            f"{where}: picture {name} is {media_type or 'of an unknown type'}, which browsers and "
            "e-readers cannot show; replace it with a PNG or JPEG in the document"
        )

    def read() -> Image:
        name = part.rsplit("/", 1)[-1]
        return Image(name, images.unique(name), media_type, data)

    return images.once(part, read)
