"""Dense neural networks: the shared core, its training machinery, the MLPs and
their plugins.

Modules
-------
- :mod:`~sklearn_mathdl.neural_network.activations`, ``losses``,
  ``regression_losses``, ``optimizers``, ``schedules``, ``initializers``: the
  built-in plugins, registered on import;
- ``_network``: :class:`DenseNetwork`, forward and backward passes written once;
- ``_trainer``: :class:`~sklearn_mathdl.neural_network._trainer.Trainer`, the
  one training loop (minibatch epochs, full-batch solvers) of any
  ``DenseNetwork``, with ``_objective`` (the penalised loss), ``_minibatches``
  (the data in each epoch's sample order), ``_stopping``
  (patience, early stopping), ``_reporting`` (verbose lines, callbacks) and
  ``_tracing`` (every non-finite value traced to a plugin, the data or the
  steps);
- ``_training``: :class:`BaseDenseEstimator`, what the MLPs share: plugin
  resolution and the set-up of a fresh or continued fit;
- ``_multilayer_perceptron``: :class:`MLPClassifier` and :class:`MLPRegressor`
  (with ``_targets``: label checks and encodings).
"""

# Importing the plugin modules registers the built-in plugins.
from sklearn_mathdl.neural_network import (  # noqa: F401
    activations,
    initializers,
    losses,
    optimizers,
    regression_losses,
    schedules,
)
from sklearn_mathdl.neural_network._multilayer_perceptron import (
    MLPClassifier,
    MLPRegressor,
)
from sklearn_mathdl.neural_network._network import DenseNetwork
from sklearn_mathdl.neural_network._shallow import ShallowUniversalApproximator

__all__ = [
    "MLPClassifier",
    "MLPRegressor",
    "DenseNetwork",
    "ShallowUniversalApproximator",
]
