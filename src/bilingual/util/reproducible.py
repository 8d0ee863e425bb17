"""What makes outputs byte-identical from one build to the next: one date, and ZIP archives
(DOCX, EPUB) whose entries carry that date, in a fixed order, with fixed attributes.

``SOURCE_DATE_EPOCH`` (https://reproducible-builds.org/specs/source-date-epoch/), when set, is the
date of every source that carries none of its own, instead of the file's modification time
(which a checkout or a copy changes), and the date of exported files.
"""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Sequence
from datetime import UTC, datetime

from bilingual.errors import InputError

VARIABLE = "SOURCE_DATE_EPOCH"
_ZIP_EPOCH = datetime(1980, 1, 1, tzinfo=UTC)  # the earliest time a ZIP entry can hold


def source_date_epoch() -> datetime | None:
    """``SOURCE_DATE_EPOCH`` as a UTC time; None when unset or empty; InputError when it is not a
    whole number of seconds (the specification asks builds to stop rather than guess)."""
    value = os.environ.get(VARIABLE, "").strip()
    if not value:
        return None
    try:
        return datetime.fromtimestamp(int(value), UTC)
    except (ValueError, OverflowError, OSError):
        raise InputError(
            f"{VARIABLE}={value!r}: not a time; set it to whole seconds since 1970-01-01 UTC "
            "(e.g. $(git log -1 --format=%ct)) or unset it"
        ) from None


def day(iso_date: str | None) -> datetime:
    """A document's date (YYYY-MM-DD) as midnight UTC; 2000-01-01 when it has none."""
    try:
        moment = datetime.fromisoformat(iso_date or "")
    except ValueError:
        return datetime(2000, 1, 1, tzinfo=UTC)
    return moment.replace(hour=0, minute=0, second=0, microsecond=0, tzinfo=UTC)


def fixed_zip(data: bytes, when: datetime, first: Sequence[str] = ()) -> bytes:
    """The ZIP archive ``data`` rewritten so the same content always gives the same bytes:
    every entry dated ``when`` (UTC; no earlier than 1980), the entries ``first`` in that order
    and then the rest by name, each with the same attributes on every system; compression kept
    per entry (an EPUB's ``mimetype`` stays stored)."""
    aware = when if when.tzinfo else when.replace(tzinfo=UTC)  # naive: UTC, never local time
    moment = max(aware.astimezone(UTC), _ZIP_EPOCH)
    stamp = (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        infos = {info.filename: info for info in source.infolist()}
        leading = [name for name in first if name in infos]
        for name in leading + sorted(set(infos) - set(leading)):
            entry = zipfile.ZipInfo(name, date_time=stamp)
            entry.compress_type = infos[name].compress_type
            entry.create_system = 3  # Unix, whatever system wrote it
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(name))
    return out.getvalue()
