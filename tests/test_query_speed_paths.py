"""The lookups the stored queries were rewritten around for speed still find what the slow forms found.

datasets-by-category and datasets-by-organisation look a node given by IRI up with IRI() instead of
comparing STR() with every dataset's theme or agent, and the dataset queries match the class through a
variable. These cases hold what that could lose: a theme or agent known only as the object of a link (no
label, no name), a sub-organisation without a name, a name that reads as a relative IRI, and things with
titles and themes that are not datasets. Both engines must give exactly these rows.

A second catalogue pins what the later rewrites could lose: free-without-application takes the gated
datasets out with MINUS and skips the category test with IF (a free "1", a gate next to an allowed
requirement, no theme, a category by name, by IRI and empty); organisations-and-roles counts before it adds
names and parents (two attributions of one role, two parents of one name, two names, a person, a non-dataset);
label-coverage joins the label sets in use instead of testing each member (a smaller label in a set no
dataset uses does not name the finding).

datasets-by-label and datasets-by-content look a start given by IRI up instead of comparing STR() with
every mapped or narrower node; the cases pin what the comparison also found: a literal that a mapping
(skos:exactMatch "Legacy code") or skos:broader points to is still a start when asked for by its exact
text (not in another case), a name on skos:narrower still matches in any case, and an IRI the catalogue
does not hold finds nothing.
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
ex:content-top skos:prefLabel "Imaging"@en ; skos:narrower ex:content-leaf, "Scans of any kind" .
ex:content-leaf skos:prefLabel "Radiography"@en ; skos:broader "Legacy imaging" .
"""

BY_CONTENT_TOP = ("dataset,title,content\nhttps://example.org/labelled,Labelled theme,Imaging\n"
                  "https://example.org/unlabelled-only,Unlabelled theme,Radiography\n")
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
    ("datasets-by-content", {"content": "https://example.org/content-top"}, BY_CONTENT_TOP),
    ("datasets-by-content", {"content": "scans OF ANY kind"}, BY_CONTENT_TOP),
    ("datasets-by-content", {"content": "Legacy imaging"},
     "dataset,title,content\nhttps://example.org/unlabelled-only,Unlabelled theme,Radiography\n"),
    ("datasets-by-content", {"content": "legacy imaging"}, "dataset,title,content\n"),
    ("datasets-by-content", {"content": "https://example.org/nowhere"}, "dataset,title,content\n"),
]


ROLLUP_CATALOGUE = """\
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix schema: <https://schema.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix hckg: <https://w3id.org/hckg/ontology#> .
@prefix req: <https://w3id.org/hckg/requirement/> .
@prefix ex: <https://example.org/> .

ex:open a dcat:Dataset ; dct:title "Open"@en ; schema:isAccessibleForFree true ; dcat:theme ex:scans ;
    hckg:accessRequirement req:registration, req:terms-of-use ; dct:publisher ex:twin ;
    prov:qualifiedAttribution [ prov:agent ex:lab ; dcat:hadRole ex:host ], [ prov:agent ex:lab ; dcat:hadRole ex:host ] .
ex:fee a dcat:Dataset ; dct:title "Fee"@en ; schema:isAccessibleForFree "1"^^xsd:boolean ; dcat:theme ex:scans ;
    hckg:accessRequirement req:registration, req:fee ; dct:publisher ex:lab .
ex:one a dcat:Dataset ; dct:title "Free as one"@en ; schema:isAccessibleForFree "1"^^xsd:boolean ; dcat:theme ex:scans ;
    hckg:labelScheme ex:labels ; dct:publisher ex:twin .
ex:themeless a dcat:Dataset ; dct:title "No theme"@en ; schema:isAccessibleForFree true ; dct:publisher ex:lab .
ex:paid a dcat:Dataset ; dct:title "Paid"@en ; schema:isAccessibleForFree false ; dcat:theme ex:scans ; dct:rightsHolder ex:lab .
ex:other-theme a dcat:Dataset ; dct:title "Other theme"@en ; schema:isAccessibleForFree true ;
    dcat:theme ex:theme-without-label ; dct:publisher ex:named-twice, ex:person .
ex:not-a-dataset a dcat:Distribution ; dct:title "Not a dataset"@en ; schema:isAccessibleForFree true ;
    dcat:theme ex:scans ; dct:publisher ex:lab .

ex:scans skos:prefLabel "Scans"@en .
ex:host skos:prefLabel "host"@en .
ex:lab a foaf:Organization ; foaf:name "Lab" .
ex:twin a foaf:Organization ; foaf:name "Twin" ; org:subOrganizationOf ex:parent-a, ex:parent-b .
ex:parent-a a foaf:Organization ; foaf:name "Parent" .
ex:parent-b a foaf:Organization ; foaf:name "Parent" .
ex:named-twice a foaf:Organization ; foaf:name "Name one", "Name two" .
ex:person a foaf:Person ; foaf:name "A person" .
ex:labels a skos:ConceptScheme .
ex:label-b skos:inScheme ex:labels ; skos:prefLabel "B label"@en ; skos:exactMatch <http://id.nlm.nih.gov/mesh/D000001> .
ex:label-a skos:inScheme ex:unused-labels ; skos:prefLabel "A label"@en ;
    skos:exactMatch <http://id.nlm.nih.gov/mesh/D000001> .
ex:label-c skos:inScheme ex:labels ; skos:prefLabel "C label"@en ; skos:closeMatch ex:label-b ;
    skos:exactMatch "Legacy code" .
"""

FREE_ALL = ("dataset,title,accessRights,requirement\n"
            "https://example.org/one,Free as one,,\n"
            "https://example.org/open,Open,,Registration\n"
            "https://example.org/open,Open,,Terms of use\n"
            "https://example.org/other-theme,Other theme,,\n")
BY_LABEL_C = ("dataset,title,label,concept\n"
              "https://example.org/one,Free as one,B label,https://example.org/label-b\n"
              "https://example.org/one,Free as one,C label,https://example.org/label-c\n")
ROLLUP_CASES = [
    ("free-without-application", {}, FREE_ALL),
    ("free-without-application", {"category": ""}, FREE_ALL),
    ("free-without-application", {"category": "SCANS"},
     "dataset,title,accessRights,requirement\n"
     "https://example.org/one,Free as one,,\n"
     "https://example.org/open,Open,,Registration\n"
     "https://example.org/open,Open,,Terms of use\n"),
    ("free-without-application", {"category": "https://example.org/theme-without-label"},
     "dataset,title,accessRights,requirement\nhttps://example.org/other-theme,Other theme,,\n"),
    ("organisations-and-roles", {},
     "organisation,name,role,datasets,partOf\n"
     "https://example.org/lab,Lab,host,1,\n"
     "https://example.org/lab,Lab,owner,1,\n"
     "https://example.org/lab,Lab,publisher,2,\n"
     "https://example.org/named-twice,Name one,publisher,1,\n"
     "https://example.org/named-twice,Name two,publisher,1,\n"
     "https://example.org/twin,Twin,publisher,2,Parent\n"),
    ("datasets-by-label", {"label": "https://example.org/label-c"}, BY_LABEL_C),
    ("datasets-by-label", {"label": "http://id.nlm.nih.gov/mesh/D000001"}, BY_LABEL_C),
    ("datasets-by-label", {"label": "c LABEL"}, BY_LABEL_C),
    ("datasets-by-label", {"label": "Legacy code"}, BY_LABEL_C),
    ("datasets-by-label", {"label": "legacy code"}, "dataset,title,label,concept\n"),
    ("datasets-by-label", {"label": "https://example.org/nowhere"}, "dataset,title,label,concept\n"),
    ("label-coverage", {},
     "finding,dataset,title,datasetLabel\n"
     "B label,https://example.org/one,Free as one,B label\n"
     "B label,https://example.org/one,Free as one,C label\n"),
]


@pytest.fixture(scope="module")
def catalogues(tmp_path_factory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("speed-paths")
    paths = {}
    for name, text in (("lookups", CATALOGUE), ("rollups", ROLLUP_CATALOGUE)):
        path = folder / f"{name}.ttl"
        path.write_text(text, encoding="utf-8")
        paths[name] = str(path)
    return paths


@pytest.mark.parametrize("engine", ["store", "rdflib"])
@pytest.mark.parametrize("catalogue, name, params, expected",
                         [("lookups", *case) for case in CASES] + [("rollups", *case) for case in ROLLUP_CASES])
def test_rewritten_queries_find_what_the_slow_forms_found(catalogues, engine, catalogue, name, params, expected):
    query = stored_query(name)
    rows = run(query, query.bind(params), local_engine([catalogues[catalogue]], engine=engine))
    assert render(rows, "csv").replace("\r\n", "\n") == expected
