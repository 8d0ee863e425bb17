r"""Sentence rules for Chinese news prose, as data (after pysbd).

Each rule is named and carries examples that the tests check one by one:
``BREAKS`` say where a sentence may end, ``KEEPS`` mark spans that are never split.

Every rule finds its spans in time linear in the text (a line of a million characters is
normal input): a pattern that would start over at each character of a long run (an e-mail
address's ``[\w.+-]+@`` on a line of Chinese without punctuation, a run of ``；``) may only
start where such a run starts, or, when that would change what it finds, is found by a
function giving the same spans (``Rule.finder``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

Spans = Iterator[tuple[int, int]]


@dataclass(frozen=True)
class Rule:
    name: str
    pattern: re.Pattern[str]
    examples: tuple[tuple[str, tuple[str, ...]], ...]  # (paragraph, expected segments)
    finder: Callable[[str], Spans] | None = None  # pattern.finditer's spans, in linear time

    def spans(self, text: str) -> Spans:
        """The spans ``pattern.finditer`` finds in ``text``."""
        if self.finder is not None:
            return self.finder(text)
        return (match.span() for match in self.pattern.finditer(text))


def _rule(name: str, pattern: str, *examples: tuple[str, tuple[str, ...]], finder=None) -> Rule:
    return Rule(name, re.compile(pattern), examples, finder)


def address_finder(local: str, label: str) -> Callable[[str], Spans]:
    r"""The spans of ``{local}+@{label}+(?:\.{label}+)+`` (``local`` and ``label`` are character
    classes, ``@`` in neither) as ``finditer`` finds them, in linear time.

    Tried at every character of a long run of ``local`` characters (a line of Chinese is one
    run of ``\w``), the pattern reads the run to its end each time. Yet the local part can end
    only where its run ends, so the answer is the same anywhere in a run: a match starts where
    its run starts, or where the previous match ended inside it; each run is read once."""
    runs = re.compile(f"{local}+")
    domain = re.compile(f"{label}+(?:\\.{label}+)+")

    def find(text: str) -> Spans:
        run_start = {m.end(): m.start() for m in runs.finditer(text)}
        done = 0  # where the previous match ended
        at = text.find("@")
        while at != -1:
            start = max(run_start.get(at, at), done)
            found = domain.match(text, at + 1) if start < at else None
            if found is not None:
                yield start, found.end()
                done = found.end()
            at = text.find("@", at + 1)

    return find


# Closing quotes and brackets stay with the sentence they close.
CLOSERS = "”’\"'」』）)\\]】》〉"

BREAKS: tuple[Rule, ...] = (
    _rule(
        "cjk-terminators",
        # Only where a run of marks starts (a match takes the run to its last full stop, so
        # none can start later in it): tried everywhere, a long run of ；would cost its square.
        rf"(?<![。！？!?；])[。！？!?；]*[。！？!?][{CLOSERS}]*",
        ("他来了。她走了。", ("他来了。", "她走了。")),
        ("真的吗？！不会吧！！！好。", ("真的吗？！", "不会吧！！！", "好。")),
        ("他说：“我来了。”然后走了。", ("他说：“我来了。”", "然后走了。")),
        ("Really? Yes!", ("Really? ", "Yes!")),
    ),
    _rule(
        "ellipsis",
        rf"(?:…+|\.{{3,}})[。！？!?]*[{CLOSERS}]*",
        ("他沉默了……我们走吧。", ("他沉默了……", "我们走吧。")),
        ("Wait... what?", ("Wait... ", "what?")),
    ),
    _rule(
        "ascii-full-stop",
        rf"\.[{CLOSERS}]*(?=\s|$|[\u3400-\u9fff])",
        ("He left. 她也走了。", ("He left. ", "她也走了。")),
        ("The end.他说。", ("The end.", "他说。")),
    ),
)

KEEPS: tuple[Rule, ...] = (
    _rule(
        "url",
        r"(?<![A-Za-z0-9])(?:https?://|www\.)[^\s\u3000-\u303f\uff00-\uffef\u4e00-\u9fff]+[^\s.,!?;:'\"\u3000-\u303f\uff00-\uffef\u4e00-\u9fff]",
        (
            "详见https://openai.com/sora?x=1。下一句。",
            ("详见https://openai.com/sora?x=1。", "下一句。"),
        ),
        ("访问 www.example.com. 然后。", ("访问 www.example.com. ", "然后。")),
    ),
    _rule(
        "email",
        r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+",
        ("联系 li.wei@example.com.cn 获取。", ("联系 li.wei@example.com.cn 获取。",)),
        finder=address_finder(r"[\w.+-]", r"[\w-]"),
    ),
    _rule(
        "decimal-version-price-percent",
        r"[$¥€£]?(?<![A-Za-z0-9])[vV]?\d+(?:[.:]\d+)+%?",
        ("GPT-3.5比4.0差。", ("GPT-3.5比4.0差。",)),
        ("股价涨了2.5%至$1.25.", ("股价涨了2.5%至$1.25.",)),
        ("版本v1.2.3于10:30发布。", ("版本v1.2.3于10:30发布。",)),
    ),
    _rule(
        "abbreviation",
        r"(?<![A-Za-z])(?:[A-Z]\.){2,}|(?<![A-Za-z])(?:Mr|Mrs|Ms|Dr|Prof|Sr|Jr|St|Inc|Ltd|Co|Corp|No|vs|etc|e\.g|i\.e|approx|Dept|Gov|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.",
        ("他在U.S. 工作。", ("他在U.S. 工作。",)),
        ("Dr. Smith来了。", ("Dr. Smith来了。",)),
    ),
    _rule(
        "initial",
        r"(?<![A-Za-z])[A-Z]\.(?=\s*[A-Z])",
        ("Elon R. Musk说。", ("Elon R. Musk说。",)),
        ("J. K. Rowling写的。", ("J. K. Rowling写的。",)),
    ),
    _rule(
        # In news prose the speech tag after a quotation belongs to it: “……。”他说。
        "quote-then-speech-tag",
        r"(?<![。！？!?…])[。！？!?…]+[”’」』](?=[^。！？!?“”「」]{0,12}?"
        r"(?:说|道|问|表示|称|指出|介绍|强调|透露|回答|写道|认为)[。！？!?,，:：])",
        ("“我们会成功。”他说。接着走了。", ("“我们会成功。”他说。", "接着走了。")),
        ("“好吗？”她问道。", ("“好吗？”她问道。",)),
        ("“我们预计2027年量产。”一位工程师表示。", ("“我们预计2027年量产。”一位工程师表示。",)),
        ("“好。”然后大家都走了。", ("“好。”", "然后大家都走了。")),
    ),
    _rule(
        "book-title",
        r"《[^《》]*》",
        ("他看了《你好！李焕英》。很好。", ("他看了《你好！李焕英》。", "很好。")),
    ),
)
