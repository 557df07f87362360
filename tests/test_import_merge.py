"""`hckg import markdown --merge`: curated facts win, every disagreement is reported, only additions are written."""

from datetime import date

import pytest
from click.testing import CliRunner
from rdflib import Graph
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from hckg.cli import cli
from hckg.diagnostics import Diagnostics
from hckg.fields import FIELDS, Vocabulary, normalise
from hckg.graph import load_graph
from hckg.importer import import_list, import_markdown
from hckg.markdown import parse_markdown, read_source
from hckg.merge import _Catalogue
from hckg.resources import project_dir
from hckg.validate import validate

from conftest import FIXTURES

DAY = date(2026, 1, 1)
LIST = FIXTURES / "import-list.md"
CATALOGUE = FIXTURES / "import-catalogue.ttl"


def run(*args):
    return CliRunner().invoke(cli, list(args))


# --- a small fixture catalogue ----------------------------------------------------------------

def test_fixture_merge_reports_each_disagreement_addition_and_missing_dataset():
    report = import_markdown(LIST, merge=[CATALOGUE], today=DAY)
    assert [str(d).removeprefix(str(LIST)) for d in report.diagnostics.sorted()] == [
        ":5: [Warning] ### Alpha: — stray ':' at the end of the heading removed; read as \"Alpha\"",
        ':12: [Warning] Alpha: Temporal coverage — the list says "2000 through 2012", the catalogue '
        '<https://w3id.org/hckg/dataset/alpha> holds "2001 through 2012"; known correction '
        "<https://w3id.org/hckg/correction/alpha-temporal> (fact-check item 1): Off by one year.",
        ":15: [Warning] Alpha: Funding — unknown field kept as text (schema:additionalProperty); known fields: Cost, "
        "Size, Labels, Requires, Includes, Reference, Access, Temporal coverage, Source, Owner",
        ":15: [Info] Alpha: Funding — the catalogue <https://w3id.org/hckg/dataset/alpha> states none; added",
        ":19: [Warning] ### Beta — no Access field; the catalogue needs a way to the data",
        ':20: [Warning] Beta: Size — the list says "600 chest radiographs", the catalogue '
        '<https://w3id.org/hckg/dataset/beta> holds "500 chest radiographs"; not a known correction',
        ":25: [Info] ### Gamma — new dataset <https://w3id.org/hckg/dataset/gamma>; added",
        ': [Warning] <https://w3id.org/hckg/dataset/delta> — the catalogue records the list heading "Delta", '
        "but the list has no such dataset",
    ]
    assert report.summary() == ("Imported 3 datasets in 2 categories: 0 errors, 6 warnings, 2 infos; merged: "
                                "2 matched, 1 new, 2 disagreements (1 known, 1 not known), 1 field added")


def test_fixture_merge_writes_only_what_the_list_adds():
    report = import_markdown(LIST, merge=[CATALOGUE], today=DAY)
    expected = Graph().parse(FIXTURES / "import-list-merged.ttl")
    got = to_isomorphic(report.graph)
    _, missing, extra = graph_diff(to_isomorphic(expected), got)
    assert isomorphic(expected, report.graph), (sorted(missing), sorted(extra))


@pytest.mark.parametrize("heading, matched", [
    ("Alpha:", "alpha"),                   # the heading the catalogue records
    ("ALPHA", "alpha"),                    # the same heading without its stray colon
    ("Beta 1", "beta-1"),                  # the IRI slug
    ("Alpha: Clinical Database", "alpha"),  # the title
    ("Omega", None),
])
def test_list_datasets_match_by_recorded_heading_then_iri_then_title(heading, matched):
    curated = load_graph([CATALOGUE])
    diagnostics = Diagnostics("t.md")
    document = parse_markdown(f"## Images\n### {heading}\n- _Owner_: X\n", diagnostics)
    imported = import_list(document, Vocabulary(curated), diagnostics, "t.md", DAY)
    found = _Catalogue(curated).match(imported.datasets[0])
    assert [str(d).rsplit("/", 1)[-1] for d in found] == ([matched] if matched else [])


# --- the seed list and the curated catalogue --------------------------------------------------

# (line, subject, the catalogue's correction of that value): every disagreement of the seed with data/
SEED_DISAGREEMENTS = [
    (5, "### MIMIC", "mimic-heading"), (7, "MIMIC: Size", "mimic-size"), (9, "MIMIC: Requires", "mimic-requires"),
    (21, "MIDRC: Size", "midrc-size"), (23, "MIDRC: Requires", "midrc-requires"),
    (25, "MIDRC: Reference", "midrc-reference"), (27, "MIDRC: Temporal coverage", "midrc-temporal"),
    (29, "MIDRC: Owner", "midrc-owner"), (35, "CheXpert: Requires", "chexpert-requires"),
    (39, "CheXpert: Temporal coverage", "chexpert-temporal"),
    (45, "NIH Chest X-ray dataset: Size", "nih-size"), (46, "NIH Chest X-ray dataset: Labels", "nih-labels"),
    (49, "NIH Chest X-ray dataset: Reference", "nih-reference"), (50, "NIH Chest X-ray dataset: Access", "nih-access"),
    (51, "NIH Chest X-ray dataset: Temporal coverage", "nih-temporal"),
    (52, "NIH Chest X-ray dataset: Source", "nih-source"), (53, "NIH Chest X-ray dataset: Owner", "nih-owner"),
    (57, "### NHIS:", "nhis-heading"), (59, "NHIS: Size", "nhis-size"), (61, "NHIS: Requires", "nhis-requires"),
    (66, "NHIS: Source", "nhis-source"), (67, "NHIS: Owner", "nhis-owner"),
]


@pytest.fixture(scope="module")
def seed(shared):
    return shared / "seeds" / "healthcare-data-sources.md"


@pytest.fixture(scope="module")
def seed_merge(seed):
    return import_markdown(seed, merge=[project_dir("data")], today=DAY)


def test_every_seed_disagreement_is_a_known_correction(seed_merge):
    found = []
    for d in seed_merge.diagnostics.sorted():
        if "the list says" in d.message:
            known = d.message.split("known correction <https://w3id.org/hckg/correction/")
            found.append((d.line, d.subject, known[1].split(">")[0] if len(known) > 1 else None))
    assert found == SEED_DISAGREEMENTS
    assert (seed_merge.merge.known, seed_merge.merge.unknown, seed_merge.merge.new) == (22, 0, 0)


def test_the_imported_seed_agrees_with_the_catalogue_on_every_field_the_seed_has_right(seed):
    """Read each field back from the imported graph; where the catalogue records no correction of the
    list's value, it must agree with what the catalogue holds."""
    curated = load_graph([project_dir("data")])
    vocabulary = Vocabulary(curated)
    diagnostics = Diagnostics(str(seed))
    imported = import_list(parse_markdown(read_source(seed), diagnostics), vocabulary, diagnostics, seed.name, DAY)
    catalogue, graph = _Catalogue(curated), imported.graph
    checked = 0
    for dataset in imported.datasets:
        [target] = catalogue.match(dataset)
        corrections = catalogue.corrections(target)
        nodes = catalogue.facts(target)
        for name, line in dataset.lines.items():
            if (normalise(name), " ".join(line.value.split())) in corrections:
                continue                          # the seed has this one wrong
            spec = FIELDS[name]
            listed = spec.read(graph, [dataset.iri], vocabulary)
            assert spec.agrees(listed, spec.accepted(curated, nodes, vocabulary)), (dataset.entry.title, name)
            checked += 1
    assert checked == 22


def test_done_when_one_line_per_seed_problem_exit_0_and_valid(seed, tmp_path):
    out = tmp_path / "additions.ttl"
    result = run("import", "markdown", str(seed), "--merge", str(project_dir("data")), "-o", str(out))
    assert result.exit_code == 0, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 36 + 1
    assert all(line.startswith(f"{seed}:") and "[Warning]" in line for line in lines[:-1])
    assert lines[-1].endswith("22 disagreements (22 known, 0 not known), 0 fields added")
    report = validate([project_dir("data"), out])
    assert report.conforms, report.to_text()


def test_a_list_with_new_datasets_merges_into_a_valid_catalogue(seed, tmp_path):
    extended = tmp_path / "healthcare-data-sources.md"
    extended.write_text(seed.read_text() + "### Example Claims Sample\n- _Cost_: Paid\n- _Size_: 5,000 beneficiaries\n"
                        "- _Requires_: Data use agreement, fee\n- _Access_: https://claims.example.org/\n"
                        "- _Temporal coverage_: 2010 through 2020\n- _Source_: Administrative claims\n"
                        "- _Owner_: Example Insurance Company\n\n## Registries\n\n### Example Registry\n"
                        "- _Access_: https://registry.example.org/\n- _Owner_: Registry Society\n")
    out = tmp_path / "additions.ttl"
    result = run("import", "markdown", str(extended), "--merge", str(project_dir("data")), "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert "merged: 5 matched, 2 new" in result.stderr
    added = Graph().parse(out)
    assert len(added) > 20
    report = validate([project_dir("data"), out])
    assert report.conforms, report.to_text()
