"""hckg serve in-process: dereferenceable IRIs, content and profile negotiation, caching headers, Hydra
paging, dumps, the base mapping, and the requests it must refuse."""

import json
from email.utils import formatdate

import pytest
from pyld import jsonld
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, FOAF, RDF, SKOS
from signposting import find_signposting_http_link
from starlette.testclient import TestClient

from hckg.export import catalogue_datasets, export
from hckg.graph import load_graph
from hckg.jsonld import document_loader, load_context
from hckg.namespaces import DCAT
from hckg.serve.app import create_app
from hckg.serve.catalogue import Catalogue
from hckg.site import Site

from serve_catalogue import DATA

NS = "https://w3id.org/hckg/"
ALPHA = URIRef(NS + "dataset/alpha-xray")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
DCAT_AP = "http://data.europa.eu/r5r/"


def parse(response, fmt=None) -> Graph:
    fmt = fmt or {"text/turtle": "turtle", "application/n-triples": "nt", "application/rdf+xml": "xml",
                  "application/n-quads": "nquads"}[response.headers["content-type"].split(";")[0]]
    return Graph().parse(data=response.content, format=fmt)


def loader_for(client):
    """A pyld document loader that fetches contexts from the app (and knows schema.org's offline)."""
    def load(url, options=None):
        if url.startswith(NS):
            document = client.get("/" + url[len(NS):]).json()
        else:
            document = load_context("schemaorg")
        return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url, "document": document}
    return load


def expand(client, response) -> Graph:
    nquads = jsonld.to_rdf(response.json(), {"format": "application/n-quads", "documentLoader": loader_for(client)})
    return Graph().parse(data=nquads, format="nquads")


def exported(profile="dcat-ap", fmt="turtle", datasets=()) -> Graph:
    return Graph().parse(data=export(DATA, profile=profile, fmt=fmt, datasets=datasets), format="turtle")


def links(response) -> set[tuple]:
    """(rel, href, type, profile) of each Link header value."""
    found = set()
    for value in response.headers.get("link", "").split(", <"):
        href, _, rest = value.lstrip("<").partition(">")
        params = dict(p.strip().split("=", 1) for p in rest.split(";") if "=" in p)
        found.add((params["rel"].strip('"'), href, params.get("type", "").strip('"') or None,
                   params.get("profile", "").strip('"') or None))
    return found


# --- content negotiation ---------------------------------------------------------------------------
@pytest.mark.parametrize("accept", ["text/turtle", "application/x-turtle", "*/*", None, "text/*"])
def test_a_dataset_iri_answers_turtle_in_dcat_ap(client, accept):
    response = client.get("/dataset/alpha-xray", headers={"Accept": accept} if accept else {})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/turtle; charset=utf-8"
    assert response.headers["vary"] == "Accept, Accept-Profile"
    assert response.headers["content-profile"] == f"<{DCAT_AP}>"
    assert isomorphic(parse(response), exported(datasets=["alpha-xray"]))


@pytest.mark.parametrize("media", ["application/n-triples", "application/rdf+xml"])
def test_every_rdf_format_by_accept_extension_and_mediatype_holds_the_same_graph(client, media):
    expected = exported(datasets=["alpha-xray"])
    ext = {"application/n-triples": "nt", "application/rdf+xml": "rdf"}[media]
    for response in (client.get("/dataset/alpha-xray", headers={"Accept": media}),
                     client.get(f"/dataset/alpha-xray.{ext}", headers={"Accept": "text/html"}),
                     client.get(f"/dataset/alpha-xray?_mediatype={media}"),
                     client.get(f"/dataset/alpha-xray?_mediatype={ext}")):
        assert response.status_code == 200 and response.headers["content-type"].startswith(media)
        assert isomorphic(parse(response), expected)


def test_json_ld_cites_the_context_the_server_serves_and_expands_to_the_same_graph(client):
    response = client.get("/dataset/alpha-xray", headers={"Accept": "application/ld+json"})
    assert response.headers["content-type"] == "application/ld+json; charset=utf-8"
    assert response.json()["@context"] == NS + "context.jsonld"
    assert response.json()["title"] == "Alpha chest X-rays"
    assert isomorphic(expand(client, response), exported(datasets=["alpha-xray"]))
    assert client.get("/dataset/alpha-xray.jsonld").content == response.content
    assert client.get("/context.jsonld").json() == load_context("hckg")


def test_html_is_the_sites_landing_page_for_a_browser(client, catalogue):
    page = Site(load_graph(DATA)).file("dataset/alpha-xray.html")
    for response in (client.get("/dataset/alpha-xray", headers={"Accept": BROWSER}),
                     client.get("/dataset/alpha-xray.html"),
                     client.get("/dataset/alpha-xray?_mediatype=text/html")):
        assert response.status_code == 200 and response.headers["content-type"] == "text/html; charset=utf-8"
        assert response.content == page


def test_every_page_chart_and_sitemap_of_the_site_is_served_byte_for_byte(client):
    site = Site(load_graph(DATA))
    served = [n for n in site.names() if n.rsplit(".", 1)[-1] in ("html", "svg", "xml", "txt")]
    assert "index.html" in served and "sitemap.xml" in served and "timeline.svg" in served
    for name in served:
        response = client.get("/" + name)
        assert (response.status_code, response.content) == (200, site.file(name)), name
    assert client.get("/", headers={"Accept": BROWSER}).content == site.file("index.html")
    assert client.get("/catalog", headers={"Accept": BROWSER}).content == site.file("index.html")


def test_turtle_renditions_equal_the_sites_files(client):
    site = Site(load_graph(DATA))
    assert client.get("/dataset/beta-records.ttl").content == site.file("dataset/beta-records.ttl")


# --- profile negotiation ---------------------------------------------------------------------------
@pytest.mark.parametrize("asked", ["<https://schema.org/>", "<http://schema.org/>", "schemaorg",
                                   "<http://example.org/nothing>;q=1, <https://schema.org/>;q=0.5"])
def test_accept_profile_schema_org_gives_the_schema_org_json_ld(client, asked):
    response = client.get("/dataset/alpha-xray", headers={"Accept": "application/ld+json", "Accept-Profile": asked})
    body = response.json()
    assert (body["@context"], body["@type"], body["@id"]) == ("https://schema.org/", "Dataset", str(ALPHA))
    assert response.headers["content-profile"] == "<https://schema.org/>"
    assert ("profile", "https://schema.org/", None, None) in links(response)
    offline = {"format": "application/n-quads", "documentLoader": document_loader()}
    expected = jsonld.to_rdf(json.loads(export(DATA, profile="schemaorg", datasets=["alpha-xray"])), offline)
    assert isomorphic(expand(client, response), Graph().parse(data=expected, format="nquads"))


def test_f_uji_s_schema_org_media_type_asks_for_the_schema_org_profile(client):
    response = client.get("/dataset/alpha-xray", headers={
        "Accept": "application/vnd.schemaorg.ld+json, application/ld+json"})
    assert response.json()["@context"] == "https://schema.org/"
    assert response.headers["content-type"] == "application/ld+json; charset=utf-8"
    assert client.get("/dataset/alpha-xray", headers={"Accept": "application/ld+json"}).json()["@context"] == (
        NS + "context.jsonld")


def test_the_real_catalogue_harvests_page_by_page():
    real = TestClient(create_app(Catalogue()))
    harvested, seen = walk(real, NS + "catalog?pageSize=10")
    assert len(seen) == -(-len(catalogue_datasets(load_graph())) // 10)
    assert isomorphic(harvested, Graph().parse(data=export(profile="dcat-ap", fmt="turtle"), format="turtle"))


def test_profiles_by_query_string_and_path_suffix(client):
    health = client.get("/dataset/alpha-xray?_profile=healthdcat-ap", headers={"Accept": "application/ld+json"})
    assert health.json()["numberOfUniqueIndividuals"] == 1000
    assert health.headers["content-profile"].startswith("<https://healthdataeu")
    assert client.get("/dataset/alpha-xray.healthdcat.jsonld").content == health.content
    by_iri = client.get("/dataset/alpha-xray?_profile=https://schema.org/&_mediatype=jsonld")
    assert by_iri.json()["@context"] == "https://schema.org/"
    ckan = client.get("/dataset/alpha-xray?profiles=euro_health_dcat_ap", headers={"Accept": "application/ld+json"})
    assert ckan.content == health.content
    croissant = client.get("/dataset/alpha-xray.croissant.json")
    assert croissant.status_code == 200 and "mlcommons.org/croissant" in croissant.text
    assert client.get("/dataset/alpha-xray.schemaorg.ttl").headers["content-profile"] == "<https://schema.org/>"
    native = parse(client.get("/dataset/alpha-xray.hckg.ttl"))
    assert (ALPHA, URIRef("https://w3id.org/hckg/ontology#labelScheme"), URIRef(NS + "labels/alpha")) in native


def test_a_profile_nobody_knows_or_that_a_resource_lacks(client):
    unknown = client.get("/dataset/alpha-xray?_profile=nonsense")
    assert unknown.status_code == 400 and "unknown profile 'nonsense'" in unknown.text
    lacking = client.get("/dataset/beta-records?_profile=croissant")
    assert lacking.status_code == 406 and "dcat-ap, healthdcat-ap, schemaorg, hckg" in lacking.text
    assert client.get("/dataset/beta-records.croissant.json").status_code == 404
    # Accept-Profile is a preference: nothing known falls back to the default, and says so
    fallback = client.get("/dataset/alpha-xray", headers={"Accept-Profile": "<http://example.org/p>, <<<"})
    assert fallback.status_code == 200 and fallback.headers["content-profile"] == f"<{DCAT_AP}>"


def test_links_list_the_alternates_and_the_profile(client):
    response = client.get("/dataset/alpha-xray")
    found = links(response)
    assert ("profile", DCAT_AP, None, None) in found
    assert ("alternate", NS + "dataset/alpha-xray.jsonld", "application/ld+json", DCAT_AP) in found
    assert ("alternate", NS + "dataset/alpha-xray.healthdcat.ttl", "text/turtle",
            "https://healthdataeu.pages.code.europa.eu/healthdcat-ap/") in found
    assert ("alternate", NS + "dataset/alpha-xray.html", "text/html", None) in found
    assert ("describes", NS + "dataset/alpha-xray.html", "text/html", None) in found
    for _rel, href, _type, _profile in found:
        if href.startswith(NS):
            assert client.get("/" + href[len(NS):]).status_code == 200, href


def test_fair_signposting_on_the_landing_page_reads_with_a_signposting_client(client):
    response = client.get("/dataset/alpha-xray", headers={"Accept": BROWSER})
    signposts = find_signposting_http_link([response.headers["link"]], NS + "dataset/alpha-xray")
    assert str(signposts.citeAs.target) == "https://doi.org/10.0000/alpha"
    assert {str(t.target) for t in signposts.types} == {"https://schema.org/Dataset", "https://schema.org/AboutPage"}
    assert {(str(d.target), d.type) for d in signposts.describedBy} == {
        (NS + "dataset/alpha-xray.ttl", "text/turtle"), (NS + "dataset/alpha-xray.jsonld", "application/ld+json")}
    assert str(signposts.license.target) == "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0"
    assert {str(i.target) for i in signposts.items} == {"https://example.org/alpha/alpha.zip"}
    assert {str(a.target) for a in signposts.authors} == {"https://ror.org/00example1"}
    # the metadata carries cite-as and points back to the page it describes
    rdf = client.get("/dataset/alpha-xray", headers={"Accept": "text/turtle"})
    assert ("cite-as", "https://doi.org/10.0000/alpha", None, None) in links(rdf)


# --- caching ---------------------------------------------------------------------------------------
def test_etags_and_last_modified_give_304(client):
    first = client.get("/dataset/alpha-xray")
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert client.get("/dataset/alpha-xray").headers["etag"] == etag
    for headers in ({"If-None-Match": etag}, {"If-None-Match": f'"nope", W/{etag}'}, {"If-None-Match": "*"},
                    {"If-Modified-Since": modified}):
        again = client.get("/dataset/alpha-xray", headers=headers)
        assert (again.status_code, again.content) == (304, b"")
        assert again.headers["etag"] == etag and again.headers["vary"] == "Accept, Accept-Profile"
    assert client.get("/dataset/alpha-xray", headers={"If-None-Match": '"other"'}).status_code == 200
    assert client.get("/dataset/alpha-xray", headers={"If-Modified-Since": formatdate(0, usegmt=True)}).status_code == 200
    assert client.get("/dataset/alpha-xray", headers={"If-Modified-Since": "yesterday"}).status_code == 200
    # If-None-Match wins over If-Modified-Since
    assert client.get("/dataset/alpha-xray", headers={"If-None-Match": '"other"',
                                                      "If-Modified-Since": modified}).status_code == 200
    variants = {client.get("/dataset/alpha-xray", headers={"Accept": a}).headers["etag"]
                for a in ("text/turtle", "application/ld+json", "application/n-triples")}
    assert len(variants) == 3


def test_head_answers_headers_only(client):
    response = client.head("/dataset/alpha-xray")
    assert response.status_code == 200 and response.content == b""
    assert response.headers["etag"] == client.get("/dataset/alpha-xray").headers["etag"]


# --- other resources -------------------------------------------------------------------------------
def test_agents_concepts_schemes_distributions_records_and_the_ontology_dereference(client):
    agent = parse(client.get("/agent/beta-lab"))
    assert (URIRef(NS + "agent/beta-lab"), FOAF.name, Literal("Beta Lab", lang="en")) in agent
    scheme = parse(client.get("/labels/alpha.ttl"))
    assert (URIRef(NS + "labels/alpha-pneumonia"), SKOS.inScheme, URIRef(NS + "labels/alpha")) in scheme
    assert (URIRef(NS + "labels/alpha-pneumonia"), SKOS.prefLabel, Literal("Pneumonia", lang="en")) in scheme
    concept = parse(client.get("/theme/medical-images"))
    assert (URIRef(NS + "theme/medical-images"), RDF.type, SKOS.Concept) in concept
    assert (URIRef(NS + "distribution/alpha-zip"), DCAT.downloadURL, None) in parse(client.get("/distribution/alpha-zip"))
    assert (URIRef(NS + "record/beta-records"), FOAF.primaryTopic, URIRef(NS + "dataset/beta-records")) in parse(
        client.get("/record/beta-records"))
    ontology = parse(client.get("/ontology"))
    assert (URIRef(NS + "ontology#labelScheme"), RDF.type, None) in ontology
    page = client.get("/agent/beta-lab", headers={"Accept": BROWSER})
    assert page.status_code == 200 and "<h1>Beta Lab</h1>" in page.text
    assert client.get("/agent/beta-lab?_profile=dcat-ap").status_code == 406
    assert ("profile", "https://w3id.org/hckg/ontology", None, None) in links(client.get("/agent/beta-lab"))


def test_a_resource_page_links_to_what_the_server_serves(client):
    page = client.get("/labels/alpha", headers={"Accept": BROWSER}).text
    assert 'href="../labels/alpha-pneumonia"' in page and 'href="http://id.nlm.nih.gov/mesh/D011014"' in page
    assert client.get("/labels/alpha-pneumonia", headers={"Accept": BROWSER}).status_code == 200


# --- the catalogue, paged, and the dumps ----------------------------------------------------------
def page_node(graph: Graph) -> URIRef:
    [node] = graph.subjects(RDF.type, HYDRA.PagedCollection)
    assert (node, RDF.type, HYDRA.PartialCollectionView) in graph
    return node


def walk(client, start: str, accept="text/turtle") -> tuple[Graph, list[str]]:
    """Follow hydra:next from ``start``; return the union of the pages without Hydra, and the URLs seen."""
    harvested, seen, url = Graph(), [], start
    while url:
        assert url not in seen and len(seen) < 20
        seen.append(url)
        response = client.get(url[len(NS) - 1:] if url.startswith(NS) else url, headers={"Accept": accept})
        assert response.status_code == 200
        page = parse(response)
        node = page_node(page)
        following = page.value(node, HYDRA.next)
        url = str(following) if following is not None else None
        for triple in page:
            if not str(triple[1]).startswith(str(HYDRA)) and triple[0] != node:
                harvested.add(triple)
    return harvested, seen


def test_catalogue_pages_carry_hydra_paging_for_ckan_and_piveau(client):
    response = client.get("/catalog?pageSize=2", headers={"Accept": "text/turtle"})
    page = parse(response)
    node = page_node(page)
    assert str(node) == NS + "catalog?page=1&pageSize=2"
    assert page.value(node, HYDRA.totalItems) == Literal(5)
    assert page.value(node, HYDRA.itemsPerPage) == Literal(2)
    for rel, number in (("first", 1), ("last", 3), ("next", 2)):
        for predicate in (HYDRA[rel], HYDRA[rel + "Page"]):
            assert page.value(node, predicate) == Literal(f"{NS}catalog?page={number}&pageSize=2")
    assert (node, HYDRA.previous, None) not in page
    assert len(set(page.objects(URIRef(NS + "catalog"), DCAT.dataset))) == 2
    assert f'<{NS}catalog?page=2&pageSize=2>; rel="next"' in response.headers["link"]
    last = parse(client.get("/catalog.ttl?page=3&pageSize=2"))
    assert last.value(page_node(last), HYDRA.previous) == Literal(f"{NS}catalog.ttl?page=2&pageSize=2")
    assert (page_node(last), HYDRA.next, None) not in last


def test_following_hydra_next_harvests_the_whole_catalogue(client):
    harvested, seen = walk(client, NS + "catalog?pageSize=2")
    assert len(seen) == 3
    assert set(harvested.subjects(RDF.type, DCAT.Dataset)) == {URIRef(NS + "dataset/" + n) for n in (
        "alpha-xray", "beta-records", "gamma-survey", "delta-registry", "epsilon-scans")}
    assert isomorphic(harvested, exported())


def test_a_json_ld_page_harvests_too(client):
    response = client.get("/catalog.jsonld?pageSize=10&_profile=healthdcat-ap")
    graph = expand(client, response)
    node = page_node(graph)
    assert graph.value(node, HYDRA.totalItems) == Literal(5)
    graph.remove((node, None, None))
    assert isomorphic(graph, exported("healthdcat-ap"))


@pytest.mark.parametrize("since, expected", [
    ("2026-02-01", {"beta-records", "delta-registry", "epsilon-scans"}),
    ("2026-03-01T12:00:00Z", {"beta-records", "delta-registry", "epsilon-scans"}),
    ("2026-03-01T12:00:01+00:00", {"delta-registry", "epsilon-scans"}),
    ("2026-01-10T23:00:00Z", {"alpha-xray", "beta-records", "delta-registry", "epsilon-scans"}),
    ("2030-01-01", {"epsilon-scans"}),
])
def test_modified_since_reads_the_catalogue_records(client, since, expected):
    harvested, _seen = walk(client, f"{NS}catalog?pageSize=2&modified_since={since}")
    assert {str(d).rsplit("/", 1)[-1] for d in harvested.subjects(RDF.type, DCAT.Dataset)} == expected


@pytest.mark.parametrize("query, message", [
    ("page=0", "page: '0' is not a whole number"), ("page=x", "page: 'x'"), ("pageSize=5000", "pageSize: '5000'"),
    ("modified_since=last-week", "modified_since: 'last-week' is not an ISO 8601 date"),
])
def test_bad_paging_is_a_400(client, query, message):
    response = client.get(f"/catalog?{query}", headers={"Accept": "text/turtle"})
    assert response.status_code == 400 and message in response.text


def test_a_page_past_the_last_is_a_404(client):
    response = client.get("/catalog?page=4&pageSize=2", headers={"Accept": "text/turtle"})
    assert response.status_code == 404 and "the last page is 3" in response.text


def test_the_home_page_sends_machines_to_the_catalogue(client):
    response = client.get("/", headers={"Accept": "text/turtle"}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == NS + "catalog"


def test_dumps_hold_the_whole_catalogue(client):
    assert isomorphic(parse(client.get("/dump.nt")), load_graph(DATA))
    assert isomorphic(parse(client.get("/dump", headers={"Accept": "application/n-quads"})), load_graph(DATA))
    assert isomorphic(parse(client.get("/dump.ttl?_profile=dcat-ap")), exported())
    schema = client.get("/dump.jsonld", headers={"Accept-Profile": "<https://schema.org/>"})
    assert len(schema.json()["@graph"]) == 5


# --- the base mapping -----------------------------------------------------------------------------
def test_a_base_under_a_sub_path_answers_with_and_without_the_prefix(catalogue):
    local = TestClient(create_app(Catalogue(DATA, base="http://testserver/kg/")))
    for path in ("/kg/dataset/alpha-xray", "/dataset/alpha-xray"):
        response = local.get(path, headers={"Accept": "application/ld+json"})
        assert response.status_code == 200 and response.json()["@context"] == "http://testserver/kg/context.jsonld"
    page = parse(local.get("/kg/catalog?pageSize=2", headers={"Accept": "text/turtle"}))
    assert page.value(page_node(page), HYDRA.next) == Literal("http://testserver/kg/catalog?page=2&pageSize=2")
    landing = local.get("/kg/dataset/alpha-xray", headers={"Accept": BROWSER})
    assert '<link rel="canonical" href="http://testserver/kg/dataset/alpha-xray.html">' in landing.text
    assert local.get("/kg/dataset/alpha-xray.ttl").status_code == 200   # a relative alternate link, resolved
    assert local.get("/kg/index.html").status_code == 200                 # the page's link home, resolved
    assert local.get("/kg/", headers={"Accept": BROWSER}).status_code == 200
    assert local.get("/kg/health").json()["datasets"] == 5


def test_health(client):
    body = client.get("/health").json()
    assert (body["status"], body["datasets"], body["triples"]) == ("ok", 5, len(load_graph(DATA)))


# --- what is refused -------------------------------------------------------------------------------
@pytest.mark.parametrize("accept, media", [
    ("*; q=.2", "text/turtle"),                                        # Java's default: skipped
    ("text/turtle;q=abc, application/ld+json", "application/ld+json"),  # a bad q: that entry is skipped
    ("garbage", "text/turtle"), (",,;", "text/turtle"), ("text/html;level=1;q=0.5, */*;q=0.1", "text/html"),
])
def test_malformed_accept_headers_are_read_leniently(client, accept, media):
    response = client.get("/dataset/alpha-xray", headers={"Accept": accept})
    assert response.status_code == 200 and response.headers["content-type"].startswith(media)


def test_an_accept_header_nothing_matches_is_a_406(client):
    response = client.get("/dataset/alpha-xray", headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert response.text.startswith("406 none of the media types in Accept: image/png is offered here; use one of "
                                     "text/turtle, application/ld+json")
    assert client.get("/dataset/alpha-xray?_mediatype=image/png").status_code == 406
    assert client.get("/dataset/alpha-xray?_mediatype=not a type").status_code == 400


def test_unknown_iris_are_a_404_that_helps(client):
    response = client.get("/dataset/alpha-xra")
    assert response.status_code == 404
    assert (f"No resource <{NS}dataset/alpha-xra> in this catalogue. Did you mean {NS}dataset/alpha-xray"
            in response.text)
    page = client.get("/dataset/alpha-xra", headers={"Accept": BROWSER})
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "alpha-xray" in page.text and "<script" not in page.text.split("</head>")[1]
    assert client.get("/nothing/here.ttl").status_code == 404
    assert client.get("/dataset/alpha-xray.exe").status_code == 404


@pytest.mark.parametrize("path", ["/../../etc/passwd", "/dataset/..%2F..%2Fpyproject.toml", "/%2e%2e/%2e%2e/etc/passwd",
                                  "/dataset/%2e%2e/%2e%2e/src/hckg/cli.py", "/..\\..\\pyproject.toml",
                                  "/dataset/alpha-xray/../../../pyproject.toml", "/%00", "/dataset/%ff%fe"])
def test_path_traversal_finds_nothing(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "[build-system]" not in response.text and "root:" not in response.text


def test_oversized_requests_are_refused(catalogue):
    from hckg.serve.sparql import Limits

    small = TestClient(create_app(catalogue, Limits(max_request=2048)))
    assert small.get("/dataset/alpha-xray?x=" + "a" * 3000).status_code == 414
    response = small.post("/sparql", content=b"a" * 5000, headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 413 and "larger than 2048 bytes" in response.text


def test_methods_other_than_get_are_refused(client):
    assert client.post("/dataset/alpha-xray", content=b"x").status_code == 405
    assert client.delete("/catalog").status_code == 405


def test_the_json_ld_context_is_the_one_the_exports_embed(client):
    assert json.loads(client.get("/context.jsonld").content) == load_context("hckg")
    assert client.get("/context.jsonld").headers["content-type"] == "application/ld+json; charset=utf-8"
    assert (URIRef(NS + "catalog"), DCTERMS.title, None) in exported()


# --- the command ------------------------------------------------------------------------------------
def test_serve_refuses_bad_options_in_one_line_before_serving(tmp_path):
    import socket

    from click.testing import CliRunner

    from hckg.cli import cli

    runner = CliRunner()
    bad_base = runner.invoke(cli, ["serve", "--base", "w3id.org/hckg/", "--data", str(DATA[0])])
    assert bad_base.exit_code == 2 and bad_base.output.startswith("Error: --base w3id.org/hckg/: not an http(s) IRI")
    missing = runner.invoke(cli, ["serve", "--data", str(tmp_path / "none.ttl")])
    assert missing.exit_code == 2 and missing.output == f"Error: {tmp_path / 'none.ttl'}: no such file or folder\n"
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        busy = runner.invoke(cli, ["serve", "--port", str(port), "--data", str(DATA[0])])
    assert busy.exit_code == 2
    assert busy.output.startswith(f"Error: --host 127.0.0.1 --port {port}: cannot listen there (Address already in use)")
