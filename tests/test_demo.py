"""The demo runs offline, reports what it measured and saves its figure."""

import re

from sklearn_mathdl.__main__ import main


def test_demo_command_line(tmp_path, capsys):
    assert main(["demo", "--quick", "--figures", str(tmp_path / "figs")]) == 0
    text = capsys.readouterr().out
    assert (
        "GridSearchCV over activation x loss x hidden layers: 8 configurations" in text
    )
    accuracy = float(re.search(r"best pipeline, held-out accuracy: ([0-9.]+)", text)[1])
    assert accuracy > 0.9
    assert re.search(r"scikit-learn .* held-out accuracy 0\.\d+", text)
    assert "Figures saved to" in text
    assert (tmp_path / "figs" / "demo_mlp.png").stat().st_size > 10_000
