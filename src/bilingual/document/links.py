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


# --- raw HTML (Markdown's HTML blocks) ---------------------------------------------------------

# Elements that show text and never run or fetch anything by themselves.
_QUIET_ELEMENTS = frozenset(
    "a abbr address article aside b bdi bdo blockquote br caption center cite code col colgroup "
    "dd del details dfn div dl dt em figcaption figure font footer h1 h2 h3 h4 h5 h6 header "
    "hgroup hr i img ins kbd li main mark nav ol p pre q rp rt ruby s samp section small span "
    "strike strong sub summary sup table tbody td tfoot th thead time tr tt u ul var wbr".split()
)
_TAG = re.compile(r"</?([A-Za-z][^\s/>]*)")
_ATTRIBUTE = re.compile(
    r"""(?:^|[\s"'/])([A-Za-z_:][-A-Za-z0-9_:.]*)\s*=\s*("[^"]*"|'[^']*'|[^\s"'=<>`]+)"""
)
_ADDRESS_ATTRIBUTES = {"href", "cite", "xlink:href"}
_PICTURE_ATTRIBUTES = {"src"}
_FETCHING_ATTRIBUTES = {"srcset", "action", "formaction", "poster", "background", "longdesc",
                        "data", "ping", "manifest", "lowsrc", "dynsrc"}  # fmt: skip


def active_html(html: str) -> str | None:
    """What in ``html`` (a Markdown source's HTML block) could run or fetch something once a
    reader's Markdown viewer renders it, or None when it only shows text. Judged on the raw
    text, conservatively (a tag name anywhere counts, comments included), so that no parser's
    reading of broken HTML can hide anything."""
    from html import unescape

    for match in _TAG.finditer(html):
        if match[1].lower() not in _QUIET_ELEMENTS:
            return f"a <{match[1].lower()}> element"
    for name, raw in _ATTRIBUTE.findall(html):
        name = name.lower()
        value = unescape(raw.strip("\"'"))
        if name.startswith("on"):
            return f"an event handler ({name})"
        if name in _FETCHING_ATTRIBUTES:
            return f"a {name} attribute"
        if name in _ADDRESS_ATTRIBUTES and not allowed(value):
            return f"a link to {shown(value)}"
        if name in _PICTURE_ATTRIBUTES and not picture_allowed(value):
            return f"a picture from {shown(value)}"
        if name == "style" and re.search(r"url\s*\(|expression|@import|\\", value, re.I):
            return "a style that fetches"
    squeezed = re.sub(r"[\x00-\x20]+", "", unescape(html)).lower()
    if "script:" in squeezed:
        return "a script address"
    return None
