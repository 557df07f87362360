"""The lookups the stored queries were rewritten around for speed still find what the slow forms found.

datasets-by-category and datasets-by-organisation look a node given by IRI up with IRI() instead of
comparing STR() with every dataset's theme or agent, and the dataset queries match the class through a
variable. These cases hold what that could lose: a theme or agent known only as the object of a link (no
label, no name), a sub-organisation without a name, a name that reads as a relative IRI, and things with
titles and themes that are not datasets. Both engines must give exactly these rows.
"""

import pytest

from hckg.engines import local_engine
from hckg.output import render
from hckg.queries import run, stored_query

CATALOGUE = """\
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix hckg: <https://w3id.org/hckg/ontology#> .
@prefix ex: <https://example.org/> .

ex:unlabelled-only a dcat:Dataset ; dct:title "Unlabelled theme"@en ; dcat:theme ex:theme-without-label ;
    dct:publisher ex:agent-without-name ; hckg:contentType ex:content-leaf .
ex:labelled a dcat:Dataset ; dct:title "Labelled theme"@en ; dcat:theme ex:scans ;
    dct:publisher ex:lab ; hckg:contentType ex:content-top .
ex:by-child a dcat:Dataset ; dct:title "By the child"@en ; dcat:theme ex:scans ; dct:publisher ex:child .
ex:not-a-dataset a dcat:Distribution ; dct:title "Not a dataset"@en ; dcat:theme ex:scans, ex:theme-without-label ;
    dct:publisher ex:lab, ex:agent-without-name ; hckg:contentType ex:content-top .

ex:scans skos:prefLabel "Scans"@en ; skos:altLabel "Imaging studies"@en .
ex:lab a foaf:Organization ; foaf:name "Scan Lab" .
ex:child a foaf:Organization ; org:subOrganizationOf ex:lab .
ex:content-top skos:prefLabel "Imaging"@en ; skos:narrower ex:content-leaf .
ex:content-leaf skos:prefLabel "Radiography"@en .
"""

CASES = [
    ("datasets-by-category", {"category": "https://example.org/theme-without-label"},
     "category,dataset,title\n,https://example.org/unlabelled-only,Unlabelled theme\n"),
    ("datasets-by-category", {"category": "imaging STUDIES"},
     "category,dataset,title\nScans,https://example.org/by-child,By the child\n"
     "Scans,https://example.org/labelled,Labelled theme\n"),
    ("datasets-by-category", {"category": "https://example.org/scans"},
     "category,dataset,title\nScans,https://example.org/by-child,By the child\n"
     "Scans,https://example.org/labelled,Labelled theme\n"),
    ("datasets-by-category", {"category": "scans/relative"}, "category,dataset,title\n"),
    ("datasets-by-organisation", {"organisation": "https://example.org/agent-without-name"},
     "dataset,title,role,agent,agentName\n"
     "https://example.org/unlabelled-only,Unlabelled theme,publisher,https://example.org/agent-without-name,\n"),
    ("datasets-by-organisation", {"organisation": "scan lab"},
     "dataset,title,role,agent,agentName\n"
     "https://example.org/by-child,By the child,publisher,https://example.org/child,\n"
     "https://example.org/labelled,Labelled theme,publisher,https://example.org/lab,Scan Lab\n"),
    ("datasets-by-organisation", {"organisation": "https://example.org/child"},
     "dataset,title,role,agent,agentName\n"
     "https://example.org/by-child,By the child,publisher,https://example.org/child,\n"),
    ("datasets-by-organisation", {"organisation": "lab"}, "dataset,title,role,agent,agentName\n"),
    ("datasets-by-content", {"content": "imaging"},
     "dataset,title,content\nhttps://example.org/labelled,Labelled theme,Imaging\n"
     "https://example.org/unlabelled-only,Unlabelled theme,Radiography\n"),
    ("datasets-by-content", {"content": "https://example.org/content-leaf"},
     "dataset,title,content\nhttps://example.org/unlabelled-only,Unlabelled theme,Radiography\n"),
]


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("speed-paths") / "catalogue.ttl"
    path.write_text(CATALOGUE, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("engine", ["store", "rdflib"])
@pytest.mark.parametrize("name, params, expected", CASES)
def test_lookups_find_what_the_slow_forms_found(catalogue, engine, name, params, expected):
    query = stored_query(name)
    rows = run(query, query.bind(params), local_engine([catalogue], engine=engine))
    assert render(rows, "csv").replace("\r\n", "\n") == expected
