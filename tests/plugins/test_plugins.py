"""Registries, public plugin checkers, and third-party plugins end to end."""

import subprocess
import sys
import zipfile

import numpy as np
import pytest
from sklearn.datasets import load_iris
from sklearn.preprocessing import StandardScaler

from sklearn_mathdl import MLPClassifier
from sklearn_mathdl.neural_network.activations import (
    ElementwiseActivation,
    Sigmoid,
    Softmax,
)
from sklearn_mathdl.neural_network.losses import (
    JANOCHA_CZARNECKI_TABLE,
    LogLoss,
    Loss,
    SoftmaxLoss,
)
from sklearn_mathdl.neural_network.optimizers import SGD
from sklearn_mathdl.neural_network.schedules import Schedule
from sklearn_mathdl.plugins import (
    ACTIVATIONS,
    REGISTRIES,
    available_activations,
    available_initializers,
    available_losses,
    available_optimizers,
    available_schedules,
    get_activation,
    get_optimizer,
    register_activation,
    register_loss,
)
from sklearn_mathdl.utils import (
    check_activation,
    check_initializer,
    check_loss,
    check_optimizer,
    check_schedule,
)

JANOCHA_TABLE = [
    "l1",
    "l2",
    "expectation",
    "regularised_expectation",
    "chebyshev",
    "hinge",
    "squared_hinge",
    "cubed_hinge",
    "log",
    "squared_log",
    "tanimoto",
    "cauchy_schwarz",
]
SEED_ACTIVATIONS = [
    "identity",
    "sigmoid",
    "logistic",
    "tanh",
    "relu",
    "leaky_relu",
    "elu",
    "maxout",
    "softmax",
    "softplus",
    "gelu",
    "swish",
    "relu_squared",
    "relu_cubed",
]


def scaled_iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


# --------------------------------------------------------------- registries
def test_seed_plugins_are_registered():
    assert set(SEED_ACTIVATIONS) <= set(available_activations())
    assert set(JANOCHA_TABLE) <= set(available_losses())
    assert {"sgd", "adam", "lbfgs"} <= set(available_optimizers())
    assert {"constant", "inverse_scaling", "step_decay", "adaptive"} <= set(
        available_schedules()
    )
    assert {"glorot_uniform", "he_normal"} <= set(available_initializers())


def test_public_table_constant_is_the_papers_table():
    assert JANOCHA_CZARNECKI_TABLE == tuple(JANOCHA_TABLE)


def test_alias_resolves_to_same_plugin():
    assert type(get_activation("logistic")) is type(get_activation("sigmoid"))


def test_unknown_name_lists_available():
    with pytest.raises(ValueError, match="Unknown activation 'nope'") as info:
        get_activation("nope")
    assert "relu" in str(info.value) and "register_activation" in str(info.value)


def test_object_missing_methods_is_rejected():
    with pytest.raises(ValueError, match="has no forward, backward method"):
        get_activation(object())


def test_get_copies_objects_so_state_is_never_shared():
    opt = SGD(momentum=0.5)
    got = get_optimizer(opt)
    assert got == opt and got is not opt
    # A registered class gives a fresh instance each time.
    assert get_optimizer("adam") is not get_optimizer("adam")


def test_register_requires_a_name(clean_registries):
    with pytest.raises(TypeError, match="non-empty string"):
        register_activation("")(Sigmoid)


# ------------------------------------------------------ public checkers pass
@pytest.mark.parametrize("name", available_activations())
def test_check_activation_on_every_registered(name):
    check_activation(name)


@pytest.mark.parametrize("name", available_losses())
def test_check_loss_on_every_registered(name):
    check_loss(name)


@pytest.mark.parametrize("name", available_optimizers())
def test_check_optimizer_on_every_registered(name):
    check_optimizer(name)


@pytest.mark.parametrize("name", available_schedules())
def test_check_schedule_on_every_registered(name):
    check_schedule(name)


@pytest.mark.parametrize("name", available_initializers())
def test_check_initializer_on_every_registered(name):
    check_initializer(name)


# ------------------------------------------------------ ... and can fail
class WrongSigmoid(Sigmoid):
    """Derivative off by 1%: the kind of slip a checker must catch."""

    def derivative(self, z):
        return 1.01 * super().derivative(z)


class WrongSoftmax(Softmax):
    """Forgets the off-diagonal part of the softmax Jacobian."""

    def backward(self, z, grad_output):
        s = self.forward(z)
        return s * grad_output


class OverflowingExp(ElementwiseActivation):
    def forward(self, z):
        return np.exp(z)

    def derivative(self, z):
        return np.exp(z)


class Float64Leak(ElementwiseActivation):
    """Correct derivative, but a numpy float64 scalar promotes float32 arrays."""

    def forward(self, z):
        return np.float64(2.0) * z

    def derivative(self, z):
        return np.full_like(z, 2.0)


class WrongLogLoss(LogLoss):
    """Gradient of log loss without the softmax Jacobian's correction."""

    def per_sample(self, y, o):
        losses, _ = super().per_sample(y, o)
        return losses, -y


class NaiveLogLoss(Loss):
    """Correct gradient, but log(softmax) computed naively: overflows at 1e4."""

    def per_sample(self, y, o):
        e = np.exp(o)
        s = e / e.sum(axis=1, keepdims=True)
        return -(y * np.log(s)).sum(axis=1), s - y


class UnweightedMeanLoss(LogLoss):
    """Ignores sample weights (consistently, so only the weighting check sees it)."""

    def value_and_gradient(self, y, o, sample_weight=None):
        return super().value_and_gradient(y, o)


class AscendingSGD(SGD):
    def step(self, params, grad, learning_rate):
        params += learning_rate * grad


class NegativeSchedule(Schedule):
    def learning_rate(self, t, epoch):
        return self.learning_rate_init_ * (1 - t / 100)


@pytest.mark.parametrize(
    "plugin, match",
    [
        (WrongSigmoid(), "disagrees with central finite differences"),
        (WrongSoftmax(), "disagrees with central finite differences"),
        (OverflowingExp(), "floating-point error at the extreme point"),
        (Float64Leak(), "turns float32 input into float64"),
    ],
)
def test_check_activation_fails_on_broken_plugin(plugin, match):
    with pytest.raises(AssertionError, match=match) as info:
        check_activation(plugin)
    assert type(plugin).__name__ in str(info.value)


@pytest.mark.parametrize(
    "plugin, match",
    [
        (WrongLogLoss(), "disagrees with central finite differences"),
        (NaiveLogLoss(), "floating-point error at the extreme point"),
        (UnweightedMeanLoss(), "weighted mean"),
    ],
)
def test_check_loss_fails_on_broken_plugin(plugin, match):
    with pytest.raises(AssertionError, match=match):
        check_loss(plugin)


def test_check_optimizer_fails_on_ascent():
    with pytest.raises(AssertionError, match="100-fold decrease"):
        check_optimizer(AscendingSGD())


def test_check_schedule_fails_on_negative_rates():
    with pytest.raises(AssertionError, match="positive and finite"):
        check_schedule(NegativeSchedule())


# ------------------------------------------------- third-party plugins
class Softsign(ElementwiseActivation):
    r""":math:`z / (1 + |z|)`, derivative :math:`1 / (1 + |z|)^2`."""

    def forward(self, z):
        return z / (1 + np.abs(z))

    def derivative(self, z):
        return 1 / (1 + np.abs(z)) ** 2


def test_plugin_registered_after_import_trains(clean_registries):
    register_activation("softsign_test")(Softsign)

    @register_loss("focal_test")
    class FocalLoss(SoftmaxLoss):
        """Focal loss -(1-p)^2 log p of the true class (Lin et al. 2017)."""

        gradient_wrt_log = True

        def of_softmax(self, y, s, log_s):
            p = (s * y).sum(axis=1, keepdims=True)
            logp = (log_s * y).sum(axis=1, keepdims=True)
            losses = -((1 - p) ** 2 * logp)[:, 0]
            # d/dlog p of -(1-p)^2 log p, with dp/dlog p = p:
            dlogp = 2 * (1 - p) * p * logp - (1 - p) ** 2
            return losses, dlogp * y

    check_activation("softsign_test")
    check_loss("focal_test")
    X, y = scaled_iris()
    clf = MLPClassifier(
        (10,),
        activation="softsign_test",
        loss="focal_test",
        max_iter=300,
        learning_rate_init=0.02,
        random_state=0,
    ).fit(X, y)
    assert clf.score(X, y) > 0.9


ENTRY_POINT_MODULE = """
import numpy as np
from sklearn_mathdl.neural_network.activations import ElementwiseActivation


class Softsign(ElementwiseActivation):
    def forward(self, z):
        return z / (1 + np.abs(z))

    def derivative(self, z):
        return 1 / (1 + np.abs(z)) ** 2
"""


def _build_wheel(directory):
    """A minimal pure-Python wheel declaring an activation entry point."""
    name, version = "mathdl_softsign_plugin", "0.0.1"
    dist_info = f"{name}-{version}.dist-info"
    files = {
        f"{name}.py": ENTRY_POINT_MODULE,
        f"{dist_info}/METADATA": (
            f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
        ),
        f"{dist_info}/WHEEL": (
            "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\n"
            "Tag: py3-none-any\n"
        ),
        f"{dist_info}/entry_points.txt": (
            f"[sklearn_mathdl.activations]\nsoftsign_ep = {name}:Softsign\n"
        ),
    }
    record = "".join(f"{path},,\n" for path in files) + f"{dist_info}/RECORD,,\n"
    files[f"{dist_info}/RECORD"] = record
    wheel = directory / f"{name}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as zf:
        for path, text in files.items():
            zf.writestr(path, text)
    return wheel


def test_entry_point_plugin_from_installed_package(
    tmp_path, monkeypatch, clean_registries
):
    wheel = _build_wheel(tmp_path)
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-index",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
    )
    monkeypatch.syspath_prepend(str(target))
    assert "softsign_ep" not in ACTIVATIONS._factories
    assert "softsign_ep" in available_activations()
    X, y = scaled_iris()
    clf = MLPClassifier(
        (10,),
        activation="softsign_ep",
        learning_rate_init=0.02,
        max_iter=300,
        random_state=0,
    )
    clf.fit(X, y)
    assert clf.score(X, y) > 0.9
    assert type(clf.network_.activations[0]).__module__ == "mathdl_softsign_plugin"
    check_activation("softsign_ep")
    monkeypatch.delitem(sys.modules, "mathdl_softsign_plugin", raising=False)


def test_loss_object_with_value_and_gradient_only(clean_registries):
    """A minimal plugin (no base class, no fused method) is enough."""

    class PlainL2:
        def value(self, y, o, sample_weight=None):
            w = np.ones(len(y)) if sample_weight is None else sample_weight
            return float(w @ ((o - y) ** 2).sum(axis=1) / w.sum())

        def gradient(self, y, o, sample_weight=None):
            w = np.ones(len(y)) if sample_weight is None else sample_weight
            return 2 * (o - y) * (w / w.sum())[:, None]

    check_loss(PlainL2())
    X, y = scaled_iris()
    clf = MLPClassifier(
        (10,), loss=PlainL2(), learning_rate_init=0.02, max_iter=300, random_state=0
    ).fit(X, y)
    assert clf.score(X, y) > 0.9
    assert clf.predict_proba(X[:3]).sum(axis=1) == pytest.approx(1)


@pytest.mark.parametrize(
    "kind,plural,article",
    [
        ("activation", "activations", "An"),
        ("loss", "losses", "A"),
        ("optimizer", "optimizers", "An"),
        ("schedule", "schedules", "A"),
        ("initializer", "initializers", "An"),
        ("kernel", "kernels", "A"),
        ("tokenizer", "tokenizers", "A"),
    ],
)
def test_registry_messages_read_well(kind, plural, article):

    registry = REGISTRIES[kind]
    with pytest.raises(
        ValueError, match=f"Unknown {kind} 'nope'. Available {plural}: "
    ):
        registry.get("nope")
    with pytest.raises(
        ValueError, match=f"is not a valid {kind}: .*{article} {kind} must"
    ):
        registry.get(object())
    assert registry.group == f"sklearn_mathdl.{plural}"


def test_failing_entry_points_are_named_and_break_nothing_else(run_python, tmp_path):
    dist_info = tmp_path / "site" / "broken_plugins-0.1.dist-info"
    dist_info.mkdir(parents=True)
    (dist_info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: broken-plugins\nVersion: 0.1\n"
    )
    (dist_info / "entry_points.txt").write_text(
        "[sklearn_mathdl.activations]\n"
        "missing_module = no_such_module_for_mathdl:Thing\n"
        "not_an_activation = json:dumps\n"
    )
    out = run_python(
        """
import warnings
from sklearn.datasets import load_iris
import sklearn_mathdl
from sklearn_mathdl import MLPClassifier
from sklearn_mathdl.plugins import available_activations

warnings.simplefilter("ignore")
X, y = load_iris(return_X_y=True)
assert {"missing_module", "not_an_activation"} <= set(available_activations())
MLPClassifier((4,), activation="tanh", max_iter=3).fit(X, y)
for name in ("missing_module", "not_an_activation"):
    try:
        MLPClassifier((4,), activation=name, max_iter=3).fit(X, y)
    except ImportError as exc:
        print(exc)
MLPClassifier((4,), activation="relu", max_iter=3).fit(X, y)
""",
        PYTHONPATH=str(tmp_path / "site"),
    )
    missing, invalid = out.strip().splitlines()
    for message, name in ((missing, "missing_module"), (invalid, "not_an_activation")):
        assert f"activation entry point {name!r}" in message
        assert "group 'sklearn_mathdl.activations'" in message
        assert "distribution broken-plugins 0.1" in message
    assert "ModuleNotFoundError" in missing and "no_such_module_for_mathdl" in missing
    assert "has no forward, backward method" in invalid
