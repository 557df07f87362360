"""SHACL validation of a catalogue, as a report of one-line results.

Two engines give the same results: ``fast`` (the default) runs the compiled shapes (``hckg.fastshacl``):
in memory, most checks in Python on the parsed triples and the rest in SPARQL on a small store; on the
on-disk store, all in SPARQL. ``pyshacl`` runs pySHACL, the reference, on an rdflib graph.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

from pyshacl import validate as shacl_validate
from rdflib import Graph, Literal, Node
from rdflib.namespace import RDF, SH

from hckg.errors import UsageError
from hckg.graph import load_graph, rdf_files, parse_file
from hckg.namespaces import bind_prefixes
from hckg.progress import NO_PROGRESS, Progress
from hckg.resources import project_dir

ENGINES = ("fast", "pyshacl")

SEVERITIES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}


@dataclass(frozen=True, order=True)
class Result:
    """One SHACL result, in the order reports list them."""

    severity: str
    focus: str
    path: str
    message: str
    value: str
    constraint: str


@dataclass
class Report:
    """The outcome of validating a catalogue: results, the sh:ValidationReport graph, and notes on
    how it was made (shapes the fast engine left to pySHACL, or could not check)."""

    results: list[Result]
    graph: Graph
    notes: list[str] = field(default_factory=list)

    @property
    def conforms(self) -> bool:
        return not any(r.severity == "Violation" for r in self.results)

    def counts(self) -> dict[str, int]:
        counts = {name: 0 for name in SEVERITIES.values()}
        for result in self.results:
            counts[result.severity] += 1
        return counts

    def to_text(self) -> str:
        """One line per result, ``[Severity] <focus> path — message``, then a summary line."""
        lines = [f"[{r.severity}] {r.focus} {r.path} — {r.message}" for r in self.results]
        counts = self.counts()
        summary = ", ".join(f"{n} {name.lower()}{'s' if n != 1 else ''}" for name, n in counts.items())
        lines.append(f"{'Conforms' if self.conforms else 'Does not conform'}: {summary}")
        return "\n".join(lines) + "\n"

    def to_json(self) -> str:
        payload = {
            "conforms": self.conforms,
            "counts": self.counts(),
            "results": [r.__dict__ for r in self.results],
        }
        return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"

    def to_turtle(self) -> str:
        return self.graph.serialize(format="turtle")


def load_shapes(shapes: str | Path | None = None) -> Graph:
    """Load a shapes folder or file (default: the project's ``shapes/``)."""
    graph = bind_prefixes(Graph())
    for path in rdf_files([shapes or project_dir("shapes")]):
        parse_file(graph, path)
    return graph


def _show(term: Node | None, graph: Graph) -> str:
    """A term as a reader wants it: IRIs in angle brackets, paths as prefixed names."""
    if term is None:
        return ""
    if isinstance(term, Literal):
        return str(term)
    return term.n3(graph.namespace_manager)


def _path_text(report: Graph, node: Node | None, names: Graph) -> str:
    """Render a result path: a predicate, an inverse, alternative or sequence path."""
    if node is None:
        return "(node)"
    inverse = report.value(node, SH.inversePath)
    if inverse is not None:
        return "^" + _show(inverse, names)
    alternatives = report.value(node, SH.alternativePath)
    if alternatives is not None:
        return "|".join(_show(item, names) for item in report.items(alternatives))
    if (node, RDF.first, None) in report:
        return "/".join(_show(item, names) for item in report.items(node))
    return _show(node, names)


def read_results(report: Graph, names: Graph) -> list[Result]:
    """Read the top-level ``sh:result`` nodes of a pySHACL report into sorted Results.

    Nested results (``sh:detail``) explain a top-level one and are not listed on their own.
    """
    results = []
    for node in report.objects(None, SH.result):
        severity = SEVERITIES.get(report.value(node, SH.resultSeverity), "Violation")
        focus = report.value(node, SH.focusNode)
        results.append(Result(
            severity=severity,
            focus=focus.n3() if focus is not None else "",
            path=_path_text(report, report.value(node, SH.resultPath), names),
            message=str(report.value(node, SH.resultMessage) or ""),
            value=_show(report.value(node, SH.value), names),
            constraint=_show(report.value(node, SH.sourceConstraintComponent), names),
        ))
    order = {"Violation": 0, "Warning": 1, "Info": 2}
    return sorted(results, key=lambda r: (order[r.severity], r.focus, r.path, r.message, r.value))


def validate_graph(data: Graph, shapes: Graph) -> Report:
    """Validate ``data`` against ``shapes`` (no inference: the ontology is in ``data``)."""
    _conforms, report, _text = shacl_validate(
        data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True
    )
    result = Report(results=read_results(report, data), graph=report)
    # pySHACL's sh:conforms does not always match its own results (seen with sh:or shapes):
    # state the verdict the results give.
    for node in report.subjects(RDF.type, SH.ValidationReport):
        report.set((node, SH.conforms, Literal(result.conforms)))
    return result


def validate(paths=None, shapes=None, *, engine: str = "fast", store: str = "auto",
             progress: Progress = NO_PROGRESS) -> Report:
    """Validate the catalogue (default ``data/``) with the ontology against ``shapes/``.

    ``engine="fast"`` runs the compiled shapes: in memory (``store="memory"``, or ``"auto"`` when the
    catalogue fits) on the parsed triples, with a small SPARQL store for the checks that need SPARQL
    (``validate_index``); on the cached on-disk store (``store="disk"``: see ``hckg.store.open_store``)
    entirely in SPARQL. ``engine="pyshacl"`` loads the catalogue into rdflib and runs pySHACL.
    """
    if engine not in ENGINES:
        raise UsageError(f"unknown validation engine '{engine}'; use one of {', '.join(ENGINES)}")
    shapes_graph = load_shapes(shapes)
    if engine == "pyshacl":
        return validate_graph(load_graph(paths), shapes_graph)
    from hckg.graph import catalogue_files
    from hckg.store import STORES, fits_in_memory, open_store

    if store not in STORES:
        raise UsageError(f"unknown store '{store}'; use one of {', '.join(STORES)}")
    if store == "memory" or (store == "auto" and fits_in_memory(catalogue_files(paths))):
        return validate_index(paths, shapes_graph, progress=progress)
    return validate_store(open_store(paths, where="disk", progress=progress), shapes_graph, progress=progress)


def validate_index(paths, shapes: Graph, *, progress: Progress = NO_PROGRESS) -> Report:
    """Validate the catalogue read once into a ``hckg.fastshacl.value_index.ValueIndex``, which answers most
    compiled checks (``hckg.fastshacl.native``); the others run on a store of what they see, made from the index
    in a process of their own (``hckg.fastshacl.runner.IndexSource``)."""
    from hckg.fastshacl.native import Reading
    from hckg.fastshacl.runner import IndexSource, run
    from hckg.fastshacl.value_index import read_catalogue
    from hckg.store import prefix_names

    reading = Reading.of(shapes)
    index, meta = read_catalogue(paths, reading.values, reading.inverse, progress=progress)
    files = [Path(name) for name in meta["files"]]
    return run(IndexSource(index, reading.store, reading.store_classes), shapes, prefix_names(meta),
               pyshacl_data=lambda: load_graph(files, ontology=False), native_index=index, progress=progress)


def validate_store(store, shapes: Graph, *, progress: Progress = NO_PROGRESS) -> Report:
    """Validate a ``hckg.store.CatalogueStore`` with the compiled shapes (pySHACL for the rest)."""
    from hckg.fastshacl.runner import StoreSource, run

    return run(StoreSource(store), shapes, store.names, pyshacl_data=store.rdflib_graph, progress=progress)


def validate_endpoint(url: str, shapes=None, *, graph: str | None = None,
                      progress: Progress = NO_PROGRESS) -> Report:
    """Validate the catalogue published at a SPARQL endpoint (in named graph ``graph``, if given)."""
    from hckg.fastshacl.runner import EndpointSource, run

    return run(EndpointSource(url, graph), load_shapes(shapes), bind_prefixes(Graph()), progress=progress)
