"""The fields of a Markdown source list and how each one maps to the catalogue's model.

One class per field (Cost, Size, Labels, Requires, Includes, Reference, Access, Temporal coverage, Source,
Owner), each with the four directions of the mapping, so import and export cannot drift apart:

- ``parse(text)`` reads the list's words into a value (warning about what it fixes; ``FieldError`` when it
  cannot read them, with the expected form),
- ``emit(value)`` turns the value into the triples the curated catalogue uses,
- ``read(graph, nodes)`` reads the same kind of value back from any catalogue graph,
- ``format(value)`` writes it as list words again.

``accepted`` and ``agrees`` compare a list value with what a curated catalogue holds. Words the vocabulary
does not know are never dropped: they are kept as ``schema:additionalProperty`` name/value pairs.
"""

import calendar
import difflib
import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, SKOS, XSD

from hckg.namespaces import ACCESS_RIGHT, AGENT, DCAT, DEFAULT_BASE, DIST, HCKG, HEALTHDCATAP, LABELS, SCHEMA

HEALTH_CATEGORY = "https://hdeu-dcat.data.health.europa.eu/resource/authority/healthcategories/"

# the concept schemes list words are read into: name -> scheme IRI (concepts live at scheme IRI + "/" + name)
SCHEMES = {name: URIRef(DEFAULT_BASE + name)
           for name in ("unit", "requirement", "content", "source-kind", "theme")}

# List phrasings that are not labels of the concepts themselves: scheme -> phrase -> concept local name.
SYNONYMS = {
    "unit": {
        "admissions": "hospital-admission", "radiographs": "image", "chest radiographs": "image",
        "x rays": "image", "chest x rays": "image", "scans": "image", "studies": "imaging-study",
        "people": "person", "individuals": "person", "respondents": "person", "responses": "interview",
        "stays": "hospital-stay", "subjects": "participant",
    },
    "requirement": {
        "application": "application-review", "request": "application-review", "research proposal": "application-review",
        "human subjects research course": "human-subjects-training", "human subjects training": "human-subjects-training",
        "research ethics course": "human-subjects-training", "citi course": "human-subjects-training",
        "credentialed access": "credentialing", "register": "registration", "free registration": "registration",
        "login": "registration", "account": "registration", "sign up": "registration",
        "dua": "data-use-agreement", "research use agreement": "data-use-agreement",
        "data sharing agreement": "data-use-agreement", "accept terms of use": "terms-of-use",
        "fees": "fee", "payment": "fee", "commercial license": "commercial-licence",
    },
    "content": {
        "notes": "clinical-notes", "lab results": "laboratory-results", "genetic data": "genomics",
        "genomics": "genomics", "x rays": "imaging", "images": "imaging",
    },
    "source-kind": {
        "single site": "single-institution", "single center": "single-institution",
        "single centre": "single-institution", "single hospital": "single-institution",
        "multiple sites": "multiple-institutions", "multicenter": "multiple-institutions",
        "multicentre": "multiple-institutions", "multiple hospitals": "multiple-institutions",
        "survey": "population-survey", "household survey": "population-survey",
        "national survey": "population-survey", "claims": "administrative-claims",
        "insurance claims": "administrative-claims", "registry": "disease-registry",
        "cohort": "cohort-study", "simulated": "synthetic",
    },
}

FUZZY_CUTOFF = 0.85


class FieldError(ValueError):
    """A field value the importer cannot read; the message gives the expected form."""


Warn = Callable[[str], None]


# --- words -----------------------------------------------------------------------------------

def normalise(text: str) -> str:
    """Casefolded, hyphens and underscores as spaces, single spaces: the key words are compared by."""
    return " ".join(re.sub(r"[-_‐–]", " ", str(text)).casefold().split())


def slugify(text: str) -> str:
    """A stable IRI slug: ASCII letters and digits joined by hyphens ('NIH Chest X-ray' -> 'nih-chest-x-ray')."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.casefold()).strip("-")


def iri_slug(text: str) -> str:
    """The slug of a name for an IRI; names without Latin letters or digits get a short hash instead."""
    return slugify(text) or "x" + hashlib.sha1(text.encode()).hexdigest()[:8]


def singular(phrase: str) -> str:
    """The phrase with its last word made singular the simple English way ('studies' -> 'study')."""
    if phrase.endswith("ies") and len(phrase) > 4:
        return phrase[:-3] + "y"
    if phrase.endswith("s") and not phrase.endswith("ss"):
        return phrase[:-1]
    return phrase


def close_match(key: str, candidates: Iterable[str], cutoff: float = FUZZY_CUTOFF) -> str | None:
    """The candidate ``key`` is a misspelling of: close by difflib's ratio, or two letters swapped."""
    candidates = list(candidates)
    close = difflib.get_close_matches(key, candidates, n=1, cutoff=cutoff)
    if close:
        return close[0]
    for candidate in candidates:
        differ = [i for i, (a, b) in enumerate(zip(key, candidate)) if a != b]
        if (len(candidate) == len(key) >= 4 and len(differ) == 2 and differ[1] == differ[0] + 1
                and key[differ[0]] == candidate[differ[1]] and key[differ[1]] == candidate[differ[0]]):
            return candidate
    return None


def typo_note(written: str, canonical: str) -> str:
    """Name the misspelt words: 'typo "Insitution" for "institution"'."""
    words, fixed = written.split(), canonical.split()
    if len(words) == len(fixed):
        pairs = [(w, f) for w, f in zip(words, fixed) if normalise(w) != normalise(f)]
        if pairs:
            return "typo " + ", ".join(f'"{w}" for "{f}"' for w, f in pairs)
    return f'typo "{written}" for "{canonical}"'


@dataclass(frozen=True)
class Match:
    concept: URIRef
    label: str               # the label or phrase that matched
    typo: str | None = None  # set when the words matched only approximately


class Vocabulary:
    """The labels of the catalogue's concept schemes (units, requirements, content types, source kinds,
    themes), read from catalogue graphs, for turning list words into concepts and back."""

    def __init__(self, *graphs: Graph):
        self.graphs = graphs
        self._index: dict[str, dict[str, tuple[URIRef, str]]] = {}
        for name, scheme in SCHEMES.items():
            index: dict[str, tuple[URIRef, str]] = {}
            concepts = {c for g in graphs for c in g.subjects(SKOS.inScheme, scheme)}
            for concept in sorted(concepts):
                for prop in (SKOS.prefLabel, SKOS.altLabel):
                    for label in sorted(str(o) for g in graphs for o in g.objects(concept, prop)):
                        index.setdefault(normalise(label), (concept, label))
            for phrase, local in SYNONYMS.get(name, {}).items():
                concept = URIRef(f"{scheme}/{local}")
                if concept in concepts:
                    index.setdefault(normalise(phrase), (concept, phrase))
            if name == "unit":
                for key, value in list(index.items()):
                    index.setdefault(singular(key), value)
            self._index[name] = index

    def lookup(self, scheme: str, phrase: str) -> Match | None:
        """The concept of ``scheme`` that ``phrase`` names, exactly or (reported as a typo) approximately."""
        index = self._index[scheme]
        key = normalise(phrase)
        for candidate in (key, singular(key)) if scheme == "unit" else (key,):
            if candidate in index:
                concept, label = index[candidate]
                return Match(concept, label)
        if len(key) >= 4:
            close = close_match(key, index)
            if close:
                concept, label = index[close]
                return Match(concept, label, typo_note(phrase.strip(), label))
        return None

    def label(self, concept: URIRef) -> str:
        """The concept's preferred label (English first), or its IRI's last segment."""
        labels = [o for g in self.graphs for o in g.objects(concept, SKOS.prefLabel)]
        english = [str(o) for o in labels if getattr(o, "language", None) in ("en", None)]
        if english or labels:
            return sorted(english or [str(o) for o in labels])[0]
        return str(concept).rstrip("/").rsplit("/", 1)[-1]

    def labels(self, scheme: str) -> list[str]:
        """Preferred labels of a scheme's concepts, for messages that list the known words."""
        concepts = {concept for concept, _ in self._index[scheme].values()}
        return sorted((self.label(c) for c in concepts), key=str.casefold)

    def scheme_title(self, scheme: str) -> str | None:
        for g in self.graphs:
            for title in g.objects(SCHEMES[scheme], DCTERMS.title):
                return str(title)
        return None

    def close_matches(self, concept: URIRef) -> list[URIRef]:
        return sorted({o for g in self.graphs for o in g.objects(concept, SKOS.closeMatch)})


# --- reading graphs ----------------------------------------------------------------------------

def objects(graph: Graph, nodes: Iterable, prop) -> list:
    """All values of ``prop`` on any of ``nodes``, without repeats, in a stable order."""
    return sorted({o for node in nodes for o in graph.objects(node, prop)}, key=lambda o: (type(o).__name__, str(o)))


def names(graph: Graph, agents: Iterable, *, alternatives: bool = False) -> list[str]:
    """One name per agent (its English foaf:name first); with ``alternatives`` every name and altLabel."""
    found = []
    for agent in agents:
        labels = sorted(graph.objects(agent, FOAF.name), key=lambda o: (getattr(o, "language", None) != "en", str(o)))
        if alternatives:
            found += [str(o) for o in labels] + [str(o) for o in graph.objects(agent, SKOS.altLabel)]
        elif labels:
            found.append(str(labels[0]))
    return sorted(set(found), key=str.casefold)


def extras(graph: Graph, nodes: Iterable, field_name: str) -> tuple[str, ...]:
    """The list words kept as text for a field: schema:additionalProperty values named ``field_name``."""
    found = set()
    for pair in objects(graph, nodes, SCHEMA.additionalProperty):
        if str(graph.value(pair, SCHEMA.name)) == field_name:
            found.update(str(v) for v in graph.objects(pair, SCHEMA.value))
    return tuple(sorted(found, key=str.casefold))


def emit_extras(graph: Graph, dataset: URIRef, slug: str, field_name: str, texts: Iterable[str]) -> None:
    """Keep list words the vocabulary does not know as schema:additionalProperty name/value pairs."""
    for number, text in enumerate(texts, 1):
        pair = BNode(f"{slug}-{iri_slug(field_name)}-{hashlib.sha1(field_name.encode()).hexdigest()[:6]}-{number}")
        graph.add((dataset, SCHEMA.additionalProperty, pair))
        graph.add((pair, RDF.type, SCHEMA.PropertyValue))
        graph.add((pair, SCHEMA.name, Literal(field_name)))
        graph.add((pair, SCHEMA.value, Literal(text)))


def split_items(text: str, known: Callable[[str], bool]) -> list[str]:
    """Split a list of phrases on commas and semicolons, and on 'and' where that leaves only known
    phrases ('vitals and labs', but not 'cancer incidence and survival')."""
    phrases = []
    for item in re.split(r"\s*[,;]\s*", text.strip()):
        item = re.sub(r"^and\s+", "", item.strip(), flags=re.I)
        parts = [p.strip() for p in re.split(r"\s+and\s+", item, flags=re.I) if p.strip()]
        if not known(item) and len(parts) > 1 and all(known(p) for p in parts):
            phrases += parts
        elif item:
            phrases.append(item)
    return phrases


def folded(values: Iterable[str]) -> set[str]:
    return {normalise(v) for v in values}


# --- URLs and DOIs -----------------------------------------------------------------------------

URL = re.compile(r"^[a-z][a-z0-9+.-]*://[^\s<>\"{}|\\^`]+$", re.I)
BARE_DOI = re.compile(r"^(?:doi:\s*)?(10\.\S+)$", re.I)
DOI_URL = re.compile(r"^https?://(?:dx\.)?doi\.org/(.+)$", re.I)
WELL_FORMED_DOI = re.compile(r"^10\.[0-9]{4,9}/[^\s\"<>]+$")
MARKDOWN_LINK = re.compile(r"^\[[^\]]*\]\((\S+)\)$")
LEADING_STRAY = "\"'“‘«(["
TRAILING_STRAY = "\"'”’».,;:!?)]"


def strip_stray(token: str) -> tuple[str, str, str]:
    """Split quotes and punctuation glued to a URL off both ends; brackets only when unbalanced."""
    lead = ""
    while token and token[0] in LEADING_STRAY:
        lead, token = lead + token[0], token[1:]
    trail = ""
    while token and token[-1] in TRAILING_STRAY:
        last = token[-1]
        if last == ")" and token.count("(") >= token.count(")"):
            break
        if last == "]" and token.count("[") >= token.count("]"):
            break
        trail, token = last + trail, token[:-1]
    return token, lead, trail


def read_urls(text: str, warn: Warn) -> list[str] | None:
    """The URLs (DOIs as https://doi.org/...) a value consists of, or None when it is not only URLs."""
    link = MARKDOWN_LINK.match(text.strip())
    if link:
        text = link.group(1)
    urls = []
    for token in text.replace(",", " ").split():
        if token.startswith("<") and token.endswith(">"):
            token = token[1:-1]
        token, lead, trail = strip_stray(token)
        doi = BARE_DOI.match(token) or DOI_URL.match(token)
        if doi:
            url = "https://doi.org/" + doi.group(1)
        elif URL.match(token):
            url = token
        else:
            return None
        kind = "DOI" if doi else "URL"
        if lead:
            warn(f"stray '{lead}' before the {kind} removed")
        if trail:
            warn(f"stray '{trail}' after the {kind} removed")
        if doi and not WELL_FORMED_DOI.match(doi.group(1)):
            raise FieldError(f'"{token}" is not a well-formed DOI; expected https://doi.org/10.NNNN/suffix')
        urls.append(url)
    return urls or None


def url_key(url: str) -> str:
    """URLs compare without a trailing slash; DOIs compare case-insensitively, as DOIs do."""
    url = url.rstrip("/")
    doi = DOI_URL.match(url)
    return "https://doi.org/" + doi.group(1).casefold() if doi else url


# --- the fields ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Emit:
    """What a field needs to write its triples: the dataset, names to mint IRIs from, the list itself."""

    dataset: URIRef
    slug: str
    title: str
    source: URIRef
    vocabulary: Vocabulary


class Field:
    """One field of the list format. Subclasses define the mapping; values are hashable and comparable."""

    name = ""

    def parse(self, text: str, vocabulary: Vocabulary, warn: Warn):
        raise NotImplementedError

    def emit(self, value, at: Emit) -> Graph:
        raise NotImplementedError

    def read(self, graph: Graph, nodes: list, vocabulary: Vocabulary):
        raise NotImplementedError

    def format(self, value, vocabulary: Vocabulary) -> str:
        raise NotImplementedError

    def accepted(self, graph: Graph, nodes: list, vocabulary: Vocabulary):
        """Everything a catalogue holds that a list value may agree with (default: what ``read`` gives)."""
        return self.read(graph, nodes, vocabulary)

    def agrees(self, listed, accepted) -> bool:
        return listed == accepted

    def is_empty(self, value) -> bool:
        return not value


class Cost(Field):
    name = "Cost"
    WORDS = {"free": True, "paid": False, "fee": False, "fee based": False, "commercial": False, "not free": False}

    def parse(self, text, vocabulary, warn):
        key = normalise(text)
        if key not in self.WORDS:
            close = close_match(key, self.WORDS)
            if not close:
                raise FieldError(f'cannot read "{text}" as a cost; expected "Free" or "Paid"')
            warn(typo_note(text, close.capitalize()))
            key = close
        return frozenset([self.WORDS[key]])

    def emit(self, value, at):
        graph = Graph()
        for free in value:
            graph.add((at.dataset, SCHEMA.isAccessibleForFree, Literal(free)))
        return graph

    def read(self, graph, nodes, vocabulary):
        return frozenset(o.toPython() for o in objects(graph, nodes, SCHEMA.isAccessibleForFree)
                         if isinstance(o.toPython(), bool))

    def format(self, value, vocabulary):
        return ", ".join("Free" if free else "Paid" for free in sorted(value, reverse=True))

    def agrees(self, listed, accepted):
        return listed <= accepted


@dataclass(frozen=True)
class Count:
    """One figure of a Size: what it counts, an exact value or bounds, and how it was worded."""

    unit: URIRef
    phrase: str                  # the list's word for the unit ("chest radiographs")
    value: int | None = None
    minimum: int | None = None
    maximum: int | None = None
    per: str | None = None       # xsd:duration of a rate, e.g. P1Y for "annually"
    approximate: bool = False

    @property
    def key(self):
        """What must match for two counts to agree (not the wording, not 'about')."""
        return (self.unit, self.value, self.minimum, self.maximum, self.per)


class Size(Field):
    name = "Size"
    PERIODS = {"annually": "P1Y", "per year": "P1Y", "a year": "P1Y", "each year": "P1Y", "yearly": "P1Y",
               "per month": "P1M", "a month": "P1M", "monthly": "P1M", "per week": "P1W", "weekly": "P1W",
               "per day": "P1D", "daily": "P1D"}
    PERIOD_WORDS = {"P1Y": "annually", "P1M": "per month", "P1W": "per week", "P1D": "per day"}
    QUALIFIERS = {"more than": "min", "over": "min", "at least": "min", ">": "min", ">=": "min", "≥": "min",
                  "almost": "max~", "nearly": "max~", "up to": "max", "under": "max", "fewer than": "max",
                  "less than": "max", "<": "max", "<=": "max", "≤": "max", "about": "~", "around": "~",
                  "approximately": "~", "approx.": "~", "roughly": "~", "c.": "~", "ca.": "~", "~": "~", "≈": "~"}
    SCALES = {"k": 1_000, "thousand": 1_000, "m": 1_000_000, "million": 1_000_000}
    INDIVIDUALS = ("patient", "person", "participant", "beneficiary")
    NUMBER = r"\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?"
    COUNT = re.compile(
        r"^(?:(?P<qualifier>" + "|".join(re.escape(q) for q in sorted(QUALIFIERS, key=len, reverse=True)) + r")\s*)?"
        rf"(?P<first>{NUMBER})\s*(?P<first_scale>k|m|thousand|million)?"
        rf"(?:\s*(?:-|–|to)\s*(?P<second>{NUMBER})\s*(?P<second_scale>k|m|thousand|million)?)?"
        r"\s+(?P<what>.+?)"
        r"(?:\s+(?P<per>" + "|".join(re.escape(p) for p in PERIODS) + r"))?$",
        re.I,
    )
    EXAMPLES = ('expected counts such as "49,785 hospital admissions of 38,597 patients", '
                '"more than 165,000 imaging studies" or "50-100k responses annually"')

    def parse(self, text, vocabulary, warn):
        text = text.strip()
        growing = re.search(r"\s*\((?:and\s+)?(?:still\s+)?growing\)$|,?\s+and\s+growing$", text, re.I)
        if growing:
            text = text[:growing.start()]
        text = re.sub(r"^variable\s*[,;:]\s*", "", text, flags=re.I)
        counts = []
        for part in re.split(r"\s*;\s*|,\s+|\s+(?:of|from|and)\s+", text):
            counts.append(self._count(part, text, vocabulary, warn, growing is not None))
        return frozenset(counts)

    def _count(self, part, text, vocabulary, warn, growing):
        match = self.COUNT.match(part.strip())
        if not match:
            where = f'"{part}"' if part.strip() == text.strip() else f'"{part}" in "{text}"'
            raise FieldError(f"cannot read {where} as a count; {self.EXAMPLES}")
        first = self._number(match["first"], match["first_scale"] or
                             (match["second_scale"] if "," not in match["first"] else None))
        second = self._number(match["second"], match["second_scale"]) if match["second"] else None
        unit = vocabulary.lookup("unit", match["what"])
        if unit is None:
            raise FieldError(f'unknown unit "{match["what"]}" in "{part}"; use one of: '
                             + ", ".join(vocabulary.labels("unit")))
        if unit.typo:
            warn(unit.typo)
        phrase = unit.label if unit.typo else " ".join(match["what"].split())
        qualifier = self.QUALIFIERS.get((match["qualifier"] or "").casefold(), "")
        per = self.PERIODS[match["per"].casefold()] if match["per"] else None
        if second is not None:
            if first > second:
                raise FieldError(f'the range in "{part}" starts above its end')
            return Count(unit.concept, phrase, minimum=first, maximum=second, per=per, approximate=qualifier == "~")
        if qualifier == "min" or growing:
            return Count(unit.concept, phrase, minimum=first, per=per)
        if qualifier.startswith("max"):
            return Count(unit.concept, phrase, maximum=first, per=per, approximate=qualifier == "max~")
        return Count(unit.concept, phrase, value=first, per=per, approximate=qualifier == "~")

    def _number(self, digits, scale):
        number = Decimal(digits.replace(",", "")) * self.SCALES.get((scale or "").casefold(), 1)
        if number != number.to_integral_value():
            raise FieldError(f'"{digits}{scale or ""}" is not a whole number')
        return int(number)

    def emit(self, value, at):
        graph = Graph()
        counts = sorted(value, key=self._order)
        for number, count in enumerate(counts, 1):
            node = BNode(f"{at.slug}-size-{number}")
            graph.add((at.dataset, HCKG.size, node))
            graph.add((node, RDF.type, HCKG.Count))
            graph.add((node, HCKG.countOf, count.unit))
            for prop, figure in ((SCHEMA.value, count.value), (SCHEMA.minValue, count.minimum),
                                 (SCHEMA.maxValue, count.maximum)):
                if figure is not None:
                    graph.add((node, prop, Literal(figure, datatype=XSD.nonNegativeInteger)))
            if count.per:
                graph.add((node, HCKG.perPeriod, Literal(count.per, datatype=XSD.duration)))
            if count.approximate:
                graph.add((node, HCKG.approximate, Literal(True)))
            if normalise(count.phrase) != normalise(at.vocabulary.label(count.unit)):
                graph.add((node, SKOS.scopeNote, Literal(count.phrase, lang="en")))
            graph.add((node, DCTERMS.source, at.source))
        self._emit_totals(graph, at.dataset, counts)
        return graph

    def _emit_totals(self, graph, dataset, counts):
        """HealthDCAT-AP's two totals, where the list makes them unambiguous."""
        exact = [c for c in counts if c.value is not None and c.per is None and not c.approximate]
        people = [c for c in exact if str(c.unit).rsplit("/", 1)[-1] in self.INDIVIDUALS]
        records = [c for c in exact if c not in people]
        individuals = people[0].value if len(people) == 1 else None
        total = records[0].value if len(records) == 1 else None
        if individuals is not None and total is not None and individuals > total:
            return
        if individuals is not None:
            graph.add((dataset, HEALTHDCATAP.numberOfUniqueIndividuals, Literal(individuals, datatype=XSD.nonNegativeInteger)))
        if total is not None:
            graph.add((dataset, HEALTHDCATAP.numberOfRecords, Literal(total, datatype=XSD.nonNegativeInteger)))

    def read(self, graph, nodes, vocabulary):
        counts = []
        for node in objects(graph, nodes, HCKG.size):
            unit = graph.value(node, HCKG.countOf)
            if unit is None:
                continue
            figures = [graph.value(node, p) for p in (SCHEMA.value, SCHEMA.minValue, SCHEMA.maxValue)]
            figures = [int(f) if f is not None and str(f).isdigit() else None for f in figures]
            per = graph.value(node, HCKG.perPeriod)
            approximate = graph.value(node, HCKG.approximate)
            counts.append(Count(unit, self._phrase(graph, node, unit, vocabulary), *figures,
                                per=str(per) if per is not None else None,
                                approximate=approximate is not None and approximate.toPython() is True))
        return frozenset(counts)

    @staticmethod
    def _phrase(graph, node, unit, vocabulary):
        """The list's word for the unit: a scope note that names the same unit ('Chest radiographs.'),
        else the unit's label."""
        for note in sorted(str(n) for n in graph.objects(node, SKOS.scopeNote)):
            words = note.strip().rstrip(".")
            match = vocabulary.lookup("unit", words) if len(words.split()) <= 4 else None
            if match and match.concept == unit and not match.typo:
                return words[0].lower() + words[1:] if words[1:2].islower() else words
        return vocabulary.label(unit)

    @staticmethod
    def _order(count):
        figure = next((f for f in (count.value, count.minimum, count.maximum) if f is not None), 0)
        return (normalise(count.phrase), figure, count.key[2:] != (None, None, None), str(count.key))

    def format(self, value, vocabulary):
        return ", ".join(self._words(c) for c in sorted(value, key=self._order))

    def _words(self, c):
        about = "about " if c.approximate else ""
        if c.value is not None:
            figure = f"{about}{c.value:,}"
        elif c.minimum is not None and c.maximum is not None:
            figure = f"{about}{c.minimum:,}-{c.maximum:,}"
        elif c.minimum is not None:
            figure = f"more than {c.minimum:,}"
        else:
            figure = f"{'almost' if c.approximate else 'up to'} {c.maximum:,}"
        period = self.PERIOD_WORDS.get(c.per or "")
        return f"{figure} {c.phrase}" + (f" {period}" if period else "")

    def agrees(self, listed, accepted):
        return {c.key for c in listed} == {c.key for c in accepted}


@dataclass(frozen=True)
class LabelSet:
    """A dataset's label scheme: the label names, or only how many there are and in what words."""

    names: frozenset = frozenset()
    alternatives: frozenset = frozenset()
    size: int | None = None
    text: str | None = None


class Labels(Field):
    name = "Labels"
    NONE = {"none", "no labels", "n/a", "unlabelled", "unlabeled"}
    COUNTED = re.compile(r"^(\d[\d,]*\d|\d)\s+[^\W\d_].*$")

    def parse(self, text, vocabulary, warn):
        text = " ".join(text.split())
        if normalise(text) in self.NONE:
            return ()
        counted = self.COUNTED.match(text)
        if counted:
            return (LabelSet(size=int(counted.group(1).replace(",", "")), text=text),)
        found = {}
        for label in re.split(r"\s*[,;]\s*", text):
            if not label:
                continue
            if iri_slug(label) in found:
                warn(f'label "{label}" repeats another label; kept once')
                continue
            found[iri_slug(label)] = label
        return (LabelSet(names=frozenset(found.values())),)

    def emit(self, value, at):
        graph = Graph()
        for labels in value:
            scheme = LABELS[at.slug]
            title = Literal(f"{at.title} labels", lang="en")
            graph.add((at.dataset, HCKG.labelScheme, scheme))
            graph.add((scheme, RDF.type, SKOS.ConceptScheme))
            graph.add((scheme, DCTERMS.title, title))
            graph.add((scheme, SKOS.prefLabel, title))
            if labels.size is not None:
                graph.add((scheme, SCHEMA.numberOfItems, Literal(labels.size, datatype=XSD.nonNegativeInteger)))
                graph.add((scheme, SKOS.definition, Literal(labels.text, lang="en")))
            for label in sorted(labels.names):
                concept = LABELS[f"{at.slug}/{iri_slug(label)}"]
                graph.add((scheme, SKOS.hasTopConcept, concept))
                graph.add((concept, RDF.type, SKOS.Concept))
                graph.add((concept, SKOS.inScheme, scheme))
                graph.add((concept, SKOS.prefLabel, Literal(label, lang="en")))
        return graph

    def read(self, graph, nodes, vocabulary):
        found = []
        for scheme in objects(graph, nodes, HCKG.labelScheme):
            concepts = set(graph.subjects(SKOS.inScheme, scheme)) | set(graph.objects(scheme, SKOS.hasTopConcept))
            size = graph.value(scheme, SCHEMA.numberOfItems)
            text = graph.value(scheme, SKOS.definition) if size is not None else None
            found.append(LabelSet(
                names=frozenset(str(graph.value(c, SKOS.prefLabel)) for c in concepts
                                if graph.value(c, SKOS.prefLabel) is not None),
                alternatives=frozenset(str(o) for c in concepts for o in graph.objects(c, SKOS.altLabel)),
                size=int(size) if size is not None else (len(concepts) or None),
                text=str(text) if text is not None else None,
            ))
        return tuple(sorted(found, key=lambda s: (sorted(s.names), s.size or 0, s.text or "")))

    def format(self, value, vocabulary):
        if not value:
            return "None"
        words = []
        for labels in value:
            if labels.names:
                words.append(", ".join(sorted(labels.names, key=str.casefold)))
            elif labels.text and self.COUNTED.match(labels.text):
                words.append(labels.text)
            elif labels.size:
                words.append(f"{labels.size} labels")
        return "; ".join(words)

    def agrees(self, listed, accepted):
        if not listed:
            return not accepted
        known = folded(n for s in accepted for n in s.names | s.alternatives)
        for labels in listed:
            if labels.names and not folded(labels.names) <= known:
                return False
            if not labels.names and labels.size not in {s.size for s in accepted}:
                return False
        return True


@dataclass(frozen=True)
class Requirements:
    concepts: frozenset = frozenset()
    turnaround: str | None = None
    open: bool = False                       # "No application": nothing to do before downloading
    extra: tuple = ()


class Requires(Field):
    name = "Requires"
    NOTHING = {"no application", "none", "no requirements", "nothing", "open access", "no restrictions"}
    TURNAROUND = re.compile(r"^(?:(?P<before>.+?)\s+turnaround|turnaround\s+(?:of\s+|in\s+)?(?P<after>.+)"
                            r"|approval\s+(?:in|within|takes)\s+(?P<approval>.+))$", re.I)

    def parse(self, text, vocabulary, warn):
        concepts, turnaround, nothing, extra = set(), None, False, []
        for phrase in split_items(text, lambda p: self._known(p, vocabulary)):
            phrase = self._bare(phrase)
            if normalise(phrase) in self.NOTHING:
                nothing = True
                continue
            timing = self.TURNAROUND.match(phrase)
            if timing:
                turnaround = next(g for g in timing.groups() if g)
                continue
            match = vocabulary.lookup("requirement", phrase)
            if match is None:
                warn(f'unknown requirement "{phrase}" kept as text; known requirements: '
                     + ", ".join(vocabulary.labels("requirement")))
                extra.append(phrase)
                continue
            if match.typo:
                warn(match.typo)
            concepts.add(match.concept)
        return Requirements(frozenset(concepts), turnaround, nothing and not concepts and not extra, tuple(extra))

    @staticmethod
    def _bare(phrase):
        return re.sub(r"^(?:(?:a|an|the|signed)\s+)+", "", phrase, flags=re.I)

    def _known(self, phrase, vocabulary):
        phrase = self._bare(phrase)
        return bool(normalise(phrase) in self.NOTHING or self.TURNAROUND.match(phrase)
                    or vocabulary.lookup("requirement", phrase))

    def emit(self, value, at):
        graph = Graph()
        for concept in value.concepts:
            graph.add((at.dataset, HCKG.accessRequirement, concept))
        if value.turnaround:
            graph.add((at.dataset, HCKG.approvalTurnaround, Literal(value.turnaround, lang="en")))
        if value.open:
            graph.add((at.dataset, DCTERMS.accessRights, ACCESS_RIGHT.PUBLIC))
        elif value.concepts or value.extra:
            graph.add((at.dataset, DCTERMS.accessRights, ACCESS_RIGHT.RESTRICTED))
        emit_extras(graph, at.dataset, at.slug, self.name, value.extra)
        return graph

    def read(self, graph, nodes, vocabulary):
        concepts = frozenset(objects(graph, nodes, HCKG.accessRequirement))
        turnaround = objects(graph, nodes, HCKG.approvalTurnaround)
        rights = objects(graph, nodes, DCTERMS.accessRights)
        return Requirements(concepts, str(turnaround[0]) if turnaround else None,
                            ACCESS_RIGHT.PUBLIC in rights and not concepts, extras(graph, nodes, self.name))

    def format(self, value, vocabulary):
        items = sorted((vocabulary.label(c) for c in value.concepts), key=str.casefold)
        if value.turnaround:
            items.append(f"{value.turnaround} turnaround")
        items += value.extra
        return ", ".join(items) if items else ("No application" if value.open else "")

    def agrees(self, listed, accepted):
        return (listed.concepts == accepted.concepts
                and folded(listed.extra) <= folded(accepted.extra)
                and (listed.turnaround is None or normalise(listed.turnaround) == normalise(accepted.turnaround or "")))

    def is_empty(self, value):
        return not (value.concepts or value.turnaround or value.open or value.extra)


@dataclass(frozen=True)
class Contents:
    concepts: frozenset = frozenset()
    extra: tuple = ()


class Includes(Field):
    name = "Includes"

    def parse(self, text, vocabulary, warn):
        concepts, extra = set(), []
        for phrase in split_items(text, lambda p: vocabulary.lookup("content", p) is not None):
            match = vocabulary.lookup("content", phrase)
            if match is None:
                warn(f'unknown content type "{phrase}" kept as text; known content types are the concepts '
                     f'of <{SCHEMES["content"]}>')
                extra.append(phrase)
                continue
            if match.typo:
                warn(match.typo)
            concepts.add(match.concept)
        return Contents(frozenset(concepts), tuple(extra))

    def emit(self, value, at):
        graph = Graph()
        for concept in value.concepts:
            graph.add((at.dataset, HCKG.contentType, concept))
        emit_extras(graph, at.dataset, at.slug, self.name, value.extra)
        return graph

    def read(self, graph, nodes, vocabulary):
        return Contents(frozenset(objects(graph, nodes, HCKG.contentType)), extras(graph, nodes, self.name))

    def format(self, value, vocabulary):
        return ", ".join(sorted((vocabulary.label(c) for c in value.concepts), key=str.casefold) + list(value.extra))

    def agrees(self, listed, accepted):
        return listed.concepts <= accepted.concepts and folded(listed.extra) <= folded(accepted.extra)

    def is_empty(self, value):
        return not (value.concepts or value.extra)


@dataclass(frozen=True)
class References:
    urls: tuple = ()          # DOIs and URLs, the dataset's own identifier first
    citations: tuple = ()     # references given as text


class Reference(Field):
    name = "Reference"

    def parse(self, text, vocabulary, warn):
        urls = read_urls(text, warn)
        if urls:
            return References(urls=tuple(dict.fromkeys(urls)))
        return References(citations=(" ".join(text.split()),))

    def emit(self, value, at):
        graph = Graph()
        for url in value.urls:
            graph.add((at.dataset, DCTERMS.isReferencedBy, URIRef(url)))
        for citation in value.citations:
            graph.add((at.dataset, DCTERMS.bibliographicCitation, Literal(citation, lang="en")))
        return graph

    def read(self, graph, nodes, vocabulary):
        identifiers = [str(o) for o in objects(graph, nodes, DCTERMS.identifier) if URL.match(str(o))]
        referenced = [str(o) for o in objects(graph, nodes, DCTERMS.isReferencedBy) if isinstance(o, URIRef)]
        citations = [str(o) for o in objects(graph, nodes, DCTERMS.bibliographicCitation)]
        return References(tuple(dict.fromkeys(identifiers + referenced)), tuple(citations))

    def format(self, value, vocabulary):
        return ", ".join(value.urls) if value.urls else " ".join(value.citations)

    def agrees(self, listed, accepted):
        known = {url_key(u) for u in accepted.urls}
        cited = [normalise(c) for c in accepted.citations]
        return ({url_key(u) for u in listed.urls} <= known
                and all(any(normalise(c) in other for other in cited) for c in listed.citations))

    def is_empty(self, value):
        return not (value.urls or value.citations)


class Access(Field):
    name = "Access"

    def parse(self, text, vocabulary, warn):
        urls = read_urls(text, warn)
        if not urls:
            raise FieldError(f'cannot read "{text}" as a URL; expected e.g. https://example.org/data')
        return tuple(dict.fromkeys(urls))

    def emit(self, value, at):
        graph = Graph()
        distribution = DIST[at.slug]
        graph.add((at.dataset, DCAT.distribution, distribution))
        graph.add((distribution, RDF.type, DCAT.Distribution))
        graph.add((distribution, DCTERMS.title, Literal(f"Access to {at.title}", lang="en")))
        for url in value:
            graph.add((distribution, DCAT.accessURL, URIRef(url)))
        return graph

    def read(self, graph, nodes, vocabulary):
        """The ways in a list would name: access URLs of distributions that mirror nothing, else landing pages."""
        distributions = [d for d in objects(graph, nodes, DCAT.distribution) if graph.value(d, HCKG.mirrorOf) is None]
        urls = objects(graph, distributions, DCAT.accessURL) or objects(graph, nodes, DCAT.landingPage)
        return tuple(str(u) for u in urls)

    def accepted(self, graph, nodes, vocabulary):
        distributions = objects(graph, nodes, DCAT.distribution)
        urls = (objects(graph, distributions, DCAT.accessURL) + objects(graph, distributions, DCAT.downloadURL)
                + objects(graph, nodes, DCAT.landingPage) + objects(graph, nodes, FOAF.page))
        return tuple(str(u) for u in urls)

    def format(self, value, vocabulary):
        return ", ".join(value)

    def agrees(self, listed, accepted):
        return {url_key(u) for u in listed} <= {url_key(u) for u in accepted}


@dataclass(frozen=True, order=True)
class Period:
    start: str | None      # 2001, 2002-10 or 2016-09-04; None: no stated start
    end: str | None        # None: open ("onwards", "through present")


class TemporalCoverage(Field):
    name = "Temporal coverage"
    MONTHS = {m.casefold(): i for i, m in enumerate(calendar.month_name) if m}
    MONTHS |= {m.casefold(): i for i, m in enumerate(calendar.month_abbr) if m}
    UNKNOWN = {"unknown", "none", "n/a", "not stated"}
    OPEN = r"(?:onwards|onward|to date|and later|ongoing|(?:through|to|until|till|-|–)\s*(?:present|now|today))"
    EXAMPLES = ('expected a period such as "2001 through 2012", "2019 onwards", "1963 through present" '
                'or "October 2002 through July 2017"')
    DATATYPES = {4: XSD.gYear, 7: XSD.gYearMonth, 10: XSD.date}

    def parse(self, text, vocabulary, warn):
        if normalise(text) in self.UNKNOWN:
            return frozenset()
        return frozenset(self._period(part, warn) for part in re.split(r"\s*[,;]\s*", text.strip()) if part)

    def _period(self, text, warn):
        text = " ".join(text.split())
        patterns = (
            (rf"(?:from\s+|since\s+)?(?P<start>.+?)\s*{self.OPEN}", False),
            (r"since\s+(?P<start>.+)", False),
            (r"(?:until|till|up to|before)\s+(?P<end>.+)", False),
            (r"(?P<start>\d{4})\s*-\s*(?P<end>\d{4})", False),
            (r"(?:from\s+)?(?P<start>.+?)(?:\s+(?:through|thru|to|until|till)\s+|\s*[–—]\s*|\s+-\s+)(?P<end>.+)", False),
            (r"(?P<start>.+)", True),
        )
        for pattern, single in patterns:
            match = re.fullmatch(pattern, text, re.I)
            if match:
                parts = match.groupdict()
                start = self._date(parts.get("start"), text, warn)
                end = start if single else self._date(parts.get("end"), text, warn)
                if start and end and start > end and not start.startswith(end):
                    raise FieldError(f'the period "{text}" starts after it ends')
                return Period(start, end)
        raise FieldError(f'cannot read "{text}" as a period; {self.EXAMPLES}')

    def _date(self, words, text, warn):
        """'2001', '2002-10', '2016-09-04', 'October 2002' or 'Oct. 2002' as an ISO lexical form."""
        if words is None:
            return None
        words = words.strip()
        iso = re.fullmatch(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", words)
        named = re.fullmatch(r"([A-Za-z]+)\.?\s+(\d{4})", words)
        if iso:
            year, month, day = iso.groups()
        elif named:
            month_name, year, day = named.group(1), named.group(2), None
            month = self.MONTHS.get(month_name.casefold())
            if month is None:
                close = close_match(month_name.casefold(), self.MONTHS, cutoff=0.8)
                if not close:
                    raise FieldError(f'unknown month "{month_name}" in "{text}"; {self.EXAMPLES}')
                month = self.MONTHS[close]
                warn(typo_note(month_name, calendar.month_name[month]))
            month = f"{month:02d}"
        else:
            raise FieldError(f'cannot read "{text}" as a period; {self.EXAMPLES}')
        if (int(year) < 1 or month and not 1 <= int(month) <= 12
                or day and not 1 <= int(day) <= calendar.monthrange(int(year), int(month))[1]):
            raise FieldError(f'"{words}" is not a date; {self.EXAMPLES}')
        return "-".join(p for p in (year, month, day) if p)

    def emit(self, value, at):
        graph = Graph()
        for number, period in enumerate(sorted(value, key=self._order), 1):
            node = BNode(f"{at.slug}-period-{number}")
            graph.add((at.dataset, DCTERMS.temporal, node))
            graph.add((node, RDF.type, DCTERMS.PeriodOfTime))
            for prop, date in ((DCAT.startDate, period.start), (DCAT.endDate, period.end)):
                if date:
                    graph.add((node, prop, Literal(date, datatype=self.DATATYPES[len(date)])))
        return graph

    def read(self, graph, nodes, vocabulary):
        periods = set()
        for node in objects(graph, nodes, DCTERMS.temporal):
            dates = [graph.value(node, p) for p in (DCAT.startDate, DCAT.endDate)]
            dates = [str(d)[:10] if d is not None else None for d in dates]
            if any(dates):
                periods.add(Period(*dates))
        return frozenset(periods)

    @staticmethod
    def _order(period):
        return (period.start or "", period.end or "~")

    def format(self, value, vocabulary):
        return ", ".join(self._words(p) for p in sorted(value, key=self._order)) if value else "Unknown"

    def _words(self, period):
        if period.start and period.start == period.end:
            return self._date_words(period.start)
        if not period.start:
            return f"until {self._date_words(period.end)}"
        if not period.end:
            return f"{self._date_words(period.start)} through present"
        return f"{self._date_words(period.start)} through {self._date_words(period.end)}"

    @staticmethod
    def _date_words(date):
        if len(date) == 7:
            return f"{calendar.month_name[int(date[5:])]} {date[:4]}"
        return date


@dataclass(frozen=True)
class Origin:
    kinds: frozenset = frozenset()
    institutions: tuple = ()      # names
    extra: tuple = ()


class Source(Field):
    name = "Source"
    SPLIT = re.compile(r"^(?P<kind>.*?)\s+[-–—:]\s+(?P<institutions>.+)$")

    def parse(self, text, vocabulary, warn):
        text = " ".join(text.split())
        split = self.SPLIT.match(text)
        kind_words = split["kind"] if split else text
        match = vocabulary.lookup("source-kind", kind_words)
        if match is None:
            warn(f'unknown source kind "{kind_words}" kept as text; known kinds: '
                 + ", ".join(vocabulary.labels("source-kind")))
            return Origin(extra=(text,))
        if match.typo:
            warn(match.typo)
        institutions = [n.strip() for n in split["institutions"].split(";") if n.strip()] if split else []
        return Origin(frozenset([match.concept]), tuple(dict.fromkeys(institutions)))

    def emit(self, value, at):
        graph = Graph()
        for kind in value.kinds:
            graph.add((at.dataset, HCKG.sourceKind, kind))
        for name in value.institutions:
            graph.add((at.dataset, HCKG.sourceInstitution, emit_agent(graph, name)))
        emit_extras(graph, at.dataset, at.slug, self.name, value.extra)
        return graph

    def read(self, graph, nodes, vocabulary):
        return Origin(frozenset(objects(graph, nodes, HCKG.sourceKind)),
                      tuple(names(graph, objects(graph, nodes, HCKG.sourceInstitution))),
                      extras(graph, nodes, self.name))

    def accepted(self, graph, nodes, vocabulary):
        found = self.read(graph, nodes, vocabulary)
        everyone = names(graph, objects(graph, nodes, HCKG.sourceInstitution), alternatives=True)
        return Origin(found.kinds, tuple(everyone), found.extra)

    def format(self, value, vocabulary):
        kinds = " / ".join(sorted(vocabulary.label(k) for k in value.kinds))
        words = f"{kinds} - {'; '.join(value.institutions)}" if kinds and value.institutions else kinds
        return "; ".join(([words] if words else list(value.institutions)) + list(value.extra))

    def agrees(self, listed, accepted):
        return (listed.kinds <= accepted.kinds and folded(listed.institutions) <= folded(accepted.institutions)
                and folded(listed.extra) <= folded(accepted.extra))

    def is_empty(self, value):
        return not (value.kinds or value.institutions or value.extra)


def emit_agent(graph: Graph, name: str) -> URIRef:
    """An organisation named in the list, with an IRI minted from its name."""
    agent = AGENT[iri_slug(name)]
    graph.add((agent, RDF.type, FOAF.Agent))
    graph.add((agent, RDF.type, FOAF.Organization))
    graph.add((agent, FOAF.name, Literal(name, lang="en")))
    return agent


class Owner(Field):
    """The owner is the rights holder; the list names no one else, so the owner also publishes."""

    name = "Owner"
    # whom a catalogue calls the owner, in order: rights holder, else creator, else publisher
    ROLES = (DCTERMS.rightsHolder, DCTERMS.creator, DCTERMS.publisher)

    def parse(self, text, vocabulary, warn):
        owners = [n.strip() for n in " ".join(text.split()).split(";") if n.strip()]
        if not owners:
            raise FieldError('expected the name of an organisation, or several separated by ";"')
        return tuple(sorted(dict.fromkeys(owners), key=str.casefold))

    def emit(self, value, at):
        graph = Graph()
        for number, name in enumerate(value):
            agent = emit_agent(graph, name)
            graph.add((at.dataset, DCTERMS.rightsHolder, agent))
            if number == 0:
                graph.add((at.dataset, DCTERMS.publisher, agent))
        return graph

    def _owners(self, graph, nodes):
        """Each node's owners by the first role it states (a version may name a rights holder where the
        dataset across versions names only its publisher)."""
        owners = set()
        for node in nodes:
            owners.update(next((found for role in self.ROLES if (found := objects(graph, [node], role))), []))
        return sorted(owners)

    def read(self, graph, nodes, vocabulary):
        return tuple(names(graph, self._owners(graph, nodes)))

    def accepted(self, graph, nodes, vocabulary):
        return tuple(names(graph, self._owners(graph, nodes), alternatives=True))

    def format(self, value, vocabulary):
        return "; ".join(value)

    def agrees(self, listed, accepted):
        return folded(listed) <= folded(accepted)


FIELDS: dict[str, Field] = {f.name: f for f in (
    Cost(), Size(), Labels(), Requires(), Includes(), Reference(), Access(), TemporalCoverage(), Source(), Owner()
)}


def field_named(name: str) -> tuple[Field | None, bool]:
    """The field a list's field name means, and whether the name was misspelt."""
    by_key = {normalise(n): f for n, f in FIELDS.items()}
    key = normalise(name)
    if key in by_key:
        return by_key[key], False
    close = close_match(key, by_key, cutoff=0.8)
    return (by_key[close], True) if close else (None, False)


@lru_cache(maxsize=1)
def project_vocabulary() -> Vocabulary:
    """The concept schemes of the project's ontology and catalogue (themes live in data/catalog.ttl)."""
    from hckg.graph import load_graph

    return Vocabulary(load_graph())
