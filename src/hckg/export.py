"""``hckg export``: choose datasets, map them onto a profile, serialise the result.

The catalogue graph (data/ + ontology/) is the single source; every rendition is computed from it.
Output is deterministic: the same catalogue gives the same bytes in every format.
"""

import difflib
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from hckg import jsonld, rdfxml
from hckg.atomic import write_atomic
from hckg.errors import UsageError
from hckg.formats import rdf_format
from hckg.graph import load_graph, rebase
from hckg.namespaces import DCAT, DEFAULT_BASE
from hckg.profiles import DEFAULT_NAMESPACE, DEFAULT_PROFILE, ProfileGraph, get_profile
from hckg.profiles.base import Profile


def dataset_id(iri: str) -> str:
    """The short name of a dataset: the last segment of its IRI (``…/dataset/chexpert`` → ``chexpert``)."""
    return iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def catalogue_datasets(graph: Graph) -> dict[str, URIRef]:
    """Every dataset and dataset series of the catalogue, by short name (by IRI where two share one), in IRI order."""
    found = set(graph.objects(None, DCAT.dataset))
    found.update(graph.subjects(RDF.type, DCAT.Dataset))
    found.update(graph.subjects(RDF.type, DCAT.DatasetSeries))
    iris = sorted(d for d in found if isinstance(d, URIRef))
    names = Counter(dataset_id(str(d)) for d in iris)
    return {dataset_id(str(d)) if names[dataset_id(str(d))] == 1 else str(d): d for d in iris}


def catalogues(graph: Graph) -> list[URIRef]:
    """The dcat:Catalog nodes of the graph, in IRI order."""
    return sorted(c for c in graph.subjects(RDF.type, DCAT.Catalog) if isinstance(c, URIRef))


def pick_datasets(graph: Graph, names: Iterable[str]) -> list[URIRef]:
    """Resolve short names or IRIs to dataset IRIs; an unknown one is a UsageError with suggestions."""
    known = catalogue_datasets(graph)
    by_iri = {str(iri): iri for iri in known.values()}
    picked = []
    for name in names:
        iri = known.get(name) or by_iri.get(name)
        if iri is None:
            close = difflib.get_close_matches(name, list(known), n=3)
            hint = f"did you mean {', '.join(close)}?" if close else "see `hckg export --help`"
            raise UsageError(f"--dataset: unknown dataset '{name}'; {hint}")
        if iri not in picked:
            picked.append(iri)
    return picked


def render(graph: Graph, profile: Profile, names: Iterable[str] = ()) -> ProfileGraph:
    """Map the named datasets (default: the whole catalogue, with the catalogue itself) onto ``profile``."""
    names = list(names)
    chosen = pick_datasets(graph, names) if names else list(catalogue_datasets(graph).values())
    selected = profile.select(graph, chosen)
    if names and len(selected) < len(chosen):
        skipped = ", ".join(dataset_id(str(d)) for d in chosen if d not in selected)
        raise UsageError(f"--dataset: the {profile.name} profile does not cover {skipped} ({profile.summary})")
    cats = [] if names else catalogues(graph)
    return profile.render(graph, selected, cats[0] if len(cats) == 1 else None)


def serialize(rendition: ProfileGraph, profile: Profile, fmt: str = "jsonld", context: str | None = None,
              health_namespace: str = DEFAULT_NAMESPACE) -> bytes:
    """Serialise a profile rendition; JSON-LD is framed, with the context embedded unless ``context`` cites one."""
    rdf = rdf_format(fmt)
    if rdf.name == "jsonld":
        document = jsonld.load_context(profile.context_name, health_namespace)
        return jsonld.document(rendition.graph, rendition.roots, document,
                               reference=context or profile.context_reference,
                               reference_only=profile.reference_only)
    if rdf.name == "rdfxml":
        return rdfxml.serialize(rendition.graph)
    if rdf.name in ("ntriples", "nquads"):   # triples of the default graph, one per line, sorted
        lines = rendition.graph.serialize(format="nt", encoding="utf-8").splitlines(keepends=True)
        return b"".join(sorted(line for line in lines if line.strip()))
    return rendition.graph.serialize(format=rdf.rdflib, encoding="utf-8")


def export(paths: Iterable[str] | None = None, *, profile: str = DEFAULT_PROFILE, fmt: str = "jsonld",
           datasets: Iterable[str] = (), context: str | None = None,
           health_namespace: str = DEFAULT_NAMESPACE, base: str = DEFAULT_BASE) -> bytes:
    """Load a catalogue (default: data/) and export it, or the named datasets, in one profile and format.

    ``base`` moves the catalogue's IRIs from https://w3id.org/hckg/ to where it is published.
    """
    chosen = get_profile(profile, health_namespace=health_namespace)
    rdf_format(fmt)   # a bad format fails before the catalogue is loaded
    graph = rebase(load_graph(list(paths) if paths else None), base)
    return serialize(render(graph, chosen, datasets), chosen, fmt, context, health_namespace)


def save(path: str | Path, content: bytes) -> None:
    """Write an export atomically (``-`` is stdout); an unwritable path is a UsageError."""
    try:
        write_atomic(path, content)
    except OSError as exc:
        raise UsageError(f"-o {path}: cannot write: {exc.strerror}; choose a writable file or - for stdout") from None
