"""Stored queries: grlc headers, parameters, binding that cannot be injected, pagination."""

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from pyoxigraph import Store
from pyparsing import ParseResults
from rdflib import Literal
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.parserutils import CompValue

from hckg.errors import InputError, UsageError
from hckg.queries import (HEADER_KEYS, parse_query, sparql_string, stored_queries, stored_query,
                          substitute)

SELECT = "SELECT ?s WHERE { ?s ?p ?o }\n"


def query(text: str, name: str = "q"):
    return parse_query(text, name, f"{name}.rq")


# --- every stored query ------------------------------------------------------------------------

STORED = stored_queries()


def test_there_are_stored_queries():
    assert len(STORED) >= 14


@pytest.mark.parametrize("stored", STORED, ids=lambda q: q.name)
def test_stored_query_is_complete_and_clean(stored):
    assert stored.summary and stored.description and stored.tags
    assert stored.warnings == ()
    assert stored.form in ("SELECT", "CONSTRUCT")
    assert all(p.name.isalnum() for p in stored.parameters)  # camelCase, never snake_case


@pytest.mark.parametrize("stored", STORED, ids=lambda q: q.name)
def test_stored_query_binds_to_valid_sparql(stored):
    """With example values every stored query is valid SPARQL for rdflib and for Oxigraph."""
    examples = {"literal": "Pneumothorax", "iri": "https://w3id.org/hckg/dataset/chexpert", "integer": "2000"}
    text = stored.bind({p.name: p.enum[0] if p.enum else examples[p.kind] for p in stored.parameters if p.variable})
    parseQuery(text)
    Store().query(text)


@pytest.mark.parametrize("stored", STORED, ids=lambda q: q.name)
def test_stored_query_orders_its_rows(stored):
    """Rows must come in the same order from every engine."""
    if stored.form == "SELECT":
        assert "ORDER BY" in stored.text


# --- headers -----------------------------------------------------------------------------------

def test_header_is_grlc_yaml():
    q = query("#+ summary: One question\n#+ description: Spans\n#+   two lines.\n#+ tags:\n#+   - a\n"
              "#+   - b\n#+ pagination: 10\n" + SELECT)
    assert (q.summary, q.description, q.tags, q.pagination) == ("One question", "Spans two lines.", ("a", "b"), 10)


def test_header_falls_back_to_json():
    q = query('#+ {"summary": "From JSON", "tags": ["x"]}\n' + SELECT)
    assert (q.summary, q.tags) == ("From JSON", ("x",))


def test_only_column_zero_hash_plus_lines_are_header():
    q = query("#+ summary: kept\n #+ summary: dropped\n# + summary: dropped\n" + SELECT)
    assert q.summary == "kept"


def test_no_header_is_fine():
    assert query(SELECT).summary == ""


def test_header_that_is_neither_yaml_nor_json_is_an_error():
    with pytest.raises(InputError, match=r"q.rq: the #\+ header is neither YAML nor JSON"):
        query("#+ summary: [unclosed\n" + SELECT)


@pytest.mark.parametrize("header, message", [
    ("#+ pagination: ten", "header 'pagination' must be a positive whole number"),
    ("#+ pagination: 0", "header 'pagination' must be a positive whole number"),
    ("#+ tags: one", "header 'tags' must be a list"),
    ("#+ summary: [a, b]", "header 'summary' must be text"),
    ("#+ endpoint: ftp://x", "header 'endpoint' must be an http"),
    ("#+ defaults:\n#+   - nothere: 1", "header 'defaults' names 'nothere', which is not a parameter"),
    ("#+ defaults: x", "header 'defaults' must be a list"),
])
def test_bad_header_values_are_errors(header, message):
    with pytest.raises(InputError, match=message):
        query(header + "\n" + SELECT)


def test_unknown_header_keys_are_warnings_and_grlc_keys_are_not():
    q = query("#+ sumary: typo\n#+ method: GET\n#+ endpoint_in_url: false\n" + SELECT)
    assert q.warnings == (f"q.rq: unknown header key 'sumary' (grlc keys: {', '.join(HEADER_KEYS)})",)


def test_updates_are_refused():
    with pytest.raises(InputError, match="INSERT is a SPARQL update; hckg runs read-only"):
        query('INSERT DATA { <urn:a> <urn:b> "SELECT" }')


def test_query_form_ignores_keywords_in_strings_iris_and_comments():
    q = query('# SELECT\nPREFIX ask: <urn:select>\nCONSTRUCT { ?s ?p "ASK" } WHERE { ?s ?p ?o }')
    assert q.form == "CONSTRUCT"


def test_text_that_is_no_query_is_an_error():
    with pytest.raises(InputError, match="no SELECT, CONSTRUCT, DESCRIBE or ASK found"):
        query("hello")


# --- parameters ---------------------------------------------------------------------------------

def test_parameter_types_follow_grlc_suffixes():
    q = query("PREFIX ex: <http://example.org/>\nSELECT * WHERE { ?s ?_a ?__b_iri ; ?p ?_c_integer, ?_d_number, "
              "?_e_literal, ?_f_xsd_date, ?_g_en, ?_h_ex_code }")
    described = [(p.name, p.required, p.type_name) for p in q.parameters]
    assert described == [("a", True, "literal"), ("b", False, "iri"), ("c", True, "integer"), ("d", True, "number"),
                         ("e", True, "literal"), ("f", True, "xsd:date"), ("g", True, "literal@en"),
                         ("h", True, "ex:code")]
    assert q.parameter("h").datatype == "http://example.org/code"


def test_parameters_are_not_read_from_strings_iris_or_comments():
    q = query('# ?_inComment\nSELECT * WHERE { ?s <urn:?_inIri> "?_inString", ?_real }')
    assert [p.name for p in q.parameters] == ["real"]


@pytest.mark.parametrize("variable, message", [
    ("?_since_date", "parses as name 'since' with language tag 'date'"),
    ("?_a_b_c_d_e", "does not follow grlc parameter naming"),
    ("?_x_iri_en", "combines a type, a datatype and a language tag"),
    ("?_x_zz_code", "uses prefix 'zz', which the query does not declare"),
])
def test_parameter_naming_mistakes_are_errors(variable, message):
    with pytest.raises(InputError, match=message):
        query(f"SELECT * WHERE {{ ?s ?p {variable} }}")


def test_one_name_two_spellings_is_an_error():
    with pytest.raises(InputError, match=r"parameter 'x' is written both \?_x and \?__x"):
        query("SELECT * WHERE { ?s ?_x ?__x }")


def test_three_underscores_are_an_ordinary_variable():
    assert query("SELECT * WHERE { ?s ?p ?___x }").parameters == ()


def test_defaults_and_enumerations():
    q = query("#+ defaults:\n#+   - n: 5\n#+ enumerate:\n#+   - colour: [red, blue]\n#+   - shape\n"
              "SELECT * WHERE { ?s ?_n_integer ?__colour, ?__shape }")
    n, colour, shape = q.parameters
    assert (n.default, colour.enum, shape.enum_from_data) == ("5", ("red", "blue"), True)
    assert [p.describe() for p in q.parameters] == [
        "n: integer, default 5", "colour: literal, optional, one of red|blue",
        "shape: literal, optional, values from the data"]


def test_a_bad_default_is_the_files_error():
    with pytest.raises(UsageError, match=r"q.rq: default of parameter 'n': 'many' is not a whole number"):
        query("#+ defaults:\n#+   - n: many\nSELECT * WHERE { ?s ?p ?_n_integer }")


# --- binding -------------------------------------------------------------------------------------

TYPED = query("PREFIX ex: <http://example.org/>\nSELECT * WHERE { ?s ?p ?_a ; ?q ?__b_iri ; ?r ?__c_integer ; "
              "?t ?__d_number ; ?u ?__e_xsd_date ; ?v ?__f_en }")


@pytest.mark.parametrize("values, term", [
    ({"a": 'say "hi"'}, '"say \\"hi\\""'),
    ({"a": "x", "b": "http://id.nlm.nih.gov/mesh/D011030"}, "<http://id.nlm.nih.gov/mesh/D011030>"),
    ({"a": "x", "c": "-42"}, '"-42"^^<http://www.w3.org/2001/XMLSchema#integer>'),
    ({"a": "x", "d": "1.5"}, '"1.5"^^<http://www.w3.org/2001/XMLSchema#decimal>'),
    ({"a": "x", "d": "2e3"}, '"2000.0"^^<http://www.w3.org/2001/XMLSchema#double>'),
    ({"a": "x", "e": "2020-02-29"}, '"2020-02-29"^^<http://www.w3.org/2001/XMLSchema#date>'),
    ({"a": "x", "f": "chest"}, '"chest"@en'),
])
def test_values_become_typed_terms(values, term):
    assert term in TYPED.bind(values)


@pytest.mark.parametrize("values, message", [
    ({}, "query 'q' needs parameter 'a': add -p a VALUE"),
    ({"a": "x", "zzz": "1"}, "query 'q' has no parameter 'zzz' .its parameters: a, b, c, d, e, f."),
    ({"a": "x", "b": "not an iri"}, "parameter 'b': 'not an iri' is not an absolute IRI"),
    ({"a": "x", "b": "http://x/a>b"}, "parameter 'b': 'http://x/a>b' is not an absolute IRI"),
    ({"a": "x", "c": "1.5"}, "parameter 'c': '1.5' is not a whole number"),
    ({"a": "x", "d": "1e"}, "parameter 'd': '1e' is not a number"),
    ({"a": "x", "e": "2021-02-29"}, "parameter 'e': '2021-02-29' is not a valid"),
])
def test_bad_values_are_usage_errors_naming_the_parameter(values, message):
    with pytest.raises(UsageError, match=message):
        TYPED.bind(values)


def test_enumerated_values_are_checked():
    q = query("#+ enumerate:\n#+   - colour: [red, blue]\nSELECT * WHERE { ?s ?p ?_colour }")
    with pytest.raises(UsageError, match="parameter 'colour': 'green' is not one of red, blue"):
        q.bind({"colour": "green"})


def test_unbound_optional_parameters_stay_variables():
    assert "?__b_iri" in TYPED.bind({"a": "x"})


def test_substitution_is_boundary_anchored():
    """grlc's str.replace turns ?_o10 into "v"0 when binding ?_o1."""
    assert substitute("?s ?p ?_o1, ?_o10 .", {"?_o1": '"v"'}) == '?s ?p "v", ?_o10 .'


def test_substitution_is_one_pass():
    """A value that looks like another parameter is never substituted again."""
    q = query("SELECT * WHERE { ?s ?_a ?_b }")
    assert 'WHERE { ?s "?_b" "x" }' in q.bind({"a": "?_b", "b": "x"})


def test_substitution_leaves_strings_iris_and_comments_alone():
    text = '# ?_a\nSELECT * WHERE { ?s <urn:?_a> "?_a", ?_a }'
    assert substitute(text, {"?_a": '"v"'}) == '# ?_a\nSELECT * WHERE { ?s <urn:?_a> "?_a", "v" }'


def test_injection_attempt_stays_one_literal():
    q = stored_query("datasets-by-label")
    text = q.bind({"label": '"} ; DROP ALL #'})
    assert '"\\"} ; DROP ALL #"' in text
    parseQuery(text)


# --- pagination ---------------------------------------------------------------------------------

def test_pagination_replaces_a_trailing_limit_and_adds_page():
    q = query("#+ pagination: 20\nSELECT * WHERE { { SELECT ?s WHERE { ?s ?p ?o } LIMIT 5 } }\n"
              "ORDER BY ?s LIMIT 100 OFFSET 3 # last line\n")
    assert [p.describe() for p in q.parameters] == ["page: integer, default 1"]
    assert q.bind({}).endswith("ORDER BY ?s\nLIMIT 20 OFFSET 0\n")
    assert q.bind({"page": "3"}).endswith("\nLIMIT 20 OFFSET 40\n")
    assert "LIMIT 5" in q.bind({})
    with pytest.raises(UsageError, match="parameter 'page': '0' is not a page number"):
        q.bind({"page": "0"})


def test_pagination_reserves_page():
    with pytest.raises(InputError, match="has its own 'page' parameter"):
        query("#+ pagination: 5\nSELECT * WHERE { ?s ?p ?_page }")


# --- hypothesis: arbitrary text as a literal never changes the query -----------------------------

def _shape(node, literals):
    """The parse tree with literals replaced by a marker (and collected)."""
    if isinstance(node, Literal):
        literals.append(node)
        return "LITERAL"
    if isinstance(node, CompValue):
        return node.name, tuple((k, _shape(v, literals)) for k, v in node.items())
    if isinstance(node, dict):
        return tuple((k, _shape(v, literals)) for k, v in node.items())
    if isinstance(node, (list, tuple, ParseResults)):
        return tuple(_shape(x, literals) for x in node)
    return node


LABEL_QUERY = stored_query("datasets-by-label")
# where ?_label occurs: four times in the look-up by IRI, once in the match by name, once in the match of
# a literal a mapping points to
LABEL_PLACES = 6
REFERENCE = _shape(parseQuery(LABEL_QUERY.bind({"label": "x"})), [])


TRICKY = ['"} ; DROP ALL #', "\\", "\\u0041", "\\\\u0022", "\\U0001F600", "\\u00e9abcd", "a\tb\r\n",
          "'''", '"""', "?_label", "<urn:x>", "😀"]


def tricky_examples(test):
    for value in TRICKY:
        test = example(value)(test)
    return test


@settings(max_examples=60, deadline=None)
@given(st.text())
@tricky_examples
def test_any_text_as_a_literal_keeps_the_query_shape(value):
    literals = []
    assert _shape(parseQuery(LABEL_QUERY.bind({"label": value})), literals) == REFERENCE
    assert literals.count(Literal(value)) == LABEL_PLACES  # every place ?_label occurs


@settings(max_examples=300, deadline=None)
@given(st.text())
@tricky_examples
def test_sparql_string_round_trips_through_oxigraph(value):
    [row] = Store().query(f"SELECT ?v WHERE {{ BIND({sparql_string(value)} AS ?v) }}")
    assert row["v"].value == value
