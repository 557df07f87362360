"""Shared test fixtures: the project's folders and the reference material in ../shared."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def shared():
    """The shared reference folder; tests that need it skip cleanly where it is absent."""
    if not SHARED.is_dir():
        pytest.skip("../shared is not present")
    return SHARED

# Real triplestore servers (Virtuoso, Oxigraph) for the publish and parity tests; the serve tests' catalogue.
pytest_plugins = ["servers", "serve_catalogue"]

@pytest.fixture(scope="session", autouse=True)
def store_cache(tmp_path_factory):
    """Cached stores (hckg.store) go to a temporary folder, not the user's cache."""
    patcher = pytest.MonkeyPatch()
    folder = tmp_path_factory.mktemp("hckg-cache")
    patcher.setenv("HCKG_CACHE_DIR", str(folder))
    yield folder
    patcher.undo()
