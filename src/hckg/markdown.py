"""The Markdown source-list format: ``# Title``, ``## Category``, ``### Dataset``, ``- _Field_: value``.

``parse_markdown`` reads the syntax into records that keep their line numbers (what the fields mean is
``hckg.fields``'s business); ``render_markdown`` writes records back; ``write_markdown`` writes any
catalogue graph in the format. Paragraphs are kept: under the title they describe the list, under a
category the category, under a dataset heading (before its fields) the dataset.
"""

import codecs
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS

from hckg.diagnostics import Diagnostics
from hckg.errors import InputError
from hckg.fields import FIELDS, SCHEMES, Vocabulary, objects, project_vocabulary
from hckg.namespaces import DCAT, SCHEMA, THEME

FORMAT_HINT = "a source list has '## Category' and '### Dataset' headings with '- _Field_: value' lines"


@dataclass
class FieldLine:
    name: str          # as written, without emphasis
    value: str         # without surrounding spaces; continuation lines joined
    line: int = 0


@dataclass
class Entry:
    heading: str       # as written
    title: str         # without stray punctuation
    line: int = 0
    description: str = ""
    fields: list[FieldLine] = field(default_factory=list)


@dataclass
class Category:
    heading: str
    title: str
    line: int = 0
    description: str = ""
    entries: list[Entry] = field(default_factory=list)


@dataclass
class SourceList:
    title: str | None = None
    description: str = ""
    categories: list[Category] = field(default_factory=list)

    @property
    def entries(self) -> list[Entry]:
        return [e for c in self.categories for e in c.entries]


# --- reading files ------------------------------------------------------------------------------

def read_source(path: str | Path) -> str:
    """The text of a UTF-8 source list; other encodings and binary files are InputErrors that say so."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder; give the Markdown file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None
    for bom, name in ((codecs.BOM_UTF32_LE, "UTF-32"), (codecs.BOM_UTF32_BE, "UTF-32"),
                      (codecs.BOM_UTF16_LE, "UTF-16"), (codecs.BOM_UTF16_BE, "UTF-16")):
        if data.startswith(bom):
            raise InputError(f"{path}: {name} text; save the list as UTF-8")
    if b"\x00" in data:
        raise InputError(f"{path}: a binary file (it holds NUL bytes), not a Markdown source list")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise InputError(f"{path}:{line}: not UTF-8 text (byte 0x{data[exc.start]:02x}); "
                         "save the list as UTF-8") from None


# --- parsing ------------------------------------------------------------------------------------

HEADING = re.compile(r"^ {0,3}(#{1,6})(?:(\s+)(.*?))?(?:\s+#+)?\s*$|^ {0,3}(#{2,3})([^#\s].*?)\s*$")
BULLET = re.compile(r"^ {0,3}[-*+]\s+(.*)$")
FIELD = re.compile(
    r"^(?:(?P<m1>\*\*|__|\*|_)(?P<n1>[^*_:]+?)(?P=m1)\s*:(?P<v1>.*)"    # _Name_: value
    r"|(?P<m2>\*\*|__|\*|_)(?P<n2>[^*_:]+?):(?P=m2)(?P<v2>.*)"          # _Name:_ value
    r"|(?P<n3>[A-Za-z][^:*_]{0,40}?):(?P<v3>(?:\s.*)?))$"               # Name: value
)
EMPHASIS = re.compile(r"^(\*\*|__|\*|_)(.+)\1$")
STRAY_END = ":;,"
ESCAPABLE = "#*+-\\"


def clean_heading(text: str, line: int, diagnostics: Diagnostics, marks: str) -> str:
    """A heading without emphasis markers and stray punctuation at its end (reported)."""
    title = " ".join(text.split())
    emphasis = EMPHASIS.match(title)
    if emphasis:
        title = emphasis.group(2).strip()
    stray = len(title) - len(title.rstrip(STRAY_END + " "))
    if stray and title.rstrip(STRAY_END + " "):
        cleaned = title.rstrip(STRAY_END + " ")
        diagnostics.warning(line, f"{marks} {text}", f"stray '{title[len(cleaned):].strip()}' at the end of "
                                                      f'the heading removed; read as "{cleaned}"')
        title = cleaned
    return title


class _Paragraphs:
    """Text lines gathered into paragraphs: lines joined by spaces, paragraphs by blank lines."""

    def __init__(self):
        self.paragraphs: list[list[str]] = [[]]

    def add(self, text: str) -> None:
        text = " ".join(text.split())
        if text.startswith("\\") and len(text) > 1 and text[1] in ESCAPABLE:
            text = text[1:]
        self.paragraphs[-1].append(text)

    def end(self) -> None:
        if self.paragraphs[-1]:
            self.paragraphs.append([])

    def text(self) -> str:
        return "\n\n".join(" ".join(p) for p in self.paragraphs if p)


def parse_markdown(text: str, diagnostics: Diagnostics) -> SourceList:
    """Read a source list's structure; problems go to ``diagnostics`` with their line numbers."""
    document = SourceList()
    if not text.strip():
        diagnostics.error(None, "file", f"the file is empty; {FORMAT_HINT}")
        return document
    intro = _Paragraphs()
    category: Category | None = None
    entry: Entry | None = None
    paragraphs = intro
    last_field: FieldLine | None = None       # a field that an unindented next line continues
    after_fields = False                       # a blank line followed the current dataset's fields

    def finish_text():
        if category is not None and paragraphs is not intro and entry is None:
            category.description = paragraphs.text()
        if entry is not None:
            entry.description = paragraphs.text()

    lines = text.split("\n")
    for number, line in enumerate(lines, 1):
        line = line.removesuffix("\r")
        control = next((c for c in line if unicodedata.category(c) == "Cc" and c != "\t"), None)
        if control is not None:
            diagnostics.error(number, "line", f"control character U+{ord(control):04X}; remove it")
            continue
        if not line.strip():
            paragraphs.end()
            if last_field is not None:
                after_fields = True
            last_field = None
            continue
        heading = HEADING.match(line)
        if heading:
            finish_text()
            last_field, after_fields = None, False
            marks = heading.group(1) or heading.group(4)
            words = heading.group(3) if heading.group(1) else heading.group(5)
            words = words or ""
            if heading.group(4):
                diagnostics.warning(number, line.strip(), f"no space after '{marks}'; read as a heading")
            if len(marks) == 1:
                if document.title is not None or document.categories:
                    diagnostics.error(number, line.strip(), "a second title or a title after the categories; "
                                                            "use ## for a category and ### for a dataset")
                elif not words.strip():
                    diagnostics.error(number, line.strip(), "empty title")
                else:
                    document.title = clean_heading(words, number, diagnostics, marks)
                continue
            if len(marks) > 3:
                diagnostics.error(number, line.strip(), f"level-{len(marks)} heading; use ## for a category "
                                                        "and ### for a dataset")
                continue
            if not words.strip():
                diagnostics.error(number, line.strip(), "empty heading; name the "
                                  + ("category" if len(marks) == 2 else "dataset"))
                continue
            title = clean_heading(words, number, diagnostics, marks)
            if not title:
                diagnostics.error(number, line.strip(), "the heading has no name")
                continue
            paragraphs = _Paragraphs()
            if len(marks) == 2:
                category, entry = Category(" ".join(words.split()), title, number), None
                document.categories.append(category)
            else:
                entry = Entry(" ".join(words.split()), title, number)
                if category is None:
                    diagnostics.error(number, f"### {words.strip()}", "a dataset before any category; "
                                                                      "add a '## Category' heading above it")
                else:
                    category.entries.append(entry)
            continue
        bullet = BULLET.match(line)
        item = FIELD.match(bullet.group(1)) if bullet else None
        if entry is not None and (bullet or not last_field):
            if item:
                name = next(item.group(g) for g in ("n1", "n2", "n3") if item.group(g)).strip()
                raw = next(item.group(g) for g in ("v1", "v2", "v3") if item.group(g) is not None)
                raw = raw[1:] if raw.startswith(" ") else raw
                subject = f"{entry.title}: {name}"
                if raw != raw.rstrip():
                    diagnostics.warning(number, subject, "trailing space removed")
                if not raw.strip():
                    diagnostics.warning(number, subject, "empty value; field ignored")
                    last_field = None
                    continue
                last_field = FieldLine(name, raw.strip(), number)
                entry.fields.append(last_field)
                after_fields = False
            elif bullet:
                diagnostics.error(number, entry.title, "a list item that is not a field; "
                                                       "expected '- _Field_: value'")
            elif entry.fields or after_fields:
                diagnostics.error(number, entry.title, "text after the dataset's fields; put a description "
                                                       "right under the heading, before the fields")
            else:
                paragraphs.add(line.strip())
            continue
        if last_field is not None:                      # a field value continued on the next line
            last_field.value = f"{last_field.value} {line.strip()}"
            continue
        if category is not None and item:
            diagnostics.error(number, f"## {category.title}", "a field outside a dataset; add a "
                                                              "'### Dataset' heading above it")
            continue
        paragraphs.add(line.strip())
    finish_text()
    document.description = intro.text()
    for category in document.categories:
        if not category.entries:
            diagnostics.warning(category.line, f"## {category.heading}", "empty category: no datasets under it")
    if not document.entries and not diagnostics.has_errors:
        diagnostics.error(None, "file", f"no datasets; {FORMAT_HINT}")
    return document


# --- writing ------------------------------------------------------------------------------------

def _paragraph(text: str) -> str:
    """One paragraph on one line, escaped so that it cannot read as a heading or a list item."""
    words = " ".join(text.split())
    return "\\" + words if words[:1] in ESCAPABLE else words


def _paragraphs(text: str) -> list[str]:
    return [_paragraph(p) for p in re.split(r"\n\s*\n", text) if p.strip()]


def render_markdown(document: SourceList) -> str:
    """Write records in the list format; ``parse_markdown`` reads the result back to the same records."""
    out = []
    if document.title:
        out += [f"# {' '.join(document.title.split())}", ""]
    for paragraph in _paragraphs(document.description):
        out += [paragraph, ""]
    for category in document.categories:
        out += [f"## {' '.join(category.title.split())}", ""]
        for paragraph in _paragraphs(category.description):
            out += [paragraph, ""]
        for entry in category.entries:
            out.append(f"### {' '.join(entry.title.split())}")
            for paragraph in _paragraphs(entry.description):
                out += [paragraph, ""]
            out += [f"- _{f.name}_: {' '.join(f.value.split())}" for f in entry.fields]
            out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def default_description(title: str, category: str) -> str:
    """The description an imported dataset gets when the list gives none (the catalogue requires one)."""
    return f"{title}: a data source in the category {category}, imported from a Markdown source list."


def _text(graph: Graph, node, prop) -> str | None:
    values = sorted(graph.objects(node, prop), key=lambda o: (getattr(o, "language", None) not in ("en", None), str(o)))
    return " ".join(str(values[0]).split()) if values else None


def _catalogue_themes(graph: Graph) -> set:
    """The categories: concepts of the theme scheme, and themes in its namespace that datasets use."""
    themes = set(graph.subjects(SKOS.inScheme, SCHEMES["theme"]))
    themes |= {o for o in graph.objects(None, DCAT.theme) if isinstance(o, URIRef) and o.startswith(str(THEME))}
    return themes


def write_markdown(graph: Graph) -> str:
    """Write a catalogue graph as a Markdown source list: one category per theme of the catalogue's
    category scheme, one dataset per dcat:Dataset (title as heading, description, the list's fields)."""
    vocabulary = Vocabulary(graph, project_vocabulary().graphs[0])
    catalogues = sorted(set(graph.subjects(DCAT.dataset, None)))
    document = SourceList(title=_text(graph, catalogues[0], DCTERMS.title) if catalogues else None)
    if catalogues:
        document.description = _text(graph, catalogues[0], DCTERMS.description) or ""
    datasets = ({s for s in graph.subjects(RDF.type, DCAT.Dataset)}
                | {s for s in graph.subjects(RDF.type, DCAT.DatasetSeries)}
                | {o for c in catalogues for o in graph.objects(c, DCAT.dataset)})
    themes = _catalogue_themes(graph)
    categories: dict = {}
    for theme in themes:
        categories[theme] = Category("", vocabulary.label(theme), description=_text(graph, theme, SKOS.definition) or "")
    for dataset in datasets:
        own = sorted(t for t in graph.objects(dataset, DCAT.theme) if t in themes)
        if own:
            category = categories[own[0]]
        else:
            category = categories.setdefault(None, Category("", "Uncategorised"))
        category.entries.append(_entry(graph, dataset, category.title, vocabulary))
    for category in categories.values():
        category.entries.sort(key=lambda e: (e.title.casefold(), e.title))
    document.categories = sorted(categories.values(), key=lambda c: (c.title.casefold(), c.title))
    return render_markdown(document)


def export_markdown(paths=None) -> bytes:
    """``hckg export --format markdown``: a catalogue (default: data/) as a Markdown source list."""
    from hckg.graph import load_graph

    return write_markdown(load_graph(list(paths or []) or None)).encode("utf-8")


def _entry(graph: Graph, dataset, category: str, vocabulary: Vocabulary) -> Entry:
    title = _text(graph, dataset, DCTERMS.title) or str(dataset).rstrip("/").rsplit("/", 1)[-1]
    description = _text(graph, dataset, DCTERMS.description) or ""
    if description == default_description(title, category):
        description = ""
    entry = Entry(title, title, description=description)
    for f in FIELDS.values():
        value = f.read(graph, [dataset], vocabulary)
        if not f.is_empty(value):
            words = f.format(value, vocabulary)
            if words:
                entry.fields.append(FieldLine(f.name, words))
    known = {name.casefold() for name in FIELDS}
    unknown: dict[str, list[str]] = {}
    for pair in objects(graph, [dataset], SCHEMA.additionalProperty):
        name = _text(graph, pair, SCHEMA.name)
        if name and name.casefold() not in known:
            unknown.setdefault(name, []).extend(str(v) for v in graph.objects(pair, SCHEMA.value))
    for name in sorted(unknown, key=str.casefold):
        entry.fields.append(FieldLine(name, "; ".join(sorted(unknown[name]))))
    return entry
