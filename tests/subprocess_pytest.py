"""Run a test module with pytest in a child process importing this checkout.

scikit-learn's own test modules run against ours this way (their import line
switched): a child process keeps their module-level state and fixtures apart
from this suite's.
"""

import os
import subprocess
import sys
from pathlib import Path

import sklearn_mathdl


def run_pytest(folder, test_file, *args, timeout=600):
    """``python -m pytest -q test_file *args`` in ``folder``; the completed run.

    The child imports the sklearn_mathdl under test (this checkout), not
    whichever one is installed.
    """
    root = str(Path(sklearn_mathdl.__file__).resolve().parents[1])
    path = os.environ.get("PYTHONPATH")
    env = {**os.environ, "PYTHONPATH": root + (os.pathsep + path if path else "")}
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    return subprocess.run(
        [*command, test_file, *args],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
