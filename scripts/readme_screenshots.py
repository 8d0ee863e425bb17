"""The README's screenshots of the readers' web page (desktop and phone), made from the sample
article in docs/sample with the English an editor typed into its translation memory.

    .venv/bin/python scripts/readme_screenshots.py            # writes docs/screenshots/*.png

Builds in a temporary project with the tests' generated model (every sentence comes from the
memory, so the model's own output is never shown), then photographs the page in Debian's
Chromium (Playwright, /usr/lib/chromium/chromium). Nothing is fetched.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))  # the generated model and the sample's project

from random_model import build_package, isolated_environment  # noqa: E402
from sources import sample_project  # noqa: E402

CHROMIUM = "/usr/lib/chromium/chromium"
OUT = REPO / "docs" / "screenshots"
SHOTS = {  # file: (viewport, device scale)
    "readers-desktop.png": ({"width": 1366, "height": 860}, 1),
    "readers-phone.png": ({"width": 390, "height": 844}, 2),
}


def build(root: Path) -> Path:
    """The sample built into ``root``; the path of its Simplified web page."""
    home = root / "home"
    env = isolated_environment(home, home / "packages")
    seed = (REPO / "seeds" / "zhou-hongyi-on-sora.txt").read_text(encoding="utf-8")
    model = build_package([seed], root / "translate-zh_en-1_9.argosmodel")
    bilingual = [sys.executable, "-m", "bilingual"]
    subprocess.run([*bilingual, "models", "install", "--file", str(model)], env=env, check=True)
    project = root / "project"
    sample_project(project)
    subprocess.run([*bilingual, "build", "--outputs", "html"], cwd=project, env=env, check=True)
    return project / "dist" / "robots-on-the-line.zh-Hans_en.html"


def main() -> None:
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        page_path = build(Path(folder))
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM)
            for name, (viewport, scale) in SHOTS.items():
                context = browser.new_context(viewport=viewport, device_scale_factor=scale)
                page = context.new_page()
                page.goto(page_path.as_uri())
                page.screenshot(path=str(OUT / name))
                context.close()
                print(OUT / name)
            browser.close()


if __name__ == "__main__":
    main()
