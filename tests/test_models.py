"""Model management: install from an index on 127.0.0.1 or a file; bad packages are refused."""

from __future__ import annotations

import hashlib
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from conftest import SEED, Project
from random_model import build_package


class IndexServer:
    """A package index and its packages, served on 127.0.0.1 for one test."""

    def __init__(self):
        self.files: dict[str, bytes] = {}
        self.truncate: set[str] = set()  # paths served with half the promised bytes
        self.requests: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's name)
                server.requests.append(self.path)
                body = server.files.get(self.path)
                if body is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.path in server.truncate:
                    body = body[: len(body) // 2]
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def publish(self, package: Path, *, checksum: str | None = None, pair=("zh", "en")) -> None:
        data = package.read_bytes()
        self.files["/translate-zh_en.argosmodel"] = data
        entry = {
            "package_version": "1.9",
            "argos_version": "1.0",
            "from_code": pair[0],
            "from_name": "Chinese",
            "to_code": pair[1],
            "to_name": "English",
            "code": "translate-zh_en",
            "type": "translate",
            "links": [f"{self.url}translate-zh_en.argosmodel"],
            "sha256": checksum or hashlib.sha256(data).hexdigest(),
        }
        self.files["/index.json"] = json.dumps([entry]).encode()


@pytest.fixture
def index(bare_project):
    server = IndexServer()
    bare_project.env["ARGOS_PACKAGE_INDEX"] = server.url
    yield server
    server.httpd.shutdown()


def installed(project: Project) -> dict | None:
    return json.loads(project.run("models", "status", "--json").out)["zh_en"]


def test_status_without_a_model_says_how_to_install(bare_project):
    result = bare_project.run("models", "status")
    assert result.code == 3
    assert "not installed" in result.out and "bilingual models install" in result.out


def test_install_from_the_index_checks_and_installs(bare_project, index, model_file):
    index.publish(model_file)
    result = bare_project.run("models", "install")
    assert result.code == 0, result.err
    assert index.requests == ["/index.json", "/translate-zh_en.argosmodel"]
    model = installed(bare_project)
    assert model["version"] == "1.9" and model["name"] == "translate-zh_en"
    assert Path(model["path"]).parent == Path(bare_project.env["ARGOS_PACKAGES_DIR"])


def test_a_download_with_the_wrong_checksum_is_refused(bare_project, index, model_file):
    index.publish(model_file, checksum="0" * 64)
    result = bare_project.run("models", "install")
    assert result.code == 3 and "checksum mismatch" in result.err
    assert installed(bare_project) is None


def test_a_truncated_download_is_refused(bare_project, index, model_file):
    index.publish(model_file)
    index.truncate.add("/translate-zh_en.argosmodel")
    result = bare_project.run("models", "install")
    assert result.code == 3 and "cannot download" in result.err
    assert re.search(r"download truncated \((\d+) of (\d+) bytes\)", result.err)
    assert installed(bare_project) is None


def test_an_index_without_zh_en_says_so(bare_project, index, model_file):
    index.publish(model_file, pair=("en", "de"))
    result = bare_project.run("models", "install")
    assert result.code == 3 and "has no zh->en package" in result.err


def test_unreachable_index_fails_with_the_offline_command(bare_project):
    result = bare_project.run("models", "install", timeout=60)
    assert result.code == 3
    assert "unreachable" in result.err and "models install --file" in result.err
    assert "Traceback" not in result.err


def test_build_without_a_model_installs_it_from_the_index(bare_project, index, model_file):
    index.publish(model_file)
    result = bare_project.run("build")
    assert result.code == 0, result.err
    assert len(list(bare_project.dist.iterdir())) == 9  # docx, md, html, epub per edition; qa


def test_build_without_a_model_offline_stops_with_one_line(bare_project):
    result = bare_project.run("build", timeout=60)
    assert result.code == 3
    lines = [line for line in result.err.splitlines() if line.startswith("bilingual:")]
    assert len(lines) == 1 and "bilingual models install --file" in lines[0]
    assert not bare_project.dist.exists()


def _install_good(project: Project, model_file: Path) -> None:
    assert project.run("models", "install", "--file", str(model_file)).code == 0


@pytest.mark.parametrize("damage", ["truncated", "corrupt", "not-a-zip", "wrong-pair"])
def test_bad_package_files_are_refused_and_the_installed_model_keeps_working(
    bare_project, model_file, tmp_path, damage
):
    _install_good(bare_project, model_file)
    before = installed(bare_project)
    bad = tmp_path / "bad.argosmodel"
    data = model_file.read_bytes()
    if damage == "truncated":
        bad.write_bytes(data[: len(data) // 2])
    elif damage == "corrupt":
        middle = len(data) // 2
        bad.write_bytes(data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :])
    elif damage == "not-a-zip":
        bad.write_text("<html>404</html>")
    else:
        build_package([SEED.read_text(encoding="utf-8")], bad, from_code="en", to_code="zh")
    result = bare_project.run("models", "install", "--file", str(bad))
    assert result.code == 3, result.out
    reason = {
        "truncated": "not an Argos package",
        "corrupt": "corrupt",
        "not-a-zip": "not an Argos package",
        "wrong-pair": "translates en->zh, not zh->en",
    }[damage]
    assert reason in result.err and str(bad) in result.err
    assert installed(bare_project) == before
    assert bare_project.run("build").code == 0


def test_a_newer_package_replaces_the_old_one(bare_project, model_file, tmp_path):
    _install_good(bare_project, model_file)
    newer = build_package(
        [SEED.read_text(encoding="utf-8")], tmp_path / "new.argosmodel", version="2.0"
    )
    assert bare_project.run("models", "install", "--file", str(newer)).code == 0
    status = json.loads(bare_project.run("models", "status", "--json").out)
    assert status["zh_en"]["version"] == "2.0"
    assert [p["version"] for p in status["installed"]] == ["2.0"]
