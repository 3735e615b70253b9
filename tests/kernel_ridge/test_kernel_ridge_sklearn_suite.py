"""scikit-learn's own tests of KernelRidge, run against ours (import switched).

The installed scikit-learn's ``tests/test_kernel_ridge.py`` is copied with its
import line replaced by a shim: ``KernelRidge(alpha, kernel=..., ...)`` builds
``RepresenterKernelRegressor(alpha, kernel=..., fit_intercept=False, ...)``,
with scikit-learn's default ``kernel="linear"``. It runs in a subprocess and
every test must pass (sparse input included).
"""

import re
from pathlib import Path

import sklearn

from tests.subprocess_pytest import run_pytest

SKLEARN_TESTS = Path(sklearn.__file__).parent / "tests" / "test_kernel_ridge.py"
IMPORT_LINE = "from sklearn.kernel_ridge import KernelRidge"
SHIM = '''from sklearn_mathdl import RepresenterKernelRegressor


def KernelRidge(alpha=1, *, kernel="linear", **params):
    """scikit-learn's KernelRidge is ours without intercept."""
    return RepresenterKernelRegressor(
        alpha, kernel=kernel, fit_intercept=False, **params
    )
'''


def _run(tmp_path, source):
    (tmp_path / "test_sklearn_kernel_ridge.py").write_text(source)
    return run_pytest(tmp_path, "test_sklearn_kernel_ridge.py")


def test_sklearn_kernel_ridge_test_module_passes_against_ours(tmp_path):
    source = SKLEARN_TESTS.read_text()
    assert IMPORT_LINE in source, "scikit-learn's test module changed its import"
    result = _run(tmp_path, source.replace(IMPORT_LINE, SHIM))
    summary = result.stdout.strip().splitlines()[-1]
    assert result.returncode == 0, result.stdout[-4000:]
    assert "failed" not in summary and "error" not in summary, summary
    passed = int(re.search(r"(\d+) passed", summary)[1])
    assert passed >= 10, summary
    assert "skipped" not in summary and "deselected" not in summary, summary


def test_the_shim_is_what_runs(tmp_path):
    """The same run fails when the shim is broken (no silent pass-through)."""
    source = SKLEARN_TESTS.read_text()
    broken = SHIM.replace("fit_intercept=False", "fit_intercept=True")
    result = _run(tmp_path, source.replace(IMPORT_LINE, broken))
    assert result.returncode != 0
    assert "failed" in result.stdout.strip().splitlines()[-1]
