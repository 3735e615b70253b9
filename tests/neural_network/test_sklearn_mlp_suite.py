"""scikit-learn's own tests of its MLPs, run against ours (import switched).

The installed scikit-learn's ``neural_network/tests/test_mlp.py`` is copied
with its import line changed to ``from sklearn_mathdl import MLPClassifier,
MLPRegressor`` and run in a subprocess. Excepted are only the tests that read or
write scikit-learn's private attributes, each with its reason; every other test
must pass.
"""

import inspect
import re
from pathlib import Path

import pytest
import sklearn

import sklearn_mathdl
from tests.subprocess_pytest import run_pytest

SKLEARN_TESTS = (
    Path(sklearn.__file__).parent / "neural_network" / "tests" / "test_mlp.py"
)
IMPORT_LINE = "from sklearn.neural_network import MLPClassifier, MLPRegressor"

PRIVATE_ATTRIBUTE_TESTS = {
    "test_gradient": "calls scikit-learn's private _loss_grad_lbfgs",
    "test_learning_rate_warmstart": "reads scikit-learn's private "
    "_optimizer.learning_rate",
    "test_adaptive_learning_rate": "reads scikit-learn's private "
    "_optimizer.learning_rate",
}

CONFTEST = """
import pytest


@pytest.fixture
def global_random_seed():
    return 42  # scikit-learn's default global seed
"""


def test_sklearn_mlp_test_module_passes_against_ours(tmp_path):
    source = SKLEARN_TESTS.read_text()
    assert IMPORT_LINE in source, "scikit-learn's test module changed its import"
    (tmp_path / "test_sklearn_mlp.py").write_text(
        source.replace(
            IMPORT_LINE, "from sklearn_mathdl import MLPClassifier, MLPRegressor"
        )
    )
    (tmp_path / "conftest.py").write_text(CONFTEST)
    deselect = [
        f"--deselect=test_sklearn_mlp.py::{name}" for name in PRIVATE_ATTRIBUTE_TESTS
    ]
    result = run_pytest(tmp_path, "-x", "test_sklearn_mlp.py", *deselect)
    summary = result.stdout.strip().splitlines()[-1]
    assert result.returncode == 0, result.stdout[-4000:]
    passed = int(re.search(r"(\d+) passed", summary)[1])
    assert "failed" not in summary and "error" not in summary, summary
    assert passed >= 56, summary
    assert f"{len(PRIVATE_ATTRIBUTE_TESTS)} deselected" in summary, summary


@pytest.mark.parametrize("name", ["MLPClassifier", "MLPRegressor"])
def test_signature_extends_scikit_learns(name):
    """Same parameters in the same order, positional or keyword, with the same
    defaults; ours only adds keyword-only parameters after them."""
    import sklearn.neural_network

    theirs = inspect.signature(getattr(sklearn.neural_network, name)).parameters
    ours = inspect.signature(getattr(sklearn_mathdl, name)).parameters
    shared = list(ours.values())[: len(theirs)]
    assert [(p.name, p.kind, p.default) for p in shared] == [
        (p.name, p.kind, p.default) for p in theirs.values()
    ]
    extra = list(ours.values())[len(theirs) :]
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in extra)
