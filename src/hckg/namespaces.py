"""The namespaces the catalogue uses, bound once for every graph hckg creates."""

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SH, SKOS, XSD

DEFAULT_BASE = "https://w3id.org/hckg/"

# rdflib ships DCAT 2 as a closed namespace; DCAT 3 terms (DatasetSeries, hasVersion …) need an open one.
DCAT = Namespace("http://www.w3.org/ns/dcat#")
HCKG = Namespace(DEFAULT_BASE + "ontology#")
SCHEMA = Namespace("https://schema.org/")
ADMS = Namespace("http://www.w3.org/ns/adms#")
HEALTHDCATAP = Namespace("http://healthdataportal.eu/ns/health#")
DCATAP = Namespace("http://data.europa.eu/r5r/")
CATALOG = URIRef(DEFAULT_BASE + "catalog")
DS = Namespace(DEFAULT_BASE + "dataset/")
RECORD = Namespace(DEFAULT_BASE + "record/")
DIST = Namespace(DEFAULT_BASE + "distribution/")
AGENT = Namespace(DEFAULT_BASE + "agent/")
LABELS = Namespace(DEFAULT_BASE + "labels/")
THEME = Namespace(DEFAULT_BASE + "theme/")
SOURCE = Namespace(DEFAULT_BASE + "source/")
ACCESS_RIGHT = Namespace("http://publications.europa.eu/resource/authority/access-right/")
EU_THEME = Namespace("http://publications.europa.eu/resource/authority/data-theme/")

PREFIXES = {
    "dcat": DCAT,
    "dct": DCTERMS,
    "foaf": FOAF,
    "org": ORG,
    "owl": OWL,
    "prov": PROV,
    "rdf": RDF,
    "rdfs": RDFS,
    "sh": SH,
    "skos": SKOS,
    "xsd": XSD,
    "schema": SCHEMA,
    "adms": ADMS,
    "healthdcatap": HEALTHDCATAP,
    "dcatap": DCATAP,
    "hckg": HCKG,
}


def bind_prefixes(graph: Graph) -> Graph:
    """Bind the catalogue's prefixes on ``graph`` (replacing rdflib's defaults) and return it."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph


# Namespaces the export profiles write (not bound on catalogue graphs).
SDO = Namespace("http://schema.org/")              # schema.org as the JSON-LD context https://schema.org/ expands it
CROISSANT = Namespace("http://mlcommons.org/croissant/")
SPDX = Namespace("http://spdx.org/rdf/terms#")
ODRL = Namespace("http://www.w3.org/ns/odrl/2/")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
EU_AUTHORITY = "http://publications.europa.eu/resource/authority/"
HDEU_AUTHORITY = "https://hdeu-dcat.data.health.europa.eu/resource/authority/"
