"""Demo of the kernel_ridge family: exact LOO path, KernelRidge parity, FALKON."""

import time
from pathlib import Path

import numpy as np


def _exact_against_falkon(RepresenterKernelRegressor, n, out):
    """Exact Cholesky and FALKON on a smooth 8-d function; print, return times."""
    rng = np.random.default_rng(0)

    def truth(Z):
        return np.sin(3 * Z[:, 0]) * np.cos(2 * Z[:, 1]) + 0.5 * Z[:, 2] ** 2

    Z = rng.uniform(-1, 1, (n, 8))
    t = truth(Z) + 0.1 * rng.standard_normal(n)
    Z_te = rng.uniform(-1, 1, (2000, 8))
    rows = {}
    for solver in ("cholesky", "nystrom-pcg"):
        est = RepresenterKernelRegressor(
            1e-3, gamma=0.5, solver=solver, n_centers=n // 5, tol=1e-4, random_state=0
        )
        start = time.perf_counter()
        est.fit(Z, t)
        seconds = time.perf_counter() - start
        err = float(np.mean((est.predict(Z_te) - truth(Z_te)) ** 2))
        rows[solver] = (seconds, err)
    out(
        f"   sin(3x1)cos(2x2) + x3^2/2 on [-1,1]^8, n={n}: exact Cholesky "
        f"{rows['cholesky'][0]:.2f} s (excess MSE {rows['cholesky'][1]:.2e}), "
        f"FALKON with {n // 5} centres {rows['nystrom-pcg'][0]:.2f} s "
        f"({rows['nystrom-pcg'][1]:.2e})"
    )
    return rows


def run_demo(figures="mathdl_figures", quick=False, out=print, section=4):
    """Fit RepresenterKernelRegressor on offline data; report, plot, return."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.datasets import load_diabetes
    from sklearn.kernel_ridge import KernelRidge
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    from sklearn_mathdl.kernel_ridge import RepresenterKernelRegressor

    figures = Path(figures)
    figures.mkdir(parents=True, exist_ok=True)
    X, y = load_diabetes(return_X_y=True)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.25, random_state=0)
    scaler = StandardScaler().fit(X_tr)
    X_tr, X_te = scaler.transform(X_tr), scaler.transform(X_te)
    alphas = np.logspace(-3, 2, 21)
    start = time.perf_counter()
    model = RepresenterKernelRegressor(
        alphas, gamma=0.02, fit_intercept=True, alpha_selection="loo"
    ).fit(X_tr, y_tr)
    loo_seconds = time.perf_counter() - start
    r2 = model.score(X_te, y_te)
    sk = KernelRidge(alpha=model.alpha_, kernel="rbf", gamma=0.02).fit(X_tr, y_tr)
    out(
        f"{section}. RepresenterKernelRegressor (rbf kernel) on diabetes, "
        f"{len(X_tr)} train / {len(X_te)} test"
    )
    out(
        f"   exact leave-one-out over {len(alphas)} alphas from one "
        f"eigendecomposition: {loo_seconds:.2f} s, alpha_ = {model.alpha_:.3g}"
    )
    out(
        f"   held-out R^2 {r2:.3f} with the exact unpenalised intercept "
        f"(b = {model.intercept_:.1f}); scikit-learn's KernelRidge, no intercept: "
        f"{sk.score(X_te, y_te):.3f}"
    )

    n = 2000 if quick else 6000
    rows = _exact_against_falkon(RepresenterKernelRegressor, n, out)

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4))
    ax1.loglog(alphas, model.loo_errors_, "o-")
    ax1.axvline(model.alpha_, color="k", ls="--", lw=1)
    ax1.set(xlabel="alpha", ylabel="leave-one-out MSE", title="exact LOO path")
    ax2.scatter(y_te, model.predict(X_te), s=10)
    lims = [y.min(), y.max()]
    ax2.plot(lims, lims, "k--", lw=1)
    ax2.set(xlabel="true", ylabel="predicted", title=f"held-out, R² = {r2:.2f}")
    fig.suptitle("RepresenterKernelRegressor on diabetes")
    fig.tight_layout()
    fig.savefig(figures / "demo_kernel_ridge.png", dpi=100)
    plt.close(fig)
    return {
        "alpha": float(model.alpha_),
        "loo_seconds": loo_seconds,
        "r2": float(r2),
        "r2_kernel_ridge": float(sk.score(X_te, y_te)),
        "intercept": float(model.intercept_),
        "exact_seconds": rows["cholesky"][0],
        "exact_mse": rows["cholesky"][1],
        "nystrom_seconds": rows["nystrom-pcg"][0],
        "nystrom_mse": rows["nystrom-pcg"][1],
    }
