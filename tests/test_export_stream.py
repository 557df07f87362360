"""Streamed JSON-LD export (hckg.export_stream): the same bytes as the whole-graph path, a batch at a time.

The whole-graph path (``export``: rdflib graph, one ``Walk``, one framing) is the reference; the streamed
path (``write_export``: the store, ``StoreSource``, batches) must write exactly its bytes for every
profile, on the real catalogue, the fixtures and generated catalogues, whatever the batch size, falling
back to framing the whole rendition where a catalogue has what batches cannot reproduce.
"""

import io
import json
import sys

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings, strategies as st
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD

from hckg import direct_render, export_stream, jsonld
from hckg.cli import cli
from hckg.errors import HckgError
from hckg.export import export, plan, write_export
from hckg.graph import load_graph
from hckg.profiles import PROFILES, get_profile
from hckg.progress import TerminalProgress
from hckg.quad_index import open_index
from hckg.store import open_store
from hckg.store_source import StoreSource

from conftest import FIXTURES, ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
from generate import generate  # noqa: E402

MINI = FIXTURES / "export" / "mini.ttl"


def streamed(tmp_path, paths, profile, **options) -> tuple[bytes, str | None]:
    out = tmp_path / f"{profile}.jsonld"
    reason = write_export(out, paths, profile=profile, **options)
    return out.read_bytes(), reason


def generated(tmp_path, n: int, seed: int = 1, invalid_percent: float = 2.0):
    path = tmp_path / f"generated-{n}-{seed}-{invalid_percent}.ttl"
    with open(path, "w", encoding="utf-8") as out:
        generate(n, out, invalid_percent=invalid_percent, seed=seed)
    return path


@pytest.fixture(scope="module")
def catalogue_exports():
    """The whole-graph exports of data/, per profile."""
    return {name: export(profile=name) for name in PROFILES}


# --- byte identity -------------------------------------------------------------------------------

@pytest.mark.parametrize("profile", list(PROFILES))
@pytest.mark.parametrize("batch_size", [1, 2, 1000])
def test_real_catalogue_streams_the_same_bytes(tmp_path, catalogue_exports, profile, batch_size):
    data, _reason = streamed(tmp_path, None, profile, batch_size=batch_size, store="memory")
    assert data == catalogue_exports[profile]


@pytest.mark.parametrize("profile", list(PROFILES))
@pytest.mark.parametrize("fixture", [MINI, FIXTURES / "mini.ttl", FIXTURES / "import-catalogue.ttl",
                                     FIXTURES / "serve" / "records.ttl"])
def test_fixtures_stream_the_same_bytes(tmp_path, profile, fixture):
    try:
        expected = export([fixture], profile=profile)
    except HckgError:   # a fixture the profile cannot export: the streamed path fails the same way
        with pytest.raises(HckgError):
            streamed(tmp_path, [fixture], profile, batch_size=1)
        return
    for batch_size in (1, 2, 10_000):
        assert streamed(tmp_path, [fixture], profile, batch_size=batch_size)[0] == expected


@pytest.mark.parametrize("seed, invalid_percent, n", [(1, 2.0, 150), (3, 10.0, 80), (5, 30.0, 50)])
def test_generated_catalogues_stream_the_same_bytes(tmp_path, seed, invalid_percent, n):
    path = generated(tmp_path, n, seed, invalid_percent)
    for profile in PROFILES:
        expected = export([path], profile=profile)
        for batch_size in (1, 7, 500):
            data, reason = streamed(tmp_path, [path], profile, batch_size=batch_size, store="memory")
            assert data == expected, (profile, batch_size)
            assert reason is None, (profile, batch_size)   # generated catalogues stream without a fallback


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000), invalid_percent=st.sampled_from([0.0, 5.0, 50.0]),
       batch_size=st.integers(1, 40), profile=st.sampled_from(sorted(PROFILES)))
def test_any_generated_catalogue_and_batch_size_give_the_same_bytes(tmp_path, seed, invalid_percent, batch_size,
                                                                    profile):
    path = generated(tmp_path, 40, seed, invalid_percent)
    assert streamed(tmp_path, [path], profile, batch_size=batch_size)[0] == export([path], profile=profile)


def test_disk_store_streams_the_same_bytes(tmp_path, catalogue_exports):
    assert streamed(tmp_path, None, "dcat-ap", store="disk")[0] == catalogue_exports["dcat-ap"]


def test_dataset_selection_is_read_from_the_store(tmp_path):
    expected = export([MINI], profile="dcat-ap", datasets=["alpha-xray", "beta-records"])
    assert streamed(tmp_path, [MINI], "dcat-ap", datasets=["alpha-xray", "beta-records"])[0] == expected


# --- fallback ------------------------------------------------------------------------------------

def test_a_blank_node_with_two_parents_is_found_by_its_batch_and_framed_whole(tmp_path):
    text = MINI.read_text() + """
<https://w3id.org/hckg/dataset/alpha-xray> <http://purl.org/dc/terms/temporal> _:shared .
<https://w3id.org/hckg/dataset/beta-records> <http://purl.org/dc/terms/temporal> _:shared .
_:shared a <http://purl.org/dc/terms/PeriodOfTime> ;
    <http://www.w3.org/ns/dcat#startDate> "2001"^^<http://www.w3.org/2001/XMLSchema#gYear> .
"""
    path = tmp_path / "shared.ttl"
    path.write_text(text)
    for profile, batch_size in (("dcat-ap", 1), ("healthdcat-ap", 1), ("dcat-ap", 10)):   # in two batches, in one
        data, reason = streamed(tmp_path, [path], profile, batch_size=batch_size)
        assert "blank node" in reason and "more than one triple" in reason
        assert data == export([path], profile=profile)
        assert b'"@id": "_:b' in data   # the feature batches could not reproduce


def test_a_node_described_differently_by_two_batches_falls_back_while_streaming(tmp_path, catalogue_exports):
    # in data/ one paper is a dataset's publication and another's landing page: its types come from both
    data, reason = streamed(tmp_path, None, "dcat-ap", batch_size=1)
    assert reason is not None and "described differently" in reason
    assert data == catalogue_exports["dcat-ap"]


def test_a_node_reached_from_no_top_level_node_falls_back(tmp_path):
    profile = get_profile("dcat-ap")
    source = StoreSource(open_store([MINI], where="memory"))
    datasets, catalog = plan(source, profile)
    stream = export_stream._Stream(source, profile, datasets, catalog, jsonld.load_context("hckg"))
    rendition = stream.render(datasets[:1])
    rendition.graph.add((URIRef("https://example.org/orphan"), URIRef("https://example.org/p"), Literal("x")))
    with pytest.raises(export_stream.NotStreamable, match="reached from no top-level node"):
        stream.frame(rendition)


# --- batches, memory -----------------------------------------------------------------------------

def test_memory_is_bounded_by_the_batch_not_the_catalogue(tmp_path, monkeypatch):
    """The nodes held per batch do not grow with the catalogue, and the store view's cache stays bounded
    (measured in this process: one worker)."""
    held: list[int] = []
    frame = export_stream._Stream.frame

    def counting(self, rendition):
        held.append(len(set(rendition.graph.subjects())))
        return frame(self, rendition)

    monkeypatch.setattr(export_stream._Stream, "frame", counting)
    monkeypatch.setattr(direct_render, "COMPILED_PROFILES", ())   # the old path (test_export_direct: the direct one)
    largest = {}
    for n in (40, 160):
        held.clear()
        path = generated(tmp_path, n, seed=2)
        assert streamed(tmp_path, [path], "schemaorg", batch_size=4, workers=1)[0] == export([path], profile="schemaorg")
        largest[n] = max(held)
    assert largest[160] <= largest[40] * 1.5   # a batch of 4 datasets, whatever the catalogue

    source = StoreSource(open_store([generated(tmp_path, 60, seed=3)], where="memory"), cache_subjects=25)
    profile = get_profile("dcat-ap")
    datasets, catalog = plan(source, profile)
    out = io.BytesIO()
    export_stream.stream_jsonld(out, source, profile, datasets, catalog, jsonld.load_context("hckg"), None,
                                batch_size=5, workers=1)
    assert source.cached() <= 25
    assert out.getvalue() == export([generated(tmp_path, 60, seed=3)], profile="dcat-ap")


def test_batches_of_one_two_and_more_than_the_catalogue_agree(tmp_path):
    path = generated(tmp_path, 30, seed=4)
    outputs = {streamed(tmp_path, [path], "healthdcat-ap", batch_size=size)[0] for size in (1, 2, 29, 30, 31, 10**6)}
    assert len(outputs) == 1


# --- atomic output -------------------------------------------------------------------------------

def failing_catalogue(tmp_path):
    """A catalogue whose last dataset has too short a description for schema.org: fails after some batches."""
    path = generated(tmp_path, 12, seed=6)
    text = path.read_text()
    last = text.rindex('dct:description "')
    end = text.index('"@en', last)
    path.write_text(text[:last] + 'dct:description "Too short.' + text[end:])
    return path


def test_a_failure_mid_stream_keeps_the_existing_file_and_leaves_no_partial_one(tmp_path):
    path = failing_catalogue(tmp_path)
    out = tmp_path / "out" / "export.jsonld"
    out.parent.mkdir()
    out.write_bytes(b"previous export\n")
    with pytest.raises(HckgError, match="dct:description"):
        write_export(out, [path], profile="schemaorg", batch_size=1)
    assert out.read_bytes() == b"previous export\n"
    assert sorted(p.name for p in out.parent.iterdir()) == ["export.jsonld"]


def test_a_failure_mid_stream_writes_nothing_to_stdout(tmp_path, capsysbinary):
    with pytest.raises(HckgError):
        write_export("-", [failing_catalogue(tmp_path)], profile="schemaorg", batch_size=1)
    assert capsysbinary.readouterr().out == b""


def test_stdout_gets_the_whole_document(capsysbinary):
    write_export("-", [MINI], profile="dcat-ap", batch_size=1)
    assert capsysbinary.readouterr().out == export([MINI], profile="dcat-ap")


# --- the store view ------------------------------------------------------------------------------

# the store view reads a pyoxigraph store (kept literals in a side graph) or the parsed triples (QuadIndex)
HOLDERS = {"store": lambda paths, **kw: open_store(paths, where="memory", **kw), "index": open_index}


@pytest.mark.parametrize("holder", list(HOLDERS))
def test_store_source_gives_the_source_literals_back(tmp_path, holder):
    path = tmp_path / "literals.ttl"
    path.write_text('@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n'
                    '<https://example.org/a> <https://example.org/n> "5"^^xsd:nonNegativeInteger, "007"^^xsd:integer, '
                    '"1.50"^^xsd:decimal, "x", "y"@en ; <https://example.org/b> [ <https://example.org/n> 1 ] .\n')
    graph = load_graph([path], ontology=False)
    source = StoreSource(HOLDERS[holder]([path], ontology=False))
    a, n = URIRef("https://example.org/a"), URIRef("https://example.org/n")
    assert set(source.objects(a, n)) == set(graph.objects(a, n))
    assert Literal("5", datatype=XSD.nonNegativeInteger) in set(source.objects(a, n))
    assert set(source.subjects(n, Literal("5", datatype=XSD.nonNegativeInteger))) == {a}
    assert {(p, o) for p, o in source.predicate_objects(a) if not isinstance(o, BNode)} == \
        {(p, o) for p, o in graph.predicate_objects(a) if not isinstance(o, BNode)}
    assert len(list(source.objects(None, n))) == len(list(graph.objects(None, n)))
    assert (a, n, Literal("x")) in source and (a, n, Literal("z")) not in source
    assert source.value(a, URIRef("https://example.org/none")) is None


@pytest.mark.parametrize("holder", list(HOLDERS))
@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_store_source_answers_patterns_as_the_rdflib_graph_does(holder, data):
    graph, source = _mini(holder)
    s, p, o = data.draw(st.sampled_from(sorted(graph, key=str)))
    pattern = (data.draw(st.sampled_from([s, None])), data.draw(st.sampled_from([p, None])),
               data.draw(st.sampled_from([o, None])))
    if isinstance(o, BNode) or isinstance(s, BNode):
        return   # blank nodes have other ids in the store
    if pattern[0] is None and pattern[1] is None and pattern[2] is None:
        return
    assert _without_ids(source.triples(pattern)) == _without_ids(graph.triples(pattern))
    assert (pattern in source) == (pattern in graph)


def _without_ids(triples) -> list:
    return sorted(tuple("_:" if isinstance(t, BNode) else t for t in triple) for triple in triples)


_MINI = {}


def _mini(holder: str) -> tuple[Graph, StoreSource]:
    if holder not in _MINI:
        _MINI[holder] = load_graph([MINI]), StoreSource(HOLDERS[holder]([MINI]))
    return _MINI[holder]


# --- the writer ----------------------------------------------------------------------------------

_json = st.recursive(st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.text(),
                     lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
                     max_leaves=10)


@settings(max_examples=200, deadline=None)
@given(objects=st.lists(st.dictionaries(st.text(), _json, min_size=1, max_size=4), min_size=2, max_size=4),
       head=st.sampled_from([{"@context": "https://schema.org/"}, {"@context": {"a": "https://e.org/a", "@language": "en"}}]))
def test_graph_writer_writes_what_json_dumps_writes(objects, head):
    out = io.BytesIO()
    with jsonld.GraphWriter(out, head) as writer:
        for obj in objects:
            writer.write([obj])
    assert out.getvalue() == (json.dumps({**head, "@graph": objects}, indent=2, ensure_ascii=False) + "\n").encode()


# --- command line ----------------------------------------------------------------------------------

@pytest.mark.parametrize("where", ["memory", "disk", "auto"])
def test_cli_export_uses_the_store_and_is_quiet_when_piped(tmp_path, where):
    out = tmp_path / "out.jsonld"
    result = CliRunner().invoke(cli, ["export", "--data", str(MINI), "--store", where, "-o", str(out)])
    assert result.exit_code == 0 and result.output == ""
    assert out.read_bytes() == export([MINI])


def test_cli_export_to_stdout_prints_only_the_document():
    result = CliRunner().invoke(cli, ["export", "--data", str(MINI), "--profile", "schemaorg"])
    assert result.exit_code == 0
    assert result.stdout_bytes == export([MINI], profile="schemaorg")


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_a_terminal_sees_the_loading_and_rendering_stages(tmp_path):
    terminal = Terminal()
    write_export(tmp_path / "out.jsonld", [MINI], store="memory", progress=TerminalProgress(terminal))
    drawn = terminal.getvalue()
    assert "Loading [" in drawn and "Rendering 3 datasets [" in drawn
