"""Approximation theory of neural networks, made computable and exact.

- :func:`barron_bound`, :func:`gaussian_barron_constant`,
  :func:`radial_barron_constant`: Barron's (1993) bound :math:`(2 r C_f)^2 / n`
  on the squared error of the best one-hidden-layer network of ``n`` sigmoidal
  units, and the Fourier moment :math:`C_f` it depends on;
- :func:`telgarsky_sawtooth`: Telgarsky's (2016) deep ReLU network computing
  the ``k``-fold tent map exactly, with :math:`2^k` linear pieces;
- :func:`count_linear_regions`, :func:`linear_region_bounds`: the exact number
  of linear pieces of a one-input ReLU network, and the bounds of Montúfar et
  al. (2014) on the number of regions.
- :func:`noise_sensitivity`, :func:`layer_cushion`: the noise stability of a
  fitted MLP and its layer cushions (Arora, Ge, Neyshabur & Zhang 2018);
- :func:`compress_layer`, :func:`compress_mlp`: their compression of a layer
  to ``k`` random sign projections, and of every layer of a fitted MLP.
- :func:`spin_glass_hamiltonian`, :func:`spin_glass_minima`,
  :func:`spin_glass_threshold`, :func:`restart_losses`: the spherical p-spin
  glass, the energies of its local minima (Auffinger, Ben Arous & Černý 2013),
  and the spread of network losses over random restarts (Choromanska et al.
  2015);
- :func:`lp_descent`, :func:`fastest_lp_descent`, :func:`end_to_end_update`,
  :func:`lp_regression_optimum`: gradient descent on a linear model and its
  depth-2 factorisation under the lp loss, depth as acceleration (Arora, Cohen
  & Hazan 2018).
"""

from sklearn_mathdl.theory._barron import (
    barron_bound,
    gaussian_barron_constant,
    radial_barron_constant,
)
from sklearn_mathdl.theory._compression import compress_layer, compress_mlp
from sklearn_mathdl.theory._depth_acceleration import (
    end_to_end_update,
    fastest_lp_descent,
    lp_descent,
    lp_regression_optimum,
)
from sklearn_mathdl.theory._linear_regions import (
    count_linear_regions,
    linear_pieces,
    linear_region_bounds,
)
from sklearn_mathdl.theory._noise_stability import layer_cushion, noise_sensitivity
from sklearn_mathdl.theory._sawtooth import SawtoothNetwork, telgarsky_sawtooth
from sklearn_mathdl.theory._spin_glass import (
    restart_losses,
    spin_glass_hamiltonian,
    spin_glass_minima,
    spin_glass_threshold,
)

__all__ = [
    "SawtoothNetwork",
    "barron_bound",
    "compress_layer",
    "compress_mlp",
    "layer_cushion",
    "noise_sensitivity",
    "count_linear_regions",
    "gaussian_barron_constant",
    "linear_pieces",
    "linear_region_bounds",
    "radial_barron_constant",
    "telgarsky_sawtooth",
    "end_to_end_update",
    "fastest_lp_descent",
    "lp_descent",
    "lp_regression_optimum",
    "restart_losses",
    "spin_glass_hamiltonian",
    "spin_glass_minima",
    "spin_glass_threshold",
]
