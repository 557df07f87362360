"""The catalogue against the official DCAT-AP 3.0.1 shapes (from ../shared), with an EU vocabulary extract."""

import pytest
from pyshacl import validate as shacl_validate
from rdflib import Graph, URIRef
from rdflib.namespace import SKOS

from hckg.graph import load_graph
from hckg.validate import read_results

from conftest import FIXTURES

DCAT_AP_FILES = ["shapes.ttl", "range.ttl", "mdr-vocabularies.shape.ttl", "shapes_recommended.ttl", "deprecateduris.ttl"]

# Where the catalogue knowingly deviates from DCAT-AP 3.0.1 (README, "Conformance"): nothing.
DCAT_AP_DEVIATIONS: list[tuple[str, str]] = []


@pytest.fixture(scope="module")
def vocabularies():
    return Graph().parse(FIXTURES / "eu-vocabularies.ttl")


@pytest.fixture(scope="module")
def dcat_ap_report(shared, vocabularies):
    shapes = Graph()
    for name in DCAT_AP_FILES:
        shapes.parse(shared / "reference/shapes/dcat-ap-3.0.1/html/shacl" / name)
    data = load_graph() + vocabularies
    _conforms, report, _text = shacl_validate(data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True)
    return read_results(report, data)


def test_catalogue_has_no_dcat_ap_violations_beyond_the_documented_deviations(dcat_ap_report):
    violations = sorted({(r.path, r.constraint) for r in dcat_ap_report if r.severity == "Violation"})
    assert violations == DCAT_AP_DEVIATIONS, "\n".join(f"{r.focus} {r.path} {r.message}" for r in dcat_ap_report if r.severity == "Violation")


def test_vocabulary_extract_holds_every_eu_concept_the_catalogue_uses(shared, vocabularies):
    """The extract is small by design; this says which concept to add when the catalogue grows."""
    schemes = set(vocabularies.subjects(None, SKOS.ConceptScheme))
    used = {o for t in load_graph() for o in t if isinstance(o, URIRef)}
    eu = {iri for iri in used for scheme in schemes if iri.startswith(str(scheme) + "/")}
    missing = sorted(iri for iri in eu if (iri, SKOS.inScheme, None) not in vocabularies)
    assert missing == []
