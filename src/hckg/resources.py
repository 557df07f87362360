"""Where the project's own files (data, ontology, shapes, queries) live.

In a wheel they are bundled under ``hckg/bundled/``; in a source checkout or an editable install
they are the top-level folders of the repository.
"""

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def project_dir(name: str) -> Path:
    """Return the folder ``name`` (``data``, ``ontology``, ``shapes``, ``queries`` or ``vocabularies``)."""
    bundled = _PACKAGE_DIR / "bundled" / name
    if bundled.is_dir():
        return bundled
    return _PACKAGE_DIR.parents[1] / name
