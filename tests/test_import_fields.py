"""The list fields' words, read into values and written back: sizes, periods, requirements, links, origins."""

import pytest
from rdflib import URIRef

from hckg.fields import (FIELDS, Contents, Count, FieldError, LabelSet, Origin, Period, References, Requirements,
                         field_named, project_vocabulary, slugify)

BASE = "https://w3id.org/hckg/"
UNIT, REQ, CONT, KIND = (lambda name, p=p: URIRef(f"{BASE}{p}/{name}")
                         for p in ("unit", "requirement", "content", "source-kind"))


@pytest.fixture(scope="module")
def vocabulary():
    return project_vocabulary()


def parse(field, text, vocabulary):
    warnings = []
    value = FIELDS[field].parse(text, vocabulary, warnings.append)
    return value, warnings


@pytest.mark.parametrize("text, counts", [
    ("49,785 hospital admissions of 38,597 patients ",
     {Count(UNIT("hospital-admission"), "hospital admissions", value=49785), Count(UNIT("patient"), "patients", value=38597)}),
    ("29,630 imaging studies of 10,835 patients (and growing)",
     {Count(UNIT("imaging-study"), "imaging studies", minimum=29630), Count(UNIT("patient"), "patients", minimum=10835)}),
    ("224,316 chest radiographs", {Count(UNIT("image"), "chest radiographs", value=224316)}),
    ("Variable, 50-100k responses annually",
     {Count(UNIT("interview"), "responses", minimum=50000, maximum=100000, per="P1Y")}),
    ("more than 165,000 imaging studies from almost 70,000 patients",
     {Count(UNIT("imaging-study"), "imaging studies", minimum=165000),
      Count(UNIT("patient"), "patients", maximum=70000, approximate=True)}),
    ("about 1.5M persons per year", {Count(UNIT("person"), "persons", value=1500000, per="P1Y", approximate=True)}),
    ("up to 12 hospitals; 1 patient", {Count(UNIT("hospital"), "hospitals", maximum=12), Count(UNIT("patient"), "patient", value=1)}),
])
def test_sizes(vocabulary, text, counts):
    assert parse("Size", text, vocabulary) == (frozenset(counts), [])


@pytest.mark.parametrize("text, message", [
    ("1.5 patients", '"1.5" is not a whole number'),
    ("100-50 patients", 'the range in "100-50 patients" starts above its end'),
    ("many patients", 'cannot read "many patients" as a count'),
])
def test_sizes_that_cannot_be_read(vocabulary, text, message):
    with pytest.raises(FieldError, match=message):
        parse("Size", text, vocabulary)


@pytest.mark.parametrize("text, periods", [
    ("2001 through 2012", {Period("2001", "2012")}),
    ("2019 onwards", {Period("2019", None)}),
    ("1963 through present", {Period("1963", None)}),
    ("October 2002 through July 2017", {Period("2002-10", "2017-07")}),
    ("Oct. 2002 - Jul 2017", {Period("2002-10", "2017-07")}),
    ("1992-2015", {Period("1992", "2015")}),
    ("since 2016-09-04", {Period("2016-09-04", None)}),
    ("until 1999", {Period(None, "1999")}),
    ("2002-10", {Period("2002-10", "2002-10")}),
    ("2001 through 2008, 2012 onwards", {Period("2001", "2008"), Period("2012", None)}),
    ("Unknown", set()),
])
def test_periods(vocabulary, text, periods):
    assert parse("Temporal coverage", text, vocabulary) == (frozenset(periods), [])


@pytest.mark.parametrize("text", ["2015-13", "2015-02-30", "0000", "someday"])
def test_periods_that_cannot_be_read(vocabulary, text):
    with pytest.raises(FieldError):
        parse("Temporal coverage", text, vocabulary)


@pytest.mark.parametrize("text, value", [
    ("Application, human subjects research course, several week turnaround",
     Requirements(frozenset({REQ("application-review"), REQ("human-subjects-training")}), "several week")),
    ("No application", Requirements(open=True)),
    ("Registration and a signed DUA", Requirements(frozenset({REQ("registration"), REQ("data-use-agreement")}))),
    ("Credentialing; terms of use; approval in 2 days",
     Requirements(frozenset({REQ("credentialing"), REQ("terms-of-use")}), "2 days")),
])
def test_requirements(vocabulary, text, value):
    assert parse("Requires", text, vocabulary) == (value, [])


def test_includes_split_on_and_only_where_the_parts_are_known(vocabulary):
    value, _ = parse("Includes", "vitals and labs, nursing notes, mortality events", vocabulary)
    assert value == Contents(frozenset({CONT("vital-signs"), CONT("laboratory-results"), CONT("clinical-notes"),
                                        CONT("mortality")}))
    value, _ = parse("Includes", "cancer incidence and survival", vocabulary)
    assert value == Contents(frozenset({CONT("cancer-incidence")}))


@pytest.mark.parametrize("text, value, warnings", [
    ("https://doi.org/10.18128/D070.V6.4\"", References(("https://doi.org/10.18128/D070.V6.4",)),
     ["stray '\"' after the DOI removed"]),
    ("doi:10.1038/sdata.2016.35", References(("https://doi.org/10.1038/sdata.2016.35",)), []),
    ("http://dx.doi.org/10.1038/x, https://arxiv.org/abs/1", References(("https://doi.org/10.1038/x", "https://arxiv.org/abs/1")), []),
    ("(https://en.wikipedia.org/wiki/X_(y))", References(("https://en.wikipedia.org/wiki/X_(y)",)),
     ["stray '(' before the URL removed", "stray ')' after the URL removed"]),
    ("Wang X et al. CVPR 2017", References(citations=("Wang X et al. CVPR 2017",)), []),
])
def test_references(vocabulary, text, value, warnings):
    assert parse("Reference", text, vocabulary) == (value, warnings)


@pytest.mark.parametrize("text, value, warnings", [
    ("Single Insitution - Beth Israel Deaconess Medical Center",
     Origin(frozenset({KIND("single-institution")}), ("Beth Israel Deaconess Medical Center",)),
     ['typo "Insitution" for "institution"']),
    ("Multiple institutions - A; B", Origin(frozenset({KIND("multiple-institutions")}), ("A", "B")), []),
    ("Household survey", Origin(frozenset({KIND("population-survey")})), []),
    ("Census Microdata", Origin(extra=("Census Microdata",)),
     ['unknown source kind "Census Microdata" kept as text; known kinds: Administrative and claims records, '
      "Cohort study, Disease registry, Multiple institutions, Population survey, Single institution, Synthetic"]),
])
def test_sources(vocabulary, text, value, warnings):
    assert parse("Source", text, vocabulary) == (value, warnings)


@pytest.mark.parametrize("text, value", [
    ("None", ()),
    ("14 different pathologies", (LabelSet(size=14, text="14 different pathologies"),)),
    ("COVID", (LabelSet(names=frozenset({"COVID"})),)),
    ("Cat, Dog; Bird", (LabelSet(names=frozenset({"Cat", "Dog", "Bird"})),)),
])
def test_labels(vocabulary, text, value):
    assert parse("Labels", text, vocabulary) == (value, [])


@pytest.mark.parametrize("text, value, warnings", [
    ("Free", frozenset({True}), []),
    ("paid", frozenset({False}), []),
    ("Fre", frozenset({True}), ['typo "Fre" for "Free"']),
])
def test_costs(vocabulary, text, value, warnings):
    assert parse("Cost", text, vocabulary) == (value, warnings)


def test_owners_are_sorted_and_split_on_semicolons(vocabulary):
    assert parse("Owner", "Zeta Lab; Center for X @ University of Y", vocabulary) == (
        ("Center for X @ University of Y", "Zeta Lab"), [])


@pytest.mark.parametrize("name, field, misspelt", [
    ("Temporal Coverage", "Temporal coverage", False), ("temporal_coverage", "Temporal coverage", False),
    ("Refrence", "Reference", True), ("Cots", "Cost", True), ("Funding", None, False),
])
def test_field_names(name, field, misspelt):
    spec, typo = field_named(name)
    assert (spec.name if spec else None, typo) == (field, misspelt)


@pytest.mark.parametrize("field, text", [
    ("Size", "49,785 hospital admissions of 38,597 patients"),
    ("Size", "about 39,000-43,000 households annually"),
    ("Temporal coverage", "October 2002 through July 2017, 2019 onwards"),
    ("Requires", "Registration, Terms of use, several business days turnaround"),
    ("Source", "Single institution - Stanford Hospital"),
    ("Labels", "9 different pathologies"),
    ("Reference", "https://doi.org/10.13026/C2XW26"),
])
def test_format_writes_words_that_parse_back_to_the_same_value(vocabulary, field, text):
    spec = FIELDS[field]
    value, _ = parse(field, text, vocabulary)
    again, _ = parse(field, spec.format(value, vocabulary), vocabulary)
    assert spec.agrees(again, value) and spec.agrees(value, again)


def test_slugs():
    assert [slugify(t) for t in ("NIH Chest X-ray dataset", "CheXpert:", "Ångström & Co.")] == [
        "nih-chest-x-ray-dataset", "chexpert", "angstrom-co"]
