"""Shared fixtures: a real (random-weight) Argos package, an isolated project, a CLI runner."""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from bilingual.random_model import build_package, isolated_environment

REPO = Path(__file__).resolve().parent.parent
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

    def run(self, *args: str, timeout: float = 300, **kwargs) -> Result:
        proc = subprocess.run(
            [sys.executable, "-m", "bilingual", *args],
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
        """Every file under the folders, byte for byte (for "unchanged" assertions)."""
        files = {}
        for folder in folders or ("dist", "tm", ".bilingual"):
            base = self.root / folder
            if base.exists():
                for path in sorted(base.rglob("*")):
                    if path.is_file() and path.name != "build.lock":
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

    from bilingual.random_model import TINY

    out = tmp_path_factory.mktemp("slow-model") / "translate-zh_en-1_9.argosmodel"
    build_package([SEED.read_text(encoding="utf-8")], out, size=replace(TINY, eos_bias=-30.0))
    home = tmp_path_factory.mktemp("slow-home")
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


@pytest.fixture
def bare_project(tmp_path) -> Project:
    """The repository's seeds and glossary, with no model installed."""
    return new_project(tmp_path, None)
