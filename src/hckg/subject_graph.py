"""A lean in-memory graph indexed by subject: what a profile ``Walk`` writes and the JSON-LD framer reads.

rdflib's ``Graph`` keeps three indexes and contexts for every triple; a streamed export adds and reads
millions of triples and needs none of that. ``SubjectGraph`` has the part of the ``Graph`` API the walk and
the framer use (``add``, ``subjects``, ``objects``, ``predicate_objects``, ``in``, iteration), with the
same set semantics.
"""


class SubjectGraph:
    """Triples as subject → predicate → set of objects."""

    def __init__(self):
        self._subjects: dict = {}

    def add(self, triple) -> "SubjectGraph":
        subject, predicate, obj = triple
        self._subjects.setdefault(subject, {}).setdefault(predicate, set()).add(obj)
        return self

    def __iter__(self):
        for subject, predicates in self._subjects.items():
            for predicate, objects in predicates.items():
                for obj in objects:
                    yield subject, predicate, obj

    def __contains__(self, triple) -> bool:
        subject, predicate, obj = triple
        predicates = self._subjects.get(subject)
        if not predicates or (predicate is None and obj is None):
            return bool(predicates)
        if predicate is None:
            return any(obj in objects for objects in predicates.values())
        objects = predicates.get(predicate, ())
        return bool(objects) if obj is None else obj in objects

    def subjects(self, predicate=None, obj=None):
        """Each subject once (with ``predicate`` / ``obj``: those of the matching triples)."""
        if predicate is None and obj is None:
            yield from self._subjects
            return
        for subject, _p, _o in self.triples((None, predicate, obj)):
            yield subject

    def objects(self, subject=None, predicate=None):
        if subject is not None and predicate is not None:
            return iter(self._subjects.get(subject, {}).get(predicate, ()))
        if subject is None and predicate is None:
            return (obj for predicates in self._subjects.values() for objects in predicates.values()
                    for obj in objects)
        return (obj for _s, _p, obj in self.triples((subject, predicate, None)))

    def description(self, subject) -> dict:
        """What the graph says of ``subject``: predicate -> set of objects (not to be changed)."""
        return self._subjects.get(subject, _NOTHING)

    def describes(self, subject) -> bool:
        """Whether ``subject`` is the subject of a triple."""
        return subject in self._subjects

    def predicate_objects(self, subject):
        for predicate, objects in self._subjects.get(subject, {}).items():
            for obj in objects:
                yield predicate, obj

    def triples(self, pattern):
        subject, predicate, obj = pattern
        subjects = [subject] if subject is not None else list(self._subjects)
        for s in subjects:
            predicates = self._subjects.get(s, {})
            for p in [predicate] if predicate is not None else list(predicates):
                for o in predicates.get(p, ()):
                    if obj is None or o == obj:
                        yield s, p, o


_NOTHING: dict = {}
