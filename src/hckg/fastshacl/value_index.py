"""The triples validation reads, as the parser gave them, in Python dictionaries keyed the way checks ask.

A check asks for the values of one predicate at one node (``sh:path``) and, for ``rdf:type`` and inverse
paths, the nodes with a given value; ``ValueIndex`` holds exactly that: per predicate, the objects of each
subject and (for the predicates asked) the subjects of each object. A focus node's values for a property
shape are then one dictionary look-up, where a store of all quads by subject would make each check
regroup the node's triples by predicate (13 µs a node at 10k datasets: most of the validation).

Nodes are held as Python strings, whose hashes Python keeps (a pyoxigraph term rehashes its text on every
look-up, which made set and dictionary tests most of the work): an IRI as itself, a blank node as ``_:`` and
its id (no IRI starts so: an IRI starts with a scheme, a letter). Literals are the parser's ``Literal``s, as
the source wrote them. ``read_catalogue`` fills it from one parse; ``ValueIndex.store`` makes the small
pyoxigraph store of some predicates' triples that the checks run in SPARQL read. The cyclic garbage
collector is off while it is built and the index is frozen out of its reach afterwards (``gc.freeze``), as
in ``hckg.quad_index``.
"""

import gc
from collections.abc import Callable, Iterable, Iterator

import pyoxigraph as ox

from hckg.graph import catalogue_files
from hckg.progress import NO_PROGRESS, Progress
from hckg.store import may_rewrite, read_files, with_kept_literals


_NAMED, _BLANK, _LITERAL = ox.NamedNode, ox.BlankNode, ox.Literal
_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


class ValueIndex:
    """Objects by (predicate, subject) for ``predicates`` (IRIs; None: all), subjects by (predicate, object)
    for ``inverse``; a triple the files state twice is held twice, and ``values_of``/``subjects_of`` give
    each once. Nodes are held as the module docstring says."""

    def __init__(self, predicates: Iterable[str] | None, inverse: Iterable[str]):
        self.objects: dict = {} if predicates is None else {p: {} for p in predicates}
        self.subjects: dict = {p: {} for p in inverse}
        self.every = predicates is None

    def fill(self, quads: Iterable[ox.Quad]) -> None:
        """Add the triples of ``quads`` (of the predicates held).

        Two passes, each as lean as it can be: the first lists each predicate's subjects and objects as
        strings (a subject's string made once while the subject repeats, as Turtle's do), the second groups
        those lists, whose strings already know their hashes. Grouping while parsing cost 1.6 times as much.
        """
        listed: dict = {p: ([], []) for p in self.objects}
        get, every, named, blank = listed.get, self.every, _NAMED, _BLANK
        last = key = None
        for quad in quads:
            lists = get(quad.predicate.value)
            if lists is None:
                if not every:
                    continue
                lists = listed[quad.predicate.value] = ([], [])
            subject = quad.subject
            if subject != last:
                last = subject
                key = subject.value if type(subject) is named else "_:" + subject.value
            obj = quad.object
            kind = type(obj)
            if kind is named:
                obj = obj.value
            elif kind is blank:
                obj = "_:" + obj.value
            lists[0].append(key)
            lists[1].append(obj)
        for predicate, (subjects, objects) in listed.items():
            _group(self.objects.setdefault(predicate, {}), subjects, objects)
            if predicate in self.subjects:
                _group(self.subjects[predicate], objects, subjects)

    def values_of(self, predicate: str) -> Callable:
        """A function giving the distinct objects of ``predicate`` at a node."""
        return _distinct(self.objects.get(predicate, {}))

    def subjects_of(self, predicate: str) -> Callable:
        """A function giving the distinct subjects with ``predicate`` to a node (``predicate`` in ``inverse``)."""
        return _distinct(self.subjects[predicate])

    def pairs(self, predicate: str) -> Iterator[tuple]:
        """(subject, object) of each triple of ``predicate`` held, as often as it was read."""
        for subject, objects in self.objects.get(predicate, {}).items():
            for obj in objects:
                yield subject, obj

    def rewritten(self, predicates: Iterable[str]) -> frozenset[str]:
        """Those of ``predicates`` with a literal a pyoxigraph store may rewrite (``hckg.store.may_rewrite``):
        the store of ``store`` keeps their literals' source forms."""
        return frozenset(p for p in predicates
                         if any(type(obj) is _LITERAL and may_rewrite(obj) for _s, obj in self.pairs(p)))

    def store(self, predicates: Iterable[str], literal_predicates: frozenset[str],
              types: frozenset[str] | None = None) -> ox.Store:
        """An in-memory store of the triples of ``predicates`` (held here), of the rdf:type triples only those
        whose class is one of ``types`` (None: all), with the kept copies of the literals of
        ``literal_predicates`` that ``hckg.store`` keeps for a store of some predicates."""
        made: dict = {}   # node string -> its term: objects repeat (rdf:type's classes)

        def term(node):
            if type(node) is _LITERAL:
                return node
            found = made.get(node)
            if found is None:
                found = made[node] = _BLANK(node[2:]) if node.startswith("_:") else _NAMED(node)
            return found

        def quads():
            for predicate in predicates:
                p = _NAMED(predicate)
                kept = types if predicate == _TYPE else None
                for subject, objects in self.objects.get(predicate, {}).items():
                    s = None
                    for obj in objects:
                        if kept is None or obj in kept:
                            if s is None:
                                s = term(subject)
                            yield ox.Quad(s, p, term(obj))
        store = ox.Store()
        store.bulk_extend(with_kept_literals(quads(), literal_predicates))
        return store


def _group(into: dict, keys: list, values: list) -> None:
    """Append each of ``values`` to the list of its key in ``into`` (a run of one key is looked up once)."""
    last = found = None
    for key, value in zip(keys, values):
        if key is not last:
            last = key
            found = into.get(key)
            if found is None:
                found = into[key] = []
        found.append(value)


def distinct(values):
    """``values`` each once, in order (the sequence itself when it cannot hold a repeat)."""
    return values if len(values) < 2 else tuple(dict.fromkeys(values))


def _distinct(by_node: dict) -> Callable:
    def distinct_at(node) -> tuple | list:
        found = by_node.get(node, ())   # ``distinct``, inlined: this runs for every focus node of every check
        return found if len(found) < 2 else tuple(dict.fromkeys(found))
    return distinct_at


def read_catalogue(paths, values: frozenset | None, inverse: frozenset, *,
                   progress: Progress = NO_PROGRESS) -> tuple[ValueIndex, dict]:
    """The catalogue (default ``data/``, plus the ontology) read once into a ``ValueIndex`` (of ``values`` and
    ``inverse``), and the read's metadata (``hckg.store.read_files``)."""
    files = catalogue_files(paths)
    index = ValueIndex(values, inverse)
    collecting = gc.isenabled()
    gc.disable()
    try:
        meta, _nothing = read_files(files, progress, index.fill, copies=False)
    finally:
        if collecting:
            gc.enable()
    gc.freeze()
    return index, meta
