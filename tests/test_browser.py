"""The web pages (and the EPUB's chapter) in a real browser: Debian's Chromium driven by
Playwright. No console errors, nothing fetched from outside the file, every sentence visible in
both languages side by side on a desktop and interleaved on a phone (table cells: always
stacked), the both / Chinese / English control with and without JavaScript, and the print
stylesheet. Screenshots go to ``tests/artifacts/`` (git-ignored)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from bilingual.document.characters import has_chinese
from conftest import REPO, Project

ARTIFACTS = REPO / "tests" / "artifacts"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
PAGES = [(name, edition) for name in ("structured", "worded") for edition in ("zh-Hans", "zh-Hant")]

BOXES = """() => Array.from(document.querySelectorAll("span.s[data-id]")).map(s => {
  const block = s.closest("[lang]");
  const r = block.getBoundingClientRect(), own = s.getBoundingClientRect();
  return {id: s.dataset.id, lang: block.lang, x: r.left, y: r.top + window.scrollY,
          w: r.width, h: r.height, right: r.right, visible: own.width > 0 && own.height > 0,
          cell: s.closest(".cell") !== null, same: block.classList.contains("same"),
          text: s.textContent, heading: /^H[1-6]$/.test(block.tagName),
          size: parseFloat(getComputedStyle(block).fontSize)};
})"""


class Opened:
    """A page with everything it logged and fetched."""

    def __init__(
        self, browser, path: Path, viewport: dict, javascript: bool = True, scheme: str = "light"
    ):
        self.context = browser.new_context(
            viewport=viewport, java_script_enabled=javascript, color_scheme=scheme
        )
        self.page = self.context.new_page()
        self.problems: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        self.page.on("requestfailed", lambda r: self.problems.append(f"failed: {r.url[:80]}"))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.goto(path.as_uri())

    def _console(self, message) -> None:
        if message.type in ("error", "warning"):
            self.problems.append(f"console {message.type}: {message.text}")

    def outside(self, path: Path) -> list[str]:
        return [u for u in self.requests if u != path.as_uri() and not u.startswith("data:")]

    def sentences(self) -> dict[str, dict[str, dict]]:
        out: dict[str, dict[str, dict]] = {}
        for box in self.page.evaluate(BOXES):
            out.setdefault(box["id"], {})["en" if box["lang"] == "en" else "zh"] = box
        return out

    def shot(self, name: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    def close(self) -> None:
        self.context.close()


def segment_ids(project: Project, name: str) -> list[str]:
    import json

    source = next((project.root / "seeds").glob(f"{name}.*"))
    result = project.run("segment", str(source.relative_to(project.root)), "--json")
    return [s["id"] for s in json.loads(result.out)["segments"]]


@pytest.mark.parametrize(("name", "edition"), PAGES)
def test_every_sentence_side_by_side_on_a_desktop_and_interleaved_on_a_phone(
    browser, published, name, edition
):
    path = published.dist / f"{name}.{edition}_en.html"
    ids = segment_ids(published, name)
    for layout, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        opened = Opened(browser, path, viewport)
        try:
            opened.shot(f"{name}.{edition}.{layout}")
            assert opened.problems == [] and opened.outside(path) == []
            sentences = opened.sentences()
            assert sorted(sentences) == sorted(ids)
            for sid, pair in sentences.items():
                en = pair["en"]
                assert en["visible"], sid
                if en["same"]:  # a cell without Chinese ("OpenAI"): printed once
                    assert "zh" not in pair and not has_chinese(en["text"]), sid
                    continue
                zh = pair["zh"]
                assert zh["visible"], sid
                assert max(zh["right"], en["right"]) <= viewport["width"], f"{sid} overflows"
                if layout == "desktop" and not zh["cell"]:  # English to the right, same row
                    # first lines on one baseline: the tops differ only by the heading sizes
                    level = abs(zh["size"] - en["size"]) * 0.6 + 0.25 * zh["size"]
                    assert en["x"] >= zh["x"] + zh["w"] and abs(en["y"] - zh["y"]) < level, sid
                else:  # English under its Chinese, in the same column
                    assert abs(en["x"] - zh["x"]) < 2 and en["y"] >= zh["y"] + zh["h"] - 1, sid
        finally:
            opened.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_both_chinese_english_control(browser, published, javascript):
    path = published.dist / "structured.zh-Hans_en.html"
    opened = Opened(browser, path, DESKTOP, javascript=javascript)
    page = opened.page
    suffix = "js" if javascript else "nojs"
    try:
        chinese = page.locator('p[lang="zh-Hans"]').first
        english = page.locator('p[lang="en"]').first
        assert chinese.is_visible() and english.is_visible()
        page.click('label[for="view-zh"]')
        assert chinese.is_visible() and not english.is_visible()
        opened.shot(f"control.chinese-only.{suffix}")
        page.click('label[for="view-en"]')
        assert english.is_visible() and not chinese.is_visible()
        # one column when one language shows: the English takes the article's whole width
        article = page.locator("article").bounding_box()
        box = english.bounding_box()
        assert abs(box["x"] - article["x"]) < 2 and box["width"] > article["width"] * 0.95
        opened.shot(f"control.english-only.{suffix}")
        if javascript:  # let the browser commit the stored choice before the page goes
            page.wait_for_function("localStorage.getItem('bilingual-view') === 'view-en'")
            page.wait_for_timeout(500)
        page.reload()
        if javascript:  # the optional script remembers the choice
            from playwright.sync_api import expect

            expect(chinese).to_be_hidden(timeout=3000)
            assert english.is_visible()
        else:
            assert english.is_visible() and chinese.is_visible()
        page.click('label[for="view-both"]')
        assert chinese.is_visible() and english.is_visible()
        assert opened.problems == [] and opened.outside(path) == []
    finally:
        opened.close()


def test_print_stylesheet_hides_the_control(browser, published):
    path = published.dist / "structured.zh-Hant_en.html"
    opened = Opened(browser, path, DESKTOP)
    try:
        assert opened.page.locator(".controls").is_visible()
        opened.page.emulate_media(media="print")
        assert not opened.page.locator(".controls").is_visible()
        assert opened.page.locator('p[lang="zh-Hant"]').first.is_visible()
        ARTIFACTS.mkdir(exist_ok=True)
        opened.page.pdf(path=str(ARTIFACTS / "structured.zh-Hant.print.pdf"))
    finally:
        opened.close()


def test_epub_chapter_renders_interleaved(browser, published, tmp_path):
    """The EPUB's own XHTML and CSS, as a reading system's web view shows them."""
    with zipfile.ZipFile(published.dist / "structured.zh-Hans_en.epub") as book:
        book.extractall(tmp_path)
    chapter = tmp_path / "EPUB" / "article.xhtml"
    opened = Opened(browser, chapter, PHONE)
    try:
        opened.shot("structured.zh-Hans.epub-chapter")
        assert opened.problems == []
        assert all(u.startswith("file://") for u in opened.requests)  # its CSS and picture
        sentences = opened.sentences()
        assert sorted(sentences) == sorted(segment_ids(published, "structured"))
        for sid, pair in sentences.items():
            if pair["en"]["same"]:
                assert "zh" not in pair and pair["en"]["visible"], sid
                continue
            assert pair["zh"]["visible"] and pair["en"]["visible"], sid
            assert pair["en"]["y"] >= pair["zh"]["y"] + pair["zh"]["h"] - 1, sid
        assert opened.page.evaluate("document.images[0].naturalWidth") == 120
    finally:
        opened.close()
