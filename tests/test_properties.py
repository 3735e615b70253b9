"""Invariants of the losses and activations, over generated inputs (hypothesis)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from sklearn_mathdl.neural_network.losses import SoftmaxLoss
from sklearn_mathdl.plugins import available_losses, get_activation, get_loss

SOFTMAX_LOSSES = [n for n in available_losses() if isinstance(get_loss(n), SoftmaxLoss)]
finite = st.floats(-1e4, 1e4, allow_nan=False, width=64)


@st.composite
def targets_and_outputs(draw):
    n = draw(st.integers(1, 6))
    k = draw(st.integers(2, 5))
    o = draw(arrays(np.float64, (n, k), elements=finite))
    y = np.eye(k)[draw(arrays(np.int64, n, elements=st.integers(0, k - 1)))]
    return y, o


@settings(max_examples=60, deadline=None)
@given(data=targets_and_outputs(), shift=st.floats(-100, 100))
@pytest.mark.parametrize("name", SOFTMAX_LOSSES)
def test_softmax_losses_are_shift_invariant(name, data, shift):
    """σ(o + c) = σ(o), so ℓ is unchanged and Σ_j ∂ℓ/∂o_j = 0 on every row."""
    y, o = data
    loss = get_loss(name)
    value, grad = loss.value(y, o), loss.gradient(y, o)
    assert loss.value(y, o + shift) == pytest.approx(value, rel=1e-6, abs=1e-6)
    scale = max(1.0, np.abs(grad).max())
    np.testing.assert_allclose(grad.sum(axis=1), 0, atol=1e-9 * scale * o.shape[1])


@settings(max_examples=60, deadline=None)
@given(data=targets_and_outputs())
@pytest.mark.parametrize("name", available_losses())
def test_losses_are_finite_everywhere(name, data):
    y, o = data
    loss = get_loss(name)
    with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
        value, grad = loss.value(y, o), loss.gradient(y, o)
    assert np.isfinite(value) and np.all(np.isfinite(grad))


@settings(max_examples=60, deadline=None)
@given(z=arrays(np.float64, (3, 4), elements=finite))
def test_softmax_activation_is_a_distribution_and_its_vjp_kills_constants(z):
    act = get_activation("softmax")
    s = act.forward(z)
    assert np.all(s >= 0)
    np.testing.assert_allclose(s.sum(axis=1), 1)
    # J^T 1 = S ⊙ (1 - <1, S>) = 0: adding a constant to the upstream gradient
    # cannot change the gradient with respect to z.
    g = np.random.default_rng(0).normal(size=s.shape)
    np.testing.assert_allclose(act.backward(z, g + 3.0), act.backward(z, g), atol=1e-9)
