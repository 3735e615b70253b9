"""SawtoothNetwork's fit is a transaction like every estimator's."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sklearn_mathdl.theory import SawtoothNetwork
from tests.faults import (
    assert_call_is_transaction,
    count_package_lines,
    interrupt_at_line,
    pickled,
)


@pytest.mark.parametrize("fitted", [False, True])
def test_a_refused_k_leaves_the_network_as_it_was(fitted):
    net = SawtoothNetwork(k=2)
    if fitted:
        net.fit()
    net.set_params(k=61)  # finer than float64 resolves: refused at fit
    exc = assert_call_is_transaction(net, lambda est: est.fit())
    assert isinstance(exc, ValueError) and "k <= 60" in str(exc)


@settings(max_examples=25, deadline=None)
@given(fraction=st.floats(0.0, 1.0), fitted=st.booleans())
def test_ctrl_c_at_any_line_undoes_the_fit(fraction, fitted):
    net = SawtoothNetwork(k=3)
    if fitted:
        net.fit()
    net.set_params(k=4)
    n_lines = count_package_lines(lambda: SawtoothNetwork(k=4).fit())
    before = pickled(net)
    try:
        with interrupt_at_line(1 + int(fraction * (n_lines - 1))):
            net.fit()
    except KeyboardInterrupt:
        assert pickled(net) == before
    else:  # the interrupt landed after the fit's last line
        assert net.network_.layer_sizes[-1] == 1
