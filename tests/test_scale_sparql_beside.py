"""In-memory validation's SPARQL checks in a process of their own (hckg.fork_pool.beside, IndexSource): the
rows the forked process sends back are the rows the same queries give in this process, and a process that
fails or dies is an error, not a hang."""

import os
import signal

import pytest

from hckg.fastshacl.compiler import compile_shapes
from hckg.fastshacl.native import NativeChecks, Reading
from hckg.fastshacl.runner import IndexSource, data_facts
from hckg.fastshacl.value_index import read_catalogue
from hckg.fork_pool import ForkedProcessDied, beside
from hckg.validate import load_shapes, validate

from test_scale_validate import broken, generated_catalogue, unlabelled
from test_shapes import CASES


@pytest.fixture(scope="module")
def shapes():
    return load_shapes()


def test_beside_gives_the_result_of_the_forked_call():
    with beside(lambda: {"pid": os.getpid(), "rows": [1, 2]}) as result:
        answer = result()
    assert answer["rows"] == [1, 2] and answer["pid"] != os.getpid()


def test_beside_raises_here_what_the_forked_call_raised():
    def fails():
        raise ValueError("no such query")
    with beside(fails) as result, pytest.raises(ValueError, match="no such query"):
        result()


@pytest.mark.parametrize("death", [lambda: os._exit(3), lambda: os.kill(os.getpid(), signal.SIGKILL)])
def test_a_forked_process_that_dies_is_an_error_not_a_hang(death):
    with beside(death) as result, pytest.raises(ForkedProcessDied, match="died without answering"):
        result()


def test_a_forked_process_not_waited_for_is_stopped():
    reader, writer = os.pipe()

    def waits_for_ever():
        os.write(writer, str(os.getpid()).encode())
        signal.pause()
    with beside(waits_for_ever):
        pid = int(os.read(reader, 20))
    os.close(reader)
    os.close(writer)
    with pytest.raises(ProcessLookupError):   # stopped and reaped: no such process any more
        os.kill(pid, 0)


def test_the_forked_sparql_checks_send_back_the_rows_they_give_here(tmp_path, shapes):
    path = tmp_path / "broken.ttl"
    broken(CASES["dataset-shared-url"][0] + " ; " + CASES["period-bounds"][0]).serialize(path, format="turtle")
    reading = Reading.of(shapes)
    index, _meta = read_catalogue([path], reading.values, reading.inverse)
    source = IndexSource(index, reading.store, reading.store_classes)
    plan = compile_shapes(shapes, data_facts(source, shapes, index))
    checks = NativeChecks(shapes, {}, index)
    texts = [query.text for query in plan.queries if not checks.answerable(query)]
    with beside(lambda: [source.select(text) for text in texts]) as forked:
        here = [source.select(text) for text in texts]
        assert forked() == here
    assert all(rows for rows in here)   # both SPARQL constraints are violated


def test_validation_gives_the_same_results_with_and_without_forking(tmp_path, monkeypatch):
    path, _summary = generated_catalogue(tmp_path, 60, 30, 5)
    forked = validate([path], store="memory")
    monkeypatch.setattr("hckg.fork_pool.usable_cpus", lambda: 1)
    assert unlabelled(validate([path], store="memory").results) == unlabelled(forked.results)


def test_sparql_checks_whose_process_dies_fail_the_validation(tmp_path, monkeypatch):
    path = tmp_path / "broken.ttl"
    broken(CASES["period-bounds"][0]).serialize(path, format="turtle")
    monkeypatch.setattr(IndexSource, "select", lambda self, query: os._exit(1))
    with pytest.raises(ForkedProcessDied):
        validate([path], store="memory")


def test_the_sparql_process_takes_one_of_the_idle_cpus(tmp_path, monkeypatch):
    path = tmp_path / "broken.ttl"
    broken(CASES["period-bounds"][0]).serialize(path, format="turtle")
    shared: list = []
    monkeypatch.setattr("hckg.fastshacl.runner.forked_map",
                        lambda function, parts, workers: shared.append(workers) or [function(p) for p in parts])
    for idle, workers in ((1, 1), (2, 1), (3, 2)):
        monkeypatch.setattr("hckg.fastshacl.runner.idle_cpus", lambda idle=idle: idle)
        validate([path], store="memory")
        assert shared.pop() == workers
