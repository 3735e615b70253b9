"""Fixtures shared by the test modules."""

import os
import subprocess
import sys
import textwrap

import pytest


@pytest.fixture
def run_python(tmp_path):
    """Run a Python script in a fresh interpreter (in ``tmp_path``, or ``cwd``)
    and return its standard output; fail with its standard error if it fails.

    Real worker pools and fresh processes are what plugins must survive, so
    these tests run outside the test process.
    """

    def run(script, cwd=None, **env):
        result = subprocess.run(
            [sys.executable, "-c", textwrap.dedent(script)],
            cwd=cwd or tmp_path,
            capture_output=True,
            text=True,
            timeout=300,
            env={**os.environ, **env},
        )
        assert result.returncode == 0, result.stderr[-3000:]
        return result.stdout

    return run


@pytest.fixture
def clean_registries():
    """Undo registrations made by a test."""
    from sklearn_mathdl.plugins import REGISTRIES

    saved = {kind: dict(r._factories) for kind, r in REGISTRIES.items()}
    yield
    for kind, r in REGISTRIES.items():
        r._factories.clear()
        r._factories.update(saved[kind])
