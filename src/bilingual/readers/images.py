"""Pictures in structured sources: found, checked and read once per document (however often it
shows them), with a unique copy name."""

from __future__ import annotations

import io
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


def inside(path: Path, root: Path) -> Path | None:
    """``path`` with every symlink resolved, if that is inside ``root`` (resolved too); None
    when it leads out."""
    try:
        real = path.resolve()
        return real if real.is_relative_to(root.resolve()) else None
    except (OSError, RuntimeError, ValueError):  # a symlink loop, a name too long, a NUL
        return None


def image_file(src: str, source: Path, where: str, images: DocumentImages, root: Path) -> Image:
    """The picture ``src`` (a path as a Markdown source wrote it, relative to ``source``), read
    only from inside ``root`` (the sources folder, symlinks resolved) and verified. Remote
    pictures are the caller's (``links.picture_allowed``). ``where`` ("FILE:LINE") names the
    place in errors."""
    relative = unquote(urlsplit(src).path)
    path = source.parent / relative
    real = inside(path, root)
    if relative and real is None:
        shown = src if len(src) <= 80 else src[:80] + "..."
        raise InputError(
            f"{where}: image {shown} is outside {root} once symlinks are followed (or they "
            "loop); pictures are read only from the sources folder: copy it there"
        )
    try:
        found = bool(relative) and path.is_file()
    except OSError as exc:  # a name too long for the file system
        shown = relative if len(relative) <= 60 else relative[:60] + "..."
        raise InputError(f"{where}: image {shown}: {exc.strerror}; fix the path") from None
    if not found or real is None:
        raise InputError(f"{where}: image {src} not found ({path}); add the file or fix the path")
    media_type = mimetypes.guess_type(path.name)[0] or ""
    if media_type not in MEDIA_TYPES:
        raise InputError(
            f"{where}: {src} is not a PNG, JPEG, GIF, SVG or WebP image; convert it or remove it"
        )

    def read() -> Image:
        try:
            size = real.stat().st_size
            if size > MAX_IMAGE_BYTES:
                raise InputError(
                    f"{where}: image {src} is {size / 2**20:.0f} MB, more than "
                    f"{MAX_IMAGE_BYTES // 2**20} MB; make it smaller"
                )
            with open(real, "rb") as handle:
                data = handle.read(MAX_IMAGE_BYTES + 1)  # it may grow after the stat
        except OSError as exc:
            raise InputError(f"{where}: cannot read image {src} ({exc.strerror})") from None
        if len(data) > MAX_IMAGE_BYTES:
            raise InputError(f"{where}: image {src} is more than {MAX_IMAGE_BYTES // 2**20} MB")
        verify_picture(data, media_type, f"{where}: image {src}")
        return Image(src, images.unique(PurePosixPath(relative).name), media_type, data)

    return images.once(str(real), read)


def embedded_image(
    part: str, media_type: str, data: bytes, where: str, images: DocumentImages
) -> Image:
    """A picture stored inside a source (DOCX media), ``part`` its name in the package."""
    name = part.rsplit("/", 1)[-1]
    if media_type not in MEDIA_TYPES:
        raise InputError(
            f"{where}: picture {name} is {media_type or 'of an unknown type'}, which browsers and "
            "e-readers cannot show; replace it with a PNG or JPEG in the document"
        )

    def read() -> Image:
        if len(data) > MAX_IMAGE_BYTES:
            raise InputError(
                f"{where}: picture {name} is {len(data) / 2**20:.0f} MB, more than "
                f"{MAX_IMAGE_BYTES // 2**20} MB; make it smaller in the document"
            )
        verify_picture(data, media_type, f"{where}: picture {name}")
        return Image(name, images.unique(name), media_type, data)

    return images.once(part, read)


# --- what the bytes are ---------------------------------------------------------------------

_PILLOW_FORMATS = {
    "image/png": ("PNG",),
    "image/jpeg": ("JPEG", "MPO"),  # MPO: a camera's JPEG with a second picture inside
    "image/gif": ("GIF",),
    "image/webp": ("WEBP",),
}
_NAMES = {"image/png": "PNG", "image/jpeg": "JPEG", "image/gif": "GIF", "image/webp": "WebP"}
_SVG = "{http://www.w3.org/2000/svg}"
_XLINK_HREF = "{http://www.w3.org/1999/xlink}href"


def verify_picture(data: bytes, media_type: str, what: str) -> None:
    """InputError unless ``data`` is a picture of ``media_type`` that browsers can show at a
    sane size (Pillow's ``verify()`` and its decompression-bomb limit: 89 million pixels), or an
    SVG with nothing that runs or fetches. ``what`` names it in the message."""
    if media_type == "image/svg+xml":
        _verify_svg(data, what)
        return
    import warnings

    from PIL import Image as Pillow

    name = _NAMES[media_type]
    with warnings.catch_warnings():
        warnings.simplefilter("error", Pillow.DecompressionBombWarning)
        try:
            with Pillow.open(io.BytesIO(data), formats=_PILLOW_FORMATS[media_type]) as picture:
                size = picture.size
                picture.verify()
        except (Pillow.DecompressionBombError, Pillow.DecompressionBombWarning):
            raise InputError(
                f"{what} has more pixels than {Pillow.MAX_IMAGE_PIXELS:,}, too many for a "
                "reader's screen; make it smaller"
            ) from None
        except Exception as exc:  # Pillow raises many kinds of errors on bytes it cannot read
            reason = str(exc).splitlines()[0][:80] if str(exc) else type(exc).__name__
            raise InputError(
                f"{what} is not a {name} image, as its name says ({reason}); convert it or "
                "remove it"
            ) from None
    if not size[0] or not size[1]:
        raise InputError(f"{what} is a {name} image of no pixels; replace it")


def _verify_svg(data: bytes, what: str) -> None:
    from bilingual.util.xml_input import local, parse

    root = parse(data, what, "save it again as SVG or PNG")
    if root.tag != f"{_SVG}svg":
        raise InputError(f"{what} is not an SVG image (its root is <{local(root)}>); convert it")
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if local(element) in ("script", "foreignObject", "iframe", "embed", "object"):
            problem = f"a <{local(element)}>"
        elif any(str(k).rpartition("}")[2].lower().startswith("on") for k in element.attrib):
            problem = "an event handler (on...)"
        elif (href := element.get("href") or element.get(_XLINK_HREF)) and not href.startswith(
            ("#", "data:image/png;", "data:image/jpeg;", "data:image/gif;", "data:image/webp;")
        ):
            problem = f"a reference to {href[:60]!r}"
        else:
            continue
        raise InputError(
            f"{what}:{element.sourceline}: SVG with {problem}, which could run or fetch "
            "something when opened; remove it or use a PNG"
        )
