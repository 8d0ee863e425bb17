"""The readers' editions as a reader sees them: the web page in Chromium (list markers and quote
bars beside both languages, the reading measure, phones, dark mode, print), the EPUB's chapter,
contents and cover (Chromium, calibre), and the print PDF (pdffonts, pdftotext). The measures
need real English: the README's sample article with the English typed into its memory."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import Project
from test_browser import ARTIFACTS, Opened

DESKTOP = {"width": 1366, "height": 900}
PHONES = [{"width": 320, "height": 640}, {"width": 390, "height": 844}]
SAMPLE = "robots-on-the-line"

# Characters per line of each visible block matching a selector: a line is the characters
# whose boxes share a top (within a few pixels); its width in px.
LINES = """(selector) => Array.from(document.querySelectorAll(selector))
  .filter(el => el.offsetParent !== null).map(el => {
    const lines = [];
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node; (node = walker.nextNode());) {
      for (let i = 0; i < node.length; i++) {
        const range = document.createRange();
        range.setStart(node, i); range.setEnd(node, i + 1);
        const r = range.getBoundingClientRect();
        if (!r.width) continue;
        let line = lines.find(l => Math.abs(l.top - r.top) < 6);
        if (!line) {
          line = {top: r.top, chars: 0, left: r.left, right: r.right}; lines.push(line);
        }
        line.chars += 1; line.left = Math.min(line.left, r.left);
        line.right = Math.max(line.right, r.right);
      }
    }
    return {size: parseFloat(getComputedStyle(el).fontSize), lines: lines.map(
      l => ({chars: l.chars, width: l.right - l.left}))};
  })"""

MARKERS = """() => Array.from(document.querySelectorAll("li > .pair:first-child > *"))
  .filter(el => el.offsetParent !== null).map(el => {
    const before = getComputedStyle(el, "::before");
    const text = el.getBoundingClientRect(), style = getComputedStyle(el);
    return {lang: el.lang, content: before.content, shown: before.display !== "none",
            left: text.left + parseFloat(before.left), textLeft: text.left +
            parseFloat(style.paddingLeft), markerRight: text.left + parseFloat(before.left) +
            parseFloat(before.width), ordered: el.closest("li").parentElement.tagName === "OL"};
  })"""


def page(project: Project, edition: str = "zh-Hans") -> Path:
    return project.dist / f"{SAMPLE}.{edition}_en.html"


def luminance(colour: str) -> float:
    """The relative luminance of an ``rgb(r, g, b)`` colour (WCAG)."""
    channels = [int(c) / 255 for c in re.findall(r"\d+", colour)[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted([luminance(a), luminance(b)], reverse=True)
    return (high + 0.05) / (low + 0.05)


# --- the web page ----------------------------------------------------------------------------


def test_list_markers_and_quote_bars_beside_both_languages(browser, sample):
    opened = Opened(browser, page(sample), DESKTOP)
    try:
        opened.shot("sample.desktop")
        markers = opened.page.evaluate(MARKERS)
        assert {m["lang"] for m in markers} == {"zh-Hans", "en"}
        for lang in ("zh-Hans", "en"):
            side = [m for m in markers if m["lang"] == lang]
            assert len(side) == 3 and all(m["ordered"] and m["shown"] for m in side)
            assert all("counter(list-item)" in m["content"] for m in side), side
            # the marker hangs left of its own column's text, never over it
            assert all(m["markerRight"] <= m["textLeft"] + 0.5 for m in side), side
        english = [m for m in markers if m["lang"] == "en"]
        chinese = [m for m in markers if m["lang"] == "zh-Hans"]
        assert min(m["left"] for m in english) > max(m["textLeft"] for m in chinese)
        bars = opened.page.evaluate(
            """() => Array.from(document.querySelectorAll("blockquote .pair > *")).map(el => {
              const s = getComputedStyle(el);
              return {lang: el.lang, width: parseFloat(s.borderLeftWidth),
                      style: s.borderLeftStyle, colour: s.borderLeftColor,
                      background: getComputedStyle(document.body).backgroundColor};
            })"""
        )
        assert {b["lang"] for b in bars} == {"zh-Hans", "en"} and len(bars) == 4
        assert all(b["width"] >= 2 and b["style"] == "solid" for b in bars), bars
        assert all(contrast(b["colour"], b["background"]) > 1.5 for b in bars), bars
    finally:
        opened.close()


def test_one_language_reads_at_a_book_measure(browser, sample):
    """At most ~40 Chinese characters (40 em) or ~75 Latin characters a line on a wide
    screen, in the Chinese-only and English-only views and beside each other."""
    opened = Opened(browser, page(sample), DESKTOP)
    try:
        for view in ("both", "zh", "en"):
            opened.page.click(f'label[for="view-{view}"]')
            opened.shot(f"sample.measure-{view}")
            chinese = opened.page.evaluate(LINES, '.pair > p[lang="zh-Hans"]')
            english = opened.page.evaluate(LINES, '.pair > p[lang="en"]')
            if view != "en":
                widths = [
                    line["width"] / block["size"] for block in chinese for line in block["lines"]
                ]
                assert widths and max(widths) <= 40.5, (view, max(widths))
                assert max(widths) >= 30  # a line of text, not a narrow strip
            if view != "zh":
                chars = [line["chars"] for block in english for line in block["lines"]]
                assert chars and max(chars) <= 75, (view, max(chars))
                assert max(chars) >= 55
    finally:
        opened.close()


@pytest.mark.parametrize("viewport", PHONES, ids=["320px", "390px"])
def test_no_page_wider_than_a_phone_tables_scroll_in_their_box(
    browser, sample, published, viewport
):
    for path in (page(sample), published.dist / "structured.zh-Hant_en.html"):
        opened = Opened(browser, path, viewport)
        try:
            opened.shot(f"{path.stem}.{viewport['width']}")
            widths = opened.page.evaluate(
                "() => [document.documentElement.scrollWidth, window.innerWidth]"
            )
            assert widths[0] <= widths[1], f"{path.name} is {widths[0]} px wide"
            if path == page(sample):  # four columns do not fit 320 px: the table's box scrolls
                box = opened.page.evaluate(
                    """() => { const b = document.querySelector(".table");
                    return [b.scrollWidth, b.clientWidth, getComputedStyle(b).overflowX]; }"""
                )
                assert box[2] == "auto" and (viewport["width"] > 320 or box[0] > box[1])
        finally:
            opened.close()


def test_dark_mode_follows_the_system(browser, sample):
    colours = {}
    for scheme in ("light", "dark"):
        opened = Opened(browser, page(sample), DESKTOP, scheme=scheme)
        try:
            opened.shot(f"sample.{scheme}")
            colours[scheme] = opened.page.evaluate(
                """() => ({bg: getComputedStyle(document.body).backgroundColor,
                    zh: getComputedStyle(document.querySelector('p[lang^="zh"]')).color,
                    en: getComputedStyle(document.querySelector('p[lang="en"]')).color,
                    link: getComputedStyle(document.querySelector('p[lang="en"] a')).color})"""
            )
        finally:
            opened.close()
    light, dark = colours["light"], colours["dark"]
    assert luminance(light["bg"]) > 0.9 and luminance(dark["bg"]) < 0.05
    for scheme in (light, dark):  # both languages the same ink, well above AA/AAA contrast
        assert scheme["zh"] == scheme["en"]
        assert contrast(scheme["en"], scheme["bg"]) >= 7
        assert contrast(scheme["link"], scheme["bg"]) >= 4.5


def test_english_headings_one_step_smaller_title_above_heading_1(browser, sample, published):
    for path in (page(sample), published.dist / "structured.zh-Hans_en.html"):
        opened = Opened(browser, path, DESKTOP)
        try:
            sizes = opened.page.evaluate(
                """() => Array.from(document.querySelectorAll(".pair")).filter(
                  p => p.querySelector("h1,h2,h3,h4,h5,h6")).map(p => ({
                  title: p.classList.contains("title"), tag: p.firstElementChild.tagName,
                  zh: parseFloat(getComputedStyle(p.firstElementChild).fontSize),
                  en: parseFloat(getComputedStyle(p.lastElementChild).fontSize),
                  body: parseFloat(getComputedStyle(document.querySelector(
                    'p[lang="en"]')).fontSize)}))"""
            )
        finally:
            opened.close()
        assert sizes and sizes[0]["title"]  # the front matter's title, apart from the headings
        for heading in sizes:
            assert heading["body"] <= heading["en"] < heading["zh"], heading
        title = sizes[0]["zh"]
        assert all(title > h["zh"] for h in sizes[1:])


def test_word_title_is_the_pages_title_not_a_heading_1(published):
    from lxml import html as lxml_html

    tree = lxml_html.fromstring((published.dist / "worded.zh-Hans_en.html").read_bytes())
    assert [t.text_content() for t in tree.xpath('//div[@class="pair title"]/h1[@lang]')][:1] == [
        "具身智能的新进展"
    ]
    assert tree.xpath('//div[contains(@class, "heading")]/h2[@lang="zh-Hans"]')


def test_a_cell_without_chinese_is_printed_once_in_every_view(browser, published):
    opened = Opened(browser, published.dist / "structured.zh-Hans_en.html", DESKTOP)
    try:
        cell = opened.page.locator("td .cell").filter(has_text="OpenAI")
        assert cell.locator("p").count() == 1 and cell.inner_text().strip() == "OpenAI"
        for view in ("zh", "en", "both"):
            opened.page.click(f'label[for="view-{view}"]')
            assert cell.is_visible(), view
    finally:
        opened.close()


def test_a_link_the_english_could_not_take_is_shown_after_the_sentence(browser, published):
    """The random model's English has no "embodied intelligence": the link follows the
    sentence, with the address's host; it is also in qa.json."""
    opened = Opened(browser, published.dist / "structured.zh-Hans_en.html", DESKTOP)
    try:
        sentence = opened.page.locator('p[lang="en"] span.s[data-id="p011.s01"]')
        link = sentence.locator("a.unplaced")
        assert link.is_visible() and link.get_attribute("href") == "https://example.com/embodied"
        assert "example.com" in link.inner_text() and link.get_attribute("title") == "具身智能"
        arrow = link.evaluate("a => getComputedStyle(a, '::before').content")
        assert arrow == '"\u2197\u00a0"'  # an arrow, not a garbled escape
    finally:
        opened.close()
    qa = json.loads((published.dist / "structured.qa.json").read_text(encoding="utf-8"))
    assert any(i["id"] == "p011.s01" and i["check"] == "formatting-not-carried" for i in qa)


def test_print_shows_both_languages_with_page_numbers_whatever_the_screen_showed(
    browser, sample, tmp_path
):
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed (poppler-utils; .ci/install-clients)")
    opened = Opened(browser, page(sample), DESKTOP)
    try:
        opened.page.click('label[for="view-zh"]')  # the reader last chose Chinese only
        assert not opened.page.locator('p[lang="en"]').first.is_visible()
        opened.page.emulate_media(media="print")
        assert opened.page.locator('p[lang="en"]').first.is_visible()
        assert not opened.page.locator(".controls").is_visible()
        ARTIFACTS.mkdir(exist_ok=True)
        pdf = tmp_path / "printed.pdf"
        opened.page.pdf(path=str(pdf), prefer_css_page_size=True)
        shutil.copy(pdf, ARTIFACTS / "sample.print.pdf")
    finally:
        opened.close()
    pages = pdf_pages(pdf)
    assert len(pages) >= 2
    assert both_languages("\n".join(pages))
    for number, content in enumerate(pages, start=1):
        assert content.split()[-1].replace(" ", "") == f"{number}/{len(pages)}"  # @page footer


def both_languages(text: str) -> bool:
    """Whether a PDF's text holds a sample sentence in Chinese and in English (lines joined)."""
    chinese = re.sub(r"\s+", "", text)
    english = re.sub(r"\s+", " ", text)
    return "三台人形机器人" in chinese and "three humanoid" in english


def pdf_pages(path: Path) -> list[str]:
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return text.rstrip("\f").split("\f")


# --- the EPUB --------------------------------------------------------------------------------


def test_epub_chapter_headings_at_least_body_size(browser, sample, tmp_path):
    with zipfile.ZipFile(sample.dist / f"{SAMPLE}.zh-Hans_en.epub") as book:
        book.extractall(tmp_path)
    opened = Opened(browser, tmp_path / "EPUB" / "article.xhtml", PHONES[1])
    try:
        opened.shot("sample.epub-chapter")
        sizes = opened.page.evaluate(
            """() => ({body: parseFloat(getComputedStyle(document.querySelector(
                '.pair.paragraph > p[lang="en"]')).fontSize),
              zhFont: getComputedStyle(document.querySelector('p[lang="zh-Hans"]')).fontFamily,
              enFont: getComputedStyle(document.querySelector('p[lang="en"]')).fontFamily,
              headings: Array.from(document.querySelectorAll(".pair.heading")).map(p => [
                parseFloat(getComputedStyle(p.firstElementChild).fontSize),
                parseFloat(getComputedStyle(p.lastElementChild).fontSize)])})"""
        )
    finally:
        opened.close()
    assert sizes["headings"]
    for chinese, english in sizes["headings"]:
        assert sizes["body"] <= english < chinese
    assert sizes["enFont"].startswith('"Noto Sans"')  # a Latin face, not the CJK one's Latin
    assert sizes["zhFont"].startswith('"Noto Sans CJK SC"')


def test_epub_contents_styled_numbered_once_outside_the_reading_order(browser, sample, tmp_path):
    path = sample.dist / f"{SAMPLE}.zh-Hans_en.epub"
    with zipfile.ZipFile(path) as book:
        opf = book.read("EPUB/content.opf").decode()
        book.extractall(tmp_path)
    spine = re.findall(r"<itemref [^>]*/>", opf)
    assert spine[0] == '<itemref idref="cover"/>' and 'idref="nav" linear="no"' in spine[-1]
    assert '<dc:creator id="creator">林晓</dc:creator>' in opf and "bilingual</dc:" not in opf
    assert "<dc:title>机器人走上产线 · Robots Join the Assembly Line</dc:title>" in opf
    opened = Opened(browser, tmp_path / "EPUB" / "nav.xhtml", PHONES[1])
    try:
        opened.shot("sample.epub-nav")
        items = opened.page.evaluate(
            """() => Array.from(document.querySelectorAll("nav li")).map(li => [
              getComputedStyle(li).listStyleType, li.querySelector("a").textContent])"""
        )
    finally:
        opened.close()
    assert items[0] == ["none", "机器人走上产线 · Robots Join the Assembly Line"]
    assert all(style == "none" for style, _ in items)  # the headings' own numbers only


def test_epub_cover_is_drawn_from_the_title_and_calibre_shows_it(sample, tmp_path):
    from PIL import Image

    path = sample.dist / f"{SAMPLE}.zh-Hant_en.epub"
    with zipfile.ZipFile(path) as book:
        opf = book.read("EPUB/content.opf").decode()
        data = book.read("EPUB/cover.png")
    assert 'properties="cover-image"' in opf
    cover = tmp_path / "cover.png"
    cover.write_bytes(data)
    image = Image.open(cover)
    assert image.size == (1200, 1800)
    assert len(image.getcolors(maxcolors=1 << 16) or ()) > 20  # text drawn on it, anti-aliased
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(cover, ARTIFACTS / "sample.cover.png")
    ebook_meta = shutil.which("ebook-meta")
    if ebook_meta is None:
        pytest.skip("calibre's ebook-meta is not installed (apt-get install calibre)")
    shown = tmp_path / "calibre-cover.png"
    result = subprocess.run(
        [ebook_meta, str(path), f"--get-cover={shown}"],
        capture_output=True,
        text=True,
        timeout=180,
        env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    assert result.returncode == 0, result.stderr
    assert "林晓" in result.stdout and "Robots Join the Assembly Line" in result.stdout
    assert Image.open(shown).size == (1200, 1800)  # our cover, not a rendered first page


def test_cover_without_a_cjk_font_is_an_svg_the_reader_sets(monkeypatch):
    from xml.dom.minidom import parseString

    from bilingual.writers import cover

    monkeypatch.setattr(cover, "find_font", lambda family, style="Bold": None)
    art = cover.cover("机器人<走上>产线", "Robots & Lines", None, "zh-Hans")
    assert art.media_type == "image/svg+xml" and art.suffix == ".svg"
    assert "Robots &amp; Lines" in parseString(art.data).toxml()


# --- the print edition -----------------------------------------------------------------------


def fonts(path: Path) -> set[str]:
    if shutil.which("pdffonts") is None:
        pytest.skip("pdffonts is not installed (poppler-utils; .ci/install-clients)")
    listing = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
    return {re.sub(r"^[A-Z]{6}\+", "", line.split()[0]) for line in listing.splitlines()[2:]}


def test_print_edition_facing_pages_chinese_left_english_right(sample):
    path = sample.dist / f"{SAMPLE}.zh-Hans_en.pdf"
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    assert "419.528 x 595.276 pts" in info  # A5
    pages = pdf_pages(path)
    # a title page, spreads of two pages, the glossary
    assert len(pages) % 2 == 0 and len(pages) >= 4
    assert "机器人走上产线" in pages[0] and "Robots Join the Assembly Line" in pages[0]
    assert "林晓" in pages[0]
    spreads = pages[1:-1]
    assert len(spreads) % 2 == 0
    for number, content in enumerate(spreads, start=2):
        has_han = bool(re.search(r"[\u4e00-\u9fff]", content.replace("机器人走上产线", "")))
        has_english = bool(re.search(r"\b(the|and|robots)\b", content))
        if number % 2 == 0:  # verso: Chinese, and the running head
            assert has_han and not has_english, number
        else:  # recto: its English
            assert has_english and not has_han, number
        assert content.split()[-1] == str(number)  # the page number at the foot
    assert "术语表" in pages[-1] and "embodied intelligence" in pages[-1]
    assert {"Noto-Sans-CJK-SC", "Noto-Sans"} <= fonts(path)
    assert "Title:           机器人走上产线 · Robots Join the Assembly Line" in info
    assert "Author:          林晓" in info
    again = sample.run("build", "--outputs", "pdf", "--dist", "again")
    assert again.code == 0 and (sample.root / "again" / path.name).read_bytes() == path.read_bytes()


def test_print_edition_blocks_face_each_other(sample, tmp_path):
    """Each block starts at the same height on its two pages: the headings of the sample."""
    html = tmp_path / "bbox.html"
    subprocess.run(
        ["pdftotext", "-bbox", str(sample.dist / f"{SAMPLE}.zh-Hans_en.pdf"), str(html)],
        check=True,
    )
    words = re.findall(r'yMin="([\d.]+)"[^>]*>([^<]+)</word>', html.read_text(encoding="utf-8"))
    first = {}
    for y, word in words:
        first.setdefault(word, float(y))
    pairs = [
        ("从展台到车间", "Stand"),
        ("三个仍未解决的问题", "Problems"),
        ("研究人员认为，接下来三年的关键不在于", "Researchers"),
    ]
    for chinese, english in pairs:
        zh = next(y for w, y in first.items() if w.startswith(chinese[:4]))
        assert abs(zh - first[english]) < 3, (chinese, zh, first[english])


def test_print_edition_two_columns_on_request(sample):
    (sample.root / "bilingual.toml").write_text('outputs = ["pdf"]\npdf_layout = "columns"\n')
    try:
        result = sample.run("build", "--dist", "columns")
        assert result.code == 0, result.err
    finally:
        (sample.root / "bilingual.toml").unlink()
    path = sample.root / "columns" / f"{SAMPLE}.zh-Hans_en.pdf"
    assert "(A4)" in subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    pages = pdf_pages(path)
    assert both_languages(pages[1])
    assert {"Noto-Sans-CJK-SC", "Noto-Sans"} <= fonts(path)
    bad = sample.run("build", "--pdf-layout", "scroll")
    assert bad.code == 2


def test_without_the_renderers_libraries_one_line_exit_3_other_outputs_written(sample, tmp_path):
    """Pango hidden from the build (an empty file bound over it in a private mount namespace):
    WeasyPrint cannot load, as on a machine without the package."""
    pango = next(Path("/usr/lib").rglob("libpango-1.0.so.0"), None)
    unshare = shutil.which("unshare")
    if pango is None or unshare is None:
        pytest.skip("needs libpango-1.0.so.0 to hide and unshare (util-linux)")
    probe = subprocess.run([unshare, "--mount", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip("cannot make a mount namespace here (not root?)")
    dist = sample.root / "no-pango"
    script = (
        f"mount --bind /dev/null {pango} && "
        f"exec {sys.executable} -m bilingual build --outputs html,pdf --dist {dist}"
    )
    result = subprocess.run(
        [unshare, "--mount", "sh", "-c", script],
        cwd=sample.root,
        env=sample.env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 3, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "libpango-1.0-0" in lines[0] and "Traceback" not in lines[0]
    written = {p.name for p in dist.iterdir()}
    assert f"{SAMPLE}.zh-Hans_en.html" in written and f"{SAMPLE}.zh-Hant_en.html" in written
    assert not [n for n in written if n.endswith(".pdf") or ".tmp" in n]


def test_print_edition_cuts_a_paragraph_longer_than_a_page_between_sentences(project):
    seeds = project.root / "seeds"
    for path in seeds.iterdir():
        path.unlink()
    sentence = "这是一个很长的段落里的一句话，用来测试超过一页的段落会怎样排版。"
    (seeds / "long.md").write_text(
        f"# 长文\n\n{sentence * 80}\n\n## 后面的标题\n\n后面的一段话。\n", encoding="utf-8"
    )
    result = project.run("build", "--outputs", "pdf")
    assert result.code == 0, result.err
    pages = pdf_pages(project.dist / "long.zh-Hans_en.pdf")
    # the title page, then spreads: every part of the paragraph faces its English
    assert len(pages) % 2 == 1 and len(pages) >= 7
    for number, content in enumerate(pages[1:], start=2):
        chinese = sentence[:8] in re.sub(r"\s+", "", content)
        assert chinese == (number % 2 == 0), number  # Chinese on left-hand pages only
    assert "后面的标题" in pages[-2]
