"""The one rule for link addresses, for every reader (what a source's link may be) and every writer
(what an output may link to).

Kept: ``http``, ``https`` and ``mailto`` addresses and links to a place inside the document
(``#part``). Everything else leads somewhere no edition ships or runs something when clicked:
``javascript:``, ``vbscript:``, ``data:``, ``file:`` and any other scheme, relative paths
(``previous.md``: the editions ship the article and its pictures, not the files it links to),
and network paths (``//host/x``, ``\\\\host\\x``, which a page opened from disk resolves to a
file share). The scheme is read the way browsers read it (WHATWG URL): leading and trailing
spaces and control characters are ignored, tabs and line breaks inside are removed, case does
not matter. So ``" JaVa\\tScRiPt:alert(1)"`` is refused like ``javascript:alert(1)``.
"""

from __future__ import annotations

import re

KEPT_SCHEMES = ("http", "https", "mailto")
PICTURE_SCHEMES = ("http", "https")  # a remote picture is linked; mailto: is no picture
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_EDGES = "".join(chr(c) for c in range(0x21))  # C0 controls and space
_INSIDE = re.compile("[\t\n\r]")


def normalized(url: str) -> str:
    """``url`` as a browser reads it before parsing: edges trimmed, tabs and line breaks out."""
    return _INSIDE.sub("", url.strip(_EDGES))


def scheme(url: str) -> str | None:
    """The lower-case scheme of ``url`` as a browser reads it, or None for a relative one."""
    match = _SCHEME.match(normalized(url))
    return match[1].lower() if match else None


def allowed(url: str, schemes: tuple[str, ...] = KEPT_SCHEMES) -> bool:
    """Whether an output may link to ``url``: an address with one of ``schemes`` (after
    ``//``, for web addresses), or a place in the document (``#part``)."""
    address = normalized(url)
    if "\\" in address:  # browsers read it as "/": a path, or a share (\\host)
        return False
    found = scheme(address)
    if found is None:
        return address.startswith("#") and len(address) > 1
    if found not in schemes:
        return False
    return found == "mailto" or address[len(found) + 1 :].startswith("//")


def picture_allowed(url: str) -> bool:
    """Whether a remote picture at ``url`` may be linked (web addresses only)."""
    return allowed(url, PICTURE_SCHEMES)


def why_refused(url: str) -> str:
    """Why ``url`` is no link in any edition, for the QA note."""
    found = scheme(url)
    if found is not None and found not in KEPT_SCHEMES:
        return f"a {found}: address"
    if found is not None:
        return "not a complete address"
    if normalized(url).startswith(("//", "\\\\")) or "\\" in url:
        return "a network path"
    return "a relative address, whose target no edition ships"


def shown(url: str, limit: int = 100) -> str:
    """``url`` quoted for a message, invisible characters escaped, long ones cut."""
    text = repr(url)
    return text if len(text) <= limit else text[: limit - 4] + "...'"
