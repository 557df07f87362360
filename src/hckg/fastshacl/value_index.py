"""The triples validation reads, as the parser gave them, in Python dictionaries keyed the way checks ask.

A check asks for the values of one predicate at one node (``sh:path``) and, for ``rdf:type`` and inverse
paths, the nodes with a given value; ``ValueIndex`` holds exactly that: per predicate, the objects of each
subject and (for the predicates asked) the subjects of each object. A focus node's values for a property
shape are then one dictionary look-up, where a store of all quads by subject would make each check
regroup the node's triples by predicate (13 µs a node at 10k datasets: most of the validation).

``read_catalogue`` fills it and a small pyoxigraph store (for the checks that run in SPARQL) from one parse.
Nodes are held as Python strings, whose hashes Python keeps (a pyoxigraph term rehashes its text on every
look-up, which made set and dictionary tests most of the work): an IRI as itself, a blank node as ``_:`` and
its id (no IRI starts so: an IRI starts with a scheme, a letter). Literals are the parser's ``Literal``s, as
the source wrote them. The cyclic garbage collector is off while it is built
and the index is frozen out of its reach afterwards (``gc.freeze``), as in ``hckg.quad_index``.
"""

import gc
from collections.abc import Callable, Iterable

import pyoxigraph as ox

from hckg.graph import catalogue_files
from hckg.progress import NO_PROGRESS, Progress
from hckg.store import CatalogueStore, catalogue_store, read_files


_NAMED, _BLANK = ox.NamedNode, ox.BlankNode


class ValueIndex:
    """Objects by (predicate, subject) for ``predicates`` (IRIs; None: all), subjects by (predicate, object)
    for ``inverse``; a triple the files state twice is held twice, and ``values_of``/``subjects_of`` give
    each once. Nodes are held as the module docstring says."""

    def __init__(self, predicates: Iterable[str] | None, inverse: Iterable[str]):
        self.objects: dict = {} if predicates is None else {p: {} for p in predicates}
        self.subjects: dict = {p: {} for p in inverse}
        self.every = predicates is None

    def adder(self) -> Callable[[ox.Quad], None]:
        """A function that adds one quad (runs once per triple read, so it does as little as it can)."""
        objects, subjects, every, named, blank = self.objects, self.subjects, self.every, _NAMED, _BLANK

        def add(quad: ox.Quad) -> None:
            predicate = quad.predicate.value
            by_subject = objects.get(predicate)
            if by_subject is None:
                if not every:
                    return
                by_subject = objects[predicate] = {}
            subject, obj = quad.subject, quad.object
            subject = subject.value if type(subject) is named else "_:" + subject.value
            kind = type(obj)
            if kind is named:
                obj = obj.value
            elif kind is blank:
                obj = "_:" + obj.value
            found = by_subject.get(subject)
            if found is None:
                by_subject[subject] = [obj]
            else:
                found.append(obj)
            by_object = subjects.get(predicate)
            if by_object is not None:
                found = by_object.get(obj)
                if found is None:
                    by_object[obj] = [subject]
                else:
                    found.append(subject)
        return add

    def values_of(self, predicate: str) -> Callable:
        """A function giving the distinct objects of ``predicate`` at a node."""
        return _distinct(self.objects.get(predicate, {}))

    def subjects_of(self, predicate: str) -> Callable:
        """A function giving the distinct subjects with ``predicate`` to a node (``predicate`` in ``inverse``)."""
        return _distinct(self.subjects[predicate])


def distinct(values):
    """``values`` each once, in order (the sequence itself when it cannot hold a repeat)."""
    return values if len(values) < 2 else tuple(dict.fromkeys(values))


def _distinct(by_node: dict) -> Callable:
    def distinct_at(node) -> tuple | list:
        found = by_node.get(node, ())   # ``distinct``, inlined: this runs for every focus node of every check
        return found if len(found) < 2 else tuple(dict.fromkeys(found))
    return distinct_at


def read_catalogue(paths, values: frozenset | None, inverse: frozenset, store_predicates: frozenset | None, *,
                   progress: Progress = NO_PROGRESS) -> tuple[ValueIndex, CatalogueStore]:
    """The catalogue (default ``data/``, plus the ontology) read once into a ``ValueIndex`` (of ``values`` and
    ``inverse``) and an in-memory store of the triples with ``store_predicates`` (None: all), with the kept
    literals ``hckg.store`` keeps for such a store."""
    files = catalogue_files(paths)
    index, store = ValueIndex(values, inverse), ox.Store()
    collecting = gc.isenabled()
    gc.disable()
    try:
        meta, _nothing = read_files(files, progress, store.bulk_extend, store_predicates, tap=index.adder())
    finally:
        if collecting:
            gc.enable()
    gc.freeze()
    return index, catalogue_store(store, files, meta, None)
