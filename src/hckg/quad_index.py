"""A catalogue's triples held as pyoxigraph parsed them, in Python dictionaries: a store without SPARQL.

Filling a ``pyoxigraph.Store`` costs most of a big load (at 100k datasets, 5.4 M triples: about 34 s, of
which the parse is 8 s). A job that only looks triples up by subject or object (the export) needs no more
than the parser's quads found by subject and by object, which ``QuadIndex`` holds. It answers the
``quads_for_pattern`` calls that ``StoreSource``, ``StoreTerms`` and the streamed export make, so a
``CatalogueStore`` can hold it in place of a store. Its literals are the parser's, as the source wrote them,
so it keeps no copies in ``SOURCE_LITERALS`` (``literal_predicates`` is empty).

The cyclic garbage collector is off while the index is built (it would rescan the millions of quads it
holds on every collection, for no cycles) and the index is frozen out of its reach afterwards
(``gc.freeze``), which also spares the pages of processes forked later from being written by it.
"""

import gc
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox

from hckg.graph import catalogue_files
from hckg.progress import NO_PROGRESS, Progress
from hckg.store import CatalogueStore, catalogue_store, read_files

_DEFAULT = ox.DefaultGraph()
_LITERAL = ox.Literal


class QuadIndex:
    """Triples (in the default graph), found by subject, by object (an IRI or a blank node) and, once
    asked for, by predicate, in the order first read.

    A triple the files state twice is held twice until its subject (or object) is first looked up: the
    look-up drops the repeat and remembers the list as checked (a tuple). Checking as the index is built
    would hash every triple (2.6 s at 5.4 M), and most are only ever looked up by their subject, in the
    export's worker processes, which share the work.
    """

    def __init__(self, quads: Iterable[ox.Quad]):
        by_subject: dict = {}
        by_object: dict = {}
        collecting = gc.isenabled()
        gc.disable()
        try:
            for quad in quads:
                found = by_subject.get(quad.subject)
                if found is None:
                    by_subject[quad.subject] = [quad]
                else:
                    found.append(quad)
                obj = quad.object
                if type(obj) is not _LITERAL:
                    found = by_object.get(obj)
                    if found is None:
                        by_object[obj] = [quad]
                    else:
                        found.append(quad)
        finally:
            if collecting:
                gc.enable()
        gc.freeze()
        self._by_subject = by_subject
        self._by_object = by_object
        self._by_predicate: dict = {}

    def quads_for_pattern(self, subject=None, predicate=None, obj=None, graph_name=None) -> Iterator[ox.Quad]:
        """The triples matching the pattern (None: any), each once, as ``pyoxigraph.Store.quads_for_pattern``
        gives them; none in a named graph."""
        if graph_name is not None and graph_name != _DEFAULT:
            return iter(())
        if subject is not None:
            found = _checked(self._by_subject, subject)
        elif obj is not None and type(obj) is not _LITERAL:
            found = _checked(self._by_object, obj)
            obj = None
        elif predicate is not None:
            found = self._with_predicate(predicate)
            predicate = None
        else:
            found = (quad for key in list(self._by_subject) for quad in _checked(self._by_subject, key))
        if predicate is None and obj is None:
            return iter(found)
        return (quad for quad in found
                if (predicate is None or quad.predicate == predicate) and (obj is None or quad.object == obj))

    def _with_predicate(self, predicate: ox.NamedNode) -> list[ox.Quad]:
        """The triples of one predicate, gathered on the first call for it (one pass over the index)."""
        found = self._by_predicate.get(predicate)
        if found is None:
            found = self._by_predicate[predicate] = list(dict.fromkeys(
                quad for quads in self._by_subject.values() for quad in quads if quad.predicate == predicate))
        return found


def _checked(index: dict, key) -> tuple:
    """The triples under ``key``, each once (see ``QuadIndex``)."""
    found = index.get(key)
    if found is None:
        return ()
    if type(found) is list:
        found = index[key] = tuple(dict.fromkeys(found)) if len(found) > 1 else tuple(found)
    return found


def open_index(paths=None, *, ontology: bool = True, progress: Progress = NO_PROGRESS) -> CatalogueStore:
    """The catalogue (default ``data/``, plus the ontology) parsed into a ``QuadIndex``, as a
    ``CatalogueStore`` for the jobs that need no SPARQL (see the module docstring)."""
    files: list[Path] = catalogue_files(paths, ontology=ontology)
    meta, index = read_files(files, progress, QuadIndex, copies=False)
    return catalogue_store(index, files, meta, None)
