"""Shared fixtures: a real (random-weight) Argos package, an isolated project, a CLI runner."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from random_model import build_package, isolated_environment

REPO = Path(__file__).resolve().parent.parent
_NO_OVERRIDE = "-dac_override,-dac_read_search,-fowner,-linux_immutable"
UNPRIVILEGED = ["setpriv", f"--inh-caps={_NO_OVERRIDE}", f"--bounding-set={_NO_OVERRIDE}"]
SEED = REPO / "seeds" / "zhou-hongyi-on-sora.txt"


@dataclass
class Result:
    code: int
    out: str
    err: str


@dataclass
class Project:
    """A project folder with its own Argos folders; ``run`` calls the real CLI in a subprocess."""

    root: Path
    env: dict

    def run(self, *args: str, timeout: float = 300, unprivileged: bool = False, **kwargs) -> Result:
        """``bilingual ARGS``; ``unprivileged``: as root, without root's power to ignore file
        permissions (so a chmod 000 file is unreadable, as it is for any user)."""
        prefix = UNPRIVILEGED if unprivileged and os.geteuid() == 0 else []
        proc = subprocess.run(
            [*prefix, sys.executable, "-m", "bilingual", *args],
            cwd=self.root,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            **kwargs,
        )
        return Result(proc.returncode, proc.stdout, proc.stderr)

    @property
    def dist(self) -> Path:
        return self.root / "dist"

    def snapshot(self, *folders: str) -> dict[str, bytes]:
        """Every file under the folders, byte for byte (for "unchanged" assertions); the
        locks' files are not data."""
        files = {}
        for folder in folders or ("dist", "tm", ".bilingual"):
            base = self.root / folder
            if base.exists():
                for path in sorted(base.rglob("*")):
                    if path.is_file() and path.name not in ("build.lock", ".bilingual.lock"):
                        files[str(path.relative_to(self.root))] = path.read_bytes()
        return files


@pytest.fixture(scope="session")
def model_file(tmp_path_factory) -> Path:
    """A real zh->en Argos package: SentencePiece on the seed, random Transformer weights."""
    out = tmp_path_factory.mktemp("model") / "translate-zh_en-1_9.argosmodel"
    return build_package([SEED.read_text(encoding="utf-8")], out)


@pytest.fixture(scope="session")
def installed_packages(tmp_path_factory, model_file) -> Path:
    """An Argos packages folder with the generated package installed through the CLI."""
    home = tmp_path_factory.mktemp("home")
    packages = home / "packages"
    project = Project(home, isolated_environment(home, packages))
    result = project.run("models", "install", "--file", str(model_file))
    assert result.code == 0, result.err
    return packages


def new_project(tmp_path: Path, packages: Path | None) -> Project:
    root = tmp_path / "project"
    root.mkdir()
    shutil.copytree(REPO / "seeds", root / "seeds")
    shutil.copytree(REPO / "glossary", root / "glossary")
    home = tmp_path / "home"
    env = isolated_environment(home, packages if packages else home / "packages")
    return Project(root, env)


@pytest.fixture(scope="session")
def slow_packages(tmp_path_factory) -> Path:
    """A package whose sentences never end before CTranslate2's 256-token limit: every batch
    is long (seconds), for interrupting a build in the middle of one."""
    from dataclasses import replace

    from random_model import TINY

    out = tmp_path_factory.mktemp("slow-model") / "translate-zh_en-1_9.argosmodel"
    build_package([SEED.read_text(encoding="utf-8")], out, size=replace(TINY, eos_bias=-30.0))
    home = tmp_path_factory.mktemp("slow-home")
    packages = home / "packages"
    result = Project(home, isolated_environment(home, packages)).run(
        "models", "install", "--file", str(out)
    )
    assert result.code == 0, result.err
    return packages


@pytest.fixture(scope="session")
def long_batch_packages(tmp_path_factory) -> Path:
    """Like ``slow_packages``, with a wider model: a batch of even three long sentences takes
    seconds, so an interrupt that waited for one would show against the time it takes."""
    from dataclasses import replace

    from random_model import TINY

    out = tmp_path_factory.mktemp("long-batch-model") / "translate-zh_en-1_9.argosmodel"
    size = replace(TINY, width=256, ffn=1024, eos_bias=-30.0)
    build_package([SEED.read_text(encoding="utf-8")], out, size=size)
    home = tmp_path_factory.mktemp("long-batch-home")
    packages = home / "packages"
    result = Project(home, isolated_environment(home, packages)).run(
        "models", "install", "--file", str(out)
    )
    assert result.code == 0, result.err
    return packages


@pytest.fixture
def project(tmp_path, installed_packages) -> Project:
    """The repository's seeds and glossary in a fresh folder, with the model installed."""
    return new_project(tmp_path, installed_packages)


@pytest.fixture(scope="module")
def published(tmp_path_factory, installed_packages) -> Project:
    """A project of structured sources (Markdown, Word, Word re-saved by LibreOffice when it
    is installed), built into every output; one per test module."""
    from sources import SOFFICE, resave_with_libreoffice, write_docx, write_markdown

    project = new_project(tmp_path_factory.mktemp("publishing"), installed_packages)
    seeds = project.root / "seeds"
    for path in seeds.iterdir():
        path.unlink()
    write_markdown(seeds)
    word = write_docx(seeds)
    if SOFFICE:
        resave_with_libreoffice(word, project.root, "resaved")
        shutil.move(project.root / "resaved.docx", seeds / "resaved.docx")
    result = project.run("build")
    assert result.code == 0, result.err
    return project


CHROMIUM = Path("/usr/lib/chromium/chromium")


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, driven by Playwright (never a downloaded browser)."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (.ci/install-clients installs it)")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM))
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def sample(tmp_path_factory, installed_packages) -> Project:
    """The README's sample article (docs/sample) with the English an editor typed into its
    translation memory: real English, for what only real English shows (line lengths, the
    print edition's pages), built into the readers' editions and the PDF."""
    from sources import sample_project

    project = new_project(tmp_path_factory.mktemp("sample"), installed_packages)
    sample_project(project.root)
    result = project.run("build", "--outputs", "html,epub,pdf,qa")
    assert result.code == 0, result.err
    return project


@pytest.fixture
def bare_project(tmp_path) -> Project:
    """The repository's seeds and glossary, with no model installed."""
    return new_project(tmp_path, None)


# --- real clients ------------------------------------------------------------------------------

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
LIBREOFFICE_FILTERS = {
    "docx": "docx:MS Word 2007 XML",
    "ooxml": "docx:Office Open XML Text",
    "odt": "odt",
    "pdf": "pdf",
    "doc": "doc:MS Word 97",
    "rtf": "rtf",
}


def libreoffice(path: Path, out_dir: Path, target: str) -> Path:
    """Convert ``path`` with LibreOffice headless (``target``: docx, ooxml, odt, pdf)."""
    if SOFFICE is None:
        pytest.skip(
            "LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui"
        )
    out_dir.mkdir(parents=True, exist_ok=True)
    profile = out_dir / ".lo-profile"
    subprocess.run(
        [
            SOFFICE,
            "--headless",
            f"-env:UserInstallation=file://{profile}",
            "--convert-to",
            LIBREOFFICE_FILTERS[target],
            "--outdir",
            str(out_dir),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    suffix = {"ooxml": "docx"}.get(target, target)
    result = out_dir / f"{path.stem}.{suffix}"
    assert result.is_file(), f"LibreOffice wrote no {result.name}"
    return result


def resave_with_libreoffice(path: Path, out_dir: Path, how: str) -> Path:
    """An editor's re-save: as Word 2007 XML, as "Office Open XML Text", or through ODT."""
    if how == "odt":
        odt = libreoffice(path, out_dir / "odt", "odt")
        return libreoffice(odt, out_dir / "from-odt", "docx")
    return libreoffice(path, out_dir / how, how)
