"""Import a Markdown source list: its records become catalogue triples, its problems line-numbered findings.

Each category becomes a theme of the category scheme, each dataset heading a ``dcat:Dataset`` at
``<base>dataset/<slug of the heading>``, each field the triples ``hckg.fields`` defines. The triples are
kept in parts (the dataset's core, then one part per field) so that a merge can take only the fields the
curated catalogue lacks.
"""

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV, RDF, SKOS, XSD

from hckg.diagnostics import Diagnostics
from hckg.errors import UsageError
from hckg.fields import (FIELDS, HEALTH_CATEGORY, SCHEMES, Emit, FieldError, Vocabulary, emit_extras, field_named, iri_slug, normalise, project_vocabulary, slugify)
from hckg.graph import load_graph, rebase
from hckg.merge import MergeSummary, merge_with_catalogue
from hckg.markdown import Category, Entry, FieldLine, SourceList, default_description, parse_markdown, read_source
from hckg.namespaces import (CATALOG, DCAT, DEFAULT_BASE, DS, EU_THEME, HCKG, HEALTHDCATAP, RECORD, SOURCE, THEME,
                             bind_prefixes)

PREFIXES = {name: DEFAULT_BASE + path for name, path in (
    ("ds", "dataset/"), ("dist", "distribution/"), ("agent", "agent/"), ("labels", "labels/"), ("theme", "theme/"),
    ("src", "source/"), ("rec", "record/"), ("unit", "unit/"), ("req", "requirement/"), ("cont", "content/"), ("kind", "source-kind/"),
)} | {"eutheme": str(EU_THEME), "access": "http://publications.europa.eu/resource/authority/access-right/"}


@dataclass
class ImportedDataset:
    entry: Entry
    category: Category
    iri: URIRef
    values: dict[str, object] = field(default_factory=dict)       # field name -> parsed value
    lines: dict[str, FieldLine] = field(default_factory=dict)     # field name -> its line
    parts: dict[str, Graph] = field(default_factory=dict)         # "core", field names, unknown field names


@dataclass
class ImportedList:
    """A source list read into triples: per-dataset parts plus what they share."""

    datasets: list[ImportedDataset]
    themes: dict[str, URIRef]          # category title -> theme
    shared: Graph                      # the catalogue's title, the themes, the list as a source
    list_iri: URIRef
    file_name: str

    @property
    def graph(self) -> Graph:
        graph = new_graph()
        graph += self.shared
        for dataset in self.datasets:
            for part in dataset.parts.values():
                graph += part
        return graph


@dataclass
class ImportReport:
    """What ``import_markdown`` returns: the graph to write and the findings to print."""

    graph: Graph
    diagnostics: Diagnostics
    datasets: int
    categories: int
    merge: MergeSummary | None = None  # when merged with a catalogue

    @property
    def ok(self) -> bool:
        return not self.diagnostics.has_errors

    def summary(self) -> str:
        """One closing line: what was imported, the findings by severity and, merged, the comparison."""
        def number(n, noun):
            return f"{n} {noun}{'' if n == 1 else 's'}"

        counts = ", ".join(number(self.diagnostics.count(name), name.lower()) for name in ("Error", "Warning", "Info"))
        head = (f"Imported {number(self.datasets, 'dataset')} in {self.categories} categories" if self.ok
                else "Not imported, nothing written")
        text = f"{head}: {counts}"
        if self.merge is not None and self.ok:
            m = self.merge
            text += (f"; merged: {m.matched} matched, {m.new} new, {number(m.known + m.unknown, 'disagreement')} "
                     f"({m.known} known, {m.unknown} not known), {number(m.additions, 'field')} added")
        return text


def new_graph() -> Graph:
    graph = bind_prefixes(Graph())
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    return graph


def import_list(document: SourceList, vocabulary: Vocabulary, diagnostics: Diagnostics,
                file_name: str, today: date) -> ImportedList:
    """Turn parsed records into triples, reporting what the records get wrong. Each dataset gets a
    catalogue record dated ``today`` that names the list as its source."""
    list_iri = SOURCE[slugify(Path(file_name).stem) or "list"]
    shared = new_graph()
    shared.add((list_iri, RDF.type, DCTERMS.BibliographicResource))
    shared.add((list_iri, DCTERMS.title, Literal(document.title or file_name, lang="en")))
    shared.add((list_iri, DCTERMS.bibliographicCitation, Literal(file_name, lang="en")))
    if document.title:
        shared.add((CATALOG, DCTERMS.title, Literal(document.title, lang="en")))
    if document.description:
        shared.add((CATALOG, DCTERMS.description, Literal(document.description, lang="en")))
    themes = {category.title: _theme(category, vocabulary, diagnostics, shared) for category in document.categories}

    datasets: list[ImportedDataset] = []
    by_slug: dict[str, ImportedDataset] = {}
    access_urls: dict[str, ImportedDataset] = {}
    for category in document.categories:
        for entry in category.entries:
            slug = iri_slug(entry.title)
            earlier = by_slug.get(slug)
            if earlier is not None:
                _duplicate(entry, earlier.entry, diagnostics)
                continue
            dataset = _dataset(entry, category, slug, themes[category.title], vocabulary, diagnostics, list_iri, today)
            by_slug[slug] = dataset
            datasets.append(dataset)
            for url in dataset.values.get("Access", ()):
                other = access_urls.setdefault(url.rstrip("/"), dataset)
                if other is not dataset:
                    diagnostics.warning(dataset.lines["Access"].line, f"{entry.title}: Access",
                                        f"same access URL as {other.entry.title} (line {other.lines['Access'].line}): {url}")
    return ImportedList(datasets, themes, shared, list_iri, file_name)


def _theme(category: Category, vocabulary: Vocabulary, diagnostics: Diagnostics, shared: Graph) -> URIRef:
    """The theme a category names: a known one (typos reported), else a new one minted from its name."""
    scheme = SCHEMES["theme"]
    match = vocabulary.lookup("theme", category.title)
    if match is not None and match.typo:
        diagnostics.warning(category.line, f"## {category.heading}", match.typo)
    theme = match.concept if match else THEME[iri_slug(category.title)]
    label = vocabulary.label(theme) if match else category.title
    shared.add((theme, RDF.type, SKOS.Concept))
    shared.add((theme, SKOS.inScheme, scheme))
    shared.add((theme, SKOS.topConceptOf, scheme))
    shared.add((theme, SKOS.prefLabel, Literal(label, lang="en")))
    shared.add((scheme, SKOS.hasTopConcept, theme))
    if category.description:
        shared.add((theme, SKOS.definition, Literal(category.description, lang="en")))
    title = Literal(vocabulary.scheme_title("theme") or "Categories", lang="en")
    shared.add((scheme, RDF.type, SKOS.ConceptScheme))
    shared.add((scheme, DCTERMS.title, title))
    shared.add((scheme, SKOS.prefLabel, title))
    return theme


def _duplicate(entry: Entry, earlier: Entry, diagnostics: Diagnostics) -> None:
    same = ([(f.name, f.value) for f in entry.fields] == [(f.name, f.value) for f in earlier.fields]
            and entry.description == earlier.description)
    subject = f"### {entry.heading}"
    if same:
        diagnostics.warning(entry.line, subject, f"duplicate of the dataset on line {earlier.line}; ignored")
    else:
        diagnostics.error(entry.line, subject, f'same name as the dataset "{earlier.heading}" on line '
                                               f"{earlier.line} but different fields; rename or merge them")


def _dataset(entry: Entry, category: Category, slug: str, theme: URIRef, vocabulary: Vocabulary,
             diagnostics: Diagnostics, list_iri: URIRef, today: date) -> ImportedDataset:
    iri = DS[slug]
    dataset = ImportedDataset(entry, category, iri)
    core = Graph()
    core.add((iri, RDF.type, DCAT.Dataset))
    core.add((iri, DCTERMS.title, Literal(entry.title, lang="en")))
    description = entry.description or default_description(entry.title, vocabulary.label(theme))
    core.add((iri, DCTERMS.description, Literal(description, lang="en")))
    core.add((iri, HCKG.seedHeading, Literal(entry.heading)))
    core.add((iri, DCAT.theme, theme))
    core.add((iri, DCAT.theme, EU_THEME.HEAL))
    for match in vocabulary.close_matches(theme):
        if match.startswith(HEALTH_CATEGORY):
            core.add((iri, HEALTHDCATAP.healthCategory, match))
    core.add((CATALOG, DCAT.dataset, iri))
    record = RECORD[slug]
    core.add((CATALOG, DCAT.record, record))
    core.add((record, RDF.type, DCAT.CatalogRecord))
    core.add((record, FOAF.primaryTopic, iri))
    for prop in (DCTERMS.issued, DCTERMS.modified):
        core.add((record, prop, Literal(today.isoformat(), datatype=XSD.date)))
    core.add((record, PROV.wasDerivedFrom, list_iri))
    dataset.parts["core"] = core

    at = Emit(iri, slug, entry.title, list_iri, vocabulary)
    for line in entry.fields:
        subject = f"{entry.title}: {line.name}"
        spec, misspelt = field_named(line.name)
        name = spec.name if spec else next((n for n in dataset.lines if normalise(n) == normalise(line.name)), line.name)
        if misspelt:
            diagnostics.warning(line.line, subject, f'field name read as "{spec.name}"')
        earlier = dataset.lines.get(name)
        if earlier is not None:
            if earlier.value == line.value:
                diagnostics.warning(line.line, subject, f"given twice (also on line {earlier.line}); ignored")
            else:
                diagnostics.error(line.line, subject, f"given twice with different values (first on line "
                                                      f"{earlier.line}); keep one")
            continue
        dataset.lines[name] = line
        if spec is None:
            diagnostics.warning(line.line, subject, "unknown field kept as text (schema:additionalProperty); "
                                                    "known fields: " + ", ".join(FIELDS))
            part = Graph()
            emit_extras(part, iri, slug, line.name, [line.value])
            dataset.parts[name] = part
            continue

        def warn(message, line=line, subject=subject):
            diagnostics.warning(line.line, subject, message)

        try:
            value = spec.parse(line.value, vocabulary, warn)
        except FieldError as exc:
            diagnostics.error(line.line, subject, str(exc))
            continue
        dataset.values[name] = value
        dataset.parts[name] = spec.emit(value, at)
    for needed, why in (("Owner", "the catalogue needs a publisher"),
                        ("Access", "the catalogue needs a way to the data")):
        if needed not in dataset.lines:
            diagnostics.warning(entry.line, f"### {entry.heading}", f"no {needed} field; {why}")
    return dataset


def import_markdown(path: str | Path, *, base: str | None = None, merge: list | None = None,
                    today: date | None = None) -> ImportReport:
    """Import a Markdown source list (``merge``: against a curated catalogue, whose facts win).
    ``today`` dates the catalogue records of the imported datasets (default: the current date)."""
    if base is not None and not (base.startswith(("http://", "https://")) and base.endswith(("/", "#"))):
        raise UsageError(f"--base '{base}' is not a base IRI; use an http(s) IRI ending in / or #")
    text = read_source(path)
    diagnostics = Diagnostics(str(path))
    document = parse_markdown(text, diagnostics)
    curated = load_graph(merge) if merge else None
    vocabulary = Vocabulary(curated) if curated is not None else project_vocabulary()
    imported = import_list(document, vocabulary, diagnostics, Path(path).name, today or date.today())
    summary = None
    if curated is not None:
        graph, summary = merge_with_catalogue(imported, curated, vocabulary, diagnostics)
    else:
        graph = imported.graph
    if base:
        graph = rebase(graph, base)
    return ImportReport(graph, diagnostics, len(imported.datasets), len(document.categories), summary)
