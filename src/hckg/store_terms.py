"""A catalogue store read as plain strings and tuples, the terms ``hckg.direct_render`` works in.

- an IRI is a ``str``;
- a literal is ``(lexical form, language or None, datatype IRI or None)``, None for xsd:string, the lexical
  form as rdflib gives it: a typed literal goes through ``store.to_rdflib`` (rdflib normalises some lexical
  forms, ``"007"^^xsd:integer`` → ``7``) unless its form is one rdflib keeps as it is (``unchanged_by_rdflib``);
- a blank node is ``("_", id)``, the store's id.

Literals come back as the source wrote them: the store's rewritten copies are skipped for the kept ones in
``SOURCE_LITERALS``, as ``StoreSource.description`` does.
"""

import re

import pyoxigraph as ox
from rdflib.namespace import XSD

from hckg.store import SOURCE_DATATYPE, SOURCE_LITERALS, is_kept_datatype, to_rdflib
from hckg.store_source import CACHE_SUBJECTS, CACHE_TERMS, StoreSource

_DEFAULT = ox.DefaultGraph()
_SIDE = ox.NamedNode(SOURCE_LITERALS)
_XSD_STRING = str(XSD.string)


class StoreTerms:
    """What the store says about a subject, in these terms, literals as the source wrote them (as
    ``StoreSource.description``), kept for up to ``CACHE_SUBJECTS`` subjects. Of an IRI only the
    ``wanted`` predicates are read (what the profile's node maps and hooks ask for); of a blank node all."""

    def __init__(self, source: StoreSource, wanted: frozenset[str], cache_subjects: int = CACHE_SUBJECTS):
        self.wanted = wanted
        self.store = source.store
        self.kept = source.kept
        self.cache_subjects = cache_subjects
        self._cache: dict = {}
        self._literals: dict = {}
        self._predicates: dict = {}   # store predicate -> (its IRI, whether it has kept literals)
        self.blank_nodes: set[str] = set()   # labels of the blank nodes read since ``take_blank_nodes``

    def description(self, subject) -> dict[str, list]:
        found = self._cache.get(subject)
        if found is not None:
            return found
        found = {}
        blank = None if type(subject) is str else subject   # all of a blank node is read (its digest needs it)
        if blank is not None:
            self.blank_nodes.add(subject[1])
        node = ox.NamedNode(subject) if blank is None else ox.BlankNode(subject[1])
        kept, predicates, literals, wanted = False, self._predicates, self._literals, self.wanted
        for quad in self.store.quads_for_pattern(node, None, None, _DEFAULT):
            predicate = predicates.get(quad.predicate)
            if predicate is None:
                iri = quad.predicate.value
                predicate = predicates[quad.predicate] = (iri, iri in self.kept, iri in wanted)
            if not predicate[2] and blank is None:
                continue
            obj = quad.object
            kind = type(obj)
            if kind is ox.NamedNode:
                obj = obj.value
            elif kind is ox.BlankNode:
                obj = ("_", obj.value)
            elif predicate[1] and is_kept_datatype(obj.datatype.value):
                kept = True   # the store's rewritten copy: the source's is in the side graph
                continue
            else:
                obj = literals.get(obj) or self.literal(obj)
            objects = found.get(predicate[0])
            if objects is None:
                found[predicate[0]] = [obj]
            else:
                objects.append(obj)
        if kept:
            for quad in self.store.quads_for_pattern(node, None, None, _SIDE):
                if blank is not None or quad.predicate.value in wanted:
                    found.setdefault(quad.predicate.value, []).append(self.term(quad.object))
        if len(self._cache) >= self.cache_subjects:
            # emptied, not thinned: deleting a dict's oldest keys one by one makes finding the next oldest
            # ever slower, and what is shared between batches is read again soon enough
            self._cache.clear()
        self._cache[subject] = found
        return found

    def take_blank_nodes(self) -> set[str]:
        """The labels of the blank nodes read from the store since the last call."""
        nodes, self.blank_nodes = self.blank_nodes, set()
        return nodes

    def subjects(self, predicate: str, obj) -> list:
        """The subjects of ``predicate`` with the IRI or blank node ``obj`` (not cached)."""
        node = ox.NamedNode(obj) if type(obj) is str else ox.BlankNode(obj[1])
        return [self.term(quad.subject) for quad in
                self.store.quads_for_pattern(None, ox.NamedNode(predicate), node, _DEFAULT)]

    def term(self, term):
        kind = type(term)
        if kind is ox.NamedNode:
            return term.value
        if kind is ox.BlankNode:
            return ("_", term.value)
        return self._literals.get(term) or self.literal(term)

    def literal(self, term: ox.Literal) -> tuple:
        """A store literal in these terms, remembered; a typed one as rdflib would make it (``to_rdflib``),
        without rdflib where its lexical form is one rdflib keeps unchanged (``unchanged_by_rdflib``)."""
        language = term.language
        value = term.value
        if language:
            found = (value, language, None)
        else:
            datatype = term.datatype.value
            if datatype == _XSD_STRING:
                found = (value, None, None)
            else:
                source = datatype[len(SOURCE_DATATYPE):] if datatype.startswith(SOURCE_DATATYPE) else datatype
                found = ((value, None, source) if unchanged_by_rdflib(value, source)
                         else from_rdflib(to_rdflib(term)))
        if len(self._literals) >= CACHE_TERMS:
            self._literals.clear()
        self._literals[term] = found
        return found


# lexical forms rdflib's Literal keeps as they are, by datatype: canonical forms of the common XSD types
# (rdflib parses a typed literal and writes its value back, so "007"^^xsd:integer becomes "7")
_UNCHANGED = {str(XSD[name]): re.compile(pattern) for name, pattern in (
    ("date", r"[1-9][0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"),
    ("gYear", r"[1-9][0-9]{3}"),
    ("gYearMonth", r"[1-9][0-9]{3}-(0[1-9]|1[0-2])"),
    ("integer", r"0|-?[1-9][0-9]{0,17}"),
    ("nonNegativeInteger", r"0|[1-9][0-9]{0,17}"),
    ("positiveInteger", r"[1-9][0-9]{0,17}"),
    ("int", r"0|-?[1-9][0-9]{0,8}"),
    ("long", r"0|-?[1-9][0-9]{0,17}"),
    ("boolean", r"true|false"),
)}


def unchanged_by_rdflib(lexical: str, datatype: str) -> bool:
    """Whether ``str(Literal(lexical, datatype=datatype))`` is ``lexical`` for certain (False: ask rdflib)."""
    pattern = _UNCHANGED.get(datatype)
    return pattern is not None and pattern.fullmatch(lexical) is not None


def from_rdflib(term):
    """An rdflib term (a vocabulary extract's, or one ``to_rdflib`` made) in these terms."""
    name = type(term).__name__
    if name == "URIRef":
        return str(term)
    if name == "BNode":
        return ("_", str(term))
    return (str(term), term.language, str(term.datatype) if term.datatype is not None else None)
