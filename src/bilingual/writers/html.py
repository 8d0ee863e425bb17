"""The readers' web page: one self-contained HTML file per edition.

Everything is inline (CSS, pictures as data URIs, a few lines of optional script), so the file
opens offline and fetches nothing. Chinese and English sit side by side on wide screens and are
interleaved on narrow ones. The both / Chinese / English control is three radio buttons styled by
CSS, so it works without JavaScript; the script only remembers the choice. A print stylesheet
hides the control and prints links' addresses.
"""

from __future__ import annotations

import base64
from html import escape
from pathlib import Path

from bilingual.document import Document, Image
from bilingual.document.editions import Edition, titles
from bilingual.writers import WriteOptions
from bilingual.writers.html_render import article_html
from bilingual.writers.typography import BLOCKS_CSS, font_css, heading_css

# The page's own layout; the type (fonts, heading sizes) and the drawing of lists and quotes
# come from ``typography``, shared with the EPUB and the PDF.
LAYOUT_CSS = """
:root { --fg: #1b1b1b; --bg: #fff; --muted: #5a5a5a; --rule: #d6d6d6; --quote: #c4c4c4;
  --accent: #0b57d0; --code-bg: #f3f3f3; --target: #fff3c4; color-scheme: light dark; }
@media screen and (prefers-color-scheme: dark) {
  :root { --fg: #e4e4e4; --bg: #141414; --muted: #a8a8a8; --rule: #3c3c3c; --quote: #5c5c5c;
    --accent: #8ab4f8; --code-bg: #222; --target: #3d3417; }
  img { filter: brightness(.9); }
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body { margin: 0 auto; max-width: 76rem; padding: 0 1.5rem 4rem; color: var(--fg);
  background: var(--bg); font-size: 17px; line-height: 1.75; }
main { margin: 0 auto; }
.pair { display: grid; grid-template-columns: 1fr 1fr; column-gap: 2.5rem; align-items: baseline; }
.pair > * { margin: .5rem 0; min-width: 0; }
[lang="en"] { line-height: 1.6; }
h1, h2, h3, h4, h5, h6 { line-height: 1.35; font-weight: 700; }
.pair.title { margin: 2.5rem 0 1.5rem; }
.pair.title > * { margin: 0; }
.pair.heading { margin-top: 1.6rem; }
.pair.heading:has(> h1, > h2) { border-bottom: 1px solid var(--rule); }
li > .pair > * { margin: .2rem 0; }
blockquote .pair > * { margin: 0; padding-top: .25rem; padding-bottom: .25rem; }
pre { background: var(--code-bg); padding: .8rem 1rem; overflow-x: auto; line-height: 1.45; }
code { font-size: .88em; }
figure { margin: 1.2rem 0; }
figure img { display: block; max-width: 100%; height: auto; margin: 0 auto; }
figcaption.pair { font-size: .9em; color: var(--muted); }
a { color: var(--accent); overflow-wrap: anywhere; }
a.unplaced { font-size: .8em; white-space: nowrap; }
a.unplaced::before { content: "\\2197\\00a0"; }
.table { overflow-x: auto; margin: 1rem 0; max-width: 100%; }
table { border-collapse: collapse; width: 100%; font-size: .95em; }
th, td { border: 1px solid var(--rule); padding: .3rem .6rem; vertical-align: top;
  text-align: left; min-width: 4.5em; }
.cell > * { margin: .1rem 0; }
hr { border: 0; border-top: 1px solid var(--rule); margin: 2rem 0; }
.footnotes { border-top: 1px solid var(--rule); margin-top: 3rem; padding-top: 1rem;
  font-size: .9em; }
.view { position: absolute; opacity: 0; width: 1px; height: 1px; }
.controls { position: sticky; top: 0; z-index: 1; background: var(--bg); padding: .6rem 0;
  border-bottom: 1px solid var(--rule); display: flex; gap: .5rem; flex-wrap: wrap;
  align-items: center; font-size: .9rem; }
.controls label { border: 1px solid var(--rule); border-radius: 1rem; padding: .15rem .9rem;
  cursor: pointer; }
#view-both:checked ~ .controls label[for="view-both"],
#view-zh:checked ~ .controls label[for="view-zh"],
#view-en:checked ~ .controls label[for="view-en"] {
  background: var(--accent); border-color: var(--accent); color: var(--bg); }
#view-both:focus-visible ~ .controls label[for="view-both"],
#view-zh:focus-visible ~ .controls label[for="view-zh"],
#view-en:focus-visible ~ .controls label[for="view-en"] { outline: 2px solid var(--accent);
  outline-offset: 2px; }
footer { margin-top: 3rem; font-size: .8rem; color: var(--muted); }
sup.noteref { line-height: 0; font-size: .75em; }
sup.noteref a, a.backref { text-decoration: none; }
section.footnotes hr { margin: 0 0 1rem; }
.pair.footnote > aside { margin: .3rem 0; }
.pair.footnote > aside > * { margin: 0; }
:target { background: var(--target); }
sup.noteref a, aside.footnote { scroll-margin-top: 4.5rem; }  /* clear of the sticky control */
@media screen {
  /* one language: one column, at a reading measure (about 38 Chinese, 70 Latin characters) */
  #view-zh:checked ~ main [lang="en"]:not(.same),
  #view-en:checked ~ main [lang^="zh"] { display: none; }
  #view-zh:checked ~ main .pair, #view-en:checked ~ main .pair { grid-template-columns: 1fr; }
  #view-zh:checked ~ main { max-width: 38em; }
  #view-en:checked ~ main { max-width: 34em; }
}
@media screen and (max-width: 48rem) {
  body { padding: 0 1rem 3rem; font-size: 16px; }
  .controls label { padding: .1rem .7rem; }
  .pair { grid-template-columns: 1fr; }
  .pair > [lang="en"] { margin-top: 0; }
}
@page { margin: 18mm 16mm 20mm;
  @bottom-center { content: counter(page) " / " counter(pages); font-size: 8.5pt; } }
@media print {
  /* both languages whatever the screen showed, side by side, on the printer's paper */
  .controls, .view { display: none; }
  :root { --fg: #000; --bg: #fff; --muted: #333; --accent: #000; }
  body { max-width: none; padding: 0; font-size: 10pt; }
  .pair { column-gap: 7mm; }
  .pair, figure, pre, tr { break-inside: avoid; }
  h1, h2, h3, h4, h5, h6, .pair.heading, .pair.title { break-after: avoid; }
  .table { overflow: visible; }
  a { color: inherit; text-decoration: none; }
  [lang="en"] a[href^="http"]:not(.unplaced)::after { content: " <" attr(href) ">";
    font-size: .8em; }
  footer { font-size: 8pt; }
}
"""


def page_css() -> str:
    """The web page's stylesheet (the PDF builds on it)."""
    return "\n".join([font_css(), heading_css(), BLOCKS_CSS, LAYOUT_CSS])


# Optional: remember the reader's choice. Without it (or without JavaScript) the control works.
SCRIPT = """
(function () {
  var key = "bilingual-view";
  try {
    var saved = window.localStorage.getItem(key);
    var input = saved && document.getElementById(saved);
    if (input) { input.checked = true; }
    document.querySelectorAll("input.view").forEach(function (el) {
      el.addEventListener("change", function () { window.localStorage.setItem(key, el.id); });
    });
  } catch (e) { /* storage unavailable: the control still works */ }
})();
"""

LABELS = {"zh-Hans": ("中英对照", "中文"), "zh-Hant": ("中英對照", "中文")}


def data_uri(image: Image) -> str:
    return f"data:{image.media_type};base64,{base64.b64encode(image.data).decode('ascii')}"


def render_html(document: Document, edition: Edition) -> str:
    lang = edition.code
    chinese_title, english_title = titles(document, edition)
    title = f"{chinese_title} · {english_title}" if english_title else chinese_title
    both, chinese = LABELS.get(lang, LABELS["zh-Hans"])
    model = f"{document.model.name} {document.model.version}" if document.model else "none"
    checked = {"both": ' checked="checked"'}
    radios = "\n".join(
        f'<input class="view" type="radio" name="view" id="view-{key}"{checked.get(key, "")}/>'
        for key in ("both", "zh", "en")
    )
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8"/>
<meta name="viewport" content="width=device-width, initial-scale=1"/>
<meta name="generator" content="bilingual"/>
<title>{escape(title)}</title>
<style>{page_css()}</style>
</head>
<body>
{radios}
<nav class="controls" aria-label="Language">
<label for="view-both"><span lang="{lang}">{both}</span> · <span lang="en">Both</span></label>
<label for="view-zh" lang="{lang}">{chinese}</label>
<label for="view-en" lang="en">English</label>
</nav>
<main>
<article>
{article_html(document, edition, data_uri)}
</article>
</main>
<footer lang="en">English by machine translation ({escape(model)}), with editors' corrections
where they made them. Source: {escape(Path(document.source_path).name)}.</footer>
<script>{SCRIPT}</script>
</body>
</html>
"""


def write(document: Document, edition: Edition, path: Path, options: WriteOptions) -> None:
    path.write_text(render_html(document, edition), encoding="utf-8")
