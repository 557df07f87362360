"""The catalogue in data/: it validates, its facts are traceable, and `hckg validate` behaves as documented."""

import json
import re

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, RDF, RDFS, SKOS

from hckg.cli import cli
from hckg.graph import load_graph
from hckg.namespaces import DCAT, HCKG, SCHEMA
from hckg.resources import project_dir

DS = "https://w3id.org/hckg/dataset/"


@pytest.fixture(scope="module")
def catalogue():
    return load_graph()


def run(*args):
    return CliRunner().invoke(cli, list(args))


# --- hckg validate -----------------------------------------------------------------------------

def test_catalogue_conforms():
    result = run("validate")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1].startswith("Conforms: 0 violations")


@pytest.mark.parametrize("dataset", ["chexpert", "mimic-iii-1.4", "cms-de-synpuf", "nih-chest-x-ray"])
@pytest.mark.parametrize("prop", ["dct:title", "dct:publisher", "dcat:theme"])
def test_removing_a_mandatory_property_fails_naming_dataset_and_property(tmp_path, catalogue, dataset, prop):
    broken = Graph() + catalogue
    predicate = {"dct:title": DCTERMS.title, "dct:publisher": DCTERMS.publisher, "dcat:theme": DCAT.theme}[prop]
    broken.remove((URIRef(DS + dataset), predicate, None))
    path = tmp_path / "catalogue.ttl"
    broken.serialize(path, format="turtle")
    result = run("validate", str(path))
    assert result.exit_code == 1
    assert f"[Violation] <{DS}{dataset}> {prop} — " in result.output


def test_turtle_syntax_error_names_file_and_line(tmp_path):
    path = tmp_path / "bad.ttl"
    path.write_text('@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:a ex:b "unterminated .\n')
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 2
    assert result.output.strip() == f"Error: {path}:3: Turtle syntax error: newline found in string literal"
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "content, suffix, message",
    [
        (None, ".ttl", "no such file or folder"),
        (b"\xff\xfe\x00binary", ".ttl", "not UTF-8 text (byte 0); save it as UTF-8"),
        (b"a,b\n", ".csv", "unknown RDF file type '.csv'"),
    ],
)
def test_unloadable_input_exits_2_with_one_line(tmp_path, content, suffix, message):
    path = tmp_path / f"input{suffix}"
    if content is not None:
        path.write_bytes(content)
    result = run("validate", str(path))
    assert result.exit_code == 2
    assert result.output.startswith(f"Error: {path}: {message}")
    assert len(result.output.strip().splitlines()) == 1


def test_json_and_turtle_reports(tmp_path, catalogue):
    broken = Graph() + catalogue
    broken.remove((URIRef(DS + "chexpert"), DCTERMS.title, None))
    path = tmp_path / "catalogue.ttl"
    broken.serialize(path, format="turtle")
    report = json.loads(run("validate", "--format", "json", str(path)).output)
    assert report["conforms"] is False
    assert {"severity": "Violation", "focus": f"<{DS}chexpert>", "path": "dct:title"}.items() <= report["results"][0].items()
    turtle = run("validate", "--format", "turtle", str(path)).output
    assert (None, URIRef("http://www.w3.org/ns/shacl#conforms"), Literal(False)) in Graph().parse(data=turtle, format="turtle")


# --- the model ---------------------------------------------------------------------------------

PNEUMOTHORAX_QUERY = """
PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?dataset WHERE {
  ?label skos:exactMatch <http://id.nlm.nih.gov/mesh/D011030> ;
         skos:inScheme ?labelSet .
  ?dataset a dcat:Dataset ;
           ?linksTo ?labelSet .
} ORDER BY ?dataset
"""


def test_label_mapped_to_mesh_pneumothorax_finds_chexpert_and_both_nih_versions(catalogue):
    """Only DCAT and SKOS terms: the dataset's link to its label set is matched by any predicate."""
    found = [str(row.dataset) for row in catalogue.query(PNEUMOTHORAX_QUERY)]
    assert found == [DS + "chestx-ray14", DS + "chestx-ray8", DS + "chexpert"]


def test_every_dataset_is_in_the_catalogue_with_a_record(catalogue):
    catalog = URIRef("https://w3id.org/hckg/catalog")
    datasets = set(catalogue.subjects(RDF.type, DCAT.Dataset)) | set(catalogue.subjects(RDF.type, DCAT.DatasetSeries))
    assert datasets == set(catalogue.objects(catalog, DCAT.dataset))
    assert datasets == {catalogue.value(r, FOAF.primaryTopic) for r in catalogue.objects(catalog, DCAT.record)}


def test_every_category_has_datasets(catalogue):
    themes = set(catalogue.subjects(SKOS.inScheme, URIRef("https://w3id.org/hckg/theme")))
    assert len(themes) == 4
    assert all((None, DCAT.theme, theme) in catalogue for theme in themes)


def test_versions_and_series(catalogue):
    d = lambda slug: URIRef(DS + slug)  # noqa: E731
    assert (d("mimic-iii"), DCAT.hasVersion, d("mimic-iii-1.4")) in catalogue
    assert catalogue.value(d("mimic-iii-1.4"), DCAT.version) == Literal("1.4")
    assert catalogue.value(d("ipums-nhis-6.4"), DCAT.version) == Literal("6.4")
    assert set(catalogue.subjects(DCAT.inSeries, d("nih-chest-x-ray"))) == {d("chestx-ray8"), d("chestx-ray14")}
    assert (d("chestx-ray14"), DCAT.previousVersion, d("chestx-ray8")) in catalogue


def test_ontology_defines_every_hckg_term_used(catalogue):
    ontology = Graph()
    ontology.parse(project_dir("ontology") / "hckg.ttl")
    header = URIRef("https://w3id.org/hckg/ontology")
    assert ontology.value(header, OWL.versionInfo) is not None
    assert ontology.value(header, DCTERMS.license) is not None
    used = {t for triple in catalogue for t in triple if isinstance(t, URIRef) and t.startswith(str(HCKG))}
    for term in sorted(used):
        for prop in (RDFS.label, RDFS.comment, RDFS.isDefinedBy):
            assert ontology.value(term, prop) is not None, f"{term} has no {prop}"
    for prop in set(ontology.subjects(RDF.type, OWL.ObjectProperty)) | set(ontology.subjects(RDF.type, OWL.DatatypeProperty)):
        assert (prop, RDFS.range, None) in ontology, f"{prop} has no rdfs:range"


# --- traceability to the source list and the fact-check notes --------------------------------

def parse_seed(text):
    """The seed list as {heading: {field: raw value}}, values verbatim (trailing spaces kept)."""
    entries, current = {}, None
    for line in text.splitlines():
        if line.startswith("### "):
            current = entries.setdefault(line[4:], {})
        elif current is not None and (match := re.match(r"- _(.+?)_: (.*)$", line)):
            current[match.group(1)] = match.group(2)
    return entries


@pytest.fixture(scope="module")
def seed(shared):
    return parse_seed((shared / "seeds/healthcare-data-sources.md").read_text())


def _dataset_for(catalogue, heading):
    return catalogue.value(None, HCKG.seedHeading, Literal(heading))


def _family(catalogue, dataset):
    """The dataset with its series members: where a seed entry's facts may live."""
    return [dataset, *catalogue.subjects(DCAT.inSeries, dataset)]


def _names(catalogue, agents):
    return {str(catalogue.value(a, FOAF.name)) for a in agents}


def field_is_represented(catalogue, dataset, field, value):
    """Check one uncorrected seed field against the catalogue's structured triples."""
    family = _family(catalogue, dataset)
    objects = lambda p: {o for d in family for o in catalogue.objects(d, p)}  # noqa: E731
    value = value.strip()
    if field == "Cost":
        return value == "Free" and objects(SCHEMA.isAccessibleForFree) == {Literal(True)}
    if field == "Size":
        counts = {c for d in family for c in catalogue.objects(d, HCKG.size)}
        numbers = {int(o) for c in counts for p in (SCHEMA.value, SCHEMA.minValue, SCHEMA.maxValue)
                   for o in catalogue.objects(c, p)}
        return {int(n.replace(",", "")) for n in re.findall(r"\d[\d,]*", value)} <= numbers
    if field == "Requires":
        return value == "No application" and URIRef("https://w3id.org/hckg/requirement/application-review") \
            not in objects(HCKG.accessRequirement)
    if field == "Labels":
        return value == "None" and not objects(HCKG.labelScheme)
    if field == "Includes":
        labels = {str(label).lower() for c in objects(HCKG.contentType) for p in (SKOS.prefLabel, SKOS.altLabel)
                  for label in catalogue.objects(c, p)}
        return all(item.strip().lower() in labels for item in value.split(","))
    if field in ("Reference", "Access"):
        iris = objects(DCAT.landingPage) | objects(FOAF.page) | objects(DCTERMS.isReferencedBy) \
            | {a for dist in objects(DCAT.distribution) for a in catalogue.objects(dist, DCAT.accessURL)}
        texts = {str(i).rstrip("/") for i in iris} | {str(i) for i in objects(DCTERMS.identifier)}
        return value.rstrip("/") in texts
    if field == "Temporal coverage":
        start, _sep, end = re.match(r"(\d{4}) (through|onwards)\s*(.*)", value).groups()
        periods = objects(DCTERMS.temporal)
        starts = {str(catalogue.value(p, DCAT.startDate))[:4] for p in periods}
        ends = {str(catalogue.value(p, DCAT.endDate) or "")[:4] for p in periods}
        return start in starts and (end in ends if end not in ("", "present") else ends == {""})
    if field == "Owner":
        return value in _names(catalogue, objects(DCTERMS.rightsHolder) | objects(DCTERMS.publisher))
    raise AssertionError(f"no check for field {field}")


def test_every_seed_field_is_in_the_graph(catalogue, seed):
    """Each field is either structured in the catalogue or quoted verbatim by a correction."""
    for heading, fields in seed.items():
        dataset = _dataset_for(catalogue, heading)
        assert dataset is not None, f"no dataset records seed heading {heading!r}"
        corrections = {str(catalogue.value(c, HCKG.seedField)): str(catalogue.value(c, HCKG.seedValue))
                       for c in catalogue.objects(dataset, HCKG.correction)}
        for field, value in fields.items():
            if field in corrections:
                assert corrections[field] == value, f"{heading} / {field}: correction quotes {corrections[field]!r}"
            else:
                assert field_is_represented(catalogue, dataset, field, value), f"{heading} / {field}: {value!r} not found"


def test_corrections_cover_every_fact_check_item(catalogue, shared):
    table = (shared / "reference/facts.md").read_text().split("## 1.")[0]
    items = {int(n) for n in re.findall(r"^\| (\d+) \|", table, flags=re.MULTILINE)}
    cited = {int(n) for n in catalogue.objects(None, HCKG.factCheckItem)}
    assert items == cited == set(range(1, 30))


def test_corrections_quote_the_seed_verbatim(catalogue, shared):
    text = (shared / "seeds/healthcare-data-sources.md").read_text()
    for value in catalogue.objects(None, HCKG.seedValue):
        assert str(value) in text, f"seed value {str(value)!r} is not in the seed list"


IDENTIFIER_PATTERNS = {
    "ROR": r"https://ror\.org/(0[a-z0-9]{8})",
    "Wikidata": r"http://www\.wikidata\.org/entity/(Q\d+)",
    "DOI": r"https://doi\.org/(10\.[^\s\"<>]+)",
    "MeSH": r"http://id\.nlm\.nih\.gov/mesh/(D\d+)",
    "SNOMED CT": r"http://snomed\.info/id/(\d+)",
}


@pytest.mark.parametrize("kind", sorted(IDENTIFIER_PATTERNS))
def test_identifiers_come_from_the_fact_check_notes(catalogue, shared, kind):
    """Every external identifier the catalogue emits is written in facts.md (a guard against invention)."""
    facts = (shared / "reference/facts.md").read_text()
    nodes = {t for t in catalogue.all_nodes() if isinstance(t, URIRef)} | set(catalogue.objects(None, DCTERMS.identifier))
    text = "\n".join(str(t) for t in nodes)
    emitted = set(re.findall(IDENTIFIER_PATTERNS[kind], text))
    assert emitted, f"no {kind} identifiers found"
    missing = sorted(i for i in emitted if i.lower() not in facts.lower())
    assert missing == []


def test_ror_identifiers_are_marked_verified(catalogue, shared):
    rows = [line for line in (shared / "reference/facts.md").read_text().splitlines() if line.startswith("|")]
    for ror in sorted({str(t) for t in catalogue.all_nodes() if str(t).startswith("https://ror.org/")}):
        row = next((r for r in rows if ror.removeprefix("https://ror.org/") in r), None)
        assert row is not None and "| verified" in row, f"{ror} is not a verified row of facts.md section 2"


def test_rebase_moves_every_hckg_iri_and_nothing_else(catalogue):
    from hckg.graph import rebase

    moved = rebase(catalogue, "https://data.example.org/kg/")
    assert len(moved) == len(catalogue)
    iris = {str(t) for t in moved.all_nodes() if isinstance(t, URIRef)}
    assert not any(i.startswith("https://w3id.org/hckg/") and "/ontology#" not in i for i in iris)
    assert "https://w3id.org/hckg/ontology#labelScheme" in iris
    assert "https://data.example.org/kg/dataset/chexpert" in iris
    assert "https://ror.org/04vfsmv21" in iris
