"""`hckg import markdown`: the list syntax, its line-numbered findings, files that are not lists, the CLI."""

import codecs
from datetime import date

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic

from hckg.cli import cli
from hckg.diagnostics import Diagnostics
from hckg.namespaces import DS, SCHEMA
from hckg.importer import import_list, import_markdown
from hckg.markdown import parse_markdown
from hckg.namespaces import HCKG
from hckg.validate import validate

DAY = date(2026, 1, 1)


def run(*args):
    return CliRunner().invoke(cli, list(args))


def findings(text, tmp_path, name="list.md"):
    """The findings of importing ``text`` as they print, without the file name."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    report = import_markdown(path, today=DAY)
    return [str(d).removeprefix(f"{path}:") for d in report.diagnostics.sorted()], report


# --- the seed list --------------------------------------------------------------------------

SEED_FINDINGS = [
    "7: [Warning] MIMIC: Size — trailing space removed",
    '14: [Warning] MIMIC: Source — typo "Insitution" for "institution"',
    "22: [Warning] MIDRC: Labels — trailing space removed",
    '28: [Warning] MIDRC: Source — typo "Insitutions" for "institutions"',
    "31: [Warning] ### CheXpert: — stray ':' at the end of the heading removed; read as \"CheXpert\"",
    "34: [Warning] CheXpert: Labels — trailing space removed",
    '40: [Warning] CheXpert: Source — typo "Insitution" for "institution"',
    "46: [Warning] NIH Chest X-ray dataset: Labels — trailing space removed",
    "50: [Warning] NIH Chest X-ray dataset: Access — same access URL as CheXpert (line 38): "
    "https://stanfordmlgroup.github.io/competitions/chexpert/",
    '52: [Warning] NIH Chest X-ray dataset: Source — typo "Insitutions" for "institutions"',
    "57: [Warning] ### NHIS: — stray ':' at the end of the heading removed; read as \"NHIS\"",
    "63: [Warning] NHIS: Reference — stray '\"' after the DOI removed",
    '66: [Warning] NHIS: Source — unknown source kind "Census Microdata" kept as text; known kinds: '
    "Administrative and claims records, Cohort study, Disease registry, Multiple institutions, Population survey, "
    "Single institution, Synthetic",
    "69: [Warning] ## Medical Claims — empty category: no datasets under it",
]


@pytest.fixture(scope="module")
def seed(shared):
    return shared / "seeds" / "healthcare-data-sources.md"


def test_seed_imports_with_exactly_the_expected_findings(seed):
    report = import_markdown(seed, today=DAY)
    assert [str(d) for d in report.diagnostics.sorted()] == [f"{seed}:{line}" for line in SEED_FINDINGS]
    assert report.ok and report.datasets == 5 and report.categories == 4


def test_seed_import_is_valid_under_the_shapes(seed, tmp_path):
    out = tmp_path / "seed.ttl"
    result = run("import", "markdown", str(seed), "-o", str(out))
    assert result.exit_code == 0, result.stderr
    report = validate([out])
    assert report.conforms, report.to_text()


def test_seed_import_cli_prints_findings_then_a_summary(seed, tmp_path):
    out = tmp_path / "seed.ttl"
    result = run("import", "markdown", str(seed), "-o", str(out))
    lines = result.stderr.splitlines()
    assert lines[:-1] == [f"{seed}:{line}" for line in SEED_FINDINGS]
    assert lines[-1] == "Imported 5 datasets in 4 categories: 0 errors, 14 warnings, 0 infos"
    assert result.stdout == ""
    graph = Graph().parse(out)
    assert (DS.chexpert, HCKG.seedHeading, Literal("CheXpert:")) in graph


# --- findings, one kind at a time -----------------------------------------------------------

LIST = """# Sources

## Images

### {heading}
- _Cost_: Free
- _Access_: https://example.org/a
- _Owner_: Lab
{extra}"""


@pytest.mark.parametrize("extra, expected", [
    ("- _Reference_: 10.1234/abc", []),
    ("- _Reference_: <https://example.org/paper>", []),
    ("- _Reference_: [the paper](https://example.org/paper)", []),
    ("- _Reference_: 'https://doi.org/10.1234/abc'.",
     ["9: [Warning] Alpha: Reference — stray ''' before the DOI removed",
      "9: [Warning] Alpha: Reference — stray ''.' after the DOI removed"]),
    ("- _Refrence_: https://example.org/paper", ['9: [Warning] Alpha: Refrence — field name read as "Reference"']),
    ("- _Cots_: Free", ['9: [Warning] Alpha: Cots — field name read as "Cost"',
                       "9: [Warning] Alpha: Cots — given twice (also on line 6); ignored"]),
    ("- _Cost_: Paid", ["9: [Error] Alpha: Cost — given twice with different values (first on line 6); keep one"]),
    ("- _Funding_: NIH", ["9: [Warning] Alpha: Funding — unknown field kept as text (schema:additionalProperty); "
                         "known fields: Cost, Size, Labels, Requires, Includes, Reference, Access, Temporal coverage, "
                         "Source, Owner"]),
    ("- _Size_: lots of patients",
     ['9: [Error] Alpha: Size — cannot read "lots" in "lots of patients" as a count; expected counts such as '
      '"49,785 hospital admissions of 38,597 patients", "more than 165,000 imaging studies" or '
      '"50-100k responses annually"']),
    ("- _Size_: 12 widgets",
     ['9: [Error] Alpha: Size — unknown unit "widgets" in "12 widgets"; use one of: beneficiaries, datasets, '
      "hospital admissions, hospital stays, hospitals, households, ICU stays, ICU unit encounters, images, "
      "imaging studies, interviews, participants, patients, persons, reports, service records"]),
    ("- _Size_: 12 patiens", ['9: [Warning] Alpha: Size — typo "patiens" for "patients"']),
    ("- _Temporal coverage_: recently",
     ['9: [Error] Alpha: Temporal coverage — cannot read "recently" as a period; expected a period such as '
      '"2001 through 2012", "2019 onwards", "1963 through present" or "October 2002 through July 2017"']),
    ("- _Temporal coverage_: 2012 through 2001",
     ['9: [Error] Alpha: Temporal coverage — the period "2012 through 2001" starts after it ends']),
    ("- _Temporal coverage_: Ocotber 2002 through 2017", ['9: [Warning] Alpha: Temporal coverage — typo "Ocotber" for "October"']),
    ("- _Cost_ : Free", ["9: [Warning] Alpha: Cost — given twice (also on line 6); ignored"]),
    ("- _Requires_: registration, a signed DUA, crystal ball",
     ['9: [Warning] Alpha: Requires — unknown requirement "crystal ball" kept as text; known requirements: '
      "Application review, Commercial licence, Credentialing, Data use agreement, Fee, Human-subjects research "
      "training, Registration, Terms of use"]),
    ("- _Includes_: vitals and labs, genotypes",
     ['9: [Warning] Alpha: Includes — unknown content type "genotypes" kept as text; known content types are the '
      "concepts of <https://w3id.org/hckg/content>"]),
    ("- _Source_: Singel institution - General Hospital", ['9: [Warning] Alpha: Source — typo "Singel" for "Single"']),
    ("- _Access_: not a link", ["9: [Error] Alpha: Access — given twice with different values (first on line 7); keep one"]),
    ("- _Reference_: https://doi.org/abc", ['9: [Error] Alpha: Reference — "https://doi.org/abc" is not a well-formed '
                                           "DOI; expected https://doi.org/10.NNNN/suffix"]),
    ("- _Labels_: Cat, cat", ['9: [Warning] Alpha: Labels — label "cat" repeats another label; kept once']),
    ("- _Size_:", ["9: [Warning] Alpha: Size — empty value; field ignored"]),
    ("- Size 12 patients", ["9: [Error] Alpha — a list item that is not a field; expected '- _Field_: value'"]),
    ("#### Details", ["9: [Error] #### Details — level-4 heading; use ## for a category and ### for a dataset"]),
    ("\nLater words.", ["10: [Error] Alpha — text after the dataset's fields; put a description right under the "
                        "heading, before the fields"]),
    ("\x07", ["9: [Error] line — control character U+0007; remove it"]),
])
def test_each_kind_of_problem_is_reported_on_its_line(tmp_path, extra, expected):
    found, _ = findings(LIST.format(heading="Alpha", extra=extra), tmp_path)
    assert found == expected


def test_a_field_value_may_continue_on_the_next_line(tmp_path):
    found, report = findings(LIST.format(heading="Alpha", extra="- _Reference_: Smith J. A paper,\n  Journal 1 (2020)"),
                             tmp_path)
    assert found == []
    citation = report.graph.value(DS.alpha, URIRef("http://purl.org/dc/terms/bibliographicCitation"))
    assert str(citation) == "Smith J. A paper, Journal 1 (2020)"


def test_structure_problems(tmp_path):
    text = ("# Title\n# Second title\n### Orphan\n- _Cost_: Free\n## Cat\n- _Cost_: Free\n##Images\n"
            "### Beta\n- _Access_: https://example.org/b\n- _Owner_: Lab\n## Empty\n")
    found, report = findings(text, tmp_path)
    assert found == [
        "2: [Error] # Second title — a second title or a title after the categories; use ## for a category and "
        "### for a dataset",
        "3: [Error] ### Orphan — a dataset before any category; add a '## Category' heading above it",
        "5: [Warning] ## Cat — empty category: no datasets under it",
        "6: [Error] ## Cat — a field outside a dataset; add a '### Dataset' heading above it",
        "7: [Warning] ##Images — no space after '##'; read as a heading",
        "11: [Warning] ## Empty — empty category: no datasets under it",
    ]
    assert not report.ok


def test_duplicate_datasets_identical_ones_are_dropped_different_ones_are_errors(tmp_path):
    entry = "### Alpha\n- _Access_: https://example.org/a\n- _Owner_: Lab\n"
    found, report = findings("## Images\n" + entry + "\n" + entry.replace("Alpha", "ALPHA:"), tmp_path)
    assert found == ["6: [Warning] ### ALPHA: — stray ':' at the end of the heading removed; read as \"ALPHA\"",
                     "6: [Warning] ### ALPHA: — duplicate of the dataset on line 2; ignored"]
    assert report.ok and report.datasets == 1
    found, report = findings("## Images\n" + entry + "\n" + entry.replace("Lab", "Other lab"), tmp_path)
    assert found == ['6: [Error] ### Alpha — same name as the dataset "Alpha" on line 2 but different fields; '
                     "rename or merge them"]
    assert not report.ok


def test_missing_owner_and_access_are_reported_on_the_heading(tmp_path):
    found, _ = findings("## Images\n### Alpha\n- _Cost_: Free\n", tmp_path)
    assert found == ["2: [Warning] ### Alpha — no Owner field; the catalogue needs a publisher",
                     "2: [Warning] ### Alpha — no Access field; the catalogue needs a way to the data"]


def test_descriptions_are_kept_for_the_list_its_categories_and_datasets(tmp_path):
    text = ("# Sources\nA list.\n\n## Images\nPictures.\n\n### Alpha\nThe alpha set,\nin two lines.\n\n"
            "\\- not a field\n- _Access_: https://example.org/a\n- _Owner_: Lab\n")
    found, report = findings(text, tmp_path)
    assert found == []
    graph = report.graph
    terms = URIRef("http://purl.org/dc/terms/description")
    assert str(graph.value(URIRef("https://w3id.org/hckg/catalog"), terms)) == "A list."
    assert str(graph.value(DS.alpha, terms)) == "The alpha set, in two lines.\n\n- not a field"
    theme = URIRef("https://w3id.org/hckg/theme/images")
    assert str(graph.value(theme, URIRef("http://www.w3.org/2004/02/skos/core#definition"))) == "Pictures."


def test_unknown_fields_are_kept_as_name_value_pairs(tmp_path):
    _, report = findings(LIST.format(heading="Alpha", extra="- _Funding_: NIH"), tmp_path)
    graph = report.graph
    pair = graph.value(DS.alpha, SCHEMA.additionalProperty)
    assert (str(graph.value(pair, SCHEMA.name)), str(graph.value(pair, SCHEMA.value))) == ("Funding", "NIH")


def test_non_latin_headings_get_distinct_stable_iris(tmp_path):
    text = "## 画像\n### 胸部\n- _Owner_: 研究所\n\n### 頭部\n- _Owner_: 病院\n"
    _, first = findings(text, tmp_path)
    _, second = findings(text, tmp_path)
    datasets = sorted(first.graph.subjects(HCKG.seedHeading, None))
    assert len(datasets) == 2 and isomorphic(first.graph, second.graph)


# --- files that are not lists -----------------------------------------------------------------

@pytest.mark.parametrize("content, message", [
    ("## Images\n### Ä\n".encode("latin-1"), "list.md:2: not UTF-8 text (byte 0xc4); save the list as UTF-8"),
    (codecs.BOM_UTF16_LE + "## Images\n".encode("utf-16-le"), "list.md: UTF-16 text; save the list as UTF-8"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "list.md: a binary file (it holds NUL bytes), not a Markdown source list"),
])
def test_other_encodings_and_binary_files_are_clear_errors(tmp_path, content, message):
    path = tmp_path / "list.md"
    path.write_bytes(content)
    out = tmp_path / "out.ttl"
    result = run("import", "markdown", str(path), "-o", str(out))
    assert result.exit_code == 2
    assert result.stderr == f"Error: {tmp_path}/{message}\n"
    assert not out.exists()


@pytest.mark.parametrize("content", ["", "  \n\n"])
def test_an_empty_file_is_an_error_and_writes_nothing(tmp_path, content):
    path = tmp_path / "list.md"
    path.write_text(content)
    out = tmp_path / "out.ttl"
    result = run("import", "markdown", str(path), "-o", str(out))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{path}: [Error] file — the file is empty; a source list has '## Category' and '### Dataset' headings "
        "with '- _Field_: value' lines",
        "Not imported, nothing written: 1 error, 0 warnings, 0 infos",
    ]
    assert not out.exists()


def test_a_markdown_file_without_datasets_is_an_error(tmp_path):
    found, report = findings("# Notes\n\nJust prose.\n", tmp_path)
    assert found == [" [Error] file — no datasets; a source list has '## Category' and '### Dataset' headings with "
                     "'- _Field_: value' lines"]
    assert not report.ok


@pytest.mark.parametrize("args, message", [
    (["missing.md"], "Error: missing.md: no such file\n"),
    (["."], "Error: .: is a folder; give the Markdown file\n"),
])
def test_missing_files_and_folders_are_clear_errors(args, message):
    result = run("import", "markdown", *args)
    assert (result.exit_code, result.stderr) == (2, message)


# --- the command line -------------------------------------------------------------------------

def test_errors_exit_1_and_leave_an_existing_output_untouched(tmp_path):
    path = tmp_path / "list.md"
    path.write_text(LIST.format(heading="Alpha", extra="- _Size_: lots of patients"))
    out = tmp_path / "out.ttl"
    out.write_text("previous")
    result = run("import", "markdown", str(path), "-o", str(out))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == "Not imported, nothing written: 1 error, 0 warnings, 0 infos"
    assert out.read_text() == "previous"


def test_base_moves_the_catalogue_iris_and_format_picks_the_serialisation(tmp_path):
    path = tmp_path / "list.md"
    path.write_text(LIST.format(heading="Alpha", extra=""))
    result = run("import", "markdown", str(path), "--base", "https://example.org/kg/", "-f", "ntriples")
    assert result.exit_code == 0, result.stderr
    graph = Graph().parse(data=result.stdout, format="nt")
    assert (URIRef("https://example.org/kg/dataset/alpha"), None, None) in graph
    assert not any("w3id.org/hckg" in str(term) and "/ontology#" not in str(term) for triple in graph for term in triple)


@pytest.mark.parametrize("args, message", [
    (["--base", "example.org"], "Error: --base 'example.org' is not a base IRI; use an http(s) IRI ending in / or #\n"),
    (["-f", "csv"], "Error: unknown RDF format 'csv'; use one of turtle, ntriples, nquads, jsonld, rdfxml\n"),
])
def test_bad_options_exit_2(tmp_path, args, message):
    path = tmp_path / "list.md"
    path.write_text(LIST.format(heading="Alpha", extra=""))
    result = run("import", "markdown", str(path), *args)
    assert (result.exit_code, result.stderr) == (2, message)


def test_parse_and_import_are_usable_on_text(tmp_path):
    diagnostics = Diagnostics("inline.md")
    document = parse_markdown(LIST.format(heading="Alpha", extra=""), diagnostics)
    from hckg.fields import project_vocabulary

    imported = import_list(document, project_vocabulary(), diagnostics, "inline.md", DAY)
    assert [d.title for d in (i.entry for i in imported.datasets)] == ["Alpha"]
    assert diagnostics.items == []
