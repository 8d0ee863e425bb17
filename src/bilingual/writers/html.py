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

CSS = """
:root { --muted: #4a4a4a; --rule: #d0d0d0; --accent: #0b57d0; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 76rem; padding: 0 1.5rem 4rem; color: #1a1a1a;
  background: #fff; font: 17px/1.75 system-ui, -apple-system, "Segoe UI", sans-serif; }
[lang="zh-Hans"] { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC",
  "Microsoft YaHei", sans-serif; }
[lang="zh-Hant"] { font-family: "Noto Sans CJK TC", "Source Han Sans TC", "PingFang TC",
  "Microsoft JhengHei", sans-serif; }
[lang="en"] { font-family: Charter, Georgia, "Noto Serif", "DejaVu Serif", serif; }
.pair { display: grid; grid-template-columns: 1fr 1fr; column-gap: 2.5rem; }
.pair > * { margin: .5rem 0; min-width: 0; }
.pair > [lang="en"] { color: var(--muted); }
h1, h2, h3, h4, h5, h6 { line-height: 1.35; }
.pair.heading { border-bottom: 1px solid var(--rule); margin-top: 1.5rem; }
blockquote { margin: 1rem 0; padding: 0 0 0 1.2rem; border-left: 4px solid var(--rule); }
ul, ol { padding-left: 1.6rem; }
li > .pair > * { margin: .2rem 0; }
pre { background: #f4f4f4; padding: .8rem 1rem; overflow-x: auto; line-height: 1.45; }
code { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: .88em; }
figure { margin: 1.2rem 0; }
figure img { display: block; max-width: 100%; height: auto; margin: 0 auto; }
figcaption.pair { font-size: .9em; }
a { color: var(--accent); overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; margin: 1rem 0; font-size: .95em; }
th, td { border: 1px solid var(--rule); padding: .3rem .6rem; vertical-align: top;
  text-align: left; }
.cell > * { margin: .1rem 0; }
.cell > [lang="en"] { color: var(--muted); }
hr { border: 0; border-top: 1px solid var(--rule); margin: 2rem 0; }
.view { position: absolute; opacity: 0; width: 1px; height: 1px; }
.controls { position: sticky; top: 0; z-index: 1; background: #fff; padding: .6rem 0;
  border-bottom: 1px solid var(--rule); display: flex; gap: .5rem; flex-wrap: wrap;
  align-items: center; font-size: .9rem; }
.controls label { border: 1px solid var(--rule); border-radius: 1rem; padding: .15rem .9rem;
  cursor: pointer; }
#view-both:checked ~ .controls label[for="view-both"],
#view-zh:checked ~ .controls label[for="view-zh"],
#view-en:checked ~ .controls label[for="view-en"] {
  background: var(--accent); border-color: var(--accent); color: #fff; }
#view-both:focus-visible ~ .controls label[for="view-both"],
#view-zh:focus-visible ~ .controls label[for="view-zh"],
#view-en:focus-visible ~ .controls label[for="view-en"] { outline: 2px solid var(--accent);
  outline-offset: 2px; }
#view-zh:checked ~ main [lang="en"], #view-en:checked ~ main [lang^="zh"] { display: none; }
#view-zh:checked ~ main .pair, #view-en:checked ~ main .pair { grid-template-columns: 1fr; }
footer { margin-top: 3rem; font-size: .8rem; color: var(--muted); }
sup.noteref { line-height: 0; font-size: .75em; }
sup.noteref a, a.backref { text-decoration: none; }
section.footnotes { font-size: .9em; margin-top: 3rem; }
section.footnotes hr { margin: 0 0 1rem; }
.pair.footnote > aside { margin: .3rem 0; }
.pair.footnote > aside > * { margin: 0; }
:target { background: #fff3c4; }
sup.noteref a, aside.footnote { scroll-margin-top: 4.5rem; }  /* clear of the sticky control */
@media (max-width: 48rem) {
  body { padding: 0 1rem 3rem; font-size: 16px; }
  .pair { grid-template-columns: 1fr; }
  .pair > [lang="en"] { margin-top: 0; }
}
@media print {
  .controls, .view { display: none; }
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  .pair, figure, pre { break-inside: avoid; }
  h1, h2, h3, h4, h5, h6 { break-after: avoid; }
  a { color: inherit; }
  a[href^="http"]::after { content: " <" attr(href) ">"; font-size: .8em; }
}
"""

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
<style>{CSS}</style>
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
