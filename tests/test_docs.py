"""The README and docs/*.md: every code block runs on its own, every path and
example they cite exists, the index is complete.

Each ```python block runs alone, in a fresh namespace (a reader copies one
block, not the page), headless, in a temporary directory.
"""

import json
import re
import subprocess
import sys
from pathlib import Path

import matplotlib
import pytest

import sklearn_mathdl
from sklearn_mathdl.__main__ import main

ROOT = Path(__file__).parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)
# A path in the repository: sklearn_mathdl/... or examples/..., up to a space,
# a backtick, a closing parenthesis or a sentence's full stop.
PATH = re.compile(r"(?<![\w/.])((?:sklearn_mathdl|examples)/[\w/.\-]*[\w/])")
EXAMPLES = sorted((ROOT / "examples").glob("*.py"))


def python_blocks(page):
    return BLOCK.findall(page.read_text(encoding="utf-8"))


BLOCKS = [
    pytest.param(page, number, code, id=f"{page.name}-{number}")
    for page in PAGES
    for number, code in enumerate(python_blocks(page), 1)
]


def test_the_readme_has_code_to_run():
    assert len(python_blocks(ROOT / "README.md")) >= 2


@pytest.mark.parametrize("page, number, code", BLOCKS)
def test_each_code_block_runs_on_its_own(page, number, code, tmp_path, monkeypatch):
    matplotlib.use("Agg")
    monkeypatch.chdir(tmp_path)
    namespace = {"__name__": f"docs_{page.stem}_{number}"}  # fresh per block
    try:
        exec(compile(code, f"{page.name}, block {number}", "exec"), namespace)
    except Exception as error:
        raise AssertionError(
            f"{page.name}, block {number} failed: {error!r}"
        ) from error


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_cited_paths_exist(page):
    text = page.read_text(encoding="utf-8")
    cited = set(PATH.findall(text))
    missing = sorted(path for path in cited if not (ROOT / path).exists())
    assert not missing, f"{page.name} cites paths that do not exist: {missing}"


def test_path_pattern_finds_paths():
    text = "see `sklearn_mathdl/theory/_barron.py`, (examples/plot_losses.py)."
    assert PATH.findall(text) == [
        "sklearn_mathdl/theory/_barron.py",
        "examples/plot_losses.py",
    ]


def test_index_lists_every_example():
    index = (ROOT / "docs" / "index.md").read_text(encoding="utf-8")
    assert len(EXAMPLES) >= 10
    missing = [p.name for p in EXAMPLES if f"examples/{p.name}" not in index]
    assert not missing, f"docs/index.md does not list {missing}"


def test_index_lists_every_plugin_kind_and_name():
    # A fresh process: the registries as a user gets them, without the
    # plugins that tests register at run time.
    code = (
        "import json, sklearn_mathdl.plugins as p\n"
        "print(json.dumps({n[len('available_'):]: getattr(p, n)() for n in dir(p)"
        " if n.startswith('available_')}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", "import sklearn_mathdl\n" + code],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout
    registries = json.loads(out)
    assert {"kernels", "tokenizers", "activations"} <= set(registries)
    index = (ROOT / "docs" / "index.md").read_text(encoding="utf-8")
    table = index[index.index("## Plugin kinds") :]
    for kind, names in registries.items():
        singular = "loss" if kind == "losses" else kind[:-1]
        assert re.search(rf"^\| {singular} \|", table, re.MULTILINE), kind
        missing = [name for name in names if f"`{name}`" not in table]
        assert not missing, f"docs/index.md omits the {kind} {missing}"


def test_version_on_the_command_line(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.strip() == (
        f"python -m sklearn_mathdl {sklearn_mathdl.__version__}"
    )
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    version = re.search(r'^version = "(.+)"$', pyproject, re.MULTILINE)[1]
    assert sklearn_mathdl.__version__ == version
    result = subprocess.run(
        [sys.executable, "-m", "sklearn_mathdl", "--version"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["python", "-m", "sklearn_mathdl", version]
