"""Batches of datasets rendered straight from the store to framed JSON-LD node objects, for the streamed export.

``DirectRenderer.batch`` computes what ``_Stream.batch`` in ``hckg.export_stream`` computes (a ``Walk`` of the
profile over ``StoreSource``, then ``jsonld.Framer``, then ``jsonld.dumped``), and ``DirectRenderer.chunk``
what ``_Stream.chunk`` frames (the catalogue with a chunk of one long field's values), with the same algorithm on
lighter terms: the store's quads are read as plain strings and tuples, not rdflib terms (and of an IRI only
the predicates the profile reads), the profile's node maps are compiled once into strings keyed by source
predicate, and a nested node object that holds no blank node and meets no cycle is framed once per batch and
reused. Its terms are those of ``hckg.store_terms`` (an IRI a ``str``, a literal a tuple, a blank node
``("_", id)``), a blank node's id turned into an ``int`` label by the walk's relabelling.

What it does not reproduce it declines, and the caller renders that batch (or the whole export) the old way:
``plan_for`` says why a profile is not compiled (a profile whose ``keep``/``derive`` hooks are not
translated here: croissant; a field with a value rewrite not compiled), ``batch`` returns a ``Declined``
reason for a batch (a blank node that would need a ``_:b`` label or is nested twice, a node reached from no
top-level node that is not a dataset of another batch, a blank node in a vocabulary extract, a dataset
leading to the catalogue, a literal as a version, a catalogue record with two primary topics). The old path then renders the batch or raises
``NotStreamable`` as before, so the bytes never depend on which path ran.
"""

import gc
import json
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from rdflib import BNode, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, SKOS, XSD

from hckg import jsonld
from hckg.namespaces import DCAT, HCKG, HEALTHDCATAP, SDO
from hckg.profiles.base import Profile
from hckg.profiles.dcatap import DcatApProfile
from hckg.profiles.healthdcatap import DATA_THEME, PUBLISHER_TYPES, HealthDcatApProfile
from hckg.profiles.schemaorg import (DESCRIPTION_MAX, DESCRIPTION_MIN, IANA_MEDIA_TYPES, ROR, SchemaOrgProfile,
                                     media_type, plain)
from hckg.store_source import StoreSource
from hckg.store_terms import StoreTerms, from_rdflib

ALONE_KEPT = 1000         # datasets' own renditions kept for the check of nodes described from other batches

_TYPE, _PREF_LABEL = str(RDF.type), str(SKOS.prefLabel)
_DATASET_SERIES, _DATASET = str(DCAT.DatasetSeries), str(DCAT.Dataset)
_IDENTIFIER, _DISTRIBUTION = str(DCTERMS.identifier), str(DCAT.distribution)
_HANDED_DOWN = ((str(DCTERMS.license), "licence", str(DCTERMS.LicenseDocument)),
                (str(DCTERMS.rights), "statement", str(DCTERMS.RightsStatement)))

# the profiles whose keep / derive hooks are translated here (exact classes: a subclass may change them)
COMPILED_PROFILES = (DcatApProfile, HealthDcatApProfile, SchemaOrgProfile)


_THEME, _DCT_TYPE, _CONCEPT = str(DCAT.theme), str(DCTERMS.type), str(SKOS.Concept)
_CURRENT_VERSION, _HAS_VERSION, _IN_SERIES = str(DCAT.hasCurrentVersion), str(DCAT.hasVersion), str(DCAT.inSeries)
_ACCESS_RIGHTS, _RIGHTS_STATEMENT = str(DCTERMS.accessRights), str(DCTERMS.RightsStatement)
_HEALTH_CATEGORY = str(HEALTHDCATAP.healthCategory)   # as the catalogue states it, whatever namespace is exported
_PUBLISHER_TYPES = {str(k): str(v) for k, v in PUBLISHER_TYPES.items()}

_DOWNLOAD_URL, _MEDIA_TYPE, _FORMAT = str(DCAT.downloadURL), str(DCAT.mediaType), str(DCTERMS.format)
_DESCRIPTION, _LANDING_PAGE, _LICENSE = str(DCTERMS.description), str(DCAT.landingPage), str(DCTERMS.license)
_TEMPORAL, _START, _END = str(DCTERMS.temporal), str(DCAT.startDate), str(DCAT.endDate)
_LISTS_DATASET, _LABEL_SCHEME, _TOP_CONCEPT = str(DCAT.dataset), str(HCKG.labelScheme), str(SKOS.hasTopConcept)
_ACCESS_REQUIREMENT = str(HCKG.accessRequirement)
_PERSON, _ORGANIZATION = str(FOAF.Person), str(FOAF.Organization)
_RECORD, _PRIMARY_TOPIC = str(DCAT.record), str(FOAF.primaryTopic)
_SDO = {name: str(SDO[name]) for name in (
    "sameAs", "Organization", "encodingFormat", "description", "url", "license", "temporalCoverage",
    "includedInDataCatalog", "hasPart", "variableMeasured", "conditionsOfAccess")}

# what the translated hooks read besides the fields of the node maps
DERIVE_READS = frozenset({_TYPE, _PREF_LABEL, _IDENTIFIER, _DISTRIBUTION, _DCT_TYPE, _CURRENT_VERSION, _HAS_VERSION,
                          _ACCESS_RIGHTS, _HEALTH_CATEGORY, _DOWNLOAD_URL, _MEDIA_TYPE, _FORMAT, _DESCRIPTION,
                          _LANDING_PAGE, _LICENSE, _TEMPORAL, _START, _END, _LABEL_SCHEME, _TOP_CONCEPT,
                          _ACCESS_REQUIREMENT, _PRIMARY_TOPIC} | {p for p, _k, _c in _HANDED_DOWN})


def _plain(value):
    """``schemaorg.plain``: a literal without language or datatype (booleans and integers kept)."""
    if type(value) is tuple and len(value) == 3 and value[2] not in (_XSD_BOOLEAN, _XSD_INTEGER):
        return (value[0], None, None)
    return value


def _media_type(value):
    """``schemaorg.media_type``: an IANA media-type IRI as the plain MIME type."""
    text = _text(value)
    return (text[len(IANA_MEDIA_TYPES):] if text.startswith(IANA_MEDIA_TYPES) else text, None, None)


_XSD_BOOLEAN, _XSD_INTEGER = str(XSD.boolean), str(XSD.integer)
REWRITES = {plain: _plain, media_type: _media_type}   # the value rewrites of the profiles, in these terms


class Declined(str):
    """Why a batch was not rendered directly (the caller renders it the old way)."""


@dataclass(frozen=True)
class _Field:
    source: str
    predicate: str
    node: str | None
    types: tuple[str, ...]
    rewrite: Callable | None   # the field's value rewrite, in these terms


@dataclass(frozen=True)
class _Kind:
    fields: dict[str, tuple[_Field, ...]]   # by source predicate
    classes: dict
    types: tuple[str, ...]
    vocabulary: bool


@dataclass(frozen=True)
class _Slot:
    key: str
    coerce: str | None
    language: str | None
    is_set: bool
    reference: bool


def plan_for(profile: Profile) -> tuple[dict[str, _Kind] | None, str | None]:
    """The profile's node maps compiled to strings, or None and why the profile is not rendered directly."""
    if type(profile) not in COMPILED_PROFILES:
        return None, f"the {profile.name} profile's keep/derive hooks are not compiled for direct rendering"
    kinds = {}
    for name, spec in profile.nodes.items():
        if any(f.value is not None and f.value not in REWRITES for f in spec.fields):
            return None, f"the {profile.name} profile rewrites values of {name} fields in a way not compiled"
        fields: dict[str, tuple[_Field, ...]] = {}
        for f in spec.fields:
            fields[str(f.source)] = fields.get(str(f.source), ()) + (
                _Field(str(f.source), str(f.predicate), f.node, tuple(map(str, f.types)),
                       REWRITES[f.value] if f.value is not None else None),)
        kinds[name] = _Kind(fields,
                            {str(k): str(v) for k, v in spec.classes.items()}, tuple(map(str, spec.types)),
                            spec.vocabulary)
    return kinds, None


class _Unsupported(Exception):
    """A batch holds something the direct path does not reproduce."""


class _Walk:
    """``base.Walk`` in these terms, with the derive hooks of the compiled profiles."""

    def __init__(self, renderer: "DirectRenderer", kinds: dict | None = None, cut: tuple | None = None):
        """``kinds``: the node maps (default: the renderer's); ``cut``: (node, what is said of it), which stands
        for the node's description (a chunk of the catalogue's long field, as ``_SourceView.cut``)."""
        self.renderer = renderer
        self.kinds = kinds or renderer.kinds
        self.health = renderer.health
        self.schemaorg = renderer.schemaorg
        self.description = renderer.terms.description
        self.chunk = cut is not None
        if cut is not None:
            cut_node, cut_said = cut
            described = self.description
            self.description = lambda node: cut_said if node == cut_node else described(node)
        self.out: dict = {}
        self.queue: list = []
        self.seen: set = set()
        self.labels: dict = {}
        self.digests: dict = {}
        self.interned: dict = {}

    def follow(self, kind: str, node) -> None:
        if type(node) is tuple and len(node) == 3:
            return
        key = (kind, node)
        if key not in self.seen:
            self.seen.add(key)
            self.queue.append(key)

    def emit(self, subject, predicate: str, obj) -> None:
        if type(subject) is tuple and len(subject) == 2:
            subject = self._term(subject)
        if type(obj) is tuple and len(obj) == 2:
            label = self.labels.get(obj)
            if label is None:
                label = self.labels[obj] = self._intern((subject, predicate, self._digest(obj)))
            obj = label
        predicates = self.out.get(subject)
        if predicates is None:
            predicates = self.out[subject] = {}
        objects = predicates.get(predicate)
        if objects is None:
            predicates[predicate] = {obj}
        else:
            objects.add(obj)

    def run(self) -> dict:
        queue = self.queue
        index = 0
        while index < len(queue):
            kind, node = queue[index]
            index += 1
            self._describe(kind, node)
        return self.out

    def _intern(self, key) -> tuple:
        label = self.interned.get(key)
        if label is None:
            label = self.interned[key] = ("_", len(self.interned))
            self.labels[label] = label   # a label is its own label (an int id: no store blank node has one)
        return label

    def _term(self, node):
        label = self.labels.get(node)
        if label is None:
            label = self.labels[node] = self._intern(("digest", self._digest(node)))
        return label

    def _digest(self, node, visiting: frozenset = frozenset()):
        """What the catalogue says about a source blank node, nested blank nodes included (as ``Walk._digest``)."""
        if node in self.digests:
            return self.digests[node]
        lines = []
        for predicate, objects in self.description(node).items():
            for o in objects:
                if type(o) is tuple and len(o) == 2:
                    o = "[]" if o in visiting else ("digest", self._digest(o, visiting | {node}))
                lines.append((predicate, o))
        digest = self.digests[node] = frozenset(lines)
        return digest

    def _describe(self, kind: str, node) -> None:
        """``Walk._describe``. The order values are met in does not matter: the output is a set of triples,
        and a blank node's label depends on its parent, predicate and content only."""
        if kind == "catalog" and not self.schemaorg and not self.chunk:
            # the catalogue is rendered apart (its own part and the chunks of its long fields)
            raise _Unsupported("a dataset leads to the catalogue")
        spec = self.kinds[kind]
        said = self.description(node)
        if spec.vocabulary and type(node) is str and not said.get(_PREF_LABEL):
            extra = self.renderer.vocabulary(node)
            if extra:
                said = {p: list(o) for p, o in said.items()}
                for predicate, obj in extra:
                    said.setdefault(predicate, []).append(obj)
        out, follow = self.out, self.follow
        subject = node if type(node) is str else self._term(node)
        described = out.get(subject)
        if described is None:
            described = out[subject] = {}
        types = said.get(_TYPE)
        classes = spec.classes
        stated = [classes[cls] for cls in types if cls in classes] if types else []
        stated.extend(spec.types)
        if stated:
            found = described.get(_TYPE)
            if found is None:
                described[_TYPE] = set(stated)
            else:
                found.update(stated)
        by_source = spec.fields
        for source, values in said.items():
            fields = by_source.get(source)
            if fields is None:
                continue
            if source == _THEME and self.health is not None and kind == "dataset":
                # HealthDcatApProfile.keep: only data-theme concepts as dcat:theme
                values = [v for v in values if _text(v).startswith(DATA_THEME)]
            elif source == _DISTRIBUTION and self.schemaorg:
                # SchemaOrgProfile.keep: a DataDownload needs a file to download
                values = [v for v in values if self.described(v).get(_DOWNLOAD_URL)]
            elif kind == "catalog" and not self.schemaorg:
                values = self._listed(source, values)
            for fld in fields:
                predicate = fld.predicate
                rewrite = fld.rewrite
                for value in values:
                    if rewrite is not None:
                        value = rewrite(value)
                    if type(value) is str:
                        found = described.get(predicate)
                        if found is None:
                            described[predicate] = {value}
                        else:
                            found.add(value)
                        for cls in fld.types:
                            target = out.get(value)
                            if target is None:
                                out[value] = {_TYPE: {cls}}
                            else:
                                found = target.get(_TYPE)
                                if found is None:
                                    target[_TYPE] = {cls}
                                else:
                                    found.add(cls)
                        if fld.node:
                            follow(fld.node, value)
                    elif len(value) == 3:
                        found = described.get(predicate)
                        if found is None:
                            described[predicate] = {value}
                        else:
                            found.add(value)
                    else:
                        self.emit(subject, predicate, value)
                        for cls in fld.types:
                            self.emit(value, _TYPE, cls)
                        if fld.node:
                            follow(fld.node, value)
        if not described:   # nothing said: the node stays undescribed (written as a reference)
            del out[subject]
        if self.schemaorg:
            self._derive_schemaorg(kind, node, said)
        elif kind == "dataset":
            self._derive_dataset(node, said)
            if self.health is not None:
                self._derive_health_dataset(node, said)
        elif kind == "agent" and self.health is not None:
            # HealthDcatApProfile.derive: ADMS publisher types as HealthDCAT-AP ones
            for adms_type in said.get(_DCT_TYPE, ()):
                mapped = _PUBLISHER_TYPES.get(adms_type) if type(adms_type) is str else None
                if mapped is not None:
                    self.emit(node, _DCT_TYPE, mapped)
                    self.emit(mapped, _TYPE, _CONCEPT)
                    self.follow("concept", mapped)

    def _derive_dataset(self, dataset, said: dict) -> None:
        """``DcatApProfile.derive_dataset``."""
        if _DATASET_SERIES in said.get(_TYPE, ()):
            self.emit(dataset, _TYPE, _DATASET)
        if not said.get(_IDENTIFIER):
            self.emit(dataset, _IDENTIFIER, (dataset, None, None))
        for predicate, kind, cls in _HANDED_DOWN:
            for value in said.get(predicate, ()):
                for distribution in said.get(_DISTRIBUTION, ()):
                    if not self.description(distribution).get(predicate):
                        self.emit(distribution, predicate, value)
                        self.emit(value, _TYPE, cls)
                        self.follow(kind, value)


    def _listed(self, source: str, values: list) -> list:
        """``DcatApProfile.keep`` for the catalogue: only the exported datasets and the records about them."""
        selected = self.renderer.selected
        if source == _LISTS_DATASET:
            return [v for v in values if v in selected]
        if source == _RECORD:
            kept = []
            for record in values:
                topics = self.described(record).get(_PRIMARY_TOPIC, ())
                if len(topics) > 1:   # the old path keeps or drops it by the first the store gives
                    raise _Unsupported(f"the record {_text(record)} has more than one primary topic")
                if topics and topics[0] in selected:
                    kept.append(record)
            return kept
        return values

    def described(self, node) -> dict:
        """``description`` of a node a hook reads; a literal there is declined (the store view would fail)."""
        if type(node) is tuple and len(node) == 3:
            raise _Unsupported(f"a hook reads what is said of the literal {node[0]!r}")
        return self.description(node)

    def _derive_schemaorg(self, kind: str, node, said: dict) -> None:
        """``SchemaOrgProfile.derive``."""
        emit, sdo = self.emit, _SDO
        if kind == "agent":
            if _text(node).startswith(ROR):
                emit(node, sdo["sameAs"], node)
            types = said.get(_TYPE, ())
            if _PERSON not in types and _ORGANIZATION not in types:
                emit(node, _TYPE, sdo["Organization"])
        elif kind == "download":
            if not said.get(_MEDIA_TYPE):
                for fmt in said.get(_FORMAT, ()):
                    label = self.renderer.label(fmt)
                    if label:
                        emit(node, sdo["encodingFormat"], (label, None, None))
        elif kind == "dataset":
            self._derive_schemaorg_dataset(node, said)

    def _derive_schemaorg_dataset(self, dataset, said: dict) -> None:
        """``SchemaOrgProfile.derive_dataset``; a description Google would refuse is declined (the old path
        raises the error)."""
        emit, sdo, described, terms = self.emit, _SDO, self.described, self.renderer.terms
        texts = sorted(_text(d) for d in said.get(_DESCRIPTION, ()))
        text = texts[0] if texts else ""
        if len(text) < DESCRIPTION_MIN:
            raise _Unsupported(f"{dataset}: a description too short for schema.org")
        if len(text) > DESCRIPTION_MAX:
            text = text[:DESCRIPTION_MAX - 1].rsplit(" ", 1)[0] + "…"
        emit(dataset, sdo["description"], (text, None, None))
        pages = said.get(_LANDING_PAGE)
        if pages:
            if any(type(page) is not str for page in pages):
                raise _Unsupported(f"{dataset} has a landing page that is not an IRI")
            emit(dataset, sdo["url"], min(pages))
        if not said.get(_LICENSE):
            for distribution in said.get(_DISTRIBUTION, ()):
                for licence in described(distribution).get(_LICENSE, ()):
                    emit(dataset, sdo["license"], licence)
        for period in said.get(_TEMPORAL, ()):
            period_said = described(period)
            start, end = period_said.get(_START), period_said.get(_END)
            if start or end:
                emit(dataset, sdo["temporalCoverage"], (
                    f"{_text(start[0]) if start else '..'}/{_text(end[0]) if end else '..'}", None, None))
        for catalog in terms.subjects(_LISTS_DATASET, dataset):
            emit(dataset, sdo["includedInDataCatalog"], catalog)
            self.follow("catalog", catalog)
        for member in terms.subjects(_IN_SERIES, dataset):
            emit(dataset, sdo["hasPart"], member)
        for scheme in said.get(_LABEL_SCHEME, ()):
            for label in described(scheme).get(_TOP_CONCEPT, ()):
                emit(dataset, sdo["variableMeasured"], label)
                self.follow("variable", label)
        steps = sorted(_text((described(r).get(_PREF_LABEL) or ("",))[0])
                       for r in said.get(_ACCESS_REQUIREMENT, ()))
        if steps:
            emit(dataset, sdo["conditionsOfAccess"], (
                "Access requires: " + "; ".join(s[:1].lower() + s[1:] for s in steps if s) + ".", None, None))

    def _derive_health_dataset(self, dataset, said: dict) -> None:
        """``HealthDcatApProfile.derive_dataset`` beyond DCAT-AP's: what all versions / members share."""
        description = self.description
        parts = (said.get(_CURRENT_VERSION) or said.get(_HAS_VERSION)
                 or self.renderer.terms.subjects(_IN_SERIES, dataset))
        if not parts:
            return
        if any(type(part) is tuple and len(part) == 3 for part in parts):
            raise _Unsupported(f"{dataset} has a literal as a version")
        if not said.get(_ACCESS_RIGHTS):
            rights = {r for part in parts for r in description(part).get(_ACCESS_RIGHTS, ())}
            if len(rights) == 1:
                value = rights.pop()
                self.emit(dataset, _ACCESS_RIGHTS, value)
                self.emit(value, _TYPE, _RIGHTS_STATEMENT)
                self.follow("concept", value)
        if not said.get(_HEALTH_CATEGORY):
            for category in {c for part in parts for c in description(part).get(_HEALTH_CATEGORY, ())}:
                self.emit(dataset, self.health + "healthCategory", category)
                self.emit(category, _TYPE, _CONCEPT)
                self.follow("concept", category)


def _text(term) -> str:
    """``str()`` of the rdflib term: an IRI, a literal's lexical form, a blank node's id."""
    return term if type(term) is str else str(term[0] if len(term) == 3 else term[1])


class _Framer:
    """``jsonld.Framer`` in these terms, for a batch the stream can write: no blank node shared or nested twice
    (else ``_Unsupported``). Nested node objects without blank nodes or cycles are framed once and reused."""

    def __init__(self, renderer: "DirectRenderer", out: dict):
        self.out = out
        self.context = renderer.context
        self.slots = renderer.slots
        self.root_set = renderer.top
        self.references = renderer.references
        self.written: set = set()
        self.open: set = set()
        self.memo: dict = {}
        self.marks = 0   # cycles met and blank nodes nested so far: a node object framed without new marks is reusable

    def frame(self, roots: list) -> list[dict]:
        incoming: dict = {}
        for predicates in self.out.values():
            for objects in predicates.values():
                for o in objects:
                    if type(o) is tuple and len(o) == 2:
                        incoming[o] = incoming.get(o, 0) + 1
        if any(n != 1 for n in incoming.values()):
            raise _Unsupported("a blank node is the object of two triples (it would need a _:b label)")
        for subject in self.out:
            if type(subject) is tuple and (len(subject) == 3 or subject not in incoming):
                raise _Unsupported(f"{subject} is described but reached from nothing")
        return [self.node(root, True) for root in roots]

    def slot(self, predicate: str) -> _Slot:
        found = self.slots.get(predicate)
        if found is None:
            key, term = self.context.key(predicate)
            found = self.slots[predicate] = _Slot(
                key, term.coerce if term else None, self.context.language_of(term),
                term is not None and term.container == "@set", predicate in self.references)
        return found

    def node(self, subject, top: bool) -> dict:
        if subject in self.written and type(subject) is tuple:
            raise _Unsupported("a blank node is nested in more than one place")
        self.written.add(subject)
        obj: dict = {}
        if type(subject) is str:
            obj["@id"] = subject
        elif top:
            raise _Unsupported("a top-level blank node")
        said = self.out[subject]
        types = said.get(_TYPE)
        if types:
            compact = self.context.compact
            names = sorted(compact(t) for t in types)
            obj["@type"] = names[0] if len(names) == 1 else names
        values: dict[str, list] = {}
        slots: dict[str, _Slot] = {}
        self.open.add(subject)
        for predicate, objects in said.items():
            if predicate == _TYPE:
                continue
            slot = self.slots.get(predicate) or self.slot(predicate)
            found = values.get(slot.key)
            if found is None:
                found = values[slot.key] = []
            slots[slot.key] = slot
            for value in objects:
                found.append(self.value(slot, value))
        self.open.discard(subject)
        for key in sorted(values, key=jsonld._key_order) if len(values) > 1 else values:
            items = values[key]
            if len(items) > 1:
                obj[key] = jsonld._sorted_values(items)
            else:
                obj[key] = items if slots[key].is_set else items[0]
        return obj

    def value(self, slot: _Slot, value):
        if type(value) is str:
            if not slot.reference and value in self.out and value not in self.root_set:
                if value in self.open:
                    self.marks += 1
                else:
                    found = self.memo.get(value)
                    if found is not None:
                        return found
                    marks = self.marks
                    found = self.node(value, False)
                    if marks == self.marks:
                        self.memo[value] = found
                    return found
            if slot.coerce == "@id":
                return value
            if slot.coerce == "@vocab":
                return self.context.compact(value)
            return {"@id": value}
        if len(value) == 2:
            if not slot.reference and value not in self.open and value in self.out:
                self.marks += 1
                return self.node(value, False)
            raise _Unsupported("a blank node written as a reference (it would need a _:b label)")
        return literal(slot, value, self.context)


def literal(slot: _Slot, value: tuple, context: jsonld.Context):
    """``Framer._literal`` in these terms."""
    text, language, datatype = value
    coerce = slot.coerce
    if language:
        if coerce is None and slot.language == language:
            return text
        return {"@value": text, "@language": language}
    if datatype is None:
        datatype = jsonld._STRING
    if coerce == "@json" and datatype == jsonld._JSON:
        return json.loads(text)
    if coerce is not None and coerce == datatype:
        return int(text) if datatype in jsonld._INTEGERS and jsonld._canonical_integer(text) else text
    if coerce is None:
        if datatype == jsonld._STRING:
            return text if slot.language is None else {"@value": text}
        if datatype == jsonld._BOOLEAN and text in ("true", "false"):
            return text == "true"
        if datatype == jsonld._INTEGER and jsonld._canonical_integer(text):
            return int(text)
    if datatype == jsonld._STRING:
        return {"@value": text}
    return {"@value": text, "@type": context.compact(datatype)}


class DirectRenderer:
    """Renders batches of datasets of one export (one profile, one set of exported datasets) directly."""

    def __init__(self, source: StoreSource, profile: Profile, kinds: dict[str, _Kind], selected,
                 top, context: jsonld.Context):
        self.terms = StoreTerms(source, frozenset(
            {source for kind in kinds.values() for source in kind.fields} | DERIVE_READS))
        self.profile = profile
        self.kinds = kinds
        self.selected = frozenset(str(d) for d in selected)
        self.top = frozenset(str(t) for t in top)
        self.context = context
        self.slots: dict[str, _Slot] = {}
        self.references = frozenset(str(r) for r in profile.reference_only)
        self.health = str(profile.namespace) if isinstance(profile, HealthDcatApProfile) else None
        self.schemaorg = isinstance(profile, SchemaOrgProfile)
        self._labels: dict[str, str | None] = {}
        self._vocabulary: dict[str, tuple] = {}
        self._alone: OrderedDict = OrderedDict()
        self.declined: list[str] = []   # why batches rendered in this process were declined

    @classmethod
    def create(cls, source: StoreSource, profile: Profile, selected, top,
               context: jsonld.Context) -> tuple["DirectRenderer | None", str | None]:
        """A renderer for this export, or None and why the profile is not rendered directly."""
        kinds, reason = plan_for(profile)
        if kinds is None:
            return None, reason
        return cls(source, profile, kinds, selected, top, context), None

    def batch(self, datasets: list) -> tuple[list[bytes], list[tuple]] | Declined:
        """``_Stream.batch`` for a batch of datasets: its node objects dumped and what it says of each nested
        IRI node; or why it was declined."""
        roots = [str(d) for d in datasets]

        def render():
            out = self.walk(roots)
            return [jsonld.dumped(obj) for obj in self._framed(out, roots)], self.nested(out)
        return self._declining(render)

    def chunk(self, profile: Profile, catalog: str, source: str, values: list[str]) -> tuple[dict, list] | Declined:
        """``_Stream.chunk``'s rendition and framing: the catalogue's node object as ``profile`` (whose
        catalogue map holds one long field, read from ``source``) maps it when ``values`` are that field's
        only values, and what it says of each nested IRI node; or why it was declined."""
        kinds, reason = plan_for(profile)
        if kinds is None:
            return Declined(reason)

        def render():
            walk = _Walk(self, kinds, (catalog, {source: values}))
            walk.follow(profile.catalog_kind, catalog)
            out = walk.run()
            if catalog not in out:
                raise _Unsupported("the catalogue keeps none of the chunk's values")
            return self._framed(out, [catalog])[0], self.nested(out)
        return self._declining(render)

    def _declining(self, render: Callable):
        """``render()``, or why it was declined; the collector is off meanwhile (a part makes ~10^5 small
        containers and no cycles: it would only rescan them)."""
        collecting = gc.isenabled()
        gc.disable()
        try:
            return render()
        except _Unsupported as exc:
            self.declined.append(str(exc))
            return Declined(str(exc))
        finally:
            if collecting:
                gc.enable()

    def _framed(self, out: dict, roots: list) -> list[dict]:
        """The node objects of ``roots`` framed from a walk's output, once the nodes no root reached are
        found to be datasets of other batches that say no more (``check_described_elsewhere``)."""
        framer = _Framer(self, out)
        objects = framer.frame(roots)
        for node in out:
            if node not in framer.written:
                self.check_described_elsewhere(node, out)
        return objects

    def walk(self, roots: list) -> dict:
        walk = _Walk(self)
        for root in roots:
            walk.follow("dataset", root)
        return walk.run()

    def vocabulary(self, node: str) -> tuple:
        """What the vocabulary extracts say of ``node``, in these terms."""
        found = self._vocabulary.get(node)
        if found is None:
            graph = self.profile.vocabularies.graph_for(node)
            pairs = () if graph is None else tuple(
                (str(p), from_rdflib(o)) for p, o in graph.predicate_objects(URIRef(node)))
            if any(type(o) is tuple and len(o) == 2 for _p, o in pairs):
                raise _Unsupported(f"the vocabulary extract describes {node} with a blank node")
            found = self._vocabulary[node] = pairs
        return found

    def label(self, term) -> str | None:
        """The vocabularies' English label of an IRI (``Vocabularies.label``); other terms are declined."""
        if type(term) is not str:
            raise _Unsupported(f"a format that is not an IRI: {term}")
        if term not in self._labels:
            self._labels[term] = self.profile.vocabularies.label(URIRef(term))
        return self._labels[term]

    def check_described_elsewhere(self, node, out: dict) -> None:
        """As ``_Stream.check_described_elsewhere``: only a dataset of another batch that says no more here
        than its own description does; else the batch is declined (the old path raises NotStreamable)."""
        if type(node) is not str or node not in self.selected:
            raise _Unsupported(f"{node} is reached from no top-level node")
        said = {(p, o) for p, objects in out[node].items() for o in objects}
        if any(type(o) is tuple and len(o) == 2 for _p, o in said) or not said <= self.alone(node):
            raise _Unsupported(f"{node} is described beyond its own description by another dataset")

    def alone(self, dataset: str) -> set:
        if dataset not in self._alone:
            out = self.walk([dataset])
            self._alone[dataset] = {(p, o) for p, objects in out.get(dataset, {}).items() for o in objects}
            if len(self._alone) > ALONE_KEPT:
                self._alone.popitem(last=False)
        self._alone.move_to_end(dataset)
        return self._alone[dataset]

    def nested(self, out: dict) -> list[tuple]:
        """As ``_Stream.nested``: (IRI, its hash, a hash of what is said, whether blank nodes hang below)."""
        found = []
        for node, predicates in out.items():
            if type(node) is not str or node in self.top:
                continue
            said = frozenset((p, o) for p, objects in predicates.items() for o in objects)
            blank = any(type(o) is tuple and len(o) == 2 for _p, o in said)
            found.append((node, hash(node), description_digest(said) if blank else hash(said), blank))
        return found


def description_digest(said) -> int:
    """A hash of what is said of a node, (predicate, object) pairs, the same in rdflib terms and in these
    (blank nodes all alike: their labels differ between the two), so that batches rendered either way
    can be compared by ``_Stream.check_nested_nodes``."""
    return hash(frozenset((str(p), _neutral(o)) for p, o in said))


def _neutral(term):
    kind = type(term)
    if kind is str:
        return term
    if kind is tuple:
        return _BLANK if len(term) == 2 else term
    if kind is URIRef:
        return str(term)
    if kind is BNode:
        return _BLANK
    return (str(term), term.language, str(term.datatype) if term.datatype is not None else None)


_BLANK = ("_",)
