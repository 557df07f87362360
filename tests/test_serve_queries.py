"""hckg serve's stored-query API: /queries, /queries/{name} (grlc-style), /openapi.json."""

import csv
import io

from openapi_spec_validator import validate

from hckg.queries import answer, list_queries, stored_queries

from serve_catalogue import DATA

NS = "https://w3id.org/hckg/"


def cli(name, *params, fmt="csv") -> str:
    return answer(name, params=params, fmt=fmt, data=[str(p) for p in DATA]).text


def test_the_list_of_stored_queries(client):
    listed = client.get("/queries").json()
    assert [q["name"] for q in listed] == [q.name for q in stored_queries()]
    by_label = next(q for q in listed if q["name"] == "datasets-by-label")
    assert by_label["url"] == NS + "queries/datasets-by-label"
    assert by_label["parameters"] == [{"name": "label", "type": "literal", "required": True, "default": None,
                                       "enum": None}]
    assert client.get("/queries", headers={"Accept": "text/csv"}).text == list_queries("csv")[0]
    page = client.get("/queries", headers={"Accept": "text/html"}).text
    assert '<a href="queries/datasets-by-label">datasets-by-label</a>' in page


def test_a_stored_query_answers_as_hckg_query_does(client):
    assert client.get("/queries/datasets-by-label?label=Pneumonia", headers={"Accept": "text/csv"}).text == cli(
        "datasets-by-label", ("label", "Pneumonia"))
    assert client.get("/queries/datasets-by-label?label=Pneumonia&_mediatype=tsv").text == cli(
        "datasets-by-label", ("label", "Pneumonia"), fmt="tsv")
    rows = list(csv.DictReader(io.StringIO(cli("datasets-by-label", ("label", "pneumonia")))))
    assert [r["dataset"] for r in rows] == [NS + "dataset/alpha-xray"]


def test_json_is_sparql_json_as_grlc_gives_it(client):
    for accept in ("application/json", "application/sparql-results+json", "*/*"):
        response = client.get("/queries/datasets-by-label?label=Pneumonia", headers={"Accept": accept})
        assert response.headers["content-type"] == "application/sparql-results+json; charset=utf-8"
        body = response.json()
        assert body["head"]["vars"] == ["dataset", "title", "label", "concept"]
        assert body["results"]["bindings"][0]["dataset"] == {"type": "uri", "value": NS + "dataset/alpha-xray"}


def test_html_is_a_table(client):
    page = client.get("/queries/datasets-by-label?label=Pneumonia", headers={"Accept": "text/html"}).text
    assert "<td>Alpha chest X-rays</td>" in page and f'<a href="{NS}dataset/alpha-xray">' in page


def test_parameters_are_checked_like_the_clis(client):
    missing = client.get("/queries/datasets-by-label")
    assert missing.status_code == 400 and "needs parameter 'label': add ?label=VALUE to the URL" in missing.text
    unknown = client.get("/queries/datasets-by-label?label=x&colour=red")
    assert unknown.status_code == 400 and "has no parameter 'colour'" in unknown.text
    twice = client.get("/queries/datasets-by-label?label=x&label=y")
    assert twice.status_code == 400 and "given twice" in twice.text
    endpoint = client.get("/queries/datasets-by-label?label=x&endpoint=http://example.org/sparql")
    assert endpoint.status_code == 400
    injection = client.get("/queries/datasets-by-label", params={"label": '" } ; DROP ALL ; #'})
    assert injection.status_code == 200 and injection.json()["results"]["bindings"] == []


def test_an_unknown_query_is_a_404_with_suggestions(client):
    response = client.get("/queries/datasets-by-labl")
    assert response.status_code == 404 and "did you mean datasets-by-label" in response.text


def test_paginated_queries_link_their_pages(client):
    query = next(q for q in stored_queries() if q.pagination)
    first = client.get(f"/queries/{query.name}", headers={"Accept": "text/csv"})
    assert first.status_code == 200
    assert first.headers["link"] == f'<{NS}queries/{query.name}?page=1>; rel="first"'   # fewer rows than a page
    second = client.get(f"/queries/{query.name}?page=2&_mediatype=csv")
    assert second.headers["link"] == (f'<{NS}queries/{query.name}?page=1&_mediatype=csv>; rel="first", '
                                      f'<{NS}queries/{query.name}?page=1&_mediatype=csv>; rel="prev"')
    assert client.get(f"/queries/{query.name}?page=0").status_code == 400


def test_answers_are_cached_with_etags(client):
    first = client.get("/queries/datasets-by-label?label=Pneumonia")
    again = client.get("/queries/datasets-by-label?label=Pneumonia", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304


def test_openapi_describes_every_stored_query_and_validates(client):
    spec = client.get("/openapi.json").json()
    validate(spec)
    assert spec["servers"] == [{"url": NS.rstrip("/")}]
    for query in stored_queries():
        operation = spec["paths"][f"/queries/{query.name}"]["get"]
        assert [p["name"] for p in operation["parameters"]] == [p.name for p in query.parameters]
        assert operation["summary"] == query.summary
    label = spec["paths"]["/queries/datasets-by-label"]["get"]["parameters"][0]
    assert (label["required"], label["schema"]) == (True, {"type": "string"})
    assert "/catalog" in spec["paths"] and "/sparql" in spec["paths"]
