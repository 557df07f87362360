"""The ``hckg`` program (``hckg.cli.main``) ends its process at once but keeps the command line's contract:
the documented exit codes, everything printed reaching its reader, one line on stderr for a user mistake."""

import subprocess
import sys

from conftest import FIXTURES

MINI = FIXTURES / "mini.ttl"


def hckg(*args: str, **options) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "hckg", *args], capture_output=True, **options)


def test_a_written_export_exits_0_and_prints_the_whole_document(tmp_path):
    done = hckg("export", "--data", str(MINI), "--store", "memory")
    assert done.returncode == 0 and done.stderr == b""
    written = tmp_path / "out.jsonld"
    assert hckg("export", "--data", str(MINI), "--store", "memory", "-o", str(written)).returncode == 0
    assert done.stdout == written.read_bytes() and done.stdout.endswith(b"}\n")


def test_a_user_mistake_exits_2_with_one_line(tmp_path):
    done = hckg("export", "--data", str(MINI), "--profile", "nope")
    assert done.returncode == 2 and done.stdout == b""
    assert done.stderr.decode().splitlines() == [
        "Error: --profile: unknown profile 'nope'; use one of dcat-ap, healthdcat-ap, schemaorg, croissant"]


def test_a_catalogue_that_breaks_a_shape_exits_1(tmp_path):
    broken = tmp_path / "broken.ttl"
    broken.write_text(MINI.read_text().replace("dct:title", "dct:alternative"))
    done = hckg("validate", str(broken))
    assert done.returncode == 1 and b"dct:title" in done.stdout


def test_a_reader_that_stops_early_gets_no_traceback():
    command = f'"{sys.executable}" -m hckg export --data "{MINI}" | head -c 10'
    done = subprocess.run(["bash", "-o", "pipefail", "-c", command], capture_output=True)
    assert done.stdout == b'{\n  "@cont' and b"Traceback" not in done.stderr
