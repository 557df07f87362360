"""The catalogue's own object in a streamed export (hckg.export_stream): its long fields (every dataset,
every catalogue record) written in chunks, byte for byte what the whole-graph path writes; the fallbacks
where chunks cannot do; blank nodes with two parents found by the batches that read them."""

import io
import json
import sys

import pytest
from hypothesis import given, settings, strategies as st
from rdflib import URIRef

from hckg import export_stream, jsonld
from hckg.export import export, plan, write_export
from hckg.jsonld import _key_order
from hckg.namespaces import DCAT
from hckg.profiles import PROFILES, get_profile
from hckg.profiles.dcatap import DcatApProfile
from hckg.store import open_store
from hckg.store_source import StoreSource

from conftest import FIXTURES, ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
from generate import generate  # noqa: E402

MINI = FIXTURES / "export" / "mini.ttl"


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory):
    path = tmp_path_factory.mktemp("chunks") / "generated-45.ttl"
    with open(path, "w", encoding="utf-8") as out:
        generate(45, out, invalid_percent=5.0, seed=21)
    return path


@pytest.fixture
def chunks_rendered(monkeypatch):
    """The chunks rendered in this process (one worker), by long field key."""
    seen: list[str] = []
    chunk = export_stream._Stream.chunk

    def counting(self, part):
        seen.append(self.long_fields[part.field][1])
        return chunk(self, part)

    monkeypatch.setattr(export_stream._Stream, "chunk", counting)
    return seen


def streamed(tmp_path, paths, profile, **options) -> tuple[bytes, str | None]:
    out = tmp_path / f"{profile}-{options.get('batch_size')}-{options.get('workers')}.jsonld"
    reason = write_export(out, paths, profile=profile, **options)
    return out.read_bytes(), reason


# --- the same bytes --------------------------------------------------------------------------------

@pytest.mark.parametrize("profile", list(PROFILES))
def test_the_catalogue_in_chunks_gives_the_whole_graph_bytes(tmp_path, catalogue, chunks_rendered, profile):
    expected = export([catalogue], profile=profile)
    for batch_size in (1, 4, 10, 44, 45, 46):
        assert streamed(tmp_path, [catalogue], profile, batch_size=batch_size, workers=1,
                        store="memory") == (expected, None), batch_size
    if get_profile(profile).catalog_kind:   # the schema.org profiles have no catalogue object
        assert {"dataset", "record"} <= set(chunks_rendered)   # and, in batches of one, its two theme taxonomies
    else:
        assert chunks_rendered == []


@pytest.mark.parametrize("workers", [2, 3])
def test_chunks_rendered_by_workers_give_the_bytes_of_one_process(tmp_path, catalogue, workers):
    one = streamed(tmp_path, [catalogue], "healthdcat-ap", batch_size=4, workers=1, store="disk")
    assert streamed(tmp_path, [catalogue], "healthdcat-ap", batch_size=4, workers=workers, store="disk") == one
    assert one[0] == export([catalogue], profile="healthdcat-ap")


def test_real_catalogue_and_fixtures_in_chunks(tmp_path, chunks_rendered):
    for paths in (None, [MINI], [FIXTURES / "serve" / "records.ttl"]):
        for batch_size in (1, 2):
            assert streamed(tmp_path, paths, "dcat-ap", batch_size=batch_size, workers=1)[0] == \
                export(paths, profile="dcat-ap")
    assert "record" in chunks_rendered


def test_a_small_catalogue_object_is_rendered_in_one_part(tmp_path, catalogue, chunks_rendered):
    assert streamed(tmp_path, [catalogue], "dcat-ap", batch_size=1000)[0] == export([catalogue], profile="dcat-ap")
    assert chunks_rendered == []


def test_the_largest_part_does_not_grow_with_the_catalogue(tmp_path, monkeypatch):
    held: list[int] = []
    frame = export_stream._Stream.frame

    def counting(self, rendition):
        held.append(len(set(rendition.graph.subjects())))
        return frame(self, rendition)

    monkeypatch.setattr(export_stream._Stream, "frame", counting)
    largest = {}
    for n in (40, 160):
        path = tmp_path / f"generated-{n}.ttl"
        with open(path, "w", encoding="utf-8") as out:
            generate(n, out, seed=2)
        held.clear()
        assert streamed(tmp_path, [path], "dcat-ap", batch_size=4, workers=1)[0] == export([path], profile="dcat-ap")
        largest[n] = max(held)
    assert largest[160] <= largest[40] * 1.5   # the catalogue's records come four at a time too


# --- fallbacks -------------------------------------------------------------------------------------

class ExtraDatasetProfile(DcatApProfile):
    """DCAT-AP, plus a dataset the catalogue lists from elsewhere than its dcat:dataset values."""

    def derive(self, walk, kind, node) -> None:
        super().derive(walk, kind, node)
        if kind == "catalog":
            walk.emit(node, DCAT.dataset, URIRef("https://example.org/listed-elsewhere"))


def test_a_long_field_said_besides_its_values_renders_the_catalogue_in_one_part(tmp_path, catalogue):
    profile = ExtraDatasetProfile()
    source = StoreSource(open_store([catalogue], where="memory"))
    datasets, catalog = plan(source, profile)
    context = jsonld.load_context("hckg")
    whole = profile.render(source, datasets, catalog)
    expected = jsonld.document(whole.graph, whole.roots, context, reference_only=profile.reference_only)
    assert b"listed-elsewhere" in expected

    stream = export_stream._Stream(source, profile, datasets, catalog, context)
    with pytest.raises(export_stream.CatalogueNotChunkable):
        stream.write(io.BytesIO(), None, 5, 1, export_stream.NO_PROGRESS, chunked=True)
    for workers in (1, 2):
        out = io.BytesIO()
        assert export_stream.stream_jsonld(out, source, profile, datasets, catalog, context, None, batch_size=5,
                                           workers=workers) is None   # streamed, the catalogue in one part
        assert out.getvalue() == expected


def test_members_out_of_order_are_refused():
    writer = jsonld.GraphWriter(io.BytesIO(), {"@context": {}})
    catalogue = export_stream._CatalogueWriter(writer, {"@id": "c"}, [("dataset", True)])
    catalogue.add(0, [((0, "b"), b'"b"')])
    with pytest.raises(export_stream.CatalogueNotChunkable, match="not in IRI order"):
        catalogue.add(0, [((0, "a"), b'"a"')])
    with pytest.raises(export_stream.CatalogueNotChunkable, match="key besides"):
        export_stream._CatalogueWriter(writer, {"@id": "c", "dataset": "d"}, [("dataset", True)])


RECORDS_AS_BLANK_NODES = """
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
<https://w3id.org/hckg/catalog> dcat:record
    [ a dcat:CatalogRecord ; foaf:primaryTopic <https://w3id.org/hckg/dataset/alpha-xray> ; dct:issued "2026-01-01" ],
    [ a dcat:CatalogRecord ; foaf:primaryTopic <https://w3id.org/hckg/dataset/beta-records> ; dct:issued "2026-01-02" ],
    [ a dcat:CatalogRecord ; foaf:primaryTopic <https://w3id.org/hckg/dataset/gamma-survey> ; dct:issued "2026-01-03" ] .
"""


def test_blank_node_values_are_not_chunked(tmp_path, chunks_rendered):
    path = tmp_path / "blank-records.ttl"
    path.write_text(MINI.read_text() + RECORDS_AS_BLANK_NODES)
    for profile in ("dcat-ap", "healthdcat-ap"):
        data, reason = streamed(tmp_path, [path], profile, batch_size=1, workers=1)
        assert (data, reason) == (export([path], profile=profile), None)
    assert chunks_rendered and set(chunks_rendered) == {"dataset"}


# --- blank nodes with two parents --------------------------------------------------------------------

def test_a_shared_blank_node_no_batch_reads_does_not_stop_the_stream(tmp_path):
    path = tmp_path / "shared-elsewhere.ttl"
    path.write_text(MINI.read_text() + """
<https://example.org/a> <https://example.org/p> _:shared .
<https://example.org/b> <https://example.org/p> _:shared .
_:shared <https://example.org/q> "x" .
""")
    for profile in PROFILES:
        assert streamed(tmp_path, [path], profile, batch_size=1) == (export([path], profile=profile), None)


def test_a_shared_blank_node_below_a_catalogue_record_is_found_by_its_chunk(tmp_path):
    path = tmp_path / "shared-below-record.ttl"
    path.write_text(MINI.read_text() + """
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix adms: <http://www.w3.org/ns/adms#> .
<https://w3id.org/hckg/catalog> dcat:record <https://w3id.org/hckg/record/a>, <https://w3id.org/hckg/record/b> .
<https://w3id.org/hckg/record/a> a dcat:CatalogRecord ; foaf:primaryTopic <https://w3id.org/hckg/dataset/alpha-xray> ;
    adms:status _:status .
<https://w3id.org/hckg/record/b> a dcat:CatalogRecord ; foaf:primaryTopic <https://w3id.org/hckg/dataset/beta-records> .
<https://w3id.org/hckg/dataset/gamma-survey> <http://purl.org/dc/terms/accrualPeriodicity> _:status .
_:status <http://www.w3.org/2004/02/skos/core#prefLabel> "Completed"@en .
""")
    data, reason = streamed(tmp_path, [path], "dcat-ap", batch_size=1)
    assert "more than one triple" in reason
    assert data == export([path], profile="dcat-ap")
    assert b'"@id": "_:b0"' in data


# --- the writer ---------------------------------------------------------------------------------------

_keys = st.sampled_from(["title", "description", "homepage", "issued", "license", "publisher", "themeTaxonomy",
                         "name", "dct:rights"])
_values = st.one_of(st.text(max_size=5), st.integers(), st.dictionaries(st.sampled_from(["@id", "a"]),
                                                                      st.text(max_size=4), max_size=2))


@settings(max_examples=150, deadline=None)
@given(small=st.dictionaries(_keys, _values, max_size=4), with_type=st.booleans(),
       long=st.lists(st.tuples(st.sampled_from(["dataset", "record", "zz", "contactPoint"]), st.booleans(),
                               st.lists(st.text(max_size=6), unique=True, max_size=5),
                               st.integers(1, 3)),
                     unique_by=lambda entry: entry[0], max_size=3),
       before=st.booleans())
def test_catalogue_writer_writes_what_the_graph_writer_writes_whole(small, with_type, long, before):
    head = {"@id": "https://w3id.org/hckg/catalog", **({"@type": "Catalog"} if with_type else {})}
    long_keys = sorted(((key, always) for key, always, _m, _c in long), key=lambda entry: _key_order(entry[0]))
    members = {key: sorted(values) for key, _a, values, _c in long}
    chunk_size = {key: size for key, _a, _v, size in long}
    whole = dict(head)
    values = {**small, **{key: members[key] if always or len(members[key]) > 1 else members[key][0]
                          for key, always in long_keys if members[key]}}
    whole.update((key, values[key]) for key in sorted(values, key=_key_order))
    expected, got = io.BytesIO(), io.BytesIO()
    earlier = [{"@id": "first"}] if before else []
    with jsonld.GraphWriter(expected, {"@context": "c"}) as writer:
        writer.write(earlier + [whole, {"@id": "last"}])
    with jsonld.GraphWriter(got, {"@context": "c"}) as writer:
        writer.write(earlier)
        catalogue = export_stream._CatalogueWriter(writer, {**head, **small}, long_keys)
        for index, (key, _always) in enumerate(long_keys):
            size = chunk_size[key]
            for start in range(0, len(members[key]), size):
                catalogue.add(index, [((0, m), jsonld.dumped(m)) for m in members[key][start:start + size]])
        catalogue.close()
        writer.write([{"@id": "last"}])
    assert got.getvalue() == expected.getvalue()
    json.loads(got.getvalue())
