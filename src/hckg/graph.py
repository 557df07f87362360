"""Loading the catalogue: RDF files and folders into one rdflib graph, with clear errors."""

from collections.abc import Iterable
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.plugins.parsers.notation3 import BadSyntax

from hckg.errors import InputError
from hckg.namespaces import DEFAULT_BASE, HCKG, bind_prefixes
from hckg.resources import project_dir

# file suffix -> rdflib parser name
RDF_SUFFIXES = {
    ".ttl": "turtle",
    ".nt": "nt",
    ".nq": "nquads",
    ".jsonld": "json-ld",
    ".rdf": "xml",
    ".owl": "xml",
}


def rdf_files(paths: Iterable[str | Path]) -> list[Path]:
    """Expand files and folders (recursively) into the sorted list of RDF files they hold."""
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.suffix in RDF_SUFFIXES and p.is_file())
            if not found:
                raise InputError(f"{path}: folder holds no RDF files ({', '.join(RDF_SUFFIXES)})")
            files.extend(found)
        elif path.is_file():
            if path.suffix not in RDF_SUFFIXES:
                raise InputError(
                    f"{path}: unknown RDF file type '{path.suffix}'; use one of {', '.join(RDF_SUFFIXES)}"
                )
            files.append(path)
        else:
            raise InputError(f"{path}: no such file or folder")
    return files


def parse_file(graph: Graph, path: Path) -> None:
    """Parse one RDF file into ``graph``; a syntax error becomes an InputError naming file and line."""
    fmt = RDF_SUFFIXES[path.suffix]
    try:
        data = path.read_bytes()
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text (byte {exc.start}); save it as UTF-8") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None
    try:
        graph.parse(data=data, format=fmt, publicID=path.resolve().as_uri())
    except BadSyntax as exc:
        raise InputError(f"{path}:{exc.lines + 1}: Turtle syntax error: {exc._why}") from None
    except Exception as exc:  # rdflib raises many types for other formats; all mean bad input
        message = " ".join(str(exc).split()) or type(exc).__name__
        raise InputError(f"{path}: cannot parse as {fmt}: {message}") from None


def catalogue_files(paths: Iterable[str | Path] | None = None, *, ontology: bool = True) -> list[Path]:
    """The RDF files of a catalogue (default: ``data/``), plus the ontology's, in loading order."""
    sources = list(paths) if paths else [project_dir("data")]
    if ontology:
        sources.append(project_dir("ontology"))
    return rdf_files(sources)


def load_graph(paths: Iterable[str | Path] | None = None, *, ontology: bool = True) -> Graph:
    """Load RDF files or folders (default: the catalogue in ``data/``), plus the ontology."""
    graph = bind_prefixes(Graph())
    for path in catalogue_files(paths, ontology=ontology):
        parse_file(graph, path)
    return graph


def rebase(graph: Graph, base: str) -> Graph:
    """Return a copy of ``graph`` with the catalogue's IRIs (datasets, agents, concepts …) moved under ``base``.

    The ontology's terms (``…/ontology#``) keep their IRIs: they name the vocabulary, not the data.
    """
    if base == DEFAULT_BASE:
        return graph

    def move(term):
        if isinstance(term, URIRef) and term.startswith(DEFAULT_BASE) and not term.startswith(HCKG):
            return URIRef(base + term[len(DEFAULT_BASE):])
        return term

    moved = bind_prefixes(Graph())
    for s, p, o in graph:
        moved.add((move(s), move(p), move(o)))
    return moved
