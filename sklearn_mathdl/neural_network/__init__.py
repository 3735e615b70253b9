"""Dense neural networks: the shared core, its training machinery, the MLPs and
their plugins.

Modules
-------
- :mod:`~sklearn_mathdl.neural_network.activations`, ``losses``,
  ``regression_losses``, ``optimizers``, ``schedules``, ``initializers``: the
  built-in plugins, registered on import;
- ``_network``: :class:`DenseNetwork`, forward and backward passes written once;
- ``_training``: :class:`BaseDenseEstimator`, the training loop every estimator
  of the family shares;
- ``_multilayer_perceptron``: :class:`MLPClassifier` and :class:`MLPRegressor`.
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
