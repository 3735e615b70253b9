"""The KAN paper's toy example: the univariate functions a network learns.

f(x, y) = exp(sin(pi x) + y^2) is exactly a [2, 1, 1] Kolmogorov-Arnold
network: inner functions sin(pi x) and y^2, outer function exp. Fitted with
grid extension (6 -> 11 -> 21 knots), the learned edge functions are those,
up to the affine maps the layers can exchange. The figure shows the three of
them beside the truth (rescaled to the learned function by least squares).
"""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from sklearn_mathdl import KolmogorovArnoldRegressor

rng = np.random.RandomState(0)
X = rng.uniform(-1, 1, (1000, 2))
y = np.exp(np.sin(np.pi * X[:, 0]) + X[:, 1] ** 2)
model = KolmogorovArnoldRegressor(
    widths=(1,), n_knots=(6, 11, 21), alpha=0.0, random_state=0
).fit(X, y)
X_test = rng.uniform(-1, 1, (1000, 2))
y_test = np.exp(np.sin(np.pi * X_test[:, 0]) + X_test[:, 1] ** 2)
mse = np.mean((model.predict(X_test) - y_test) ** 2)
print(f"held-out MSE {mse:.2e}")

(inputs, inner), (hidden, outer) = model.univariate_functions()
bias = model.network_.biases[-1][0]
panels = [
    (
        inputs[:, 0],
        inner[:, 0, 0],
        np.sin(np.pi * inputs[:, 0]),
        "phi_1(x) ~ sin(pi x)",
    ),
    (inputs[:, 1], inner[:, 1, 0], inputs[:, 1] ** 2, "phi_2(y) ~ y^2"),
    (hidden[:, 0], np.log(outer[:, 0, 0] + bias), hidden[:, 0], "log(Phi(h) + b) ~ h"),
]
fig, axes = plt.subplots(1, 3, figsize=(12, 3.5))
for ax, (t, learned, true, title) in zip(axes, panels):
    scale, shift = np.polyfit(true, learned, 1)
    ax.plot(t, learned, label="learned", lw=3, alpha=0.6)
    ax.plot(t, scale * true + shift, "k--", label="truth (affinely matched)")
    ax.set_title(title)
    ax.legend()
fig.suptitle(f"KAN [2, 1, 1] on exp(sin(pi x) + y^2): held-out MSE {mse:.1e}")
fig.tight_layout()
fig.savefig("kan_functions.png", dpi=80)
