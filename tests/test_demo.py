"""The demo runs offline, reports what it measured and saves its figures."""

import re

from sklearn_mathdl.__main__ import main


def test_demo_command_line(tmp_path, capsys):
    figures = tmp_path / "figs"
    assert main(["demo", "--quick", "--figures", str(figures)]) == 0
    text = capsys.readouterr().out
    # The MLP family: grid search, then scikit-learn side by side.
    assert (
        "GridSearchCV over activation x loss x hidden layers: 8 configurations" in text
    )
    accuracy = float(re.search(r"best pipeline, held-out accuracy: ([0-9.]+)", text)[1])
    assert accuracy > 0.9
    assert re.search(r"scikit-learn .* held-out accuracy 0\.\d+", text)
    # Every family prints its numbered section, in order.
    titles = re.findall(r"^(\d+)\. (\w+)", text, re.MULTILINE)
    assert [int(n) for n, _ in titles] == list(range(1, len(titles) + 1))
    names = {name for _, name in titles}
    assert {
        "MLPClassifier",
        "ShallowUniversalApproximator",
        "LeastSquaresSentiment",
    } <= names
    assert "Figures saved to" in text
    for name in (
        "demo_mlp.png",
        "demo_kernel_ridge.png",
        "demo_shallow.png",
        "demo_sentiment.png",
    ):
        assert (figures / name).stat().st_size > 10_000, name
