"""Every stored query returns exactly the expected rows on the fixture catalogue (embedded store)."""

import pytest
from query_cases import CASES, DESCRIPTION, FIXTURE_CATALOGUE
from rdflib import Graph
from rdflib.compare import graph_diff, isomorphic

from hckg.queries import answer, stored_queries


def test_every_stored_query_has_an_expected_answer():
    covered = {name for name, _params, _csv in CASES} | {"dataset-description"}
    assert covered == {q.name for q in stored_queries()}


@pytest.mark.parametrize("name, params, expected", CASES, ids=[f"{n}-{i}" for i, (n, _, _) in enumerate(CASES)])
def test_stored_query_rows(name, params, expected):
    assert answer(name, params=params.items(), fmt="csv", data=[FIXTURE_CATALOGUE]).text == expected


def test_dataset_description_is_the_whole_dataset():
    text = answer("dataset-description", params=[("dataset", "https://w3id.org/hckg/dataset/xray-a")],
                  fmt="ntriples", data=[FIXTURE_CATALOGUE]).text
    got, want = Graph().parse(data=text, format="nt"), Graph().parse(data=DESCRIPTION, format="turtle")
    _both, only_got, only_want = graph_diff(got, want)
    assert isomorphic(got, want), f"unexpected:\n{only_got.serialize(format='nt')}\nmissing:\n{only_want.serialize(format='nt')}"


def test_the_real_catalogue_answers_the_label_question():
    """The issue's acceptance check, on data/: a MeSH IRI and a label text give the same datasets."""
    by_iri = answer("datasets-by-label", params=[("label", "http://id.nlm.nih.gov/mesh/D011030")], fmt="csv").text
    by_text = answer("datasets-by-label", params=[("label", "Pneumothorax")], fmt="csv").text
    assert by_iri == by_text
    for dataset in ("chexpert", "chestx-ray8", "chestx-ray14"):
        assert f"https://w3id.org/hckg/dataset/{dataset}," in by_iri
