"""Content negotiation (``Accept``, a file extension, ``?_mediatype=``) and profile negotiation (W3C
"Content Negotiation by Profile": ``Accept-Profile``, ``?_profile=``).

Query-string arguments win over a path's extension, which wins over headers. Headers are read
leniently: an ``Accept`` entry that does not parse (Java's default sends a bare ``*; q=.2``) is skipped,
and a header with no usable entry counts as ``*/*``. What the client names explicitly in the query
string must exist, else the request fails with 400 (unknown) or 406 (not offered here).
"""

import re
from dataclasses import dataclass

from hckg.formats import ALIASES as FORMAT_ALIASES
from hckg.formats import RDF_FORMATS
from hckg.serve.problems import Problem

HTML = "text/html"
TURTLE = RDF_FORMATS["turtle"].media_type
JSONLD = RDF_FORMATS["jsonld"].media_type
RDFXML = RDF_FORMATS["rdfxml"].media_type
NTRIPLES = RDF_FORMATS["ntriples"].media_type
NQUADS = RDF_FORMATS["nquads"].media_type
JSON = "application/json"
CSV = "text/csv"
TSV = "text/tab-separated-values"
SPARQL_JSON = "application/sparql-results+json"
SPARQL_XML = "application/sparql-results+xml"

# the RDF representations every resource has, in the order that settles ties (Turtle first: FAIR Data
# Point harvesters ask for nothing else, and curl's */* gets it)
RDF_MEDIA = (TURTLE, JSONLD, RDFXML, NTRIPLES)

# media types clients send for the ones we serve
MEDIA_ALIASES = {
    "application/x-turtle": TURTLE,
    "application/turtle": TURTLE,
    "text/n3": TURTLE,                 # Turtle is N3
    "application/xhtml+xml": HTML,
    "text/plain": NTRIPLES,            # N-Triples' media type before RDF 1.1
    "application/xml": RDFXML,
    "application/json": JSONLD,        # JSON-LD is JSON
    "application/vnd.schemaorg.ld+json": JSONLD,   # F-UJI's name for schema.org JSON-LD (profile below)
}

# file extension -> media type (``.xml`` and ``.json`` as ckanext-dcat and the site write them)
EXTENSIONS = {"ttl": TURTLE, "jsonld": JSONLD, "json": JSONLD, "rdf": RDFXML, "xml": RDFXML, "nt": NTRIPLES,
              "nq": NQUADS, "html": HTML}
MEDIA_NAMES = {**EXTENSIONS, "json": JSON, "csv": CSV, "tsv": TSV}
MEDIA_SUFFIX = {TURTLE: "ttl", JSONLD: "jsonld", RDFXML: "rdf", NTRIPLES: "nt", NQUADS: "nq", HTML: "html"}
FORMAT_OF = {TURTLE: "turtle", JSONLD: "jsonld", RDFXML: "rdfxml", NTRIPLES: "ntriples", NQUADS: "nquads"}

MEDIA_RANGE = re.compile(r"(?:\*/\*|[a-z0-9!#$&^_.+-]+/(?:\*|[a-z0-9!#$&^_.+-]+))")
QVALUE = re.compile(r"(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)")


@dataclass(frozen=True)
class ServedProfile:
    """A profile a representation can conform to: its token, its IRI, what it is, and the path suffix
    (``dataset/x.healthdcat.ttl``) that names it."""

    token: str
    iri: str
    title: str
    suffix: str
    aliases: tuple[str, ...] = ()


PROFILES = {p.token: p for p in (
    ServedProfile("dcat-ap", "http://data.europa.eu/r5r/", "DCAT-AP 3.0.1", "",
                  ("euro_dcat_ap_3", "euro_dcat_ap", "https://semiceu.github.io/DCAT-AP/releases/3.0.1/",
                   "https://semiceu.github.io/DCAT-AP/releases/3.0.0/")),
    ServedProfile("healthdcat-ap", "https://healthdataeu.pages.code.europa.eu/healthdcat-ap/", "HealthDCAT-AP",
                  "healthdcat", ("euro_health_dcat_ap", "http://healthdataportal.eu/ns/health#")),
    ServedProfile("schemaorg", "https://schema.org/", "schema.org Dataset (Google Dataset Search)", "schemaorg",
                  ("http://schema.org/", "https://schema.org/Dataset", "http://schema.org/Dataset")),
    ServedProfile("croissant", "http://mlcommons.org/croissant/1.0", "MLCommons Croissant 1.0", "croissant"),
    ServedProfile("hckg", "https://w3id.org/hckg/ontology", "hckg: the catalogue's own description", "hckg"),
)}


def _key(name: str) -> str:
    """A profile name or IRI as compared: case and a trailing ``/`` or ``#`` do not matter."""
    return name.strip().lower().rstrip("/#")


PROFILE_NAMES = {_key(name): p.token for p in PROFILES.values() for name in (p.token, p.iri, *p.aliases)}


def profile_named(name: str) -> str | None:
    """The token of the profile called ``name`` (a token, an IRI, a ckanext-dcat name), or None."""
    return PROFILE_NAMES.get(_key(name.strip().strip("<>")))


# --- parsing headers ---------------------------------------------------------------------------

def _entries(header: str):
    """(value, q) of each comma-separated entry of a header; an entry with a bad q is skipped."""
    for part in header.split(","):
        value, *params = (field.strip() for field in part.split(";"))
        q = 1.0
        for param in params:
            name, _, raw = param.partition("=")
            if name.strip().lower() == "q":
                raw = raw.strip()
                if not QVALUE.fullmatch(raw):
                    break
                q = float(raw)
        else:
            if value:
                yield value, q


def accepted_media(header: str | None, aliases: dict[str, str] = MEDIA_ALIASES) -> list[tuple[str, float]]:
    """The media ranges of an ``Accept`` header with their weights, ``aliases`` read as the types they
    stand for; ``*/*`` when there is none usable."""
    ranges = []
    for value, q in _entries(header or ""):
        media = value.lower()
        if MEDIA_RANGE.fullmatch(media):
            ranges.append((aliases.get(media, media), q))
    return ranges or [("*/*", 1.0)]


def accepted_profiles(header: str | None) -> list[str]:
    """The profiles an ``Accept-Profile`` header names that hckg knows, best first (q > 0)."""
    named = [(q, i, profile_named(value)) for i, (value, q) in enumerate(_entries(header or ""))]
    return [token for q, _i, token in sorted(named, key=lambda t: (-t[0], t[1])) if token and q > 0]


def best_media(ranges: list[tuple[str, float]], offers: tuple[str, ...]) -> str | None:
    """The offer the ranges weigh most, or None when every offer weighs 0. An offer takes the weight of the
    most specific range that matches it (``text/turtle`` over ``text/*`` over ``*/*``); ties go to the
    earlier offer."""
    best, best_q = None, 0.0
    for offer in offers:
        rank, q = -1, 0.0
        for media, weight in ranges:
            r = 2 if media == offer else 1 if media == offer.split("/")[0] + "/*" else 0 if media == "*/*" else -1
            if r > rank:
                rank, q = r, weight
            elif r == rank and r >= 0:
                q = max(q, weight)
        if q > best_q:
            best, best_q = offer, q
    return best


# --- choosing ----------------------------------------------------------------------------------

def media_named(name: str) -> str | None:
    """``?_mediatype=`` as a media type (``text/turtle``) or a format name (``turtle``, ``ttl``, ``html``).
    A space stands for ``+``: an unencoded ``application/ld+json`` in a query string reads so."""
    value = name.strip().lower().replace(" ", "+")
    if value in MEDIA_NAMES:
        return MEDIA_NAMES[value]
    value = FORMAT_ALIASES.get(value, value)
    if value in RDF_FORMATS:
        return RDF_FORMATS[value].media_type
    return value if MEDIA_RANGE.fullmatch(value) and "*" not in value else None


def choose_media(params, accept: str | None, offers: tuple[str, ...], fixed: str | None = None,
                 aliases: dict[str, str] = MEDIA_ALIASES) -> str:
    """The media type to answer with: ``?_mediatype=``, else ``fixed`` (a path's extension), else ``Accept``."""
    asked = params.get("_mediatype")
    if asked:
        media = media_named(asked)
        media = aliases.get(media, media) if media else None
        if media is None:
            raise Problem(400, f"_mediatype: '{asked}' is not a media type; use one of {', '.join(offers)}")
        if media not in offers:
            raise Problem(406, f"_mediatype: {media} is not offered here; use one of {', '.join(offers)}")
        return media
    if fixed:
        if fixed not in offers:
            raise Problem(404, f"no {fixed} representation here; use one of {', '.join(offers)}")
        return fixed
    media = best_media(accepted_media(accept, aliases), offers)
    if media is None:
        raise Problem(406, f"none of the media types in Accept: {accept} is offered here; "
                           f"use one of {', '.join(offers)}")
    return media


def choose_profile(params, accept_profile: str | None, available: tuple[str, ...], fixed: str | None = None,
                   accept: str | None = None) -> str:
    """The profile to answer with: ``?_profile=`` (or ckanext-dcat's ``?profiles=``), else ``fixed`` (a path's
    suffix), else the first of ``Accept-Profile`` that is available, else schema.org when ``Accept`` names
    ``application/vnd.schemaorg.ld+json``, else the default (``available[0]``)."""
    asked = params.get("_profile") or params.get("profiles")
    if asked:
        names = [n for n in asked.split(",") if n.strip()]
        tokens = [profile_named(n) for n in names]
        unknown = [n for n, t in zip(names, tokens) if t is None]
        if unknown:
            raise Problem(400, f"_profile: unknown profile '{unknown[0].strip()}'; "
                               f"use one of {', '.join(available)} (a token or the profile's IRI)")
        for token in tokens:
            if token in available:
                return token
        raise Problem(406, f"_profile: {asked} is not offered for this resource; use one of {', '.join(available)}")
    if fixed:
        return fixed
    for token in accepted_profiles(accept_profile):
        if token in available:
            return token
    if accept and "application/vnd.schemaorg.ld+json" in accept.lower() and "schemaorg" in available:
        return "schemaorg"
    return available[0]


def split_extension(path: str) -> tuple[str, str | None, str | None]:
    """``dataset/x.healthdcat.ttl`` → (``dataset/x``, ``healthdcat-ap``, ``text/turtle``); a path without a
    known extension comes back whole. Each part is only a guess: the caller checks that the stem exists."""
    stem, dot, ext = path.rpartition(".")
    if not dot or ext.lower() not in EXTENSIONS or "/" in ext:
        return path, None, None
    media = EXTENSIONS[ext.lower()]
    inner, dot, suffix = stem.rpartition(".")
    for p in PROFILES.values():
        if dot and p.suffix and suffix == p.suffix:
            return inner, p.token, media
    return stem, None, media


def representation_path(stem: str, profile: str, default_profile: str, media: str) -> str:
    """The path of one representation: ``x.ttl`` in the default profile, ``x.healthdcat.ttl`` otherwise."""
    suffix = "" if profile == default_profile or media == HTML else f".{PROFILES[profile].suffix}"
    ext = "json" if profile == "croissant" and media == JSONLD else MEDIA_SUFFIX[media]
    return f"{stem}{suffix}.{ext}"
