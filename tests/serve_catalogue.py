"""The small catalogue the ``hckg serve`` tests run on, and the in-process app over it.

Loaded through ``pytest_plugins`` in conftest.py; test_catalogue.py and test_export.py define their own
``catalogue`` fixtures, which take precedence in those modules.
"""

import pytest
from starlette.testclient import TestClient

from hckg.serve.app import create_app
from hckg.serve.catalogue import Catalogue

from conftest import FIXTURES

DATA = [FIXTURES / "export" / "mini.ttl", FIXTURES / "serve" / "records.ttl"]


@pytest.fixture(scope="module")
def catalogue():
    return Catalogue(DATA)


@pytest.fixture(scope="module")
def client(catalogue):
    return TestClient(create_app(catalogue))
