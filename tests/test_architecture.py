"""The house keeps its shape: imports run one way (the import-linter contracts in
pyproject.toml), and no module reaches into another package's private names."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"


def _package(module: str) -> str:
    """The top-level package of ``bilingual.x.y`` (``bilingual.x``)."""
    return ".".join(module.split(".")[:2])


def _modules():
    for path in sorted((SRC / "bilingual").rglob("*.py")):
        parts = path.relative_to(SRC).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        yield name, path


def test_imports_run_one_way_and_without_cycles():
    lint = pytest.importorskip("importlinter.cli")
    assert lint.lint_imports(config_filename=str(SRC.parent / "pyproject.toml")) == 0


def test_no_module_imports_a_private_name_of_another_package():
    offences = []
    for module, path in _modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ImportFrom) or not (node.module or "").startswith(
                "bilingual"
            ):
                continue
            if _package(node.module or "") == _package(module):
                continue
            offences += [
                f"{path.relative_to(SRC)}:{node.lineno}: {node.module}.{alias.name}"
                for alias in node.names
                if alias.name.startswith("_") and not alias.name.startswith("__")
            ]
    assert offences == []


def test_the_folder_list_names_the_pipelines_parts():
    packages = sorted(
        p.name for p in (SRC / "bilingual").iterdir() if (p / "__init__.py").is_file()
    )
    assert packages == [
        "cli", "document", "engines", "glossary", "memory", "project", "readers", "returns",
        "stages", "util", "writers",
    ]  # fmt: skip
    for name in packages:
        assert ast.get_docstring(ast.parse((SRC / "bilingual" / name / "__init__.py").read_text()))
