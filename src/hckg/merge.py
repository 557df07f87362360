"""Merge an imported source list with a curated catalogue: curated facts win, every disagreement is reported.

A list dataset matches a catalogue dataset by the heading the catalogue records for it (``hckg:seedHeading``),
else by IRI (``ds:<slug>``), else by title. For a match, each field of the list is compared with what the
catalogue holds on the dataset (and, for a series or an abstract dataset, on its members and versions).
A disagreement is a warning that says whether the catalogue already records it as a correction of the list
(an ``hckg:SeedCorrection``, with its fact-check item) or not. What the catalogue does not state at all is
added. The result is the graph of additions only: load it together with the catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, SKOS

from hckg.diagnostics import Diagnostics
from hckg.fields import FIELDS, SCHEMES, Vocabulary, extras, normalise
from hckg.namespaces import AGENT, CATALOG, DCAT, HCKG

if TYPE_CHECKING:
    from hckg.importer import ImportedDataset, ImportedList


@dataclass
class MergeSummary:
    matched: int = 0          # list datasets found in the catalogue
    new: int = 0              # list datasets the catalogue lacks (added)
    known: int = 0            # disagreements the catalogue records as corrections of the list
    unknown: int = 0          # disagreements it does not record
    additions: int = 0        # fields added to catalogue datasets


@dataclass(frozen=True)
class Correction:
    iri: URIRef
    corrected: str
    note: str
    items: tuple[int, ...]

    def describe(self) -> str:
        items = ", ".join(str(i) for i in self.items)
        label = "items" if len(self.items) > 1 else "item"
        return f"known correction <{self.iri}> (fact-check {label} {items}): {self.note}"


def _words(text: str) -> str:
    return " ".join(str(text).split())


def _heading_key(text: str) -> str:
    return normalise(str(text).rstrip(":;, "))


class _Catalogue:
    """The curated catalogue, indexed for matching list datasets and finding its corrections."""

    def __init__(self, graph: Graph):
        self.graph = graph
        self.datasets = sorted({s for t in (DCAT.Dataset, DCAT.DatasetSeries) for s in graph.subjects(RDF.type, t)})
        catalogues = sorted(graph.subjects(RDF.type, DCAT.Catalog))
        self.catalogue = catalogues[0] if len(catalogues) == 1 else None
        self.agents = {}
        for agent in sorted(set(graph.subjects(FOAF.name, None))):
            for name in list(graph.objects(agent, FOAF.name)) + list(graph.objects(agent, SKOS.altLabel)):
                self.agents.setdefault(normalise(name), agent)

    def match(self, dataset: ImportedDataset) -> list[URIRef]:
        graph, heading, title = self.graph, dataset.entry.heading, dataset.entry.title
        tiers = (
            lambda d: any(str(h) == heading for h in graph.objects(d, HCKG.seedHeading)),
            lambda d: any(_heading_key(h) == _heading_key(title) for h in graph.objects(d, HCKG.seedHeading)),
            lambda d: d == dataset.iri,
            lambda d: any(normalise(t) == normalise(title) for t in graph.objects(d, DCTERMS.title)),
        )
        for test in tiers:
            found = [d for d in self.datasets if test(d)]
            if found:
                return found
        return []

    def facts(self, dataset: URIRef) -> list:
        """The dataset, its series members and its versions: where a list's facts about it may be."""
        members = sorted(self.graph.subjects(DCAT.inSeries, dataset))
        versions = sorted(set(self.graph.objects(dataset, DCAT.hasVersion)) | set(self.graph.objects(dataset, DCTERMS.hasVersion)))
        return [dataset, *members, *versions]

    def corrections(self, dataset: URIRef) -> dict[tuple[str, str], Correction]:
        """The catalogue's corrections of the list's entry for ``dataset``, by (field, list value)."""
        graph, found = self.graph, {}
        for node in graph.objects(dataset, HCKG.correction):
            field, value = graph.value(node, HCKG.seedField), graph.value(node, HCKG.seedValue)
            if field is None or value is None:
                continue
            found[(normalise(field), _words(value))] = Correction(
                node, _words(graph.value(node, HCKG.correctedValue) or ""),
                _words(graph.value(node, SKOS.editorialNote) or ""),
                tuple(sorted(int(i) for i in graph.objects(node, HCKG.factCheckItem) if str(i).isdigit())))
        return found

    def list_source(self, file_name: str) -> URIRef | None:
        """The catalogue's resource for this very list, recognised by its file name."""
        for source, citation in sorted(self.graph.subject_objects(DCTERMS.bibliographicCitation)):
            text = str(citation)
            if text == file_name or text.endswith("/" + file_name):
                return source
        return None


def _heading_agrees(title: str, catalogue_titles: list[str]) -> bool:
    """A heading agrees with a title it equals or abbreviates ('MIDRC' for 'MIDRC: Medical Imaging …')."""
    key = normalise(title)
    return any(normalise(t) == key or normalise(t).startswith(key + ":") or normalise(t).startswith(key + " (")
               for t in catalogue_titles)


def merge_with_catalogue(imported: ImportedList, curated: Graph, vocabulary: Vocabulary,
                         diagnostics: Diagnostics) -> tuple[Graph, MergeSummary]:
    """Compare the list with the catalogue, report disagreements, and return what the list adds."""
    catalogue = _Catalogue(curated)
    summary = MergeSummary()
    parts: list[Graph] = []
    remap: dict = {}
    matched: set = set()
    if catalogue.catalogue is not None:
        remap[CATALOG] = catalogue.catalogue
    for dataset in imported.datasets:
        found = catalogue.match(dataset)
        subject = f"### {dataset.entry.heading}"
        if len(found) > 1:
            diagnostics.warning(dataset.entry.line, subject, "matches several catalogue datasets ("
                                + ", ".join(f"<{d}>" for d in found) + "); not merged")
            continue
        if not found:
            summary.new += 1
            parts.extend(dataset.parts.values())
            diagnostics.info(dataset.entry.line, subject, f"new dataset <{dataset.iri}>; added")
            continue
        summary.matched += 1
        matched.add(found[0])
        remap[dataset.iri] = found[0]
        parts.extend(_compare(dataset, found[0], catalogue, vocabulary, imported.themes, diagnostics, summary))

    source = catalogue.list_source(imported.file_name)
    if source is not None:
        remap[imported.list_iri] = source
        for dataset in catalogue.datasets:
            if dataset not in matched:
                for heading in curated.objects(dataset, HCKG.seedHeading):
                    diagnostics.warning(None, f"<{dataset}>", f'the catalogue records the list heading "{heading}", '
                                                              "but the list has no such dataset")
    parts.append(_new_shared(imported, curated))
    delta = _assemble(parts, remap, catalogue, imported, curated)
    return delta, summary


def _compare(dataset: ImportedDataset, target: URIRef, catalogue: _Catalogue, vocabulary: Vocabulary,
             themes: dict, diagnostics: Diagnostics, summary: MergeSummary) -> list[Graph]:
    """Report where the list's entry disagrees with ``target``; return the parts the catalogue lacks."""
    graph, entry = catalogue.graph, dataset.entry
    nodes = catalogue.facts(target)
    corrections = catalogue.corrections(target)

    def disagree(line, subject, field, listed, held):
        known = corrections.get((normalise(field), _words(listed)))
        if known:
            summary.known += 1
            held, why = known.corrected or held, known.describe()
        else:
            summary.unknown += 1
            why = "not a known correction"
        diagnostics.warning(line, subject, f'the list says "{_words(listed)}", the catalogue <{target}> holds '
                                           f'"{held}"; {why}')

    titles = [str(t) for t in graph.objects(target, DCTERMS.title)]
    if not _heading_agrees(entry.title, titles):
        disagree(entry.line, f"### {entry.heading}", "Heading", entry.heading, "; ".join(sorted(titles)))
    theme = themes[dataset.category.title]
    held_themes = {t for n in nodes for t in graph.objects(n, DCAT.theme) if (t, SKOS.inScheme, SCHEMES["theme"]) in graph}
    if held_themes and theme not in held_themes:
        disagree(entry.line, f"### {entry.heading}", "Category", f"## {dataset.category.heading}",
                 ", ".join(sorted(vocabulary.label(t) for t in held_themes)))

    added = []
    for name, line in dataset.lines.items():
        subject = f"{entry.title}: {line.name}"
        spec = FIELDS.get(name)
        if spec is None:                                # an unknown field, kept as text
            held = extras(graph, nodes, name)
            if not held:
                summary.additions += 1
                added.append(dataset.parts[name])
                diagnostics.info(line.line, subject, f"the catalogue <{target}> states none; added")
            elif normalise(line.value) not in {normalise(h) for h in held}:
                disagree(line.line, subject, name, line.value, "; ".join(held))
            continue
        if name not in dataset.values:                  # the value could not be read (an error)
            continue
        listed = dataset.values[name]
        held = spec.read(graph, nodes, vocabulary)
        if spec.is_empty(held) and spec.is_empty(listed):
            continue
        if spec.is_empty(held) and not spec.is_empty(spec.accepted(graph, nodes, vocabulary)):
            held = spec.accepted(graph, nodes, vocabulary)
        if spec.is_empty(held) and (normalise(name), _words(line.value)) not in corrections:
            summary.additions += 1
            added.append(dataset.parts[name])
            diagnostics.info(line.line, subject, f"the catalogue <{target}> states none; added")
        elif not spec.agrees(listed, spec.accepted(graph, nodes, vocabulary)):
            disagree(line.line, subject, name, line.value, spec.format(held, vocabulary) or "nothing")
    return added


def _new_shared(imported: ImportedList, curated: Graph) -> Graph:
    """The shared triples the catalogue lacks: new categories, the list as a source, the category scheme."""
    scheme = SCHEMES["theme"]
    new_themes = {t for t in imported.themes.values() if (t, SKOS.inScheme, scheme) not in curated}
    new_scheme = (scheme, RDF.type, SKOS.ConceptScheme) not in curated
    keep = Graph()
    for s, p, o in imported.shared:
        if (s in new_themes or s == imported.list_iri
                or s == scheme and (new_scheme or p == SKOS.hasTopConcept and o in new_themes)):
            keep.add((s, p, o))
    return keep


def _assemble(parts: list[Graph], remap: dict, catalogue: _Catalogue, imported: ImportedList, curated: Graph) -> Graph:
    """Union the parts, move list IRIs onto the catalogue's (datasets, agents, the list), drop what it has."""
    union = Graph()
    for part in parts:
        union += part
    dropped = set()
    for agent in set(union.subjects(RDF.type, FOAF.Agent)):
        if str(agent).startswith(str(AGENT)):
            known = next((catalogue.agents[normalise(n)] for n in union.objects(agent, FOAF.name)
                          if normalise(n) in catalogue.agents), None)
            if known is not None:
                remap[agent] = known
                dropped.add(agent)
    if imported.list_iri in remap:
        dropped.add(imported.list_iri)
    delta = Graph()
    for prefix, namespace in imported.shared.namespaces():
        delta.bind(prefix, namespace)
    for s, p, o in union:
        if s in dropped:
            continue
        triple = (remap.get(s, s), p, remap.get(o, o))
        if triple not in curated:
            delta.add(triple)
    if (None, None, imported.list_iri) not in delta:
        delta.remove((imported.list_iri, None, None))
    return delta
