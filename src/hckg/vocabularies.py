"""Controlled vocabularies (EU NALs, ADMS, HealthDCAT-AP): what the extracts in ``vocabularies/`` say about a concept.

Profiles cite concepts such as ``…/data-theme/HEAL`` or ``…/access-right/RESTRICTED``; the DCAT-AP and
HealthDCAT-AP shapes want each to be a labelled ``skos:Concept`` in its scheme. The extract holding a
concept is found from its IRI, and each file is parsed at most once per process, only when needed.
"""

import re
from functools import lru_cache
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS

from hckg.resources import project_dir

# concept or scheme IRI -> file name, one rule per family of vocabularies
_FILE_RULES = (
    (re.compile(r"^http://publications\.europa\.eu/resource/authority/([a-z-]+)"), "{}.ttl"),
    (re.compile(r"^http://purl\.org/adms/([a-z]+)"), "adms-{}.ttl"),
    (re.compile(r"^https://hdeu-dcat\.data\.health\.europa\.eu/resource/authority/([a-z-]+)"), "hdeu-{}.ttl"),
)

# the statements a profile copies about a concept or a scheme
DESCRIBING = (RDF.type, SKOS.prefLabel, SKOS.inScheme, DCTERMS.title)


def vocabulary_file(iri: str) -> str | None:
    """The name of the extract that holds ``iri`` (a concept or its scheme), or None."""
    for pattern, template in _FILE_RULES:
        match = pattern.match(iri)
        if match:
            return template.format(match.group(1))
    return None


@lru_cache(maxsize=None)
def _parsed(path: Path) -> Graph:
    graph = Graph()
    graph.parse(path, format="turtle")
    return graph


class Vocabularies:
    """Look concepts up in a folder of vocabulary extracts (default: the project's ``vocabularies/``)."""

    def __init__(self, folder: str | Path | None = None):
        self.folder = Path(folder) if folder else project_dir("vocabularies")
        self._files: dict[str, Path | None] = {}   # extract name -> its file, if there is one

    def graph_for(self, iri: str) -> Graph | None:
        name = vocabulary_file(iri)
        if name is None:
            return None
        if name not in self._files:   # looked for once: a render asks for the same few extracts again and again
            path = self.folder / name
            self._files[name] = path.resolve() if path.is_file() else None
        path = self._files[name]
        return _parsed(path) if path is not None else None

    def describe(self, iri: URIRef) -> list[tuple]:
        """Type, English label, scheme and title of ``iri`` as its extract states them (empty if unknown)."""
        graph = self.graph_for(str(iri))
        if graph is None:
            return []
        return [(iri, p, o) for p in DESCRIBING for o in graph.objects(iri, p)]

    def label(self, iri: URIRef) -> str | None:
        """The English label of ``iri``, or None."""
        graph = self.graph_for(str(iri))
        if graph is None:
            return None
        labels = sorted(str(o) for o in graph.objects(iri, SKOS.prefLabel))
        return labels[0] if labels else None
