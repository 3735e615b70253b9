"""The trainer on its own: any DenseNetwork, any record, as another estimator
(the one-hidden-layer approximator) uses it."""

import types

import numpy as np
import pytest

from sklearn_mathdl.neural_network._minibatches import TrainingData
from sklearn_mathdl.neural_network._network import DenseNetwork
from sklearn_mathdl.neural_network._objective import Objective
from sklearn_mathdl.neural_network._reporting import Report
from sklearn_mathdl.neural_network._stopping import StoppingRule, start_record
from sklearn_mathdl.neural_network._tracing import PluginFault
from sklearn_mathdl.neural_network._trainer import Trainer
from sklearn_mathdl.plugins import (
    get_activation,
    get_initializer,
    get_loss,
    get_optimizer,
    get_schedule,
)


def one_hidden_layer(seed=0):
    network = DenseNetwork(
        [1, 16, 1], [get_activation("tanh"), get_activation("identity")], np.float64
    )
    network.initialize(get_initializer("glorot_uniform"), np.random.RandomState(seed))
    return network


def sine(n=200):
    X = np.linspace(-2, 2, n)[:, None]
    return TrainingData(X, np.sin(2 * X))


def trainer_for(optimizer, network, callbacks=None):
    optimizer = get_optimizer(optimizer)
    if not optimizer.full_batch:
        optimizer.initialize(network.params)
    schedule = get_schedule("constant")
    schedule.reset(0.01)
    return Trainer(
        Objective(get_loss("squared_error"), alpha=1e-5),
        optimizer,
        schedule,
        stopping=StoppingRule(tol=0.0, n_iter_no_change=np.inf),
        report=Report(owner=None, callbacks=callbacks),
        batch_size=20,
        random_state=np.random.RandomState(0),
        learning_rate_init=0.01,
    )


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("optimizer", ["adam", "lbfgs"])
def test_trains_a_network_with_any_record(optimizer):
    network, data = one_hidden_layer(), sine()
    record = types.SimpleNamespace()
    start_record(record, early_stopping=False)
    start = float(np.mean((network.forward(data.X) - data.Y) ** 2))
    trainer = trainer_for(optimizer, network)
    trainer.check_plugins(network, data)
    if optimizer == "lbfgs":
        trainer.train_full_batch(network, data, record, max_iter=200, tol=1e-10)
    else:
        trainer.train_epochs(network, data, record, n_epochs=200)
    end = float(np.mean((network.forward(data.X) - data.Y) ** 2))
    assert end < start / 20
    assert record.n_iter_ == len(record.loss_curve_) or optimizer == "lbfgs"
    assert record.t_ == (200 * 200 if optimizer == "adam" else 200)
    assert record.loss_curve_[-1] == pytest.approx(min(record.loss_curve_), rel=0.2)


def test_callbacks_receive_the_owner_and_stop_training():
    network, data = one_hidden_layer(), sine()
    record = types.SimpleNamespace()
    start_record(record, early_stopping=False)
    seen = []

    def stop_at_three(owner, info):
        seen.append((owner, info["epoch"]))
        return info["epoch"] == 3

    trainer = trainer_for("adam", network, callbacks=stop_at_three)
    trainer.train_epochs(network, data, record, n_epochs=50)
    assert seen == [(None, 1), (None, 2), (None, 3)] and record.n_iter_ == 3


def test_a_faulty_activation_is_named_by_the_trainer():
    class NaNTanh(type(get_activation("tanh"))):
        def derivative(self, z):
            return super().derivative(z) * np.nan

    network, data = one_hidden_layer(), sine()
    network.activations[0] = NaNTanh()
    record = types.SimpleNamespace()
    start_record(record, early_stopping=False)
    with pytest.raises(
        PluginFault, match=r"NaNTanh\(\) of layer 1 returned NaN in its backward"
    ):
        trainer = trainer_for("adam", network)
        trainer.check_plugins(network, data)
        trainer.train_epochs(network, data, record, n_epochs=5)
