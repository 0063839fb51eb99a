"""pytest configuration for the Python binding's tests.

The repository root is found relative to this file (tests/python/..), so the
tests run from any working directory.  ctest (tests/python.cmake) puts the
freshly built module on PYTHONPATH (build-dir/python); when it is not
importable from there, build/python under the repository root is tried, so
`/usr/bin/python3 -m pytest tests/python` works after a default build.
"""
import pathlib
import sys

import pytest

REPO_ROOT = pathlib.Path(__file__).resolve().parents[2]
CORPUS_DIR = REPO_ROOT / "examples" / "corpus"

try:
    import kz  # noqa: F401
except ImportError:
    sys.path.insert(0, str(REPO_ROOT / "build" / "python"))
    import kz  # noqa: F401


@pytest.fixture(scope="session")
def repo_root():
    return REPO_ROOT


@pytest.fixture(scope="session")
def corpus_files():
    files = sorted(CORPUS_DIR.glob("*.txt"))
    assert files, f"no seed articles in {CORPUS_DIR}"
    return files
