"""Argos Translate packages: find the zh->en model, install it from the index or a file.

Finding and loading uses ``argostranslate.package`` (``Package``, ``AvailablePackage``) and
Argos's settings (ARGOS_PACKAGES_DIR, ARGOS_PACKAGE_INDEX, ARGOS_DEVICE_TYPE, settings.json).
Installing is ours: Argos's ``install_from_path`` extracts straight over the installed package
and its download has no timeout, progress or check. Here a package is checked (a zip, CRCs,
metadata, language pair, model files) before anything is touched, extracted into a hidden staging
folder inside the packages folder (so the final rename never crosses a mount, and nothing is
written outside it), and moved into place with a rename, so a bad file leaves the installed
model working.
Every network access is a visible command or a build that has no model, with a short timeout.
"""

from __future__ import annotations

import errno
import hashlib
import http.client
import json
import os
import shutil
import tempfile
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable
from pathlib import Path, PurePosixPath

from bilingual.document import ModelInfo
from bilingual.errors import EnvironmentProblem, InputError, ModelError
from bilingual.util.locks import folder_lock
from bilingual.util.zip_input import DAMAGED, BoundedZip

FROM_CODE, TO_CODE = "zh", "en"
TIMEOUT_SECONDS = 10.0
INSTALL_HINT = (
    "run `bilingual models install` on a machine with network, or "
    "`bilingual models install --file translate-zh_en.argosmodel`"
)


def settings():
    """Argos's settings module (imported lazily: it creates its folders on import)."""
    try:
        from argostranslate import settings as argos_settings
    except ValueError:  # it reads ARGOS_INTER_THREADS & co. with int() on import
        from bilingual.engines.config import argos_settings

        argos_settings()  # names the bad value, from the environment or settings.json
        raise InputError(
            "an ARGOS_* setting must be a whole number "
            "(Argos Translate's settings, from the environment or its settings.json)"
        ) from None
    return argos_settings


def packages_dir() -> Path:
    return Path(settings().package_data_dir)


def index_url() -> str:
    base = str(settings().package_index)
    return base if base.endswith(".json") else base.rstrip("/") + "/index.json"


def installed_packages() -> list:
    """Installed Argos packages; folders that are not packages are skipped."""
    settings()  # Argos's settings first: a bad ARGOS_* value is one line, not a traceback
    from argostranslate.package import Package

    found = []
    for directory in settings().package_dirs:
        if not Path(directory).is_dir():
            continue
        for path in sorted(Path(directory).iterdir()):
            if path.is_dir() and (path / "metadata.json").is_file():
                try:
                    found.append(Package(path))
                except Exception:  # a damaged package (e.g. metadata.json not an object)
                    continue
    return found


def _version_key(version: str):
    from packaging.version import InvalidVersion, Version

    try:
        return (1, Version(version))
    except InvalidVersion:
        return (0, version)


def find_zh_en():
    """The installed zh->en package with the highest version, or None."""
    candidates = [
        p
        for p in installed_packages()
        if p.from_code == FROM_CODE and p.to_code == TO_CODE and p.type == "translate"
    ]
    return max(candidates, key=lambda p: _version_key(p.package_version), default=None)


def model_info(package) -> ModelInfo:
    from argostranslate.package import argospm_package_name

    return ModelInfo(package.code or argospm_package_name(package), package.package_version)


# --- checking and installing a package file -----------------------------------------------


MAX_EXPANDED_BYTES = 2 * 1024**3  # Argos's largest packages expand to a few hundred MB
MAX_EXPANSION = 20  # model weights barely compress; a 3.5 MB file expanding to 3 GB is a bomb


def _budget(path: Path) -> int:
    """How many bytes the package at ``path`` may expand to, all members together."""
    return min(MAX_EXPANDED_BYTES, max(64 * 1024**2, MAX_EXPANSION * path.stat().st_size))


def _bounded(path: Path, archive: zipfile.ZipFile) -> BoundedZip:
    packed = path.stat().st_size
    return BoundedZip(
        archive,
        str(path),
        _budget(path),
        error=ModelError,
        advice=f"refused, not a real model package ({packed / 1024**2:,.1f} MB packed)",
    )


def _check_archive(path: Path) -> str:
    """The package's top folder, or ModelError saying why the file is refused. Every member is
    decompressed once, its bytes counted as they come (``util.zip_input``): the limits hold
    whatever the headers say, and every CRC is checked."""
    if not path.is_file():
        raise ModelError(f"{path}: no such file")
    if not zipfile.is_zipfile(path):
        raise ModelError(f"{path}: not an Argos package (not a zip archive; truncated download?)")
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            for name in names:
                parts = PurePosixPath(name).parts
                if name.startswith("/") or ".." in parts:
                    raise ModelError(f"{path}: refused, unsafe path in archive: {name}")
            bounded = _bounded(path, archive)
            for info in archive.infolist():
                try:
                    bounded.check(info, bounded.total)
                except zipfile.BadZipFile:
                    raise ModelError(
                        f"{path}: corrupt package (bad checksum in {info.filename}); download "
                        "it again"
                    ) from None
            metadata_names = [
                n
                for n in names
                if PurePosixPath(n).name == "metadata.json" and len(PurePosixPath(n).parts) == 2
            ]
            if not metadata_names:
                raise ModelError(f"{path}: not an Argos package (no metadata.json in a top folder)")
            top = PurePosixPath(metadata_names[0]).parts[0]
            raw = _bounded(path, archive).read(metadata_names[0], 1024**2)
            metadata = json.loads(raw.decode("utf-8"))
            if not any(n.startswith(f"{top}/model/model.bin") for n in names):
                raise ModelError(f"{path}: not an Argos package (no model/model.bin)")
            if not any(n in (f"{top}/sentencepiece.model", f"{top}/bpe.model") for n in names):
                raise ModelError(f"{path}: not an Argos package (no tokenizer model)")
    except DAMAGED + (UnicodeDecodeError,) as exc:
        raise ModelError(f"{path}: corrupt package ({exc}); download it again") from None
    if not isinstance(metadata, dict):
        raise ModelError(f"{path}: not an Argos package (metadata.json is not an object)")
    pair = (metadata.get("from_code"), metadata.get("to_code"))
    if pair != (FROM_CODE, TO_CODE):
        raise ModelError(f"{path}: translates {pair[0]}->{pair[1]}, not {FROM_CODE}->{TO_CODE}")
    return top


def _extract(path: Path, staging: Path) -> None:
    """Every member of the checked package into ``staging``, with the same limits."""
    try:
        with zipfile.ZipFile(path) as archive:
            bounded = _bounded(path, archive)
            for info in archive.infolist():
                target = staging.joinpath(*PurePosixPath(info.filename).parts)
                if info.is_dir():
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                with open(target, "wb") as out:
                    bounded.extract(info, out, bounded.total)
    except zipfile.BadZipFile as exc:  # changed since it was checked
        raise ModelError(f"{path}: corrupt package ({exc}); download it again") from None


STAGING_PREFIX = ".bilingual-install-"


def _prove_it_works(package_dir: Path, path: Path):
    """Load the extracted package and translate one sentence, or refuse the file."""
    from argostranslate.package import Package

    try:
        package = Package(package_dir)
        if package.from_code != FROM_CODE or package.to_code != TO_CODE:
            raise ModelError(f"{path}: metadata does not describe a zh->en package")
        tokens = package.tokenizer.encode("这是一个测试。")
        package.tokenizer.decode(tokens)
        import ctranslate2

        translator = ctranslate2.Translator(
            str(package_dir / "model"), device="cpu", inter_threads=1, intra_threads=1
        )
        translator.translate_batch([tokens], beam_size=1, max_decoding_length=4)
    except ModelError:
        raise
    except Exception as exc:  # sentencepiece, CTranslate2 and Argos raise many kinds of errors
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ModelError(
            f"{path}: its model or tokenizer does not work ({reason}); download it again. "
            "The installed model is unchanged"
        ) from None
    return package


def _remove_leftovers(folder: Path) -> None:
    """Staging folders of installs that were killed (kill -9, power loss); under the lock."""
    for stale in folder.glob(f"{STAGING_PREFIX}*"):
        shutil.rmtree(stale, ignore_errors=True)


_CANNOT_WRITE = {errno.ENOSPC, errno.EDQUOT, errno.EACCES, errno.EPERM, errno.EROFS}


def _cannot_install(exc: OSError, where: Path) -> EnvironmentProblem:
    return EnvironmentProblem(
        f"{exc.filename or where}: cannot write ({exc.strerror}); free space or fix the "
        "permissions of the packages folder and install again (the installed model is unchanged)"
    )


def install_file(path: Path):
    """Install a checked ``.argosmodel``; the installed package, or ModelError.

    The file is checked, extracted inside the packages folder and proven to translate before
    anything installed is touched; the old package is put back if the switch fails.
    """
    settings()  # Argos's settings first: a bad ARGOS_* value is one line, not a traceback
    from argostranslate.package import Package

    top = _check_archive(path)
    target_root = packages_dir()
    try:
        target_root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _cannot_install(exc, target_root) from None
    with folder_lock(
        target_root / ".bilingual-install.lock",
        "the packages folder",
        wait=0,
        busy="another model install is running",
    ):
        _remove_leftovers(target_root)
        try:
            staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=target_root))
        except OSError as exc:
            raise _cannot_install(exc, target_root) from None
        try:
            _extract(path, staging)
            _prove_it_works(staging / top, path)
            target = _switch(staging, top, target_root)
            for other in installed_packages():  # one zh->en package: status is never ambiguous
                if (
                    (other.from_code, other.to_code) == (FROM_CODE, TO_CODE)
                    and Path(other.package_path) != target
                    and Path(other.package_path).parent == target_root
                ):
                    shutil.rmtree(other.package_path, ignore_errors=True)
        except OSError as exc:
            if exc.filename and Path(exc.filename).is_relative_to(staging):
                exc.filename = None  # a staged file: name the package it was to become
            raise _cannot_install(exc, target_root / top) from None
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return Package(target)


def _switch(staging: Path, top: str, target_root: Path) -> Path:
    """Move the new package into place; the previous one comes back if that fails."""
    target = target_root / top
    previous = staging / ".previous"
    if target.exists():
        os.replace(target, previous)
    try:
        os.replace(staging / top, target)
    except BaseException:
        if previous.exists():
            os.replace(previous, target)
        raise
    return target


# --- the package index ----------------------------------------------------------------------


def _open(url: str, timeout: float):
    request = urllib.request.Request(url, headers={"User-Agent": "bilingual"})
    return urllib.request.urlopen(request, timeout=timeout)


def fetch_index(url: str | None = None, timeout: float = TIMEOUT_SECONDS) -> list:
    """The index's packages (``argostranslate.package.AvailablePackage``)."""
    settings()  # Argos's settings first: a bad ARGOS_* value is one line, not a traceback
    from argostranslate.package import AvailablePackage

    url = url or index_url()
    try:
        with _open(url, timeout) as response:
            entries = json.loads(response.read().decode("utf-8"))
    except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise ModelError(f"package index {url} unreachable ({reason}); {INSTALL_HINT}") from None
    except ValueError:
        raise ModelError(f"package index {url} is not a JSON package list") from None
    if not isinstance(entries, list):
        raise ModelError(f"package index {url} is not a JSON package list")
    packages = []
    for entry in entries:
        if isinstance(entry, dict):
            package = AvailablePackage(entry)
            package.checksum = entry.get("sha256") or entry.get("checksum")
            packages.append(package)
    return packages


def download(
    package,
    destination: Path,
    on_progress: Callable[[int, int | None], None],
    timeout: float = TIMEOUT_SECONDS,
) -> Path:
    """Download ``package`` to ``destination``; check its size, and its checksum if listed."""
    errors = []
    for url in package.links:
        part = destination.with_name(destination.name + ".part")
        try:
            with _open(url, timeout) as response, open(part, "wb") as out:
                total = response.headers.get("Content-Length")
                total = int(total) if total and total.isdigit() else None
                digest, received = hashlib.sha256(), 0
                while chunk := response.read(1 << 16):
                    out.write(chunk)
                    digest.update(chunk)
                    received += len(chunk)
                    on_progress(len(chunk), total)
            if total is not None and received != total:
                raise ModelError(f"{url}: download truncated ({received} of {total} bytes)")
            expected = getattr(package, "checksum", None)
            if expected and digest.hexdigest() != expected.lower().removeprefix("sha256:"):
                raise ModelError(f"{url}: checksum mismatch; the download is corrupt")
            os.replace(part, destination)
            return destination
        except (urllib.error.URLError, http.client.HTTPException, OSError, ModelError) as exc:
            part.unlink(missing_ok=True)
            if isinstance(exc, OSError) and exc.errno in _CANNOT_WRITE:
                raise _cannot_install(exc, part) from None
            errors.append(str(getattr(exc, "reason", exc)))
    raise ModelError(
        f"cannot download {package}: {'; '.join(errors) or 'no links'}; {INSTALL_HINT}"
    )


def install_from_index(
    on_progress: Callable[[int, int | None], None], timeout: float = TIMEOUT_SECONDS
):
    """Find zh->en in the index, download it with checks, install it."""
    candidates = [
        p
        for p in fetch_index(timeout=timeout)
        if p.from_code == FROM_CODE and p.to_code == TO_CODE and p.type == "translate"
    ]
    if not candidates:
        raise ModelError(f"package index {index_url()} has no {FROM_CODE}->{TO_CODE} package")
    best = max(candidates, key=lambda p: _version_key(p.package_version))
    with tempfile.TemporaryDirectory(prefix="bilingual-download-") as tmp:
        path = download(best, Path(tmp) / "translate-zh_en.argosmodel", on_progress, timeout)
        return install_file(path)
