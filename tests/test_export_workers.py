"""Streamed export on several cores (hckg.fork_pool): the same bytes as one process, no worker left behind."""

import gc
import multiprocessing
import os
import signal
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from hckg import export as export_module
from hckg import export_stream, fork_pool
from hckg.cli import cli
from hckg.errors import HckgError
from hckg.export import export, write_export
from hckg.profiles import PROFILES

from conftest import FIXTURES, ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
from generate import generate  # noqa: E402

pytestmark = pytest.mark.skipif(not fork_pool.can_fork(), reason="needs fork")


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory):
    path = tmp_path_factory.mktemp("workers") / "generated-60.ttl"
    with open(path, "w", encoding="utf-8") as out:
        generate(60, out, invalid_percent=5.0, seed=11)
    return path


def exported(tmp_path, paths, profile, **options) -> bytes:
    out = tmp_path / f"{profile}-{options.get('workers')}-{options.get('store')}.jsonld"
    write_export(out, paths, profile=profile, **options)
    return out.read_bytes()


def no_workers_left() -> bool:
    return multiprocessing.active_children() == []


# --- the export ----------------------------------------------------------------------------------

@pytest.mark.parametrize("profile", list(PROFILES))
@pytest.mark.parametrize("store", ["memory", "disk"])
def test_any_number_of_workers_writes_the_bytes_of_one_process(tmp_path, catalogue, profile, store):
    one = exported(tmp_path, [catalogue], profile, batch_size=7, workers=1, store=store)
    assert one == export([catalogue], profile=profile)
    for workers in (2, 3):
        assert exported(tmp_path, [catalogue], profile, batch_size=7, workers=workers, store=store) == one
    assert no_workers_left()


def test_a_fallback_found_in_a_worker_gives_the_whole_graph_bytes(tmp_path):
    # in data/ one paper is a dataset's publication and another's landing page: batches disagree on it
    out = tmp_path / "out.jsonld"
    reason = write_export(out, None, profile="dcat-ap", batch_size=1, workers=2, store="memory")
    assert reason is not None and "described differently" in reason
    assert out.read_bytes() == export(profile="dcat-ap")
    assert no_workers_left()


def test_a_failure_in_a_worker_is_raised_and_keeps_the_existing_file(tmp_path, catalogue):
    text = catalogue.read_text()
    last = text.rindex('dct:description "')
    broken = tmp_path / "broken.ttl"
    broken.write_text(text[:last] + 'dct:description "Too short.' + text[text.index('"@en', last):])
    out = tmp_path / "export.jsonld"
    out.write_bytes(b"previous export\n")
    with pytest.raises(HckgError, match="dct:description"):
        write_export(out, [broken], profile="schemaorg", batch_size=3, workers=2)
    assert out.read_bytes() == b"previous export\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.ttl", "export.jsonld"]
    assert no_workers_left()


def failing_chunk(self, part):
    if self.long_fields[part.field][1] == "record":
        raise HckgError(f"the records from {part.values[0]} on are bad")
    return CHUNK(self, part)


def interrupting_chunk(marker: Path):
    """A chunk renderer that presses Ctrl-C once (in the parent, while the catalogue's chunks render): the first
    worker to create ``marker`` sends it, as a user would press it once."""
    def chunk(self, part):
        try:
            os.close(os.open(marker, os.O_CREAT | os.O_EXCL))
        except FileExistsError:
            return CHUNK(self, part)
        os.kill(os.getppid(), signal.SIGINT)
        return CHUNK(self, part)
    return chunk


CHUNK = export_stream._Stream.chunk


@pytest.mark.parametrize("workers", [1, 2, 3])
def test_the_catalogue_in_chunks_gives_the_same_bytes_with_any_number_of_workers(tmp_path, catalogue, workers):
    expected = export([catalogue], profile="dcat-ap")
    assert exported(tmp_path, [catalogue], "dcat-ap", batch_size=5, workers=workers, store="disk") == expected
    assert no_workers_left()


def test_a_failing_chunk_is_raised_and_keeps_the_existing_file(tmp_path, catalogue, monkeypatch):
    monkeypatch.setattr(export_stream._Stream, "chunk", failing_chunk)
    out = tmp_path / "export.jsonld"
    out.write_bytes(b"previous export\n")
    with pytest.raises(HckgError, match="records from .* are bad"):
        write_export(out, [catalogue], profile="dcat-ap", batch_size=5, workers=2)
    assert out.read_bytes() == b"previous export\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export.jsonld"]
    assert no_workers_left()


def test_ctrl_c_while_the_catalogue_renders_stops_the_workers(tmp_path_factory, catalogue, monkeypatch):
    tmp_path = tmp_path_factory.mktemp("out")
    monkeypatch.setattr(export_stream._Stream, "chunk",
                        interrupting_chunk(tmp_path_factory.mktemp("marker") / "pressed"))
    out = tmp_path / "export.jsonld"
    with pytest.raises(KeyboardInterrupt):
        write_export(out, [catalogue], profile="dcat-ap", batch_size=5, workers=2)
    assert not out.exists() and list(tmp_path.iterdir()) == []
    assert no_workers_left()


def test_an_in_memory_store_gets_fewer_workers_when_memory_is_short(monkeypatch):
    monkeypatch.setattr(export_module, "usable_cpus", lambda: 4)
    monkeypatch.setattr(export_module, "resident_memory", lambda: 2 * 2**30)
    monkeypatch.setattr(export_module, "available_memory", lambda: 5 * 2**30)
    assert export_module.affordable_workers() == 2
    monkeypatch.setattr(export_module, "available_memory", lambda: 2**30)
    assert export_module.affordable_workers() == 1
    monkeypatch.setattr(export_module, "available_memory", lambda: 64 * 2**30)
    assert export_module.affordable_workers() == 4


def test_cli_workers_option(tmp_path, catalogue):
    out = tmp_path / "out.jsonld"
    result = CliRunner().invoke(cli, ["export", "--data", str(catalogue), "--workers", "2", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == export([catalogue])
    result = CliRunner().invoke(cli, ["export", "--data", str(FIXTURES / "export" / "mini.ttl"), "--workers", "-1"])
    assert result.exit_code == 2 and "--workers" in result.output


# --- the pool ------------------------------------------------------------------------------------

def square_in_worker(n: int) -> tuple[int, int]:
    return n * n, os.getpid()


def test_ordered_map_keeps_the_order_and_uses_other_processes():
    results = list(fork_pool.ordered_map(square_in_worker, range(50), workers=2))
    assert [square for square, _pid in results] == [n * n for n in range(50)]
    assert os.getpid() not in {pid for _square, pid in results}
    assert no_workers_left()


@pytest.mark.parametrize("workers", [1, 2])
def test_one_worker_or_no_fork_maps_in_this_process(monkeypatch, workers):
    if workers == 2:
        monkeypatch.setattr(fork_pool, "can_fork", lambda: False)
    assert list(fork_pool.ordered_map(square_in_worker, range(5), workers=workers)) == \
        [(n * n, os.getpid()) for n in range(5)]


def test_items_are_taken_only_a_few_ahead_of_the_consumer():
    taken = []

    def items():
        for n in range(100):
            taken.append(n)
            yield n

    results = fork_pool.ordered_map(square_in_worker, items(), workers=2, in_flight=3)
    assert next(results)[0] == 0
    assert len(taken) <= 3
    results.close()
    assert no_workers_left()


INHERITED: list = []   # containers the workers inherit from this process


def collector_sees_inherited(_n: int) -> bool:
    tracked = {id(obj) for obj in gc.get_objects()}
    return any(id(obj) in tracked for obj in INHERITED)


def test_workers_keep_what_they_inherit_out_of_their_collector():
    INHERITED[:] = [[n] for n in range(100)]   # made now, so no earlier test's freeze took them
    assert collector_sees_inherited(0)   # this process's collector still scans them
    assert not any(fork_pool.ordered_map(collector_sees_inherited, range(4), workers=2))
    assert collector_sees_inherited(0)
    assert no_workers_left()


def fail_on_three(n: int) -> int:
    if n == 3:
        raise HckgError(f"item {n} is bad")
    return n


def test_a_failing_item_is_raised_in_order_and_stops_the_workers():
    seen = []
    with pytest.raises(HckgError, match="item 3 is bad"):
        for n in fork_pool.ordered_map(fail_on_three, range(20), workers=2):
            seen.append(n)
    assert seen == [0, 1, 2]
    assert no_workers_left()


def interrupted_self(n: int) -> int:
    os.kill(os.getpid(), signal.SIGINT)   # Ctrl-C reaches every process of the terminal's group
    return n


def test_workers_ignore_ctrl_c_and_stop_when_the_parent_is_interrupted():
    assert list(fork_pool.ordered_map(interrupted_self, range(4), workers=2)) == [0, 1, 2, 3]
    with pytest.raises(KeyboardInterrupt):
        for _n in fork_pool.ordered_map(square_in_worker, range(100), workers=2):
            raise KeyboardInterrupt
    assert no_workers_left()
