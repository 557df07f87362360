"""Real triplestores for the tests: one private Virtuoso and one Oxigraph server per test session.

Each listens on free loopback ports and keeps its database in a temporary folder; each is skipped
when its binary is missing. Virtuoso is started with the project's own ``scripts/virtuoso.sh`` (so
that script is tested too) and has a writer account with digest auth; Oxigraph has no auth.
Tests use their own graph IRIs (fixture ``graph_iri``), so they share the servers safely.
Loaded through ``pytest_plugins`` in conftest.py.
"""

import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from rdflib import Graph

from hckg.publish import Credentials, Triplestore, endpoints_for

ROOT = Path(__file__).resolve().parents[1]
VIRTUOSO_SCRIPT = ROOT / "scripts" / "virtuoso.sh"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def oxigraph_binary() -> str | None:
    """The `oxigraph` server binary from the `oxigraph` wheel: on PATH or beside this Python."""
    beside = Path(sys.executable).parent / "oxigraph"
    return shutil.which("oxigraph") or (str(beside) if beside.is_file() else None)


def _gone(pid: int) -> bool:
    """True when the process has exited (a zombie counts as gone)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1].startswith("Z")
    except (FileNotFoundError, IndexError):
        return True


@dataclass
class Server:
    """A running store: the URL users query (and give to ``--endpoint``) and how to kill and restart it."""

    name: str
    endpoint: str
    credentials: Credentials | None
    directory: Path

    @property
    def auth_args(self) -> list[str]:
        if not self.credentials:
            return []
        return ["--user", self.credentials.user, "--password", self.credentials.password]

    def client(self) -> Triplestore:
        return Triplestore(endpoints_for(self.endpoint, self.credentials is not None), self.credentials)

    def graph(self, iri: str) -> Graph:
        """Read one named graph back as N-Triples (Virtuoso's Turtle output corrupts xsd:double)."""
        query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}"
        response = requests.get(self.endpoint, params={"query": query}, headers={"Accept": "application/n-triples"},
                                timeout=60)
        response.raise_for_status()
        return Graph().parse(data=response.text, format="nt")

    def start(self) -> None:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError

    def kill(self) -> None:
        """SIGKILL the server (no shutdown, no checkpoint) and wait until it has gone."""
        raise NotImplementedError


@dataclass
class Virtuoso(Server):
    http_port: int = 0
    sql_port: int = 0

    def _env(self) -> dict[str, str]:
        return {**os.environ, "VIRTUOSO_HTTP_PORT": str(self.http_port), "VIRTUOSO_SQL_PORT": str(self.sql_port),
                "HCKG_AUTH": f"{self.credentials.user}:{self.credentials.password}"}

    def start(self) -> None:
        done = subprocess.run([str(VIRTUOSO_SCRIPT), "start", str(self.directory)], env=self._env(),
                              capture_output=True, text=True, timeout=120)
        if done.returncode:
            raise RuntimeError(f"scripts/virtuoso.sh start failed: {done.stderr.strip()}")

    def stop(self) -> None:
        subprocess.run([str(VIRTUOSO_SCRIPT), "stop", str(self.directory)], env=self._env(),
                       capture_output=True, timeout=60)

    def kill(self) -> None:
        pid = int((self.directory / "virtuoso.pid").read_text())
        os.kill(pid, signal.SIGKILL)
        while not _gone(pid):
            time.sleep(0.01)


@dataclass
class Oxigraph(Server):
    binary: str = ""
    port: int = 0
    process: subprocess.Popen | None = None

    def start(self) -> None:
        if self.process:
            return
        process = subprocess.Popen([self.binary, "serve", "--location", str(self.directory / "db"),
                                    "--bind", f"127.0.0.1:{self.port}"],
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        lines = []
        for line in process.stdout:          # the server says when it listens: no polling needed
            lines.append(line)
            if "Listening for requests" in line:
                break
        else:
            raise RuntimeError("oxigraph serve exited: " + "".join(lines[-5:]))
        threading.Thread(target=process.stdout.read, daemon=True).start()   # keep draining its output
        self.process = process

    def stop(self) -> None:
        if self.process:
            self.process.terminate()
            self.process.wait(timeout=30)
            self.process = None

    def kill(self) -> None:
        self.process.kill()
        self.process.wait()
        self.process = None


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory):
    """A private Virtuoso with a fresh database; skipped when virtuoso-t is not installed."""
    if not shutil.which("virtuoso-t"):
        pytest.skip("virtuoso-t not installed (apt-get install virtuoso-opensource)")
    http_port = free_port()
    server = Virtuoso("virtuoso", f"http://127.0.0.1:{http_port}/sparql",
                      Credentials("hckg-writer", "pw-" + secrets.token_hex(8)),
                      tmp_path_factory.mktemp("virtuoso"), http_port=http_port, sql_port=free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def oxigraph(tmp_path_factory):
    """An Oxigraph server with a fresh database; skipped when the `oxigraph` binary is not installed."""
    binary = oxigraph_binary()
    if not binary:
        pytest.skip("oxigraph server not installed (pip install oxigraph)")
    port = free_port()
    server = Oxigraph("oxigraph", f"http://127.0.0.1:{port}/query", None, tmp_path_factory.mktemp("oxigraph"),
                      binary=binary, port=port)
    server.start()
    yield server
    server.stop()


@pytest.fixture(params=["virtuoso", "oxigraph"])
def triplestore(request) -> Server:
    """Each real store in turn."""
    return request.getfixturevalue(request.param)


@pytest.fixture
def graph_iri(request) -> str:
    """A graph IRI of this test's own."""
    return "https://example.org/test/" + re.sub(r"[^A-Za-z0-9_-]+", "-", request.node.name).strip("-")
