"""Direct rendering (hckg.direct_render): batches of datasets framed straight from the store's quads.

The oracle is the path it replaces, run on the same batches: a ``Walk`` of the profile over ``StoreSource``,
the framer, the dump. Every batch rendered directly must give the same node objects, byte for byte, and
say the same of each nested node; a batch the direct path declines is one the old path renders (or finds
unstreamable) itself, and profiles whose hooks are not compiled are rendered the old way throughout.
"""

import sys

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from rdflib import Literal, URIRef

from hckg import direct_render, export_stream, jsonld, store_terms
from hckg.direct_render import Declined, DirectRenderer, plan_for
from hckg.store_terms import unchanged_by_rdflib
from hckg.errors import HckgError
from hckg.export import export, plan, write_export
from hckg.profiles import PROFILES, get_profile
from hckg.store import open_store
from hckg.store_source import StoreSource

from conftest import FIXTURES, ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
from generate import generate  # noqa: E402

MINI = FIXTURES / "export" / "mini.ttl"
FIXTURE_CATALOGUES = [MINI, FIXTURES / "mini.ttl", FIXTURES / "import-catalogue.ttl",
                      FIXTURES / "serve" / "records.ttl"]
COMPILED = ["dcat-ap", "healthdcat-ap", "schemaorg"]


def generated(tmp_path, n: int, seed: int = 1, invalid_percent: float = 2.0, extra: str = ""):
    path = tmp_path / f"generated-{n}-{seed}-{invalid_percent}.ttl"
    with open(path, "w", encoding="utf-8") as out:
        generate(n, out, invalid_percent=invalid_percent, seed=seed)
        out.write(extra)
    return path


def stream_for(paths, profile_name: str, **profile_options) -> export_stream._Stream:
    profile = get_profile(profile_name, **profile_options)
    source = StoreSource(open_store(paths, where="memory"))
    datasets, catalog = plan(source, profile)
    context = jsonld.load_context(profile.context_name, profile_options.get("health_namespace"))
    return export_stream._Stream(source, profile, datasets, catalog if profile.catalog_kind else None, context)


def assert_batches_agree(paths, profile_name: str, batch_size: int, **profile_options) -> int:
    """Render every batch both ways; returns how many the direct path declined."""
    stream = stream_for(paths, profile_name, **profile_options)
    direct, stream.direct = stream.direct, None
    assert direct is not None, stream.direct_declined
    declined = 0
    for start in range(0, len(stream.datasets), batch_size):
        batch = stream.datasets[start:start + batch_size]
        new = direct.batch(batch)
        try:
            old = stream.batch(batch)
        except (export_stream.NotStreamable, HckgError):
            assert isinstance(new, Declined), batch   # what the old path cannot stream or fails on, it declines
            declined += 1
            continue
        if isinstance(new, Declined):
            declined += 1
            continue
        assert new[0] == old[0], batch
        assert sorted(new[1]) == sorted(old[1]), batch
    return declined


# --- the same bytes ------------------------------------------------------------------------------

@pytest.mark.parametrize("profile", COMPILED)
@pytest.mark.parametrize("batch_size", [1, 3, 1000])
def test_real_catalogue_batches_agree(profile, batch_size):
    assert assert_batches_agree(None, profile, batch_size) == 0


@pytest.mark.parametrize("profile", COMPILED)
@pytest.mark.parametrize("fixture", FIXTURE_CATALOGUES)
def test_fixture_batches_agree(profile, fixture):
    for batch_size in (1, 2, 1000):
        assert_batches_agree([fixture], profile, batch_size)


@pytest.mark.parametrize("n, invalid_percent", [(200, 0.0), (200, 10.0), (1000, 0.0), (1000, 2.0)])
@pytest.mark.parametrize("profile", COMPILED)
def test_generated_catalogue_batches_agree_without_declines(tmp_path, profile, n, invalid_percent):
    path = generated(tmp_path, n, seed=n, invalid_percent=invalid_percent)
    assert assert_batches_agree([path], profile, 97) == 0


def test_another_health_namespace_agrees(tmp_path):
    path = generated(tmp_path, 120, seed=8, invalid_percent=5.0)
    assert assert_batches_agree([path], "healthdcat-ap", 50, health_namespace="https://example.org/health#") == 0


@pytest.mark.parametrize("profile", list(PROFILES))
def test_whole_exports_are_the_bytes_of_the_old_path(tmp_path, monkeypatch, profile):
    path = generated(tmp_path, 300, seed=4, invalid_percent=5.0)
    direct = tmp_path / "direct.jsonld"
    direct_reason = write_export(direct, [path], profile=profile, store="memory", batch_size=64, workers=1)
    monkeypatch.setattr(direct_render, "COMPILED_PROFILES", ())
    old = tmp_path / "old.jsonld"
    old_reason = write_export(old, [path], profile=profile, store="memory", batch_size=64, workers=1)
    assert direct.read_bytes() == old.read_bytes() == export([path], profile=profile)
    assert direct_reason == old_reason


_ODD_LITERALS = st.tuples(
    st.sampled_from(["date", "gYear", "gYearMonth", "integer", "nonNegativeInteger", "boolean", "decimal", "int"]),
    st.text(alphabet="0123456789-+.:TZe ", min_size=1, max_size=12))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000), invalid_percent=st.sampled_from([0.0, 5.0, 50.0]),
       batch_size=st.integers(1, 60), profile=st.sampled_from(COMPILED),
       literals=st.lists(_ODD_LITERALS, max_size=4))
def test_any_generated_variant_agrees(tmp_path, seed, invalid_percent, batch_size, profile, literals):
    """Generated catalogues with odd typed literals (rdflib normalises some lexical forms) added to a dataset."""
    extra = "".join(f'<https://w3id.org/hckg/dataset/d{i}> <http://purl.org/dc/terms/issued> "{lexical}"^^xsd:{dt} .\n'
                    f'<https://w3id.org/hckg/distribution/d{i}-0> <http://www.w3.org/ns/dcat#byteSize> '
                    f'"{lexical}"^^xsd:{dt} .\n'
                    for i, (dt, lexical) in enumerate(literals))
    path = generated(tmp_path, 40, seed, invalid_percent, extra)
    assert_batches_agree([path], profile, batch_size)


@settings(max_examples=300, deadline=None)
@given(datatype=st.sampled_from(sorted(store_terms._UNCHANGED)),
       lexical=st.from_regex(r"-?[0-9]{1,20}(-[0-9]{1,2}){0,2}|true|false", fullmatch=True))
def test_lexical_forms_taken_as_they_are_are_those_rdflib_keeps(datatype, lexical):
    if unchanged_by_rdflib(lexical, datatype):
        assert str(Literal(lexical, datatype=URIRef(datatype))) == lexical


def test_memory_is_bounded_by_the_batch_not_the_catalogue(tmp_path, monkeypatch):
    """The nodes a batch holds do not grow with the catalogue, nor does the store view's cache."""
    held: list[int] = []
    walk = DirectRenderer.walk

    def counting(self, roots):
        out = walk(self, roots)
        held.append(len(out))
        return out

    monkeypatch.setattr(DirectRenderer, "walk", counting)
    largest = {}
    for n in (40, 160):
        held.clear()
        path = generated(tmp_path, n, seed=2)
        stream = stream_for([path], "dcat-ap")
        stream.direct.terms.cache_subjects = 25
        for start in range(0, len(stream.datasets), 4):
            assert not isinstance(stream.direct.batch(stream.datasets[start:start + 4]), Declined)
            assert len(stream.direct.terms._cache) <= 25
        largest[n] = max(held)
    assert largest[160] <= largest[40] * 1.5   # a batch of 4 datasets, whatever the catalogue


# --- what it declines ----------------------------------------------------------------------------

def test_profiles_with_hooks_not_compiled_are_rendered_the_old_way():
    kinds, reason = plan_for(get_profile("croissant"))
    assert kinds is None and "not compiled" in reason
    assert stream_for([MINI], "croissant").direct is None


def test_a_description_schema_org_refuses_is_declined_and_fails_as_before(tmp_path):
    path = tmp_path / "short.ttl"
    path.write_text(MINI.read_text(encoding="utf-8").replace(
        "Alpha is a made-up set of 1,200 chest radiographs of 1,000 patients with two labels, for tests.", "Short."),
        encoding="utf-8")
    stream = stream_for([path], "schemaorg")
    assert "too short" in stream.direct.batch(stream.datasets)
    with pytest.raises(HckgError, match="dct:description has 6 characters"):
        write_export(tmp_path / "out.jsonld", [path], profile="schemaorg", store="memory", workers=1)


def test_a_blank_node_nested_twice_is_declined_and_the_export_framed_whole(tmp_path):
    """A publisher with a blank node below it, publishing two datasets of one batch: the blank node would be
    nested twice (it needs a _:b label), so the direct path declines the batch, the old one finds it
    unstreamable, and the document is framed whole, as the whole-graph path frames it."""
    path = tmp_path / "shared.ttl"
    path.write_text(MINI.read_text(encoding="utf-8") + """
<https://ror.org/00example1> dct:type [ a skos:Concept ; skos:prefLabel "university"@en ] .
""", encoding="utf-8")
    stream = stream_for([path], "dcat-ap")
    declined = stream.direct.batch(stream.datasets)
    assert isinstance(declined, Declined) and "nested in more than one place" in declined
    assert stream.direct.declined == [declined]
    out = tmp_path / "out.jsonld"
    reason = write_export(out, [path], profile="dcat-ap", store="memory", workers=1)
    assert reason and "_:b label" in reason
    assert out.read_bytes() == export([path], profile="dcat-ap")


def test_a_declined_batch_is_rendered_by_the_old_path(tmp_path, monkeypatch):
    """Whatever the direct path declines, the stream renders the old way: the bytes do not change."""
    path = generated(tmp_path, 60, seed=9)
    expected = export([path], profile="dcat-ap")
    monkeypatch.setattr(DirectRenderer, "walk", lambda self, roots: (_ for _ in ()).throw(
        direct_render._Unsupported("declined for the test")))
    out = tmp_path / "out.jsonld"
    assert write_export(out, [path], profile="dcat-ap", store="memory", batch_size=16, workers=1) is None
    assert out.read_bytes() == expected


# --- the catalogue's long fields in chunks -------------------------------------------------------------

def _chunks_both_ways(paths, profile_name: str, batch_size: int) -> list:
    """Each chunk of the catalogue's long fields rendered directly and the old way: asserts the same members
    and nested-node digests; returns what the direct path said of each (a Declined or 'direct')."""
    stream = stream_for(paths, profile_name)
    chunks = stream.chunk_catalogue(batch_size)
    assert chunks
    outcomes = []
    direct = stream.direct
    for chunk in chunks:
        fld = stream.long_fields[chunk.field][0]
        said = direct.chunk(stream._chunk_profiles[chunk.field], str(stream.catalog), str(fld.source),
                            [str(v) for v in chunk.values])
        outcomes.append(said if isinstance(said, Declined) else "direct")
        new = stream.chunk(chunk)
        stream.direct = None
        old = stream.chunk(chunk)
        stream.direct = direct
        assert new[0] == old[0] and sorted(new[1]) == sorted(old[1])
    return outcomes


@pytest.mark.parametrize("profile", ["dcat-ap", "healthdcat-ap"])
def test_chunks_of_the_catalogue_are_rendered_directly_as_the_old_path_renders_them(tmp_path, profile):
    path = generated(tmp_path, 120, seed=12, invalid_percent=5.0)
    outcomes = _chunks_both_ways([path], profile, 25)
    assert set(outcomes) == {"direct"} and len(outcomes) >= 10   # datasets and records, 25 at a time


def test_a_record_with_two_primary_topics_is_declined_and_chunked_the_old_way(tmp_path):
    path = generated(tmp_path, 30, seed=13, extra="<https://w3id.org/hckg/record/d3> "
                     "<http://xmlns.com/foaf/0.1/primaryTopic> <https://w3id.org/hckg/dataset/d7> .\n")
    outcomes = _chunks_both_ways([path], "dcat-ap", 10)
    assert any(isinstance(o, Declined) and "more than one primary topic" in o for o in outcomes)
    out = tmp_path / "out.jsonld"
    write_export(out, [path], profile="dcat-ap", store="memory", batch_size=10, workers=1)
    assert out.read_bytes() == export([path], profile="dcat-ap")
