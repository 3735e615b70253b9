"""SawtoothNetwork's fit is a transaction like every estimator's."""

import pytest

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


@pytest.mark.parametrize("fitted", [False, True])
def test_ctrl_c_at_every_line_undoes_the_fit(fitted):
    """Every line of the fit (about 400), not a sample: the one between
    ``network_`` and ``n_features_in_`` is where a partial fit would show."""
    n_lines = count_package_lines(lambda: SawtoothNetwork(k=4).fit())
    for line in range(1, n_lines + 1):
        net = SawtoothNetwork(k=3)
        if fitted:
            net.fit()
        net.set_params(k=4)
        before = pickled(net)
        try:
            with interrupt_at_line(line):
                net.fit()
        except KeyboardInterrupt:
            assert pickled(net) == before, f"interrupted at package line {line}"
        else:
            assert line > 100  # the fit finished before this line: all covered
            break
