"""Kernel ridge regression by the Representer Theorem, and its kernel plugins.

- :class:`RepresenterKernelRegressor`: exact (blocked Cholesky, leave-one-out
  path) and large-scale (FALKON: Nyström + preconditioned CG) solvers;
- :mod:`sklearn_mathdl.kernel_ridge.kernels`: the kernels, registered in
  :data:`sklearn_mathdl.plugins.KERNELS` (importing this package registers them).
"""

from sklearn_mathdl.kernel_ridge import kernels  # noqa: F401  (registers kernels)
from sklearn_mathdl.kernel_ridge._representer import RepresenterKernelRegressor

__all__ = ["RepresenterKernelRegressor"]
