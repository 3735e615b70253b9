"""sklearn_mathdl: the mathematics of deep learning as scikit-learn estimators.

Estimators are plugin-based: activations, losses, optimizers, learning-rate
schedules and initializers are looked up by name in registries
(:mod:`sklearn_mathdl.plugins`) that third-party packages extend through entry
points.
"""

# Importing the plugin modules registers the built-in plugins.
from sklearn_mathdl import (  # noqa: F401
    activations,
    initializers,
    losses,
    optimizers,
    plugins,
    schedules,
)
from sklearn_mathdl._mlp import MLPClassifier

__version__ = "0.1.0"

__all__ = ["MLPClassifier", "__version__"]
