"""The project's SHACL shapes: well-formed, documented, and each constraint caught by a failing fixture.

Every case breaks the conforming fixture ``fixtures/mini.ttl`` with one SPARQL Update and expects
exactly the listed results; a coverage test checks that every constraint of ``shapes/`` is hit.
"""

import pytest
from pyshacl import validate as shacl_validate
from rdflib import Graph
from rdflib.namespace import RDF, SH

from hckg.graph import load_graph
from hckg.resources import project_dir
from hckg.validate import load_shapes, validate_graph

from conftest import FIXTURES

PREFIXES = """
PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX schema: <https://schema.org/>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX hckg: <https://w3id.org/hckg/ontology#>
PREFIX healthdcatap: <http://healthdataportal.eu/ns/health#>
PREFIX ex: <https://example.org/>
"""

EX = "https://example.org/"
ROR = "<https://ror.org/04vfsmv21>"


def drop(subject, predicate):
    return f"DELETE WHERE {{ {subject} {predicate} ?o }}"


def add(triples):
    return f"INSERT DATA {{ {triples} }}"


def swap(subject, predicate, new):
    return f"DELETE {{ {subject} {predicate} ?o }} INSERT {{ {subject} {predicate} {new} }} WHERE {{ {subject} {predicate} ?o }}"


# id: (update, [(severity, focus, path)])
CASES = {
    # catalogue
    "catalog-title": (drop("ex:catalog", "dct:title"), [("Violation", "catalog", "dct:title")]),
    "catalog-description": (drop("ex:catalog", "dct:description"), [("Violation", "catalog", "dct:description")]),
    "catalog-publisher": (add("ex:catalog dct:publisher <https://ror.org/04vfsmv21> ."), [("Violation", "catalog", "dct:publisher")]),
    "catalog-license": (drop("ex:catalog", "dct:license"), [("Warning", "catalog", "dct:license")]),
    "catalog-homepage": (add('ex:catalog foaf:homepage "home" .'), [("Warning", "catalog", "foaf:homepage")]),
    "catalog-issued": (swap("ex:catalog", "dct:issued", '"2026"^^xsd:gYear'), [("Violation", "catalog", "dct:issued")]),
    "catalog-modified": (add('ex:catalog dct:modified "yesterday" .'), [("Violation", "catalog", "dct:modified")]),
    "catalog-taxonomy": (drop("ex:catalog", "dcat:themeTaxonomy"), [("Violation", "catalog", "dcat:themeTaxonomy")]),
    "catalog-dataset": (add("ex:catalog dcat:dataset ex:org ."), [("Violation", "catalog", "dcat:dataset")]),
    # dataset
    "dataset-title": (drop("ex:xray", "dct:title"), [("Violation", "xray", "dct:title")]),
    "dataset-description": (drop("ex:xray", "dct:description"), [("Violation", "xray", "dct:description")]),
    "dataset-publisher": (drop("ex:xray", "dct:publisher"), [("Violation", "xray", "dct:publisher")]),
    "dataset-publisher-name": (drop(ROR, "foaf:name"), [("Violation", "xray", "dct:publisher"), ("Violation", ROR, "foaf:name")]),
    "dataset-theme": ("DELETE DATA { ex:xray dcat:theme <https://w3id.org/hckg/theme/medical-images> }", [("Violation", "xray", "dcat:theme")]),
    "dataset-heal": ("DELETE DATA { ex:xray dcat:theme <http://publications.europa.eu/resource/authority/data-theme/HEAL> }", [("Warning", "xray", "dcat:theme")]),
    "dataset-keyword": (drop("ex:xray", "dcat:keyword"), [("Warning", "xray", "dcat:keyword")]),
    "dataset-keyword-literal": (add("ex:xray dcat:keyword ex:thing ."), [("Violation", "xray", "dcat:keyword")]),
    "dataset-access-rights": (swap("ex:xray", "dct:accessRights", "ex:open"), [("Violation", "xray", "dct:accessRights")]),
    "dataset-version": (add('ex:xray dcat:version "3" .'), [("Violation", "xray", "dcat:version")]),
    "dataset-issued": (swap("ex:xray", "dct:issued", '"2017"'), [("Violation", "xray", "dct:issued")]),
    "dataset-temporal": (add("ex:xray dct:temporal ex:org ."), [("Violation", "xray", "dct:temporal")]),
    "dataset-identifier": (add("ex:xray dct:identifier ex:id ."), [("Violation", "xray", "dct:identifier")]),
    "dataset-identifier-doi": (swap("ex:xray", "dct:identifier", '"https://doi.org/10.1234/x\\""'), [("Violation", "xray", "dct:identifier")]),
    "dataset-reference-iri": (add('ex:xray dct:isReferencedBy "a paper" .'), [("Violation", "xray", "dct:isReferencedBy")]),
    "dataset-reference-doi": (swap("ex:xray", "dct:isReferencedBy", "<https://doi.org/11.1/x>"), [("Violation", "xray", "dct:isReferencedBy")]),
    "dataset-label-scheme": (add("ex:xray hckg:labelScheme ex:org ."), [("Violation", "xray", "hckg:labelScheme")]),
    "dataset-size": (add("ex:xray hckg:size ex:org ."), [("Violation", "xray", "hckg:size")]),
    "dataset-free": (swap("ex:xray", "schema:isAccessibleForFree", '"yes"'), [("Violation", "xray", "schema:isAccessibleForFree")]),
    "dataset-individuals": (swap("ex:xray", "healthdcatap:numberOfUniqueIndividuals", '"30"^^xsd:nonNegativeInteger'),
                            [("Violation", "xray", "healthdcatap:numberOfUniqueIndividuals")]),
    "dataset-records": (swap("ex:xray", "healthdcatap:numberOfRecords", '"-1"^^xsd:integer'),
                        [("Violation", "xray", "healthdcatap:numberOfRecords"), ("Violation", "xray", "healthdcatap:numberOfUniqueIndividuals")]),
    "dataset-distribution": (add("ex:xray dcat:distribution ex:org ."), [("Violation", "xray", "dcat:distribution")]),
    "dataset-correction": (add("ex:xray hckg:correction ex:org ."), [("Violation", "xray", "hckg:correction")]),
    "dataset-access": (drop("ex:xray-2", "dcat:landingPage"), [("Warning", "xray-2", "(node)")]),
    "dataset-shared-url": (add("ex:xray-2 dcat:distribution ex:copy . ex:copy a dcat:Distribution ; dct:title \"Copy\"@en ; dcat:accessURL <https://example.org/download> ."),
                           [("Warning", "xray", "(node)"), ("Warning", "xray-2", "(node)")]),
    "series-distribution": (add("ex:series dcat:distribution ex:dist ."), [("Warning", "series", "dcat:distribution")]),
    "series-members": (drop("ex:xray-2", "dcat:inSeries"), [("Warning", "series", "^dcat:inSeries")]),
    # catalogue records and linked pages
    "record-topic": (add("ex:rec-extra a dcat:CatalogRecord ; foaf:primaryTopic ex:org ; dct:modified \"2026-01-01\"^^xsd:date ; prov:wasDerivedFrom ex:paper ."),
                     [("Violation", "rec-extra", "foaf:primaryTopic")]),
    "record-modified": (drop("ex:rec-xray", "dct:modified"), [("Violation", "rec-xray", "dct:modified")]),
    "record-sources": (drop("ex:rec-xray", "prov:wasDerivedFrom"), [("Violation", "rec-xray", "prov:wasDerivedFrom")]),
    "dataset-record": (drop("ex:rec-series", "?p"), [("Violation", "series", "^foaf:primaryTopic")]),
    "dataset-landing-page-type": (add("ex:xray dcat:landingPage <https://example.org/untyped> ."), [("Violation", "xray", "dcat:landingPage")]),
    "dataset-page-type": (add("ex:xray foaf:page <https://example.org/untyped> ."), [("Violation", "xray", "foaf:page")]),
    "dataset-spatial-type": (add("ex:xray dct:spatial <https://example.org/somewhere> ."), [("Violation", "xray", "dct:spatial")]),
    # distribution
    "distribution-access-url": (drop("ex:dist", "dcat:accessURL"), [("Violation", "dist", "dcat:accessURL"), ("Warning", "xray", "(node)")]),
    "distribution-download-url": (add('ex:dist dcat:downloadURL "file.zip" .'), [("Violation", "dist", "dcat:downloadURL")]),
    "distribution-title": (drop("ex:dist", "dct:title"), [("Warning", "dist", "dct:title")]),
    "distribution-license": (add("ex:dist dct:license ex:l1, ex:l2 ."), [("Violation", "dist", "dct:license")]),
    "distribution-media-type": (swap("ex:dist", "dcat:mediaType", '"image/png"'), [("Violation", "dist", "dcat:mediaType")]),
    "distribution-mirror": (swap("ex:mirror", "hckg:mirrorOf", "ex:org"), [("Violation", "mirror", "hckg:mirrorOf")]),
    # agent
    "agent-name": (drop("ex:org", "foaf:name"), [("Violation", "org", "foaf:name"), ("Violation", "catalog", "dct:publisher"),
                                                  ("Violation", "xray-2", "dct:publisher"), ("Violation", "series", "dct:publisher")]),
    "agent-same-as": (swap(ROR, "owl:sameAs", "<https://www.wikidata.org/wiki/Q1>"), [("Violation", ROR, "owl:sameAs")]),
    "agent-parent": (add(f"{ROR} org:subOrganizationOf ex:nowhere ."), [("Violation", ROR, "org:subOrganizationOf")]),
    "agent-ror": (add('<https://ror.org/04vfsmv2> a foaf:Agent ; foaf:name "Truncated ROR" .'), [("Violation", "<https://ror.org/04vfsmv2>", "(node)")]),
    # period
    "period-start": (swap("ex:period", "dcat:startDate", '"1992"'), [("Violation", "period", "dcat:startDate")]),
    "period-end": (swap("ex:period", "dcat:endDate", '"2015"'), [("Violation", "period", "dcat:endDate")]),
    "period-empty": (drop("ex:period", "?p"), [("Violation", "xray", "dct:temporal")]),
    "period-bounds": ("DELETE WHERE { ex:period dcat:startDate ?s } ; INSERT DATA { ex:period a dct:PeriodOfTime ; dcat:startDate \"2016\"^^xsd:gYear }",
                      [("Violation", "period", "(node)")]),
    "period-no-dates": ("DELETE WHERE { ex:period dcat:startDate ?s } ; DELETE WHERE { ex:period dcat:endDate ?e }", [("Violation", "period", "(node)")]),
    # concepts
    "concept-label": (drop("ex:pneumothorax", "skos:prefLabel"), [("Violation", "pneumothorax", "skos:prefLabel")]),
    "concept-scheme": (drop("ex:pneumothorax", "skos:inScheme"), [("Violation", "pneumothorax", "skos:inScheme")]),
    "concept-match-iri": (add('ex:pneumothorax skos:exactMatch "D011030" .'), [("Violation", "pneumothorax", "skos:exactMatch")]),
    "concept-mesh": (add("ex:pneumothorax skos:closeMatch <http://id.nlm.nih.gov/mesh/C011030> ."),
                     [("Violation", "pneumothorax", "skos:exactMatch|skos:closeMatch|skos:broadMatch|skos:narrowMatch")]),
    "concept-snomed": (add("ex:pneumothorax skos:broadMatch <http://snomed.info/sct/36118008> ."),
                       [("Violation", "pneumothorax", "skos:exactMatch|skos:closeMatch|skos:broadMatch|skos:narrowMatch")]),
    "scheme-title": (drop("ex:labels", "dct:title"), [("Violation", "labels", "dct:title")]),
    "scheme-label": (drop("ex:labels", "skos:prefLabel"), [("Warning", "labels", "skos:prefLabel")]),
    # counts
    "count-unit": (swap("ex:count", "hckg:countOf", "ex:things"), [("Violation", "count", "hckg:countOf")]),
    "count-value": (add('ex:count schema:value "12.5"^^xsd:decimal .'), [("Violation", "count", "schema:value")]),
    "count-min": (swap("ex:count", "schema:minValue", '"40"^^xsd:nonNegativeInteger'), [("Violation", "count", "schema:minValue")]),
    "count-max": (add('ex:count schema:maxValue "35"^^xsd:nonNegativeInteger .'), [("Violation", "count", "schema:maxValue")]),
    "count-source": (drop("ex:count", "dct:source"), [("Violation", "count", "dct:source")]),
    "count-no-value": ("DELETE WHERE { ex:count schema:minValue ?a } ; DELETE WHERE { ex:count schema:maxValue ?b }", [("Violation", "count", "(node)")]),
    # corrections
    "correction-field": (swap("ex:fix", "hckg:seedField", '"Period"'), [("Violation", "fix", "hckg:seedField")]),
    "correction-seed-value": (swap("ex:fix", "hckg:seedValue", '"2002 through 2017"@en'), [("Violation", "fix", "hckg:seedValue")]),
    "correction-corrected-value": (drop("ex:fix", "hckg:correctedValue"), [("Violation", "fix", "hckg:correctedValue")]),
    "correction-reason": (drop("ex:fix", "skos:editorialNote"), [("Violation", "fix", "skos:editorialNote")]),
    "correction-item": (swap("ex:fix", "hckg:factCheckItem", '"19"'), [("Violation", "fix", "hckg:factCheckItem")]),
    "correction-confidence": (swap("ex:fix", "hckg:confidence", '"certain"'), [("Violation", "fix", "hckg:confidence")]),
    "correction-source": (drop("ex:fix", "dct:source"), [("Violation", "fix", "dct:source")]),
}


@pytest.fixture(scope="module")
def shapes():
    return load_shapes()


def _focus(name):
    return name if name.startswith("<") else f"<{EX}{name}>"


def _broken(update):
    graph = load_graph([FIXTURES / "mini.ttl"])
    graph.update(PREFIXES + update)
    return graph


def test_fixture_conforms(shapes):
    report = validate_graph(load_graph([FIXTURES / "mini.ttl"]), shapes)
    assert report.results == []


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_break_gives_exactly_its_results(case, shapes):
    update, expected = CASES[case]
    report = validate_graph(_broken(update), shapes)
    got = sorted((r.severity, r.focus, r.path) for r in report.results)
    assert got == sorted((sev, _focus(focus), path) for sev, focus, path in expected)


def _constraints(shapes_graph):
    """Every property shape and every node-level constraint (sh:or, sh:sparql) of the shapes."""
    found = set(shapes_graph.objects(None, SH.property))
    for node_shape in shapes_graph.subjects(RDF.type, SH.NodeShape):
        if (node_shape, SH["or"], None) in shapes_graph:
            found.add(node_shape)
        found.update(shapes_graph.objects(node_shape, SH.sparql))
    return found


def test_every_constraint_has_a_failing_fixture(shapes):
    """Constraints are told apart by their messages (unique, see below); each must be produced,
    as a result or as the detail (sh:detail) of one."""
    produced = set()
    for update, _expected in CASES.values():
        report = validate_graph(_broken(update), shapes).graph
        produced.update(str(m) for m in report.objects(None, SH.resultMessage))
    messages = [str(shapes.value(node, SH.message)) for node in _constraints(shapes)]
    assert len(messages) == len(set(messages)), "two constraints share a message"
    uncovered = sorted(m for m in messages if not any(_matches(m, p) for p in produced))
    assert uncovered == [], f"constraints with no failing fixture: {uncovered}"


def _matches(template, message):
    """A SPARQL constraint's message has {?var} placeholders; the rest must match."""
    parts = [p.split("}", 1)[-1] for p in template.split("{?")]
    return all(part in message for part in parts) and message.startswith(parts[0])


def test_every_constraint_has_message_and_severity(shapes):
    for node in _constraints(shapes):
        assert (node, SH.message, None) in shapes, f"no sh:message on {node}"
        assert (node, SH.severity, None) in shapes or (node, SH.path, None) not in shapes, f"no sh:severity on {node}"
    for prop in shapes.objects(None, SH.property):
        assert (prop, SH.severity, None) in shapes, f"no sh:severity on property shape {shapes.value(prop, SH.path)}"


def test_shapes_pass_shacl_shacl():
    shapes = Graph()
    for path in sorted(project_dir("shapes").glob("*.ttl")):
        shapes.parse(path)
    conforms, _report, text = shacl_validate(shapes, meta_shacl=True, shacl_graph=shapes, inference="none")
    assert conforms, text
