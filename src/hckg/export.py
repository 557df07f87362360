"""``hckg export``: choose datasets, map them onto a profile, serialise the result.

The catalogue graph (data/ + ontology/) is the single source; every rendition is computed from it.
Output is deterministic: the same catalogue gives the same bytes in every format. ``write_export`` (the
command) reads JSON-LD exports from the catalogue's store instead, streamed in batches for big catalogues
(``hckg.export_stream``), with the same bytes.
"""

import difflib
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from hckg import jsonld, rdfxml
from hckg.atomic import atomic_output, write_atomic
from hckg.errors import UsageError
from hckg.export_stream import BATCH_DATASETS, stream_jsonld
from hckg.formats import rdf_format
from hckg.graph import catalogue_files, load_graph, rebase
from hckg.namespaces import DCAT, DEFAULT_BASE
from hckg.profiles import DEFAULT_NAMESPACE, DEFAULT_PROFILE, ProfileGraph, get_profile
from hckg.profiles.base import Profile
from hckg.progress import NO_PROGRESS, Progress
from hckg.fork_pool import usable_cpus
from hckg.quad_index import open_index
from hckg.store import STORES, CatalogueStore, available_memory, fits_in_memory, open_store, resident_memory
from hckg.store_source import StoreSource


def dataset_id(iri: str) -> str:
    """The short name of a dataset: the last segment of its IRI (``…/dataset/chexpert`` → ``chexpert``)."""
    return iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def catalogue_datasets(graph: Graph) -> dict[str, URIRef]:
    """Every dataset and dataset series of the catalogue, by short name (by IRI where two share one), in IRI order."""
    found = set(graph.objects(None, DCAT.dataset))
    found.update(graph.subjects(RDF.type, DCAT.Dataset))
    found.update(graph.subjects(RDF.type, DCAT.DatasetSeries))
    return named_datasets(d for d in found if isinstance(d, URIRef))


def named_datasets(iris: Iterable[URIRef]) -> dict[str, URIRef]:
    """Dataset IRIs by short name (by IRI where two share one), in IRI order."""
    named = sorted((str(d), d) for d in iris)   # IRI order, as URIRef's own, without a Python call per comparison
    ids = [dataset_id(text) for text, _d in named]
    names = Counter(ids)
    return {name if names[name] == 1 else text: d for name, (text, d) in zip(ids, named)}


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


def plan(graph: Graph, profile: Profile, names: Iterable[str] = ()) -> tuple[list[URIRef], URIRef | None]:
    """The datasets to map onto ``profile`` (default: the whole catalogue) and the catalogue to map with them."""
    names = list(names)
    chosen = pick_datasets(graph, names) if names else list(catalogue_datasets(graph).values())
    selected = profile.select(graph, chosen)
    if names and len(selected) < len(chosen):
        skipped = ", ".join(dataset_id(str(d)) for d in chosen if d not in selected)
        raise UsageError(f"--dataset: the {profile.name} profile does not cover {skipped} ({profile.summary})")
    cats = [] if names else catalogues(graph)
    return selected, cats[0] if len(cats) == 1 else None


def render(graph: Graph, profile: Profile, names: Iterable[str] = ()) -> ProfileGraph:
    """Map the named datasets (default: the whole catalogue, with the catalogue itself) onto ``profile``."""
    return profile.render(graph, *plan(graph, profile, names))


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


def write_export(output: str | Path, paths: Iterable[str] | None = None, *, profile: str = DEFAULT_PROFILE,
                 fmt: str = "jsonld", datasets: Iterable[str] = (), context: str | None = None,
                 health_namespace: str = DEFAULT_NAMESPACE, base: str = DEFAULT_BASE, store: str = "auto",
                 batch_size: int = BATCH_DATASETS, workers: int = 0, progress: Progress = NO_PROGRESS) -> str | None:
    """Export to ``output`` (``-`` is stdout), atomically, as ``export`` would.

    JSON-LD at the default base is read from the catalogue's store (``store``: memory, disk or auto, see
    ``open_catalogue``) and, for the whole catalogue, streamed in batches (``hckg.export_stream``) rendered by
    ``workers`` processes (0: one per usable CPU, fewer for an in-memory store where memory is short, see
    ``affordable_workers``); the other formats and a moved ``base`` go through the rdflib graph. Returns
    why a streamed export was framed whole instead, if it was.
    """
    chosen = get_profile(profile, health_namespace=health_namespace)
    if rdf_format(fmt).name != "jsonld" or base != DEFAULT_BASE:
        save(output, export(paths, profile=profile, fmt=fmt, datasets=datasets, context=context,
                            health_namespace=health_namespace, base=base))
        return None
    catalogue = open_catalogue(list(paths) if paths else None, store, progress)
    source = StoreSource(catalogue)
    selected, catalog = plan(source, chosen, datasets)
    if workers == 0 and catalogue.location is None:
        workers = affordable_workers()
    document = jsonld.load_context(chosen.context_name, health_namespace)
    try:
        with atomic_output(output) as handle:
            return stream_jsonld(handle, source, chosen, selected, catalog, document,
                                 context or chosen.context_reference, batch_size=batch_size, workers=workers,
                                 progress=progress)
    except OSError as exc:
        raise UsageError(f"-o {output}: cannot write: {exc.strerror}; choose a writable file or - for stdout") from None


def open_catalogue(paths: list | None, where: str, progress: Progress) -> CatalogueStore:
    """What a JSON-LD export reads: the files parsed into memory (``hckg.quad_index``: the export asks for
    nothing a store's SPARQL would answer, and it loads in less than half a store's time), or the cached
    on-disk store; ``auto``: memory when the catalogue fits (``open_store``'s rule)."""
    if where not in STORES:
        raise UsageError(f"unknown store '{where}'; use one of {', '.join(STORES)}")
    if where == "memory" or (where == "auto" and fits_in_memory(catalogue_files(paths))):
        return open_index(paths, progress=progress)
    return open_store(paths, where="disk", progress=progress)


def affordable_workers() -> int:
    """Workers for an export from memory: one per usable CPU while memory lasts. Each worker comes to hold
    its own copy of the pages it reads (reading a Python object writes its reference count), so each may
    need as much memory as this process holds now."""
    return max(1, min(usable_cpus(), available_memory() // max(resident_memory(), 1)))


def save(path: str | Path, content: bytes) -> None:
    """Write an export atomically (``-`` is stdout); an unwritable path is a UsageError."""
    try:
        write_atomic(path, content)
    except OSError as exc:
        raise UsageError(f"-o {path}: cannot write: {exc.strerror}; choose a writable file or - for stdout") from None
