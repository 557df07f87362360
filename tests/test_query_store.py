"""The store engine (pyoxigraph) answers every query as the rdflib engine does, in every output format.

On data/, on the fixture catalogue and on generated catalogues (benchmarks/generate.py, two seeds), each
stored query with its defaults and with bound parameters (some drawn by hypothesis) must render the same
text through both engines; graphs must be isomorphic. Literals the store rewrites must come back in their
source form (tests/fixtures/queries/literals.ttl).
"""

import json
import sys

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from query_cases import FIXTURE_CATALOGUE
from rdflib import Literal
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from rdflib.namespace import XSD

from conftest import FIXTURES, ROOT
from hckg.cli import cli
from hckg.engines import local_engine
from hckg.output import ROW_FORMATS, Table, render
from hckg.queries import parse_query, run, stored_query, stored_queries
from hckg.serve.sparql import results_json
from hckg.store import string_literal

sys.path.insert(0, str(ROOT / "benchmarks"))
from generate import FINDINGS, ORG_KINDS, generate  # noqa: E402

LITERALS = FIXTURES / "queries" / "literals.ttl"
STORED = [query.name for query in stored_queries()]

# bound parameters besides the defaults: on data/ and the fixture catalogue …
CATALOGUE_PARAMETERS = [
    ("datasets-by-category", {"category": "https://w3id.org/hckg/theme/electronic-health-records"}),
    ("datasets-by-content", {"content": "imaging"}),
    ("datasets-by-content", {"content": "https://w3id.org/hckg/content/chest-radiography"}),
    ("datasets-by-label", {"label": "Pneumothorax"}),
    ("datasets-by-label", {"label": "http://id.nlm.nih.gov/mesh/D011030"}),
    ("datasets-by-label", {"label": "lung lesion"}),
    ("datasets-by-organisation", {"organisation": "NIH"}),
    ("datasets-by-organisation", {"organisation": "https://ror.org/01cwqze88", "role": "publisher"}),
    ("datasets-by-period", {"from": "2010"}),
    ("datasets-by-period", {"from": "2000", "to": "2012"}),
    ("datasets-with-individuals", {"min": "1000"}),
    ("free-without-application", {"category": "medical images"}),
    ("seed-corrections", {"dataset": "https://w3id.org/hckg/dataset/chexpert"}),
    ("label-coverage", {"page": "2"}),
]
# … and on generated catalogues
GENERATED_PARAMETERS = [
    ("dataset-description", {"dataset": "https://w3id.org/hckg/dataset/d5"}),
    ("datasets-by-category", {"category": "medical claims"}),
    ("datasets-by-content", {"content": "imaging"}),
    ("datasets-by-label", {"label": "Pneumothorax"}),
    ("datasets-by-label", {"label": "http://id.nlm.nih.gov/mesh/D011030"}),
    ("datasets-by-label", {"label": "Lung Lesion"}),
    ("datasets-by-organisation", {"organisation": "https://w3id.org/hckg/agent/org-0"}),
    ("datasets-by-organisation", {"organisation": "https://ror.org/01bn4ux01", "role": "funder"}),
    ("datasets-by-period", {"from": "2015", "to": "2016"}),
    ("datasets-with-individuals", {"min": "3000000"}),
    ("free-without-application", {"category": "https://w3id.org/hckg/theme/medical-surveys"}),
    ("seed-corrections", {"dataset": "https://w3id.org/hckg/dataset/d7"}),
]
REQUIRED = {"datasets-by-content": {"content": "imaging"}, "datasets-by-label": {"label": "Effusion"},
            "datasets-by-organisation": {"organisation": "NIH"}, "datasets-by-period": {"from": "2005"},
            "datasets-with-individuals": {"min": "10"}}


def assert_same_answer(query, params: dict, data: list) -> None:
    """The bound query gives the same rendered rows (every row format) or an isomorphic graph on both engines."""
    text = query.bind(params)
    reference = run(query, text, local_engine(data, engine="rdflib"))
    answer = run(query, text, local_engine(data, engine="store"))
    if isinstance(reference, Table):
        assert reference.columns == answer.columns
        for fmt in ROW_FORMATS:
            assert render(answer, fmt) == render(reference, fmt), f"{query.name} {params} as {fmt}"
        assert results_json(answer) == results_json(reference), f"{query.name} {params} as SPARQL JSON"
    else:
        _both, only_store, only_rdflib = graph_diff(to_isomorphic(answer), to_isomorphic(reference))
        assert isomorphic(answer, reference), (f"{query.name} {params}: only on the store:\n"
                                               f"{only_store.serialize(format='nt')}\nonly on rdflib:\n"
                                               f"{only_rdflib.serialize(format='nt')}")


@pytest.fixture(scope="module", params=[(120, 1), (240, 2)], ids=["120-seed1", "240-seed2"])
def generated(request, tmp_path_factory) -> str:
    size, seed = request.param
    path = tmp_path_factory.mktemp("generated") / f"catalogue-{size}-{seed}.ttl"
    with open(path, "w", encoding="utf-8") as out:
        generate(size, out, invalid_percent=2.0, seed=seed)
    return str(path)


# --- stored queries -------------------------------------------------------------------------------

@pytest.mark.parametrize("name", STORED)
@pytest.mark.parametrize("data", [[], [str(FIXTURE_CATALOGUE)]], ids=["data", "fixture"])
def test_stored_query_with_its_defaults(name, data):
    assert_same_answer(stored_query(name), REQUIRED.get(name, {}), data)


@pytest.mark.parametrize("name, params", CATALOGUE_PARAMETERS, ids=[f"{n}-{i}" for i, (n, _) in
                                                                     enumerate(CATALOGUE_PARAMETERS)])
@pytest.mark.parametrize("data", [[], [str(FIXTURE_CATALOGUE)]], ids=["data", "fixture"])
def test_stored_query_with_parameters(name, params, data):
    assert_same_answer(stored_query(name), params, data)


@pytest.mark.parametrize("name", STORED)
def test_stored_query_on_generated_catalogues(generated, name):
    params = {"datasets-by-organisation": {"organisation": "https://w3id.org/hckg/agent/org-3"}}.get(
        name, REQUIRED.get(name, {}))
    assert_same_answer(stored_query(name), params, [generated])


@pytest.mark.parametrize("name, params", GENERATED_PARAMETERS, ids=[f"{n}-{i}" for i, (n, _) in
                                                                     enumerate(GENERATED_PARAMETERS)])
def test_stored_query_with_parameters_on_generated_catalogues(generated, name, params):
    assert_same_answer(stored_query(name), params, [generated])


TEXTS = st.sampled_from(FINDINGS + ORG_KINDS + ["imaging", "CT", "medical images", "NIH", "", "pneumothorax",
                                                "https://w3id.org/hckg/agent/org-6", "Mass\"; }"])


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.sampled_from(["datasets-by-label", "datasets-by-content", "datasets-by-organisation",
                             "datasets-by-category", "free-without-application"]), value=TEXTS)
def test_text_parameters_drawn_by_hypothesis(generated, name, value):
    query = stored_query(name)
    parameter = next(p.name for p in query.parameters if p.kind == "literal" and p.enum is None)
    assert_same_answer(query, {parameter: value}, [generated])


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(start=st.integers(1990, 2030), span=st.one_of(st.none(), st.integers(0, 10)),
       least=st.integers(0, 5_000_000))
def test_number_parameters_drawn_by_hypothesis(generated, start, span, least):
    period = {"from": str(start)} | ({} if span is None else {"to": str(start + span)})
    assert_same_answer(stored_query("datasets-by-period"), period, [generated])
    assert_same_answer(stored_query("datasets-with-individuals"), {"min": str(least)}, [generated])


# --- source literals ------------------------------------------------------------------------------

def ad_hoc(text: str):
    return parse_query("PREFIX ex: <https://example.org/>\n" + text, "ad-hoc", "<test>")


def test_rows_show_source_literals():
    query = ad_hoc("SELECT ?s ?p ?o WHERE { ?s ?p ?o FILTER(STRSTARTS(STR(?s), STR(ex:)) && ?s NOT IN (ex:b, ex:c)) } "
                   "ORDER BY ?s ?p")
    assert_same_answer(query, {}, [str(LITERALS)])
    rows = run(query, query.text, local_engine([str(LITERALS)])).rows
    held = {(s.split("/")[-1], p.split("/")[-1]): o for s, p, o in rows}
    assert held["a", "records"] == Literal("7", datatype=XSD.nonNegativeInteger)
    assert str(held["a", "share"]) == "1.50"
    assert held["a", "age"].datatype == XSD.int


def test_a_graph_shows_source_literals():
    assert_same_answer(ad_hoc("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o FILTER(STRSTARTS(STR(?s), STR(ex:))) }"), {},
                       [str(LITERALS)])
    assert_same_answer(ad_hoc("DESCRIBE ex:a"), {}, [str(LITERALS)])


def test_a_count_is_not_given_a_source_spelling():
    """A COUNT equal to a value spelt as xsd:nonNegativeInteger stays an xsd:integer, as in rdflib."""
    query = ad_hoc("SELECT (COUNT(?o) AS ?n) WHERE { ?s ex:records ?o }")
    assert_same_answer(query, {}, [str(LITERALS)])
    [(count,)] = run(query, query.text, local_engine([str(LITERALS)])).rows
    assert count == Literal(3)


def test_a_value_spelt_two_ways_keeps_the_stores_term_and_prints_alike():
    """"5" is xsd:nonNegativeInteger in one triple and xsd:integer in another: a row cannot tell them apart."""
    query = ad_hoc("SELECT ?o WHERE { ?s ex:records|ex:count ?o FILTER(?o = 5) }")
    text = query.text
    reference = run(query, text, local_engine([str(LITERALS)], engine="rdflib"))
    answer = run(query, text, local_engine([str(LITERALS)]))
    assert answer.rows == [(Literal(5),), (Literal(5),)]
    for fmt in ROW_FORMATS:
        assert render(answer, fmt) == render(reference, fmt)


# --- the command line -----------------------------------------------------------------------------

def test_every_engine_and_store_print_the_same(tmp_path):
    outputs = set()
    for options in (["--engine", "rdflib"], ["--store", "memory"], ["--store", "disk"], ["--store", "auto"]):
        result = CliRunner().invoke(cli, ["query", "datasets-by-label", "-p", "label", "Effusion", "-f", "json",
                                          "--data", str(FIXTURE_CATALOGUE), *options])
        assert result.exit_code == 0, result.output
        outputs.add(result.stdout)
    assert len(outputs) == 1 and json.loads(outputs.pop())


def test_engine_options_do_not_apply_to_an_endpoint():
    result = CliRunner().invoke(cli, ["query", "catalogue-statistics", "--endpoint", "http://127.0.0.1:9/sparql",
                                      "--store", "disk"])
    assert result.exit_code == 2
    assert "cannot be combined with --endpoint" in result.stderr


# --- strings made fast -----------------------------------------------------------------------------

@given(text=st.text(), lang=st.one_of(st.none(), st.sampled_from(["en", "pt-BR", "EN", "x-private"])))
def test_fast_string_literals_are_rdflibs(text, lang):
    made, reference = string_literal(text, lang), Literal(text, lang=lang)
    assert made == reference and hash(made) == hash(reference)
    assert (made.value, made.language, made.datatype, made.ill_typed) == (
        reference.value, reference.language, reference.datatype, reference.ill_typed)
