"""Learning-rate schedules and the Robbins–Monro conditions they document."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_iris
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler

from sklearn_mathdl import MLPClassifier
from sklearn_mathdl.neural_network.optimizers import SGD
from sklearn_mathdl.neural_network.schedules import (
    Constant,
    InverseScaling,
    ReduceOnPlateau,
    StepDecay,
)


def test_inverse_scaling_formula():
    s = InverseScaling(power_t=0.75, t0=50)
    s.reset(0.2)
    for t in (0, 1, 49, 1000):
        assert s.learning_rate(t, 0) == pytest.approx(0.2 / (1 + t / 50) ** 0.75)


@pytest.mark.parametrize(
    "power, expected",
    [
        (0.5, False),
        (0.51, True),
        (0.75, True),
        (1.0, True),
        (1.01, False),
        (2.0, False),
    ],
)
def test_robbins_monro_condition_is_exactly_half_open_interval(power, expected):
    assert InverseScaling(power_t=power).satisfies_robbins_monro() is expected


def test_step_decay_formula():
    s = StepDecay(drop=0.5, epochs_per_drop=3)
    s.reset(1.0)
    assert [s.learning_rate(0, e) for e in range(7)] == [1, 1, 1, 0.5, 0.5, 0.5, 0.25]


def test_reduce_on_plateau_divides_then_gives_up():
    # scikit-learn's rule: at a plateau, stop if the rate is already <= the
    # minimum, else divide it.
    s = ReduceOnPlateau(factor=0.5, min_learning_rate=0.25)
    s.reset(1.0)
    assert s.on_plateau() and s.learning_rate(5, 0) == 0.5
    assert s.on_plateau() and s.learning_rate(5, 0) == 0.25
    assert not s.on_plateau()  # 0.25 is the minimum: stop
    assert s.learning_rate(5, 0) == 0.25
    s.reset(1.0)
    assert s.learning_rate(0, 0) == 1.0


def sgd_distance_to_optimum(schedule, n_steps=20000, start=1e4, seed=0):
    """SGD on f(θ) = ½‖θ‖² in 5-D with unit-variance gradient noise.

    Mean distance to the minimiser 0 over the last 100 steps, averaged over 5 runs.
    """
    distances = []
    for run in range(5):
        rng = np.random.default_rng(seed + run)
        theta = np.full(5, start)
        opt = SGD(momentum=0.0)
        opt.initialize(theta)
        schedule.reset(0.5)
        tail = []
        for t in range(n_steps):
            grad = theta + rng.normal(size=5)
            opt.step(theta, grad, schedule.learning_rate(t, 0))
            if t >= n_steps - 100:
                tail.append(np.linalg.norm(theta))
        distances.append(np.mean(tail))
    return float(np.mean(distances))


def test_robbins_monro_schedules_converge_where_others_do_not():
    """The theorem's content, measured: only ½ < p ≤ 1 both moves and settles.

    - constant rate: Σ η² = ∞, the iterate keeps a noise floor ~ sqrt(η d / 2);
    - p = 1: Σ η = ∞ and Σ η² < ∞, the distance keeps shrinking (~ 1/sqrt(t));
    - p = 2: Σ η < ∞, the total movement is bounded and SGD stalls far away;
    - p = 0.4: Σ η² = ∞, slower than p = 1.
    """
    constant = sgd_distance_to_optimum(Constant())
    p1 = sgd_distance_to_optimum(InverseScaling(power_t=1.0, t0=10))
    p2 = sgd_distance_to_optimum(InverseScaling(power_t=2.0, t0=10))
    p04 = sgd_distance_to_optimum(InverseScaling(power_t=0.4, t0=10))
    assert p1 < constant / 5
    assert p2 > 10  # started at distance 2.2e4; Σ η ≈ 5 moves it by a factor e^5
    assert p1 < p04


def test_adaptive_schedule_reduces_the_rate_on_plateaus_during_fit():
    X, y = load_iris(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    rates = []
    clf = MLPClassifier(
        (8,),
        solver="sgd",
        learning_rate="adaptive",
        learning_rate_init=0.2,
        n_iter_no_change=2,
        tol=1e-3,
        max_iter=500,
        random_state=0,
        callbacks=lambda est, info: rates.append(info["learning_rate"]),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        clf.fit(X, y)
    distinct = sorted(set(rates), reverse=True)
    assert distinct[0] == 0.2 and len(distinct) >= 3
    np.testing.assert_allclose(np.diff(np.log(distinct)), np.log(0.2))
    # Training stopped because the rate fell below 1e-6, not at max_iter.
    assert clf.schedule_.current_ < 1e-6 and clf.n_iter_ < 500
