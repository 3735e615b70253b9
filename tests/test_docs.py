"""Every ```python block of the README and of docs/*.md runs as written.

The blocks of one page run in order in one namespace (a later block may use
names an earlier one defined), headless, in a temporary directory.
"""

import re
from pathlib import Path

import matplotlib
import pytest

ROOT = Path(__file__).parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)


def python_blocks(page):
    return BLOCK.findall(page.read_text(encoding="utf-8"))


def test_the_readme_has_code_to_run():
    assert len(python_blocks(ROOT / "README.md")) >= 2


@pytest.mark.parametrize(
    "page", [p for p in PAGES if python_blocks(p)], ids=lambda p: p.name
)
def test_code_blocks_run_as_written(page, tmp_path, monkeypatch):
    matplotlib.use("Agg")
    monkeypatch.chdir(tmp_path)
    namespace = {"__name__": f"docs_{page.stem}"}
    for number, code in enumerate(python_blocks(page), 1):
        try:
            exec(compile(code, f"{page.name}, block {number}", "exec"), namespace)
        except Exception as error:
            raise AssertionError(
                f"{page.name}, block {number} failed: {error!r}"
            ) from error
