"""A catalogue store seen as a read-only rdflib graph: what the export profiles and ``Walk`` read.

``StoreSource`` answers the few graph calls the profiles make (``objects``, ``subjects``,
``predicate_objects``, ``value``, ``(s, p, o) in``) from ``quads_for_pattern`` on a ``CatalogueStore``,
in rdflib terms. Literals come back as the source wrote them: for predicates with kept literals the
store's rewritten copies (``"5"^^xsd:integer``) are skipped and the untouched ones in ``SOURCE_LITERALS``
are used instead. What the store says about a subject is read once and kept in a bounded cache (emptied when full), so
shared nodes (publishers, concepts, themes) are read from the store only now and then.
"""

import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.term import Node

from hckg.store import SOURCE_LITERALS, CatalogueStore, is_kept, kept_copy, stored_is_kept, to_oxigraph, to_rdflib

CACHE_SUBJECTS = 20_000  # descriptions kept (a batch of datasets and the nodes they share)
CACHE_TERMS = 200_000    # store terms kept converted to rdflib terms (emptied when full)

_DEFAULT = ox.DefaultGraph()
_SIDE = ox.NamedNode(SOURCE_LITERALS)


class StoreSource:
    """A read-only view of a ``CatalogueStore`` with the rdflib ``Graph`` methods the profiles use."""

    def __init__(self, catalogue: CatalogueStore, cache_subjects: int = CACHE_SUBJECTS):
        self.store = catalogue.store
        self.kept = frozenset(catalogue.literal_predicates)
        self.cache_subjects = cache_subjects
        self._cache: dict[Node, dict[URIRef, list[Node]]] = {}
        self._pinned: dict[Node, dict[URIRef, list[Node]] | None] = {}   # kept when the cache is emptied
        self._by_predicate: dict[URIRef, dict[Node, list[Node]]] = {}    # see ``index``
        self._terms: dict = {}
        self._predicates: dict[ox.NamedNode, tuple[URIRef, bool]] = {}   # predicate -> (its IRI, kept literals?)

    # --- one subject at a time (cached) --------------------------------------------------------------
    def description(self, subject: Node) -> dict[URIRef, list[Node]]:
        """What the catalogue says about ``subject``: predicate → objects, literals as in the source."""
        found = self._cache.get(subject)
        if found is not None:
            return found
        found = {}
        node, kept, term, predicates = to_oxigraph(subject), False, self.term, self._predicates
        for quad in self.store.quads_for_pattern(node, None, None, _DEFAULT):
            predicate = predicates.get(quad.predicate)
            if predicate is None:
                predicate = predicates[quad.predicate] = (URIRef(quad.predicate.value),
                                                          quad.predicate.value in self.kept)
            iri, may_be_kept = predicate
            obj = quad.object
            if may_be_kept and stored_is_kept(obj):
                kept = True
                continue
            objects = found.get(iri)
            if objects is None:
                found[iri] = [term(obj)]
            else:
                objects.append(term(obj))
        if kept:
            for quad in self.store.quads_for_pattern(node, None, None, _SIDE):
                found.setdefault(predicates[quad.predicate][0], []).append(term(quad.object))
        if len(self._cache) >= self.cache_subjects:
            # emptied, not thinned: deleting a dict's oldest keys one by one makes finding the next oldest
            # ever slower (10 µs and more a read), and what is shared is read again soon enough
            self._cache.clear()
            self._cache.update((s, d) for s, d in self._pinned.items() if d is not None)
        self._cache[subject] = found
        if subject in self._pinned:
            self._pinned[subject] = found
        return found

    def pin(self, subject: Node) -> None:
        """Keep ``subject``'s description, once read, when the cache is emptied: for a big node that every
        render reads (a catalogue, 2 × 10^5 values at 10^5 datasets, is read in seconds from the disk store)."""
        self._pinned.setdefault(subject, None)

    def objects(self, subject: Node | None = None, predicate: URIRef | None = None):
        if subject is not None and predicate is not None:
            return iter(self.description(subject).get(predicate, ()))
        return (o for _s, _p, o in self.triples((subject, predicate, None)))

    def term(self, term) -> Node:
        """``to_rdflib(term)``, remembered: the same IRIs and literals come back again and again."""
        found = self._terms.get(term)
        if found is None:
            if len(self._terms) >= CACHE_TERMS:
                self._terms.clear()
            found = self._terms[term] = to_rdflib(term)
        return found

    def predicate_objects(self, subject: Node):
        for predicate, objects in self.description(subject).items():
            for obj in objects:
                yield predicate, obj

    def value(self, subject: Node, predicate: URIRef):
        indexed = self._by_predicate.get(predicate) if self._by_predicate else None
        if indexed is not None and subject not in self._cache:
            objects = indexed.get(subject)
        else:
            objects = self.description(subject).get(predicate)
        return objects[0] if objects else None

    def index(self, predicate: URIRef) -> None:
        """Answer ``value(s, predicate)`` from one read of every ``predicate`` triple, kept, rather than from
        ``s``'s description: for a predicate asked of many nodes whose descriptions are not needed (a
        catalogue's page asks each of 10^5 records for its primary topic). Not for predicates with kept
        literals."""
        found: dict[Node, list[Node]] = {}
        for quad in self.store.quads_for_pattern(None, to_oxigraph(predicate), None, _DEFAULT):
            found.setdefault(to_rdflib(quad.subject), []).append(to_rdflib(quad.object))
        self._by_predicate[predicate] = found

    # --- patterns ----------------------------------------------------------------------------------
    def triples(self, pattern):
        """The triples matching ``(s, p, o)`` (None: any), as rdflib terms."""
        subject, predicate, obj = pattern
        if subject is not None:
            described = self.description(subject)
            for p in [predicate] if predicate is not None else list(described):
                for o in described.get(p, ()):
                    if obj is None or o == obj:
                        yield subject, p, o
            return
        yield from self._match(predicate, obj)

    def _match(self, predicate, obj):
        """Triples with any subject, from the store: kept literals from the side graph."""
        p = to_oxigraph(predicate) if predicate is not None else None
        if is_kept(obj) and self.kept and (predicate is None or str(predicate) in self.kept):
            for quad in self.store.quads_for_pattern(None, p, kept_copy(obj), _SIDE):
                yield to_rdflib(quad.subject), URIRef(quad.predicate.value), obj
            return
        o = to_oxigraph(obj) if obj is not None else None
        may_keep = predicate is None or str(predicate) in self.kept
        for quad in self.store.quads_for_pattern(None, p, o, _DEFAULT):
            if may_keep and quad.predicate.value in self.kept and stored_is_kept(quad.object):
                continue
            yield to_rdflib(quad.subject), URIRef(quad.predicate.value), to_rdflib(quad.object)
        if obj is None and may_keep:
            for quad in self.store.quads_for_pattern(None, p, None, _SIDE):
                yield to_rdflib(quad.subject), URIRef(quad.predicate.value), to_rdflib(quad.object)

    def subjects(self, predicate: URIRef | None = None, obj: Node | None = None):
        for s, _p, _o in self.triples((None, predicate, obj)):
            yield s

    def __contains__(self, pattern) -> bool:
        subject, predicate, obj = pattern
        if subject is not None and subject not in self._cache and predicate is not None \
                and obj is not None and not isinstance(obj, Literal):
            # a point question about a subject not in the cache: ask the store, do not fill the cache
            return any(True for _ in self.store.quads_for_pattern(
                to_oxigraph(subject), to_oxigraph(predicate), to_oxigraph(obj), _DEFAULT))
        return any(True for _ in self.triples(pattern))

    def cached(self) -> int:
        """How many subjects' descriptions are held (never more than ``cache_subjects``)."""
        return len(self._cache)
