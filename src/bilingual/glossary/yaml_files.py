"""Read ``glossary/*.yaml`` into a Glossary, reporting every problem as ``FILE:LINE: message``.

The YAML is composed into nodes (with libyaml when present) so that each problem can name its
line; all files are checked and all problems reported at once. Anchors and aliases are refused
(``util.yaml_input``): one alias of a long list, repeated, would be checked and reported once per
repetition.
"""

from __future__ import annotations

import gc
import hashlib
import json
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path

import yaml

from bilingual.errors import InputError, ManyErrors
from bilingual.glossary.terms import (
    Glossary,
    Matcher,
    Term,
    bounded,
    has_word_character,
    strip_invisible,
)
from bilingual.util.atomic import write_text
from bilingual.util.yaml_input import alias_problem

TEXTS = ("zh", "en", "zh_hant", "note", "part_of_speech", "subject")
LISTS = ("variants", "en_admitted", "do_not_use")
DEFINITION_LANGUAGES = ("zh", "en", "zh_hant")
KEYS = {*TEXTS, *LISTS, "definitions"}
REQUIRED = ("zh", "en")
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_TEXT_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",  # 360 is a company; keep what was written
    "tag:yaml.org,2002:float",
}


def glossary_files(directory: Path) -> list[Path]:
    try:
        return sorted(
            p for p in directory.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file()
        )
    except OSError as exc:
        raise InputError(f"{directory}: cannot read the glossary folder ({exc.strerror})") from None


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's garbage collector held while a glossary's nodes and terms are built (all kept,
    none garbage): run meanwhile, it walks the growing tree again and again, and a glossary ten
    times larger took 18 times as long to read."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class _FileReader:
    def __init__(self, path: Path, errors: list[str], notices: list[str], raw: str | None = None):
        self.path, self.errors, self.notices = path, errors, notices
        self.raw = raw  # the file's text, when it is not written yet

    def error(self, node: yaml.Node | None, message: str) -> None:
        line = f":{node.start_mark.line + 1}" if node is not None else ""
        self.errors.append(f"{self.path}{line}: {message}")

    def text(self, node: yaml.Node, key: str) -> str | None:
        if isinstance(node, yaml.ScalarNode) and node.tag in _TEXT_TAGS and node.value.strip():
            value = node.value.strip()
            visible = strip_invisible(value).strip()
            if visible != value:
                self.notices.append(
                    f"{self.path}:{node.start_mark.line + 1}: '{key}' {value!r} holds invisible "
                    f"characters; read as '{visible}'"
                )
            if visible:
                return visible
        self.error(node, f"'{key}' must be non-empty text")
        return None

    def entries(self) -> list[tuple[yaml.Node, dict[str, yaml.Node]]]:
        try:
            raw = self.raw if self.raw is not None else self.path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            self.error(None, f"not UTF-8 text (byte {exc.start}); save the file as UTF-8")
            return []
        except OSError as exc:
            self.error(None, f"cannot read ({exc.strerror}); fix its permissions")
            return []
        if problem := alias_problem(raw, _Loader):
            line, message = problem
            self.errors.append(f"{self.path}:{line + 1}: {message}")
            return []
        try:
            root = yaml.compose(raw, Loader=_Loader)
        except yaml.YAMLError as exc:
            self.errors.append(self._syntax_error(exc))
            return []
        if root is None:
            return []
        terms_node = self._terms_node(root)
        if terms_node is None:
            return []
        out: list[tuple[yaml.Node, dict[str, yaml.Node]]] = []
        for item in terms_node.value:
            if not isinstance(item, yaml.MappingNode):
                self.error(item, "each term must be a mapping with 'zh' and 'en'")
                continue
            fields: dict[str, yaml.Node] = {}
            for key_node, value_node in item.value:
                key = key_node.value
                if key not in KEYS:
                    self.error(
                        key_node, f"unknown key '{key}' (allowed: {', '.join(sorted(KEYS))})"
                    )
                elif key in fields:
                    self.error(key_node, f"key '{key}' given twice in one term")
                else:
                    fields[key] = value_node
            out.append((item, fields))
        return out

    def _syntax_error(self, exc: yaml.YAMLError) -> str:
        """Name the line where the broken construct starts (libyaml may notice it much later)."""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        start, found = getattr(exc, "context_mark", None), getattr(exc, "problem_mark", None)
        mark = start or found
        line = f":{mark.line + 1}" if mark is not None else ""
        where = ""
        if start is not None and found is not None and found.line != start.line:
            context = getattr(exc, "context", "") or "starting here"
            where = f" ({context}, noticed at line {found.line + 1})"
        return f"{self.path}{line}: YAML syntax error: {problem}{where}"

    def _terms_node(self, root: yaml.Node) -> yaml.SequenceNode | None:
        if not isinstance(root, yaml.MappingNode):
            self.error(root, "the file must be a mapping with a 'terms:' list")
            return None
        terms = None
        for key_node, value_node in root.value:
            if key_node.value != "terms":
                self.error(key_node, f"unknown top-level key '{key_node.value}' (only 'terms')")
            elif not isinstance(value_node, yaml.SequenceNode):
                self.error(value_node, "'terms' must be a list")
            else:
                terms = value_node
        if terms is None and not self.errors:
            self.error(root, "no 'terms:' list")
        return terms

    def term(self, item: yaml.Node, fields: dict[str, yaml.Node]) -> Term | None:
        for key in REQUIRED:
            if key not in fields:
                self.error(item, f"term has no '{key}'")
        ok = True
        values = {k: self.text(v, k) for k, v in fields.items() if k in TEXTS}
        lists: dict[str, tuple[str, ...]] = {}
        for key in LISTS:
            if key in fields:
                node = fields[key]
                if isinstance(node, yaml.SequenceNode):
                    texts = [self.text(n, key) for n in node.value]
                    lists[key] = tuple(dict.fromkeys(t for t in texts if t))
                else:
                    self.error(node, f"'{key}' must be a list")
                    ok = False
        definitions = self.definitions(fields["definitions"]) if "definitions" in fields else ()
        zh, en = values.get("zh"), values.get("en")
        if not zh or not en or not ok or definitions is None or None in values.values():
            return None
        avoided = lists.get("do_not_use", ())
        allowed = {e.casefold() for e in (en, *lists.get("en_admitted", ()))}
        for clash in (a for a in avoided if a.casefold() in allowed):
            self.error(
                fields["do_not_use"],
                f"'{clash}' is both an English of '{zh}' and one not to use; remove one",
            )
            return None
        return Term(
            zh,
            en,
            values.get("zh_hant"),
            lists.get("variants", ()),
            values.get("note"),
            f"{self.path}:{item.start_mark.line + 1}",
            en_admitted=lists.get("en_admitted", ()),
            do_not_use=avoided,
            part_of_speech=values.get("part_of_speech"),
            subject=values.get("subject"),
            definitions=definitions,
        )

    def definitions(self, node: yaml.Node) -> tuple[tuple[str, str], ...] | None:
        """``definitions: {en: ..., zh: ...}`` as (language, text) pairs; None when wrong."""
        allowed = ", ".join(DEFINITION_LANGUAGES)
        if not isinstance(node, yaml.MappingNode):
            self.error(node, f"'definitions' must map a language ({allowed}) to its definition")
            return None
        found: dict[str, str] = {}
        for key_node, value_node in node.value:
            language = key_node.value
            if language not in DEFINITION_LANGUAGES:
                self.error(key_node, f"unknown language '{language}' (allowed: {allowed})")
                return None
            text = self.text(value_node, f"definitions: {language}")
            if text is None:
                return None
            found[language] = text
        return tuple(sorted(found.items()))


def load_glossary(directory: Path, cache_dir: Path | None = None) -> Glossary:
    """All ``*.yaml`` files of ``directory`` merged; ManyErrors lists every problem.

    With ``cache_dir``, a glossary that validated before is read from a JSON copy keyed by the
    files' bytes: parsing 10,000 entries of YAML costs ~0.3 s, the copy ~0.03 s.
    """
    if not directory.is_dir():
        raise InputError(
            f"{directory}: glossary folder not found; create it or pass --glossary DIR"
        )
    paths = glossary_files(directory)
    cache = _GlossaryCache(cache_dir, paths) if cache_dir is not None else None
    if cache is not None and (cached := cache.read()) is not None:
        return cached
    glossary = _parse(paths)
    if cache is not None:
        cache.write(glossary)
    return glossary


class _GlossaryCache:
    VERSION = 3  # bump when Term or validation changes

    def __init__(self, directory: Path, paths: list[Path]):
        digest = hashlib.sha256(f"{self.VERSION}".encode())
        self.key: str | None = None
        try:
            for path in paths:
                digest.update(f"\0{path}\0".encode())
                digest.update(path.read_bytes())
        except OSError:
            return  # the parse names the unreadable file
        self.key = digest.hexdigest()
        self.path = directory / "glossary.json"

    def read(self) -> Glossary | None:
        if self.key is None:
            return None
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if data.get("key") != self.key:
                return None
            terms = tuple(_term_from_json(t) for t in data["terms"])
            return Glossary(terms, tuple(data["notices"]))
        except (OSError, ValueError, TypeError, KeyError):
            return None

    def write(self, glossary: Glossary) -> None:
        if self.key is None:
            return
        terms = [_term_to_json(t) for t in glossary.terms]
        data = {"key": self.key, "terms": terms, "notices": list(glossary.notices)}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_text(self.path, json.dumps(data, ensure_ascii=False))
        except OSError:
            pass  # only a speed-up


def _term_to_json(term: Term) -> dict:
    data = asdict(term)
    data["definitions"] = dict(term.definitions)
    return data


def _term_from_json(data: dict) -> Term:
    lists = {k: tuple(data[k]) for k in LISTS}
    definitions = tuple(sorted(data["definitions"].items()))
    return Term(**(data | lists | {"definitions": definitions}))


def with_new_file(glossary: Glossary, path: Path, text: str) -> Glossary:
    """``glossary`` (validated) and the terms of ``text``, a file about to be written at
    ``path``, validated together as ``load_glossary`` will read them, without reading the other
    files again; ManyErrors lists every problem, by ``path``:LINE for the new file."""
    return _parse([path], known=glossary, texts={path: text})


def _parse(
    paths: list[Path], known: Glossary | None = None, texts: dict[Path, str] | None = None
) -> Glossary:
    errors: list[str] = []
    notices: list[str] = list(known.notices) if known else []
    terms: list[Term] = list(known.terms) if known else []
    with _collector_paused():
        for path in paths:
            reader = _FileReader(path, errors, notices, (texts or {}).get(path))
            for item, fields in reader.entries():
                term = reader.term(item, fields)
                if term is not None:
                    terms.append(term)
    errors.extend(_conflicts(terms))
    errors.extend(_rewrites(terms))
    if errors:
        raise ManyErrors(errors)
    return Glossary(tuple(terms), tuple(notices))


def _conflicts(terms: list[Term]) -> list[str]:
    errors: list[str] = []
    first_zh: dict[str, str] = {}
    first_variant: dict[str, tuple[str, str]] = {}
    for term in terms:
        if term.zh in first_zh:
            errors.append(
                f"{term.where}: term '{term.zh}' listed twice (first at {first_zh[term.zh]})"
            )
        else:
            first_zh[term.zh] = term.where
    for term in terms:
        for variant in term.variants:
            if variant in first_zh:
                errors.append(
                    f"{term.where}: variant '{variant}' of '{term.zh}' is also a term "
                    f"(at {first_zh[variant]}); remove one"
                )
            elif variant in first_variant and first_variant[variant][0] != term.zh:
                other, where = first_variant[variant]
                errors.append(
                    f"{term.where}: variant '{variant}' also belongs to '{other}' (at {where})"
                )
            else:
                first_variant.setdefault(variant, (term.zh, term.where))
    return errors


def _rewrites(terms: list[Term]) -> list[str]:
    """Entries that would silently rewrite sources: no letter at all (punctuation, digits), or
    a variant found inside a term (variants are replaced wherever they match)."""
    errors = [
        f"{term.where}: {problem}: remove it"
        for term in terms
        for text, what in [
            (term.zh, "term"),
            *((v, "variant") for v in term.variants),
            *((e, "English not to use") for e in term.do_not_use),
        ]
        if (problem := wordless(text, what))
    ]
    inside = _variants_inside_terms({v for t in terms for v in t.variants}, terms)
    for term in terms:
        for variant in term.variants:
            if variant in inside:
                errors.append(
                    f"{term.where}: variant '{variant}' of '{term.zh}' occurs inside the term "
                    f"'{inside[variant]}', which it would rewrite; remove the variant or "
                    "lengthen it"
                )
    return errors


def _variants_inside_terms(variants: Collection[str], terms: list[Term]) -> dict[str, str]:
    """Each variant found inside a term (matched as the correction matches: word boundaries for
    Latin edges), with the first such term. One pass over each term's substrings of the
    variants' lengths, not a match per variant and term."""
    lengths = sorted({len(v) for v in variants})
    found: dict[str, str] = {}
    for term in terms:
        text = term.zh
        for length in lengths:
            for start in range(len(text) - length + 1):
                piece = text[start : start + length]
                if (
                    piece in variants
                    and piece != text
                    and piece not in found
                    and bounded(text, start, start + length)
                ):
                    found[piece] = text
    return found


def wordless(text: str, what: str) -> str | None:
    """Why a term or variant (``what``) without a letter or Han character cannot be one: it
    would match punctuation or numbers everywhere. None when it has one."""
    if has_word_character(text):
        return None
    return (
        f"{what} '{text}' has no letter or Han character; it would match punctuation or "
        "numbers everywhere"
    )


def inside_term(variant: str, owner: str, terms: Iterable[str]) -> str | None:
    """Why ``variant`` (of the term ``owner``) cannot be one: it occurs inside one of ``terms``,
    which replacing the variant would rewrite. None when it occurs in none."""
    matcher = Matcher([variant])
    inside = next((zh for zh in terms if zh != variant and matcher.find(zh)), None)
    if inside is None:
        return None
    return (
        f"variant '{variant}' of '{owner}' occurs inside the term '{inside}', which it would "
        "rewrite"
    )
