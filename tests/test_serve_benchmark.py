"""The load-test script runs end to end (its figures are reported, never asserted)."""

import shutil
import subprocess
import sys

import pytest

from conftest import FIXTURES, ROOT


@pytest.mark.skipif(shutil.which("wrk") is None, reason="Debian's wrk is not installed")
def test_the_load_test_reports_requests_per_second_and_p99_for_each_target():
    data = [FIXTURES / "export" / "mini.ttl", FIXTURES / "serve" / "records.ttl"]
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "serve_load.py"), "--duration", "1",
                             "--connections", "4", "--threads", "1", "--data", str(data[0]), "--data", str(data[1]),
                             "--dataset", "alpha-xray"], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "| what | URL | requests/s | p99 latency (ms) | errors |"
    rows = [line.split("|")[1:-1] for line in lines[2:]]
    assert [r[0].strip() for r in rows] == ["dataset page (HTML)", "dataset (Turtle)", "catalogue page (Turtle)",
                                            "stored query (JSON)"]
    assert all(r[4].strip() == "0" for r in rows)
