"""Kolmogorov–Arnold networks: a learnable univariate function on every edge.

Modules
-------
- ``_bspline``: B-splines on a uniform grid and their derivatives (Cox–de Boor);
- ``_kan_network``: :class:`KANNetwork`, forward and backward passes with
  packed parameters, trained by the package's one trainer;
- ``_sparsity`` and ``_objective``: the paper's L1 and entropy penalties,
  added to the package's penalised loss;
- ``_grid``: grid ranges, grid updates and grid extension by least squares;
- ``_training``: the grid stages of a fit around the trainer;
- ``_reading``: the learned functions, edge norms and pruning;
- ``_kan``: :class:`KolmogorovArnoldRegressor`.
"""

from sklearn_mathdl.kolmogorov_arnold._kan import KolmogorovArnoldRegressor
from sklearn_mathdl.kolmogorov_arnold._kan_network import KANNetwork

__all__ = ["KolmogorovArnoldRegressor", "KANNetwork"]
