"""sklearn_mathdl: the mathematics of deep learning as scikit-learn estimators.

The package is laid out by estimator family, as scikit-learn is:

- :mod:`sklearn_mathdl.neural_network`: the dense-network core, the MLPs and
  their plugins (activations, losses, optimizers, schedules, initializers);
- :mod:`sklearn_mathdl.plugins`: the one registry mechanism shared by every
  kind of plugin, extended by third-party packages through entry points;
- :mod:`sklearn_mathdl.utils`: the public plugin checkers (finite differences).
"""

from sklearn_mathdl import plugins  # noqa: F401
from sklearn_mathdl.neural_network import MLPClassifier, MLPRegressor
from sklearn_mathdl.neural_network import ShallowUniversalApproximator
from sklearn_mathdl import theory  # noqa: F401
from sklearn_mathdl import datasets, sentiment  # noqa: F401  (registers tokenizers)
from sklearn_mathdl.sentiment import LeastSquaresSentiment
from sklearn_mathdl.kernel_ridge import RepresenterKernelRegressor  # registers kernels

__version__ = "0.1.0"

__all__ = ["MLPClassifier", "MLPRegressor", "ShallowUniversalApproximator", "LeastSquaresSentiment", "RepresenterKernelRegressor", "__version__"]
