"""The package's demo: each estimator family on offline data, side by side with
the scikit-learn estimator it improves on, figures saved to one folder."""

import time
import warnings
from pathlib import Path

from sklearn.exceptions import ConvergenceWarning

from sklearn_mathdl.demos import _kan, _kernel_ridge, _mlp, _sentiment, _shallow

# (module holding run_demo, the sections it prints), in the order shown.
FAMILY_DEMOS = [
    (_mlp, 2),
    (_kernel_ridge, 1),
    (_shallow, 1),
    (_sentiment, 1),
    (_kan, 1),
]


def run_demo(figures="mathdl_figures", quick=False, out=print):
    """Run every family's demo; return {module: the numbers it reported}."""
    folder = Path(figures)
    folder.mkdir(parents=True, exist_ok=True)
    out("sklearn_mathdl demo" + (" (quick)" if quick else "") + "\n")
    results, section, start = {}, 1, time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for module, n_sections in FAMILY_DEMOS:
            results[module.__name__] = module.run_demo(
                folder, quick=quick, out=out, section=section
            )
            section += n_sections
            out("")
    saved = sorted(p.name for p in folder.glob("demo_*.png"))
    out(
        f"Figures saved to {folder.resolve()}/: {', '.join(saved)} "
        f"({time.perf_counter() - start:.0f} s in all)"
    )
    return results
