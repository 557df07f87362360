"""hckg export: profiles × formats, framed JSON-LD, determinism, conformance to the official shapes, errors."""

import json
import re
import subprocess
import sys

import pytest
from click.testing import CliRunner
from rdflib import Graph, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from rdflib.namespace import DCTERMS, RDF

from hckg import jsonld
from hckg.cli import cli
from hckg.export import catalogue_datasets, export, render
from hckg.graph import load_graph
from hckg.namespaces import DCAT
from hckg.namespaces import SDO
from hckg.profiles import PROFILES, get_profile
from hckg.profiles.healthdcatap import DEVIATIONS
from hckg.validate import validate_graph
from hckg.vocabularies import Vocabularies, vocabulary_file

from conftest import FIXTURES, ROOT
from reference_shapes import dcat_ap_shapes, healthdcat_shapes

MINI = FIXTURES / "export" / "mini.ttl"
FORMATS = {"jsonld": None, "turtle": "turtle", "ntriples": "nt", "nquads": "nquads", "rdfxml": "xml"}
pyld = pytest.importorskip("pyld.jsonld")


def expand(document: bytes) -> Graph:
    """What a real JSON-LD 1.1 processor reads from an export (contexts served offline)."""
    nquads = pyld.to_rdf(json.loads(document), {"format": "application/n-quads",
                                                "documentLoader": jsonld.document_loader()})
    return Graph().parse(data=nquads, format="nt")   # all in the default graph


def same_graph(a: Graph, b: Graph) -> bool:
    if isomorphic(a, b):
        return True
    _both, first, second = graph_diff(to_isomorphic(a), to_isomorphic(b))
    print("only in the first:\n" + first.serialize(format="nt") + "only in the second:\n" + second.serialize(format="nt"))
    return False


@pytest.fixture(scope="module")
def mini():
    return load_graph([MINI])


@pytest.fixture(scope="module")
def catalogue():
    return load_graph()


# --- round trips -----------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("profile", PROFILES)
def test_every_profile_and_format_reads_back_as_the_profile_graph(mini, profile, fmt):
    expected = render(mini, get_profile(profile)).graph
    output = export([MINI], profile=profile, fmt=fmt)
    back = expand(output) if fmt == "jsonld" else Graph().parse(data=output, format=FORMATS[fmt])
    assert len(expected) > 20
    assert same_graph(back, expected)


@pytest.mark.parametrize("profile", PROFILES)
def test_jsonld_of_the_real_catalogue_expands_to_the_profile_graph(catalogue, profile):
    rendition = render(catalogue, get_profile(profile))
    assert same_graph(expand(export(profile=profile)), rendition.graph)


def test_every_dataset_export_expands_to_its_profile_graph(catalogue):
    for name in catalogue_datasets(catalogue):
        for profile in ("dcat-ap", "schemaorg"):
            rendition = render(catalogue, get_profile(profile), [name])
            assert same_graph(expand(export(profile=profile, datasets=[name])), rendition.graph), (profile, name)


# --- framed, readable JSON-LD ----------------------------------------------------------------------
def test_schemaorg_dataset_export_is_one_framed_object(mini):
    document = json.loads(export([MINI], profile="schemaorg", datasets=["alpha-xray"]))
    expected = json.loads((FIXTURES / "export" / "alpha-xray.schemaorg.jsonld").read_text())
    assert document == expected
    assert document["@context"] == "https://schema.org/"
    assert "@graph" not in document
    assert document["publisher"]["@type"] == "Organization"
    assert document["variableMeasured"][1]["sameAs"] == "http://id.nlm.nih.gov/mesh/D011014"


def test_dcat_ap_catalogue_export_has_the_catalogue_then_one_object_per_dataset():
    document = json.loads(export([MINI]))
    assert isinstance(document["@context"], dict) and document["@context"]["title"] == "dct:title"
    ids = [o["@id"] for o in document["@graph"]]
    assert ids == ["https://w3id.org/hckg/catalog", "https://w3id.org/hckg/dataset/alpha-xray",
                   "https://w3id.org/hckg/dataset/beta-records", "https://w3id.org/hckg/dataset/gamma-survey"]
    alpha = document["@graph"][1]
    assert alpha["distribution"][0]["license"]["prefLabel"] == "Creative Commons Attribution 4.0 International"
    assert alpha["publisher"]["name"] == "Example University"
    assert alpha["temporal"][0]["startDate"] == {"@value": "2001", "@type": "xsd:gYear"}
    assert [c["prefLabel"] for c in alpha["labels"][0]["hasTopConcept"]] == ["No Finding", "Pneumonia"]


def keys(value):
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            if key != "@context":
                yield from keys(item)
    elif isinstance(value, list):
        for item in value:
            yield from keys(item)


@pytest.mark.parametrize("profile", ["dcat-ap", "healthdcat-ap", "schemaorg"])
def test_keys_are_plain_words(profile):
    document = json.loads(export(profile=profile))
    assert all(k.startswith("@") or re.fullmatch(r"[A-Za-z]+", k) for k in keys(document))


def test_context_option_cites_the_url_instead_of_embedding():
    document = json.loads(export([MINI], datasets=["beta-records"], context=jsonld.CONTEXT_URL))
    assert document["@context"] == jsonld.CONTEXT_URL
    assert expand(json.dumps(document).encode())


def test_healthdcat_namespace_is_a_setting():
    runner = CliRunner()
    result = runner.invoke(cli, ["export", "--data", str(MINI), "--profile", "healthdcat-ap", "-f", "ntriples"],
                           env={"HCKG_HEALTHDCAT_NAMESPACE": "https://example.org/health#"})
    assert result.exit_code == 0, result.output
    assert "<https://example.org/health#healthCategory>" in result.output
    assert "healthdataportal.eu" not in result.output
    document = json.loads(export([MINI], profile="healthdcat-ap", health_namespace="https://example.org/health#"))
    assert document["@context"]["healthdcatap"] == "https://example.org/health#"
    assert document["@graph"][1]["numberOfUniqueIndividuals"] == 1000


# --- determinism ---------------------------------------------------------------------------------------
DIGESTS = """
import hashlib, sys
from hckg.export import export
for profile in ("dcat-ap", "healthdcat-ap", "schemaorg", "croissant"):
    for fmt in ("jsonld", "turtle", "ntriples", "nquads", "rdfxml"):
        print(profile, fmt, hashlib.sha1(export([sys.argv[1]], profile=profile, fmt=fmt)).hexdigest())
"""


def test_output_is_byte_identical_across_processes():
    runs = [subprocess.run([sys.executable, "-c", DIGESTS, str(MINI)], capture_output=True, text=True, check=True,
                           env={"PYTHONPATH": str(ROOT / "src"), "PYTHONHASHSEED": seed}).stdout
            for seed in ("1", "2")]
    assert runs[0] == runs[1] and len(runs[0].splitlines()) == 20


# --- conformance ---------------------------------------------------------------------------------------
def vocabulary_graph() -> Graph:
    graph = Graph()
    for path in sorted((ROOT / "vocabularies").glob("*.ttl")):
        graph.parse(path)
    return graph


def test_dcat_ap_export_has_no_violations(shared, catalogue):
    shapes = dcat_ap_shapes(shared)
    whole = render(catalogue, get_profile("dcat-ap")).graph
    for graph in (whole, whole + vocabulary_graph()):
        report = validate_graph(graph, shapes)
        assert report.counts()["Violation"] == 0, report.to_text()
    for name in catalogue_datasets(catalogue):
        report = validate_graph(render(catalogue, get_profile("dcat-ap"), [name]).graph, shapes)
        assert report.conforms, (name, report.to_text())


def test_dcat_ap_fixture_export_has_no_violations(shared, mini):
    report = validate_graph(render(mini, get_profile("dcat-ap")).graph, dcat_ap_shapes(shared))
    assert report.conforms, report.to_text()


def qname(term: str) -> str:
    for prefix, ns in (("dcat", str(DCAT)), ("dct", str(DCTERMS)), ("healthdcatap", "http://healthdataportal.eu/ns/health#"),
                       ("dcatap", "http://data.europa.eu/r5r/")):
        if term.startswith(ns):
            return f"{prefix}:{term[len(ns):]}"
    return term


def test_healthdcat_ap_violations_are_exactly_the_documented_deviations(shared, catalogue):
    profile = get_profile("healthdcat-ap")
    documented = {(cls, prop) for cls, prop, _why in DEVIATIONS}
    seen = set()
    # each dataset against the shapes of its access level; the catalogue itself from the whole export
    runs = [(render(catalogue, profile, [name]).graph, iri) for name, iri in catalogue_datasets(catalogue).items()]
    catalog = URIRef("https://w3id.org/hckg/catalog")
    runs.append((render(catalogue, profile).graph, catalog))
    for graph, iri in runs:
        level = str(graph.value(iri, DCTERMS.accessRights) or "PUBLIC").rsplit("/", 1)[-1]
        report = validate_graph(graph, healthdcat_shapes(shared, level))
        for result in report.results:
            if result.severity != "Violation" or (iri == catalog and result.focus != catalog.n3()):
                continue
            focus = URIRef(result.focus.strip("<>"))
            classes = {qname(str(c)) for c in graph.objects(focus, RDF.type)}
            matches = {(c, p) for c, p in documented if p == result.path and c in classes}
            assert matches, (iri, result)
            seen |= matches
    assert seen == documented


def test_healthdcat_ap_derives_what_versions_and_members_share(catalogue):
    graph = render(catalogue, get_profile("healthdcat-ap"), ["mimic-iii"]).graph
    mimic = URIRef("https://w3id.org/hckg/dataset/mimic-iii")
    assert str(graph.value(mimic, DCTERMS.accessRights)).endswith("/RESTRICTED")
    assert str(graph.value(mimic, URIRef("http://healthdataportal.eu/ns/health#healthCategory"))).endswith("/EHRS")


# --- Google Dataset Search rules ------------------------------------------------------------------
ISO_INTERVAL = re.compile(r"^(\d{4}(-\d{2}){0,2}|\.\.)/(\d{4}(-\d{2}){0,2}|\.\.)$")


def google_problems(dataset: dict, catalogue: Graph) -> list[str]:
    """Google's rules for a schema.org Dataset, as the issue lists them."""
    iri = URIRef(dataset["@id"])
    problems = []
    if not dataset.get("name"):
        problems.append("name")
    if not 50 <= len(dataset.get("description", "")) <= 5000:
        problems.append("description length")
    if catalogue.value(iri, DCAT.landingPage) is not None and not str(dataset.get("url", "")).startswith("http"):
        problems.append("url")
    doi = str(catalogue.value(iri, DCTERMS.identifier) or "")
    if doi.startswith("https://doi.org/") and dataset.get("identifier") != doi:
        problems.append("identifier")
    for licence in [dataset["license"]] if isinstance(dataset.get("license"), str) else dataset.get("license", []):
        if not licence.startswith("http"):
            problems.append("license as URL")
    for role in ("creator", "publisher", "funder"):
        agents = dataset.get(role, [])
        for agent in agents if isinstance(agents, list) else [agents]:
            if agent.get("@type") not in ("Organization", "Person"):
                problems.append(f"{role} type")
            same = agent.get("sameAs", [])
            if agent["@id"].startswith("https://ror.org/") and agent["@id"] not in (same if isinstance(same, list) else [same]):
                problems.append(f"{role} sameAs ROR")
    if "temporalCoverage" in dataset and not ISO_INTERVAL.match(dataset["temporalCoverage"]):
        problems.append("temporalCoverage")
    if "isAccessibleForFree" in dataset and not isinstance(dataset["isAccessibleForFree"], bool):
        problems.append("isAccessibleForFree")
    downloads = dataset.get("distribution", [])
    for download in downloads if isinstance(downloads, list) else [downloads]:
        if download.get("@type") != "DataDownload" or "contentUrl" not in download or "encodingFormat" not in download:
            problems.append("distribution")
    if not dataset.get("includedInDataCatalog", {}).get("name"):
        problems.append("includedInDataCatalog")
    if any(True for _ in catalogue.objects(iri, URIRef("https://w3id.org/hckg/ontology#labelScheme"))) \
            and not dataset.get("variableMeasured"):
        problems.append("variableMeasured")
    if catalogue.value(iri, DCTERMS.isReferencedBy) is not None and not dataset.get("citation"):
        problems.append("citation")
    return problems


def test_schemaorg_exports_meet_google_rules(catalogue):
    for name in catalogue_datasets(catalogue):
        dataset = json.loads(export(profile="schemaorg", datasets=[name]))
        assert google_problems(dataset, catalogue) == [], name
        assert dataset["keywords"]


def test_google_rules_hold_on_the_fixture(mini):
    dataset = json.loads(export([MINI], profile="schemaorg", datasets=["alpha-xray"]))
    assert google_problems(dataset, mini) == []
    assert dataset["temporalCoverage"] == "2001/2010"
    beta = json.loads(export([MINI], profile="schemaorg", datasets=["beta-records"]))
    assert beta["temporalCoverage"] == "2015-06/.."
    assert "distribution" not in beta   # an access page is no file: no DataDownload


def with_description(tmp_path, text: str):
    path = tmp_path / "mini.ttl"
    path.write_text(MINI.read_text().replace(
        "Alpha is a made-up set of 1,200 chest radiographs of 1,000 patients with two labels, for tests.", text))
    return path


def test_too_short_a_description_is_an_error(tmp_path):
    result = CliRunner().invoke(cli, ["export", "--data", str(with_description(tmp_path, "Too short.")),
                                      "--profile", "schemaorg", "-o", str(tmp_path / "out.jsonld")])
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and "dct:description has 10 characters" in result.output
    assert not (tmp_path / "out.jsonld").exists()


def test_too_long_a_description_is_cut_at_a_word(tmp_path):
    path = with_description(tmp_path, "word " * 1500)
    dataset = json.loads(export([path], profile="schemaorg", datasets=["alpha-xray"]))
    assert len(dataset["description"]) <= 5000 and dataset["description"].endswith("word…")


# --- Croissant -------------------------------------------------------------------------------------
def test_croissant_covers_imaging_datasets_only(catalogue, mini):
    graph = render(mini, get_profile("croissant")).graph
    assert set(graph.subjects(RDF.type, URIRef("https://schema.org/Dataset"))) == {
        URIRef("https://w3id.org/hckg/dataset/alpha-xray")}
    result = CliRunner().invoke(cli, ["export", "--data", str(MINI), "--profile", "croissant",
                                      "--dataset", "beta-records"])
    assert result.exit_code == 2 and "does not cover beta-records" in result.output


def test_croissant_validates_with_mlcroissant_and_lists_the_labels(tmp_path):
    mlc = pytest.importorskip("mlcroissant")
    path = tmp_path / "alpha.json"
    path.write_bytes(export([MINI], profile="croissant", datasets=["alpha-xray"]))
    dataset = mlc.Dataset(jsonld=str(path))
    assert not dataset.metadata.ctx.issues.errors
    records = list(dataset.records("https://w3id.org/hckg/labels/alpha"))
    names = sorted(r["https://w3id.org/hckg/labels/alpha#name"] for r in records)
    assert [n.decode() if isinstance(n, bytes) else n for n in names] == ["No Finding", "Pneumonia"]
    assert "distribution" not in json.loads(path.read_text())   # no invented file list


# --- errors ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("args, message", [
    (["--profile", "dcat"], "Error: --profile: unknown profile 'dcat'; use one of dcat-ap, healthdcat-ap, "
                            "schemaorg, croissant\n"),
    (["-f", "yaml"], "Error: unknown RDF format 'yaml'; use one of turtle, ntriples, nquads, jsonld, rdfxml\n"),
    (["--dataset", "alpha"], "Error: --dataset: unknown dataset 'alpha'; did you mean alpha-xray?\n"),
])
def test_bad_arguments_give_one_line_and_leave_the_output_alone(tmp_path, args, message):
    output = tmp_path / "out.jsonld"
    output.write_text("previous")
    result = CliRunner().invoke(cli, ["export", "--data", str(MINI), "-o", str(output), *args])
    assert (result.exit_code, result.output) == (2, message)
    assert output.read_text() == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["out.jsonld"]


def test_unwritable_output_is_a_one_line_error(tmp_path):
    folder = tmp_path / "a-folder"
    folder.mkdir()
    result = CliRunner().invoke(cli, ["export", "--data", str(MINI), "-o", str(folder)])
    assert result.exit_code == 2
    assert result.output.startswith(f"Error: -o {folder}: cannot write:") and result.output.count("\n") == 1
    assert list(folder.iterdir()) == []


def test_export_writes_the_file(tmp_path):
    output = tmp_path / "mini.ttl"
    result = CliRunner().invoke(cli, ["export", "--data", str(MINI), "-f", "turtle", "-o", str(output)])
    assert result.exit_code == 0 and result.output == ""
    assert Graph().parse(output).value(URIRef("https://w3id.org/hckg/dataset/alpha-xray"), DCTERMS.title)


# --- vocabularies ----------------------------------------------------------------------------------
def test_vocabulary_files_are_found_from_concept_iris():
    assert vocabulary_file("http://publications.europa.eu/resource/authority/data-theme/HEAL") == "data-theme.ttl"
    assert vocabulary_file("http://purl.org/adms/publishertype/Company") == "adms-publishertype.ttl"
    assert vocabulary_file("https://hdeu-dcat.data.health.europa.eu/resource/authority/healthcategories/EHRS") \
        == "hdeu-healthcategories.ttl"
    assert vocabulary_file("https://w3id.org/hckg/theme/medical-images") is None
    assert Vocabularies().label(URIRef("http://publications.europa.eu/resource/authority/country/USA")) == "United States"


def test_schema_org_profile_uses_the_namespace_its_context_expands_to(mini):
    graph = render(mini, get_profile("schemaorg")).graph
    assert (URIRef("https://w3id.org/hckg/dataset/alpha-xray"), RDF.type, SDO.Dataset) in graph


def test_catalogue_records_of_exported_datasets_are_kept(tmp_path, shared):
    path = tmp_path / "with-records.ttl"
    path.write_text(MINI.read_text() + """
<https://w3id.org/hckg/catalog> dcat:record <https://w3id.org/hckg/record/alpha-xray>, <https://w3id.org/hckg/record/beta-records> .
<https://w3id.org/hckg/record/alpha-xray> a dcat:CatalogRecord ; foaf:primaryTopic ds:alpha-xray ;
    dct:modified "2026-11-24"^^xsd:date ; prov:wasDerivedFrom <https://example.org/source> .
<https://w3id.org/hckg/record/beta-records> a dcat:CatalogRecord ; foaf:primaryTopic ds:beta-records ;
    dct:modified "2026-11-24"^^xsd:date .
""")
    graph = load_graph([path])
    whole = render(graph, get_profile("dcat-ap")).graph
    records = set(whole.objects(URIRef("https://w3id.org/hckg/catalog"), DCAT.record))
    assert len(records) == 2 and validate_graph(whole, dcat_ap_shapes(shared)).conforms
    assert (None, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"), None) not in whole
    one = render(graph, get_profile("dcat-ap"), ["alpha-xray"]).graph
    assert not any(one.objects(None, DCAT.record))   # a dataset export has no catalogue


def test_output_suffix_chooses_the_format_and_the_file_mode_follows_umask(tmp_path):
    import os
    import stat

    from click.testing import CliRunner
    from rdflib import Graph

    from hckg.cli import cli

    target = tmp_path / "out" / "catalog.ttl"
    result = CliRunner().invoke(cli, ["export", "--dataset", "chexpert", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert len(Graph().parse(target, format="turtle")) > 0
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask


def test_base_moves_the_catalogue_iris_but_not_the_ontology_terms():
    from click.testing import CliRunner
    from rdflib import Graph, URIRef

    from hckg.cli import cli

    result = CliRunner().invoke(cli, ["export", "--base", "https://kg.example.org/", "--dataset", "chexpert",
                                      "-f", "ntriples"])
    assert result.exit_code == 0, result.output
    graph = Graph().parse(data=result.output, format="nt")
    assert (URIRef("https://kg.example.org/dataset/chexpert"), None, None) in graph
    assert not any(str(t).startswith("https://w3id.org/hckg/") and "/ontology#" not in str(t) for t in graph.all_nodes())
